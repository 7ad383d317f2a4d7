"""The tickets section: the documented fragment validates and holds the defaults."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from tests.shipped import section_text

ROOT = Path(__file__).resolve().parents[2]


def _load(tmp_path: Path, text: str):
    from plugins.core.config import load

    path = tmp_path / "linli.yaml"
    path.write_text(text, encoding="utf-8")
    return load(path)


def test_the_documented_fragment_validates_with_the_defaults(tmp_path: Path) -> None:
    from plugins.tickets.config import TicketsConfig

    base = (ROOT / "config/linli.yaml").read_text(encoding="utf-8")
    fragment = section_text("tickets")
    text = base if "\ntickets:\n" in base else base + "\n" + fragment
    config = _load(tmp_path, text)  # (a section written twice is refused)
    section = config.section("tickets")
    assert section == TicketsConfig()  # the file documents the defaults exactly
    assert section.sla.normal.acknowledge == timedelta(minutes=5)
    assert section.sla.p1.hours == "always"
    assert section.escalation.levels[1].after == timedelta(minutes=30)
    assert list(section.categories) == [
        "电梯", "水电", "保洁", "安保", "绿化", "停车", "噪音", "其他"
    ]  # fmt: skip


def test_empty_section_and_category_sla_overrides(tmp_path: Path) -> None:
    config = _load(
        tmp_path,
        "tickets:\n"
        "  categories:\n"
        "    电梯: {keywords: [电梯], sla: {normal: {resolve: 8h}}}\n"
        "    其他: {}\n",
    )
    section = config.section("tickets")
    sla = section.sla_for("电梯", "normal")
    assert (sla.acknowledge, sla.resolve) == (timedelta(minutes=5), timedelta(hours=8))
    assert section.sla_for("电梯", "p1").resolve == timedelta(hours=4)
    assert section.label("电梯", "en") == "电梯"


@pytest.mark.parametrize(
    ("body", "key", "words"),
    [
        ("  sla: {normal: {acknowledge: soon}}", "tickets.sla.normal.acknowledge",
         "duration"),
        ("  service_hours: {start: '20:00', end: '08:00'}", "tickets.service_hours",
         "must be after start"),
        ("  default_category: 杂项", "tickets", "not one of the categories"),
        ("  report_back: wechat", "tickets.report_back", "group"),
        ("  escalation: {nudge_at: 1.5}", "tickets.escalation.nudge_at", "less than"),
        ("  colour: red", "tickets.colour", "unknown key"),
    ],
)  # fmt: skip
def test_mistakes_name_the_key(tmp_path: Path, body: str, key: str, words: str) -> None:
    from plugins.core.config import ConfigError

    with pytest.raises(ConfigError) as info:
        _load(tmp_path, "tickets:\n" + body + "\n")
    text = str(info.value)
    assert f"[{key}]" in text and words in text, text


def test_group_override(tmp_path: Path) -> None:
    config = _load(
        tmp_path,
        'groups:\n  "qq:1": {tickets: {report_back: private, estate: 东区}}\n',
    )
    assert config.section("tickets", "qq:1").report_back == "private"
    assert config.section("tickets", "qq:1").estate == "东区"
    assert config.section("tickets").report_back == "group"
