"""core's one masker: what every feature shows of a resident's numbers in a group."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("电话13812345678", "电话138****5678"),
        ("电话 138 1234 5678", "电话 138****5678"),
        ("+86-138-1234-5678 张", "138****5678 张"),
        ("１３８１２３４５６７８", "138****5678"),
        ("3-2-201 张三 13812345678", "3-2-201 张三 138****5678"),
        ("座机010-12345678", "座机010-****5678"),
        ("电话：０７５５－１２３４５６７", "电话：0755-****4567"),
        ("身份证110101199003071234", "身份证110***********1234"),
        ("身份证11010119900307123X", "身份证110***********123X"),
        ("身份证 110105 19491231 002X", "身份证 110***********002X"),
        ("卡号6222020200112233445", "卡号6222********3445"),
        ("卡号 6222 0212 3456 7890 128", "卡号 6222********0128"),
        # what is not a personal number stays as written
        ("#0012 10月28日 09:00 3栋201", "#0012 10月28日 09:00 3栋201"),
        ("2026-11-22 10:30 3-2-201", "2026-11-22 10:30 3-2-201"),
        ("订单号 20261122103045", "订单号 20261122103045"),
        ("3-2-201", "3-2-201"),
        ("", ""),
    ],
)
def test_mask_private(text: str, masked: str) -> None:
    from plugins.core.privacy import mask_private

    assert mask_private(text) == masked


def test_every_feature_masks_with_core() -> None:
    """One masker: no feature keeps a pattern of its own for phone numbers."""
    import re
    from pathlib import Path

    plugins = Path(__file__).resolve().parents[1] / "plugins"
    mobile = re.compile(r"1\[3-9\]")
    own = [
        str(path.relative_to(plugins))
        for path in plugins.rglob("*.py")
        if mobile.search(path.read_text(encoding="utf-8"))
    ]
    # tickets finds the contact number in a report (to keep it, not to show it);
    # rules counts a phone number as an ad's contact handle (to score, not to mask)
    assert sorted(own) == [
        "core/privacy.py",
        "rules/detectors/score.py",
        "tickets/classify.py",
    ]
