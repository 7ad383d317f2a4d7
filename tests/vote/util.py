"""Helpers for the vote tests (plugins are imported inside, after NoneBot starts)."""

from __future__ import annotations

import itertools
import uuid
from typing import Any
from zoneinfo import ZoneInfo

TZ = ZoneInfo("Asia/Shanghai")
_users = itertools.count(1)


def new_group() -> str:
    """A group no other test uses (the database lives for the whole session)."""
    return f"qq:{uuid.uuid4().int % 10**12}"


def new_user() -> str:
    return f"qq:{8_000_000 + next(_users)}"


def vote_config(**values: Any):
    from plugins.vote.config import VoteConfig

    return VoteConfig.model_validate(values)


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
        config=config if config is not None else vote_config(),
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


class Capture:
    """Stands for an expected reply in nonebug and records what was sent."""

    def __init__(self) -> None:
        self.texts: list[str] = []

    def __eq__(self, other: object) -> bool:
        self.texts.append(str(other))
        return True

    def __ne__(self, other: object) -> bool:
        return not self.__eq__(other)

    __hash__ = None  # type: ignore[assignment]

    @property
    def text(self) -> str:
        return self.texts[-1]


class FakeQueue:
    """Records what the plugin queues for a group (send_queue() in tests)."""

    def __init__(self, fail: Exception | None = None) -> None:
        self.sent: list[tuple[str, str, str | None]] = []
        self.fail = fail

    def send_group(self, group: str, text: str, *, mention: str | None = None):
        import asyncio

        future = asyncio.get_running_loop().create_future()
        if self.fail is not None:
            future.set_exception(self.fail)
        else:
            self.sent.append((group, text, mention))
            future.set_result("1")
        return future


def new_group_id() -> int:
    """A numeric group id for fake OneBot events (qq:<id>)."""
    return 10**9 + uuid.uuid4().int % 10**9
