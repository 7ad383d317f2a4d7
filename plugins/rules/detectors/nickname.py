"""Nickname format (实名): does a group card name a household?"""

from __future__ import annotations

from plugins.core import parse_household


def has_household(display_name: str, pattern: str) -> bool:
    return parse_household(display_name or "", pattern) is not None
