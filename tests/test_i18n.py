"""Every key exists in every locale, every key is used, placeholders agree."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCES = [
    p
    for folder in ("plugins", "adapters")
    for p in (ROOT / folder).rglob("*.py")
    if "migrations" not in p.parts
]
# Jinja2 templates name their texts as _("key") or _("prefix." + name)
TEMPLATES = sorted((ROOT / "plugins").glob("*/templates/*.html"))
TEMPLATE_KEY = re.compile(r"""_\(\s*["']([\w.]+)["']\s*[,)]""")


def _help_keys(code: str) -> set[str]:
    """A feature's metadata names its help prefix (``"help": "signup.help"``);
    /帮助 reads the fields of plugins.core.help.FIELDS under it."""
    from plugins.core.help import FIELDS

    prefixes = re.findall(r'"help":\s*"(\w+\.help)"', code)
    return {f"{prefix}.{field}" for prefix in prefixes for field in FIELDS}


def test_locales_have_the_same_keys_and_placeholders() -> None:
    from plugins.core.i18n import DEFAULT_LOCALE, load_locales

    catalogs = load_locales()
    assert {"zh-CN", "en"} <= set(catalogs)
    reference = catalogs[DEFAULT_LOCALE]
    for locale, catalog in catalogs.items():
        missing = sorted(set(reference) - set(catalog))
        extra = sorted(set(catalog) - set(reference))
        assert not missing, f"{locale} lacks {missing}"
        assert not extra, f"{locale} has keys zh-CN lacks: {extra}"
        for key, text in reference.items():
            fields = set(re.findall(r"{(\w+)}", text))
            assert fields == set(re.findall(r"{(\w+)}", catalog[key])), (locale, key)


def test_every_key_is_used_in_the_code() -> None:
    from plugins.core.i18n import DEFAULT_LOCALE, load_locales

    code = "\n".join(p.read_text(encoding="utf-8") for p in SOURCES + TEMPLATES)
    help_keys = _help_keys(code)
    unused = []
    for key in load_locales()[DEFAULT_LOCALE]:
        if f'"{key}"' in code or f"'{key}'" in code or key in help_keys:
            continue
        # keys built as f"{prefix}.{name}" (e.g. roles) are named by their prefix
        prefix = key.rsplit(".", 1)[0]
        if any(f"{q}{prefix}.{q} +" in code for q in "\"'"):
            continue
        if f'f"{prefix}.' in code:
            continue
        unused.append(key)
    assert not unused, f"unused locale keys: {unused}"


def test_every_key_the_code_names_exists() -> None:
    from plugins.core.i18n import DEFAULT_LOCALE, load_locales

    keys = set(load_locales()[DEFAULT_LOCALE])
    named = set()
    for path in SOURCES:
        text = path.read_text(encoding="utf-8")
        named |= set(re.findall(r'\bt\([^,()]*,\s*"([\w.]+)"', text))
        named |= set(re.findall(r'\.t\(\s*"([\w.]+)"', text))
    for path in TEMPLATES:
        text = path.read_text(encoding="utf-8")
        named |= set(TEMPLATE_KEY.findall(text))
        for prefix in re.findall(r"""_\(\s*["']([\w.]+\.)["']\s*\+""", text):
            assert any(k.startswith(prefix) for k in keys), (path.name, prefix)
    named |= _help_keys("\n".join(p.read_text(encoding="utf-8") for p in SOURCES))
    assert named, "the scan found no keys at all"
    assert not sorted(named - keys)


def test_t_fills_values_and_falls_back() -> None:
    from plugins.core.i18n import t

    assert (
        t("en", "core.denied", role="admins")
        == "Sorry, this command is for admins only."
    )
    assert t("fr", "core.denied", role="x") == t("zh-CN", "core.denied", role="x")
    assert t("en", "no.such.key") == "no.such.key"


def test_a_feature_file_holds_only_its_own_keys(tmp_path: Path) -> None:
    import pytest

    from plugins.core.i18n import load_locales

    (tmp_path / "locales").mkdir()
    (tmp_path / "locales" / "zh-CN.yaml").write_text("core: {a: 甲}\n", "utf-8")
    folder = tmp_path / "plugins" / "demo" / "locales"
    folder.mkdir(parents=True)
    (folder / "zh-CN.yaml").write_text("demo: {b: 乙}\n", "utf-8")
    catalogs = load_locales(tmp_path / "locales", tmp_path / "plugins")
    assert catalogs["zh-CN"] == {"core.a": "甲", "demo.b": "乙"}
    (folder / "zh-CN.yaml").write_text("demo: {b: 乙}\nsignup: {c: 丙}\n", "utf-8")
    with pytest.raises(ValueError, match="outside 'demo:'"):
        load_locales(tmp_path / "locales", tmp_path / "plugins")
