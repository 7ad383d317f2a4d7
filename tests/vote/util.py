"""Helpers for the vote tests (plugins are imported inside, after NoneBot starts);
the shared ones are in tests/helpers."""

from __future__ import annotations

import itertools
from zoneinfo import ZoneInfo

from tests.helpers import section_config

TZ = ZoneInfo("Asia/Shanghai")
_users = itertools.count(1)


def new_user() -> str:
    return f"qq:{8_000_000 + next(_users)}"


def voter(user: str, nickname: str):
    from plugins.core import parse_household
    from plugins.core.config import DEFAULT_HOUSEHOLD_PATTERN
    from plugins.vote.service import Voter

    return Voter(user, nickname, parse_household(nickname, DEFAULT_HOUSEHOLD_PATTERN))


async def make_vote(
    group: str,
    text: str,
    *,
    config=None,
    user: str = "qq:500",
    building: str | None = None,
    locale: str = "zh-CN",
):
    from plugins.vote import service
    from plugins.vote.parsing import parse_command

    spec = parse_command(text)
    return await service.create(
        group,
        user,
        spec,
        config=config if config is not None else section_config("vote"),
        locale=locale,
        tz=TZ,
        building=building,
    )


def households(n: int, *, building: int = 3, area: float | None = 90.0) -> list[dict]:
    """A roster of ``n`` households 3-1-101, 3-1-102, …"""
    return [
        {"building": building, "unit": 1, "room": 101 + i, "area": area}
        for i in range(n)
    ]
