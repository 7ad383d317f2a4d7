"""Estates in the admin's YAML (plugins/core/estates.py, config.py) and who
counts as admin or staff where (permissions.py): one deployment, two estates,
nothing of one reaching the other."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.test_permissions import FakePort, info

TWO = """\
core:
  admins: ["qq:500"]
faq:
  cooldown_seconds: 30
estates:
  东区:
    name: 旗胜家园东区
    admins: ["qq:510"]
    staff: ["qq:610"]
    faq:
      cooldown_seconds: 40
  西区:
    name: 旗胜家园西区
    locale: en
    timezone: Asia/Urumqi
    admins: ["qq:520"]
groups:
  "qq:1000":
    name: 东区 3 栋
    estate: 东区
  "qq:1001":
    name: 东区 5 栋
    estate: 东区
    faq:
      cooldown_seconds: 50
  "qq:2000":
    name: 东区物业
    estate: 东区
    role: staff
  "qq:3000":
    name: 西区业主群
    estate: 西区
  "qq:4000":
    name: 西区物业
    estate: 西区
    role: staff
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "linli.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _load(tmp_path: Path, text: str):
    from plugins.core.config import load

    return load(_write(tmp_path, text))


def _problems(tmp_path: Path, text: str) -> dict[str, tuple[int, str]]:
    from plugins.core.config import ConfigError, load

    with pytest.raises(ConfigError) as caught:
        load(_write(tmp_path, text))
    return {p.key: (p.line, p.message) for p in caught.value.problems}


@pytest.fixture
def config(tmp_path: Path):
    return _load(tmp_path, TWO)


def test_a_file_without_estates_is_one_estate_unchanged(tmp_path: Path) -> None:
    config = _load(tmp_path, 'groups:\n  "qq:1": {name: 3栋}\n  "qq:2": {}\n')
    assert config.estate_ids() == ["default"]
    assert config.estate_of("qq:1") == config.estate_of(None) == "default"
    assert config.section("tickets", "qq:1").estate == "default"


def test_an_older_file_names_estates_through_tickets(tmp_path: Path) -> None:
    config = _load(
        tmp_path,
        'tickets: {estate: 总部}\ngroups:\n  "qq:1": {tickets: {estate: 东区}}\n'
        '  "qq:2": {}\n',
    )
    assert config.estate_of("qq:1") == "东区"
    assert config.estate_of("qq:2") == config.estate_of(None) == "总部"
    assert config.section("tickets", "qq:2").estate == "总部"


def test_each_group_belongs_to_its_estate(config) -> None:
    assert config.estate_ids() == ["东区", "西区"]
    assert config.groups_in("东区") == ["qq:1000", "qq:1001", "qq:2000"]
    assert config.groups_in("西区") == ["qq:3000", "qq:4000"]
    assert config.estate_name("东区") == "旗胜家园东区"
    assert [g for g, _ in config.groups_with(role="staff", estate="西区")] == [
        "qq:4000"
    ]
    # the tickets of a group are numbered and listed in its estate
    assert config.section("tickets", "qq:3000").estate == "西区"
    assert config.section("tickets", "qq:1001").estate == "东区"


def test_settings_merge_global_then_estate_then_group(config) -> None:
    assert config.section("faq").cooldown_seconds == 30
    assert config.section("faq", "qq:1000").cooldown_seconds == 40
    assert config.section("faq", "qq:1001").cooldown_seconds == 50
    assert config.section("faq", "qq:3000").cooldown_seconds == 30
    assert config.estate_section("faq", "东区").cooldown_seconds == 40


def test_locale_and_time_zone_come_from_the_estate(config) -> None:
    assert config.locale_of("qq:3000") == "en"
    assert config.locale_of("qq:1000") == "zh-CN"
    assert config.timezone_of("qq:3000") == "Asia/Urumqi"
    assert config.timezone_of("qq:1000") == "Asia/Shanghai"


def test_one_declared_estate_takes_the_groups_naming_none(tmp_path: Path) -> None:
    config = _load(tmp_path, 'estates:\n  东区: {}\ngroups:\n  "qq:1": {}\n')
    assert config.estate_of("qq:1") == config.estate_of(None) == "东区"


