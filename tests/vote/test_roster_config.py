"""The roster (config list or CSV) and the vote: section of the YAML."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from tests.shipped import section_text

ROOT = Path(__file__).resolve().parents[2]


def test_config_fragment_validates_with_its_defaults(tmp_path: Path) -> None:
    from plugins.core.config import load
    from plugins.vote.config import VoteConfig

    text = (ROOT / "config/linli.yaml").read_text(encoding="utf-8")
    if "\nvote:\n" not in text:  # a section written twice is refused
        text += "\n" + section_text("vote")
    path = tmp_path / "linli.yaml"
    path.write_text(text, encoding="utf-8")
    config = load(path)
    section = config.section("vote")
    assert isinstance(section, VoteConfig)
    assert section == VoteConfig()  # every key at its default
    assert section.who_can_create == "staff"
    assert section.remind_before == timedelta(hours=2)
    assert section.nickname_example == "3-2-201 张三"


def test_bad_values_name_the_line_and_key(tmp_path: Path) -> None:
    from plugins.core.config import ConfigError, load

    path = tmp_path / "linli.yaml"
    path.write_text(
        "vote:\n  remind_before: soon\n  households:\n    - {building: 3, room: 201,"
        " area: -5}\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as info:
        load(path)
    text = str(info.value)
    assert f"{path}:2 [vote.remind_before]" in text
    assert "not a duration" in text
    assert f"{path}:3 [vote.households]: household 1: area: " in text


def test_roster_from_config_entries_and_short_text() -> None:
    from plugins.vote.config import VoteConfig

    section = VoteConfig.model_validate(
        {
            "households": [
                {"building": 3, "unit": 2, "room": 201, "area": 89.5},
                {"building": "03", "unit": "02", "room": "202", "area": "120.25"},
                "5-101 76.8",
                {"building": 5, "room": 102, "members": ["qq:777"]},
            ]
        }
    )
    roster = section.roster()
    assert set(roster.entries) == {"3-2-201", "3-2-202", "5-101", "5-102"}
    assert roster.entries["3-2-202"].area == 12025
    assert roster.entries["5-101"].area == 7680
    assert roster.for_member("qq:777").key == "5-102"
    assert roster.missing_areas == 1
    # scope: a building-3 group sees only building 3
    assert set(roster.only_building("3").entries) == {"3-2-201", "3-2-202"}


def test_roster_matches_nicknames_without_the_unit() -> None:
    from plugins.core import parse_household
    from plugins.core.config import DEFAULT_HOUSEHOLD_PATTERN
    from plugins.vote.roster import Roster, make_entry

    roster = Roster.of(
        [make_entry(3, 2, 201, 90), make_entry(3, 1, 101, 80), make_entry(3, 2, 101)]
    )

    def match(nick: str) -> str | None:
        entry = roster.match(parse_household(nick, DEFAULT_HOUSEHOLD_PATTERN))
        return entry.key if entry else None

    assert match("3-2-201 张三") == "3-2-201"
    assert match("3栋2单元201 张三") == "3-2-201"
    assert match("3栋201李四") == "3-2-201"  # only one room 201 in building 3
    assert match("3栋101李四") is None  # two rooms 101: ambiguous
    assert match("4-1-201 王五") is None


def test_csv_roster_with_chinese_header_in_gbk(tmp_path: Path) -> None:
    from plugins.vote.roster import build

    path = tmp_path / "名册.csv"
    path.write_bytes(
        "楼栋,单元,房号,面积(㎡),成员\n3,2,201,89.5,qq:1 qq:2\n3,2,202,120,\n\n"
        "5,,101,76.80,\n".encode("gbk")
    )
    roster = build(str(path))
    assert set(roster.entries) == {"3-2-201", "3-2-202", "5-101"}
    assert roster.entries["3-2-201"].members == ("qq:1", "qq:2")
    assert roster.entries["5-101"].area == 7680


def test_csv_roster_without_header_utf8_bom(tmp_path: Path) -> None:
    from plugins.vote.roster import build

    path = tmp_path / "households.csv"
    path.write_text("3,2,201,89.5\n3,2,202,100\n", encoding="utf-8-sig")
    assert len(build(str(path))) == 2


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("3,2,201,abc\n", ":1: area 'abc' is not a number"),
        ("3,2,201,80\n3,2,201,81\n", "listed twice"),
        ("名字,电话\n张三,1\n", ":1: the header needs building and room"),
        ("3,2,,80\n", ":1: a household needs a building and a room"),
    ],
)
def test_csv_mistakes_name_the_file_and_line(
    tmp_path: Path, content: str, problem: str
) -> None:
    from plugins.vote.roster import RosterError, build

    path = tmp_path / "r.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(RosterError) as info:
        build(str(path))
    assert problem in str(info.value)


def test_missing_csv_is_a_config_error(tmp_path: Path) -> None:
    from plugins.core.config import ConfigError, load

    path = tmp_path / "linli.yaml"
    path.write_text(f"vote:\n  households: {tmp_path / 'nope.csv'}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load(path)
    assert "cannot read the roster file" in str(info.value)
    assert "[vote.households]" in str(info.value)
