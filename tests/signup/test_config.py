"""The signup section of config/linli.yaml validates, at its defaults."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest

from tests.shipped import section_text

ROOT = Path(__file__).resolve().parents[2]


def _load(tmp_path: Path, group_override: str = ""):
    """config/linli.yaml with the fragment (once merged there, as it is)."""
    from plugins.core.config import load

    text = (ROOT / "config/linli.yaml").read_text(encoding="utf-8")
    fragment = section_text("signup")
    if not re.search(r"^signup:", text, re.MULTILINE):
        text += "\n" + fragment
    if group_override:
        assert re.search(r"^groups:", text, re.MULTILINE)
        head = 'groups:\n  "qq:1":\n    signup:\n' + group_override
        text = re.sub(r"^groups:.*$", lambda _: head, text, count=1, flags=re.M)
    path = tmp_path / "linli.yaml"
    path.write_text(text, encoding="utf-8")
    return load(path)


def test_fragment_validates_and_matches_the_defaults(tmp_path: Path) -> None:
    from plugins.signup.config import SignupConfig

    config = _load(tmp_path)
    section = config.section("signup")
    assert section == SignupConfig()  # every key written, at its default
    assert section.remind_before == timedelta(hours=2)
    assert section.who_can_create == "staff"
    fragment = section_text("signup")
    for key in SignupConfig.model_fields:
        assert re.search(rf"^  {key}:", fragment, re.MULTILINE), key


def test_group_override_and_mistakes_name_the_key(tmp_path: Path) -> None:
    from plugins.core.config import ConfigError

    config = _load(tmp_path, '      per_household: true\n      remind_before: "0"')
    group = config.section("signup", "qq:1")
    assert group.per_household and group.remind_before is None
    assert not config.section("signup").per_household
    with pytest.raises(ConfigError) as info:
        _load(tmp_path, "      remind_before: 两天")
    assert "[groups.qq:1.signup.remind_before]" in str(info.value)
    assert "2h" in str(info.value)