def test_mistakes_name_file_line_and_key(tmp_path: Path) -> None:
    text = TWO.replace("estate: 西区\n    role: staff", "estate: 西去\n    role: staff")
    problems = _problems(tmp_path, text)
    line, message = problems["groups.qq:4000.estate"]
    assert line == 35
    assert "unknown estate '西去'" in message and "did you mean 西区?" in message

    problems = _problems(tmp_path, TWO + '  "qq:5000": {name: 无主}\n')
    assert "say which this group belongs to" in problems["groups.qq:5000.estate"][1]

    problems = _problems(
        tmp_path,
        "estates:\n  东区:\n    timezone: Mars/Base\n    fqa: {}\n  a b: {}\n",
    )
    assert "unknown time zone" in problems["estates.东区.timezone"][1]
    assert problems["estates.东区.fqa"][0] == 4
    assert "an estate takes name, locale" in problems["estates.东区.fqa"][1]
    assert "without spaces" in problems["estates.a b"][1]

    problems = _problems(tmp_path, 'groups:\n  "qq:1": {estate: 东区}\n')
    assert (
        "is not declared: add it under estates" in (problems["groups.qq:1.estate"][1])
    )


def test_an_estates_feature_mistake_is_reported_where_written(tmp_path: Path) -> None:
    text = TWO.replace("cooldown_seconds: 40", "cooldown_seconds: -1")
    problems = _problems(tmp_path, text)
    assert list(problems) == ["estates.东区.faq.cooldown_seconds"]
    assert problems["estates.东区.faq.cooldown_seconds"][0] == 11


async def _role(config, user, group):
    from plugins.core.permissions import role_of

    return await role_of(info(user, group), FakePort(), config, set())


async def test_an_estates_admins_and_staff_are_nobody_elsewhere(config) -> None:
    from plugins.core.identity import Role

    assert await _role(config, "qq:510", "qq:1000") == Role.ADMIN
    assert await _role(config, "qq:510", "qq:3000") == Role.RESIDENT
    assert await _role(config, "qq:520", "qq:3000") == Role.ADMIN
    assert await _role(config, "qq:520", "qq:1000") == Role.RESIDENT
    assert await _role(config, "qq:610", "qq:1001") == Role.STAFF
    assert await _role(config, "qq:610", "qq:3000") == Role.RESIDENT
    # the company's office (core.admins) is admin in every estate
    assert await _role(config, "qq:500", "qq:3000") == Role.ADMIN
    # in a private chat an estate's admin is an admin (of their estate)
    assert await _role(config, "qq:520", None) == Role.ADMIN


async def test_a_staff_groups_members_are_staff_of_its_estate_only(config) -> None:
    from plugins.core.identity import Role
    from plugins.core.models import KnownMember
    from plugins.core.permissions import estates_of

    await KnownMember.create(user="qq:700", group="qq:2000", display_name="维修王")
    assert await _role(config, "qq:700", "qq:1000") == Role.STAFF
    assert await _role(config, "qq:700", "qq:3000") == Role.RESIDENT
    assert await estates_of("qq:700", config) == ["东区"]
    assert await estates_of("qq:520", config) == ["西区"]
    assert await estates_of("qq:500", config) == ["东区", "西区"]
    assert await estates_of("qq:42", config) == []


def test_the_shipped_example_of_estates_is_valid(tmp_path: Path) -> None:
    from plugins.core.sample import PLUGINS

    text = (PLUGINS / "core" / "config.groups.yaml").read_text(encoding="utf-8")
    lines = text.splitlines()
    start = lines.index("# estates:")
    block = []
    for line in lines[start:]:
        if not line.startswith("#"):
            break
        block.append(line.removeprefix("# "))
    config = _load(
        tmp_path,
        "\n".join(block)
        + '\ngroups:\n  "qq:1": {estate: 西区}\n  "qq:2": {estate: 东区}\n',
    )
    assert config.estate_ids() == ["东区", "西区"]
    assert config.estate_name("西区") == "旗胜家园西区"
    faq = config.section("faq", "qq:2")
    assert faq.entries[0].questions == ["东区健身房几点开门"]
    assert config.section("faq", "qq:1").entries != faq.entries
