"""The admin's YAML: the shipped file is valid, and every mistake names line and key."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _load(tmp_path: Path, text: str):
    from plugins.core.config import load

    path = tmp_path / "linli.yaml"
    path.write_text(text, encoding="utf-8")
    return path, load(path)


def _problems(tmp_path: Path, text: str) -> list:
    from plugins.core.config import ConfigError

    with pytest.raises(ConfigError) as info:
        _load(tmp_path, text)
    return info.value.problems


def test_shipped_config_is_valid_and_has_defaults() -> None:
    from plugins.core.config import load

    config = load(ROOT / "config/linli.yaml")
    assert config.core.locale == "zh-CN"
    assert config.core.timezone == "Asia/Shanghai"
    # every registered plugin section is present and enabled by default
    from plugins.core.config import registered_sections

    for name in registered_sections():
        assert config.section(name).enabled


def test_shipped_config_is_commented_in_chinese_and_english() -> None:
    text = (ROOT / "config/linli.yaml").read_text(encoding="utf-8")
    comments = [line for line in text.splitlines() if line.lstrip().startswith("#")]
    assert any("配置" in line for line in comments)
    assert any("configuration" in line for line in comments)


def test_empty_file_runs_on_defaults(tmp_path: Path) -> None:
    _, config = _load(tmp_path, "")
    assert config.core.locale == "zh-CN"
    assert config.groups == {}


def test_wrong_type_names_line_and_key(tmp_path: Path) -> None:
    problems = _problems(
        tmp_path, "core:\n  locale: zh-CN\n  scheduler:\n    poll_seconds: often\n"
    )
    assert len(problems) == 1
    p = problems[0]
    assert (p.line, p.key) == (4, "core.scheduler.poll_seconds")
    assert "valid number" in p.message and "(got often)" in p.message
    assert str(p).startswith(
        f"{tmp_path / 'linli.yaml'}:4 [core.scheduler.poll_seconds]"
    )


def test_misspelt_key_and_unknown_section(tmp_path: Path) -> None:
    problems = _problems(tmp_path, "core:\n  locael: en\nsingup:\n  enabled: true\n")
    by_key = {p.key: p for p in problems}
    assert by_key["core.locael"].line == 2
    assert "unknown key" in by_key["core.locael"].message
    assert by_key["singup"].line == 3
    assert "unknown section" in by_key["singup"].message


def test_yaml_syntax_error_has_a_line(tmp_path: Path) -> None:
    problems = _problems(tmp_path, "core:\n  locale: [zh-CN\n  timezone: x\n")
    assert problems[0].line is not None
    assert "YAML syntax" in problems[0].message


def test_group_ids_profiles_and_overrides(tmp_path: Path) -> None:
    _, config = _load(
        tmp_path,
        "core:\n  scheduler: {poll_seconds: 2}\n"
        "groups:\n"
        '  "qq:1":\n    role: staff\n    locale: en\n    tags: [a]\n'
        '  "wx:9@chatroom":\n    tags: [a, b]\n'
        '  "tg:-100123":\n    building: "3"\n',
    )
    assert config.group("qq:1").role == "staff"
    assert config.locale_of("qq:1") == "en"
    assert config.locale_of("qq:404") == "zh-CN"
    assert [g for g, _ in config.groups_with(tag="a")] == ["qq:1", "wx:9@chatroom"]
    assert config.group("tg:-100123").building == "3"

    problems = _problems(tmp_path, 'groups:\n  "123456":\n    role: staff\n')
    assert problems[0].key == "groups.123456" and problems[0].line == 2
    problems = _problems(tmp_path, 'groups:\n  "qq:1":\n    role: boss\n')
    assert problems[0].key == "groups.qq:1.role" and problems[0].line == 3
    problems = _problems(tmp_path, 'groups:\n  "qq:1":\n    colour: red\n')
    assert problems[0].key == "groups.qq:1.colour"


def test_group_override_of_a_section_is_merged_and_validated(tmp_path: Path) -> None:
    from plugins.core.config import Section, register_section

    class DemoConfig(Section):
        cooldown: int = 60
        words: list[str] = []

    register_section("demo_section", DemoConfig)
    try:
        _, config = _load(
            tmp_path,
            "demo_section:\n  cooldown: 30\n  words: [a]\n"
            'groups:\n  "qq:1":\n    demo_section:\n      enabled: false\n',
        )
        assert config.section("demo_section").cooldown == 30
        in_group = config.section("demo_section", "qq:1")
        assert (in_group.enabled, in_group.cooldown, in_group.words) == (
            False,
            30,
            ["a"],
        )
        problems = _problems(
            tmp_path,
            'groups:\n  "qq:1":\n    demo_section:\n      cooldown: soon\n',
        )
        assert problems[0].key == "groups.qq:1.demo_section.cooldown"
        assert problems[0].line == 4
    finally:
        from plugins.core import config as module

        module._sections.pop("demo_section")


def test_bad_household_pattern_and_timezone(tmp_path: Path) -> None:
    problems = _problems(
        tmp_path, "core:\n  household_pattern: '(\\d+'\n  timezone: Mars/Base\n"
    )
    keys = {p.key: p.message for p in problems}
    assert "not a valid regular expression" in keys["core.household_pattern"]
    assert "unknown time zone" in keys["core.timezone"]


def test_store_keeps_last_good_config(tmp_path: Path) -> None:
    from plugins.core.config import ConfigError, ConfigStore

    path, _ = _load(tmp_path, "core:\n  locale: en\n")
    store = ConfigStore()
    seen = []
    store.on_change(lambda c: seen.append(c.core.locale))
    store.load(path)
    path.write_text("core:\n  locale: fr\n", encoding="utf-8")
    with pytest.raises(ConfigError):
        store.reload()
    assert store.current.core.locale == "en"
    path.write_text("core:\n  locale: zh-CN\n", encoding="utf-8")
    store.reload()
    assert seen == ["en", "zh-CN"]
