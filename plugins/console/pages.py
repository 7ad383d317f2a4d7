"""Rendering: Jinja2 templates and the stylesheet shipped in this folder.

Templates name their texts as ``_("console.…")``; every such key is listed in
``texts.TEMPLATE_KEYS`` (a test keeps the two in step), so the locale files'
usage check sees them.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from jinja2 import Environment, FileSystemLoader, select_autoescape

from plugins.core import t

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"

_env = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)
_env.globals["urlencode"] = urlencode


def render(template_name: str, locale: str, /, **values: Any) -> str:
    template = _env.get_template(template_name)
    return template.render(_=partial(t, locale), locale=locale, **values)


def stylesheet() -> bytes:
    return (STATIC / "console.css").read_bytes()
