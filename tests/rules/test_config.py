"""The rules section: the documented fragment is valid and at its defaults,
mistakes name the line and the key, durations are read as admins write them."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.shipped import section_text

ROOT = Path(__file__).resolve().parents[2]


def _load(tmp_path: Path, text: str):
    from plugins.core.config import load

    path = tmp_path / "linli.yaml"
    path.write_text(text, encoding="utf-8")
    return load(path)


def test_documented_fragment_is_valid_and_at_defaults(tmp_path: Path) -> None:
    from plugins.rules.config import RulesConfig

    base = (ROOT / "config/linli.yaml").read_text(encoding="utf-8")
    if "\nrules:" in base:  # already merged by the integrator
        text = base
    else:
        fragment = section_text("rules")
        text = base + "\n" + fragment
    config = _load(tmp_path, text)
    assert config.section("rules") == RulesConfig()
    cfg = config.section("rules")
    assert cfg.ladder.steps == ["warn", "mute 10m", "kick"]
    assert cfg.ladder.window == 30 * 86400
    assert cfg.fraud.strikes == 3
    assert cfg.personal_data.action == "remind"
    assert not cfg.quiet_hours.enabled
    assert "gov.cn" in cfg.ads.whitelist_domains


def test_fragment_is_commented_in_both_languages() -> None:
    text = section_text("rules")
    assert text.startswith("#") and "\nrules:\n" in text
    comments = [line for line in text.splitlines() if line.lstrip().startswith("#")]
    assert any("警告" in line for line in comments)
    assert any("warn" in line for line in comments)


def test_empty_section_works_and_durations_are_read(tmp_path: Path) -> None:
    config = _load(
        tmp_path,
        "rules:\n  ladder:\n    window: 3s\n    steps: [警告, 禁言 2小时, mute, 移出]\n"
        "  raid: {guard: 10分钟}\n",
    )
    cfg = config.section("rules")
    assert cfg.ladder.window == 3
    assert cfg.raid.guard == 600
    from plugins.rules.ladder import Step, steps_of

    assert steps_of(cfg.ladder.steps) == (
        Step("warn"), Step("mute", 7200), Step("mute", 600), Step("kick"),
    )  # fmt: skip
    assert _load(tmp_path, "rules:\n").section("rules").enabled


@pytest.mark.parametrize(
    ("yaml_text", "line", "key"),
    [
        ("rules:\n  ladder:\n    steps: [warn, ban, kick]\n", 3, "rules.ladder.steps"),
        ("rules:\n  ladder:\n    window: soon\n", 3, "rules.ladder.window"),
        ("rules:\n  words:\n    words: ['re:(oops']\n", 3, "rules.words.words"),
        ("rules:\n  fraud:\n    action: explode\n", 3, "rules.fraud.action"),
        ("rules:\n  flood:\n    mesages: 3\n", 3, "rules.flood.mesages"),
        ("rules:\n  quiet_hours:\n    start: 25:00\n", 3, "rules.quiet_hours.start"),
        ("rules:\n  ads:\n    whitelist_domains: [nope]\n", 3, "rules.ads"),
    ],
)
def test_mistakes_name_line_and_key(
    tmp_path: Path, yaml_text: str, line: int, key: str
) -> None:
    from plugins.core.config import ConfigError

    with pytest.raises(ConfigError) as info:
        _load(tmp_path, yaml_text)
    problem = info.value.problems[0]
    assert problem.key.startswith(key)
    assert problem.line == line


def test_group_override(tmp_path: Path) -> None:
    config = _load(
        tmp_path,
        "rules:\n  flood: {messages: 20}\n"
        "groups:\n  'qq:1':\n    rules:\n"
        "      flood: {enabled: false}\n      ladder: {fallback: next}\n",
    )
    assert config.section("rules").flood.enabled
    mine = config.section("rules", "qq:1")
    assert not mine.flood.enabled and mine.flood.messages == 20
    assert mine.ladder.fallback == "next"
