"""Translated texts: ``t(locale, key, **values)`` over ``locales/``.

Each locale is ``locales/<locale>.yaml`` (core's texts) plus one file in each
feature's folder, ``plugins/<name>/locales/<locale>.yaml``, whose keys all sit
under the feature's name (``signup.closed``): a feature's texts live with it.

zh-CN is the reference; a key missing from another locale falls back to it
(and a test fails on that, so it never ships).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from nonebot import logger

DEFAULT_LOCALE = "zh-CN"
ROOT = Path(__file__).resolve().parents[2]
LOCALES_DIR = ROOT / "locales"
PLUGINS_DIR = ROOT / "plugins"


def flatten(tree: dict[str, Any], prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in tree.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(flatten(value, f"{name}."))
        else:
            flat[name] = str(value)
    return flat


def _read(part: Path) -> dict[str, str]:
    with part.open(encoding="utf-8") as f:
        return flatten(yaml.safe_load(f) or {})


def load_locales(
    directory: Path = LOCALES_DIR, plugins: Path = PLUGINS_DIR
) -> dict[str, dict[str, str]]:
    """``locales/<locale>.yaml`` plus ``plugins/*/locales/<locale>.yaml``."""
    catalogs: dict[str, dict[str, str]] = {}
    for file in sorted(directory.glob("*.yaml")):
        locale = file.stem
        catalog = _read(file)
        for part in sorted(plugins.glob(f"*/locales/{locale}.yaml")):
            name = part.parents[1].name
            texts = _read(part)
            outside = sorted(k for k in texts if not k.startswith(f"{name}."))
            if outside:
                raise ValueError(f"{part}: keys outside '{name}:': {outside}")
            clash = sorted(set(texts) & set(catalog))
            if clash:
                raise ValueError(f"{part}: keys defined twice in {locale}: {clash}")
            catalog.update(texts)
        catalogs[locale] = catalog
    return catalogs


_catalogs: dict[str, dict[str, str]] = load_locales()


class _Safe(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def t(locale: str | None, key: str, /, **values: Any) -> str:
    """The text for ``key`` in ``locale`` with ``{placeholders}`` filled in."""
    catalog = _catalogs.get(locale or DEFAULT_LOCALE) or _catalogs[DEFAULT_LOCALE]
    text = catalog.get(key)
    if text is None:
        text = _catalogs[DEFAULT_LOCALE].get(key)
        if text is None:
            logger.error(f"i18n: no text for key {key!r}")
            return key
    return text.format_map(_Safe(values)) if values else text


def available_locales() -> list[str]:
    return sorted(_catalogs)
