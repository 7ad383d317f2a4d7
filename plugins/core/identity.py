"""Who someone is in linli: roles and households."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import IntEnum
from functools import lru_cache


class Role(IntEnum):
    RESIDENT = 0
    STAFF = 1
    ADMIN = 2
    SUPERUSER = 3

    @property
    def key(self) -> str:
        return f"core.role.{self.name.lower()}"


@dataclass(frozen=True)
class Household:
    building: str
    unit: str | None
    room: str

    @property
    def key(self) -> str:
        """``3-2-201`` or, without a unit, ``5-101``: what per-household counts use."""
        parts = [self.building, *([self.unit] if self.unit else []), self.room]
        return "-".join(parts)


@lru_cache(maxsize=16)
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def parse_household(nickname: str, pattern: str) -> Household | None:
    """The household in a group nickname such as ``3-2-201 张三`` or ``1栋101李明``."""
    match = _compiled(pattern).match(nickname or "")
    if match is None:
        return None
    groups = match.groupdict()
    building = (groups.get("building") or "").lstrip("0") or groups.get("building")
    room = groups.get("room")
    if not building or not room:
        return None
    unit = (groups.get("unit") or "").lstrip("0") or None
    return Household(building=building, unit=unit, room=room)


def listed(user: str, entries: list[str] | set[str] | frozenset[str]) -> bool:
    """Is ``user`` (``qq:123``) in a config list that may hold ``qq:123`` or ``123``?"""
    if user in entries:
        return True
    _, _, raw = user.partition(":")
    return raw in entries
