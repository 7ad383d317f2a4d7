"""Translated texts: ``t(locale, key, **values)`` over ``locales/``.

Each locale is ``locales/<locale>.yaml`` (core's texts) plus one file per plugin
in ``locales/<locale>/<plugin>.yaml``, with keys under the plugin's name.

zh-CN is the reference; a key missing from another locale falls back to it
(and a test fails on that, so it never ships).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from nonebot import logger

DEFAULT_LOCALE = "zh-CN"
LOCALES_DIR = Path(__file__).resolve().parents[2] / "locales"


def flatten(tree: dict[str, Any], prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in tree.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(flatten(value, f"{name}."))
        else:
            flat[name] = str(value)
    return flat


def load_locales(directory: Path = LOCALES_DIR) -> dict[str, dict[str, str]]:
    """``locales/<locale>.yaml`` plus one file per plugin in ``locales/<locale>/``."""
    catalogs: dict[str, dict[str, str]] = {}
    for file in sorted(directory.glob("*.yaml")):
        locale = file.stem
        files = [file, *sorted((directory / locale).glob("*.yaml"))]
        catalog: dict[str, str] = {}
        for part in files:
            with part.open(encoding="utf-8") as f:
                texts = flatten(yaml.safe_load(f) or {})
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
