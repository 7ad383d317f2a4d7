"""The shipped faq section validates inside the admin's file, with its defaults."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import ROOT
from tests.shipped import section_text


def test_linli_yaml_with_the_faq_fragment_validates(tmp_path: Path) -> None:
    from plugins.core.config import load
    from plugins.faq.config import FaqConfig, entry_keys

    path = tmp_path / "linli.yaml"
    text = (ROOT / "config/linli.yaml").read_text(encoding="utf-8")
    if "\nfaq:\n" not in text:  # a section written twice is refused
        text += "\n" + section_text("faq")
    path.write_text(text, encoding="utf-8")
    config = load(path)
    section = config.section("faq")
    defaults = FaqConfig()
    # every key of the fragment is at the code's default, except the entries
    assert section.model_dump(exclude={"entries"}) == defaults.model_dump(
        exclude={"entries"}
    )
    keys = entry_keys(section)
    for wanted in (
        "物业电话",
        "健身房",
        "停车费",
        "垃圾分类",
        "快递",
        "门禁卡",
        "报修",
    ):
        assert wanted in keys
    assert "缴费" in keys
    assert len(section.entries) >= 10
    for entry in section.entries:  # phone numbers are placeholders only
        digits = "".join(ch if ch.isdigit() else " " for ch in entry.answer).split()
        assert all(len(d) < 7 for d in digits), entry.answer


def test_an_empty_section_works() -> None:
    from plugins.faq.config import FaqConfig

    section = FaqConfig.model_validate({})
    assert section.enabled and section.entries == []
    assert section.answer_threshold > section.suggest_threshold


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"answer": "x"}, "questions or keywords"),
        (
            {"questions": ["a"], "answer": "x", "mode": "regex", "keywords": ["b"]},
            "only",
        ),
        ({"questions": ["(unclosed"], "answer": "x", "mode": "regex"}, "regular"),
        ({"questions": ["a"], "answer": "x", "active_hours": ["8点到9点"]}, "08:00"),
        ({"id": "12", "questions": ["a"], "answer": "x"}, "only digits"),
        ({"questions": ["a"], "answer": ""}, "must not be empty"),
    ],
)
def test_bad_entries_are_named(tmp_path: Path, entry: dict, message: str) -> None:
    import yaml

    from plugins.core.config import ConfigError, load

    path = tmp_path / "linli.yaml"
    path.write_text(
        yaml.safe_dump({"faq": {"entries": [entry]}}, allow_unicode=True),
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as info:
        load(path)
    text = str(info.value)
    assert "[faq.entries.0" in text
    assert message in text


def test_duplicate_ids_and_thresholds_are_refused(tmp_path: Path) -> None:
    from pydantic import ValidationError

    from plugins.faq.config import FaqConfig

    with pytest.raises(ValidationError, match="id 'Y2'"):
        FaqConfig.model_validate(
            {
                "entries": [
                    {"id": "Y2", "questions": ["a"], "answer": "x"},
                    {"questions": ["b"], "answer": "y"},
                ]
            }
        )
    with pytest.raises(ValidationError, match="suggest_threshold"):
        FaqConfig.model_validate({"answer_threshold": 0.5, "suggest_threshold": 0.7})
