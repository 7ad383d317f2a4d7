"""Joins and leaves where the platform does not report them.

ComWeChatBotClient (WeChat over OneBot v12) defines group_member_increase and
decrease but never emits them, so the welcome, the nickname check, the re-mute
on rejoin, the blacklist and the raid counter would never run there. For such
a platform (a port without ``Capability.JOIN_EVENTS`` that has
``MEMBER_LIST``) core compares each group's member list every
``core.members.poll_seconds`` and hands every difference to the same handlers
a join event reaches (``on_member_change``), as a ``MemberChange`` without an
operator.

- The first list of a group is only remembered: nobody "joins" at start-up.
- At most ``core.members.groups_per_round`` groups are asked per round, the
  longest-waiting first, so a deployment with many WeChat groups spreads its
  calls instead of bursting them.
- The groups watched are the configured ones and those linli has seen a message
  in (``core_member``), on platforms that need it.
- The lists live in memory: members who join while linli is stopped are not
  welcomed (they are in the first list after the restart).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

from nonebot import logger

from adapters import PlatformError, Port, split_id
from adapters.port import Capability, MemberChange, NotSupported

from .bots import port_for_group
from .config import store
from .models import KnownMember

Listener = Callable[[MemberChange, Port], Awaitable[None]]
_listeners: list[Listener] = []


def on_member_change(listener: Listener) -> Listener:
    """Register ``listener(change, port)`` for joins and leaves seen in member
    lists (a feature also handling join *events* calls the same function)."""
    _listeners.append(listener)
    return listener


def needs_watching(port: Port) -> bool:
    return not port.can(Capability.JOIN_EVENTS) and port.can(Capability.MEMBER_LIST)


class MemberWatch:
    def __init__(self, clock: Callable[[], float] = time.monotonic):
        self.clock = clock
        self.lists: dict[str, frozenset[str]] = {}  # group → its members
        self.asked: dict[str, float] = {}  # group → when its list was read
        self._task: asyncio.Task[None] | None = None
        self._seen: tuple[float, frozenset[str]] | None = None  # when, groups

    async def candidates(self) -> list[str]:
        """Configured groups and groups seen speaking (read from the database
        at most once per poll interval)."""
        now = self.clock()
        every = store.current.core.members.poll_seconds
        if self._seen is None or now - self._seen[0] >= every:
            rows = await KnownMember.all().distinct().values_list("group", flat=True)
            self._seen = (now, frozenset(str(group) for group in rows))
        return sorted(set(store.current.groups) | self._seen[1])

    async def round(self) -> int:
        """Ask the groups that are due; the number of changes handed on."""
        settings = store.current.core.members
        now = self.clock()
        due = [
            group
            for group in await self.candidates()
            if now - self.asked.get(group, float("-inf")) >= settings.poll_seconds
        ]
        due.sort(key=lambda group: self.asked.get(group, float("-inf")))
        changes = 0
        asked = 0
        for group in due:
            if asked >= settings.groups_per_round:
                break
            try:
                port = port_for_group(group)
            except (PlatformError, ValueError):
                continue  # no bot of that platform online (or not an id)
            if not needs_watching(port):
                self.asked[group] = now  # reported by events: look again later
                continue
            asked += 1
            changes += await self.compare(group, port)
        return changes

    async def compare(self, group: str, port: Port) -> int:
        self.asked[group] = self.clock()
        try:
            members = await port.member_ids(group)
        except (PlatformError, NotSupported) as exc:
            logger.warning(f"members: could not list {group}: {exc}")
            return 0
        if not members:
            return 0  # an empty answer is a hiccup, not everyone leaving
        before = self.lists.get(group)
        self.lists[group] = members
        if before is None:
            return 0  # the first list: only remembered
        platform, _ = split_id(group)
        self_id = getattr(getattr(port, "bot", None), "self_id", "")
        changes = [
            MemberChange(platform, self_id, group, user, None, joined=True)
            for user in sorted(members - before)
        ] + [
            MemberChange(platform, self_id, group, user, None, joined=False)
            for user in sorted(before - members)
        ]
        for change in changes:
            for listener in _listeners:
                try:
                    await listener(change, port)
                except Exception:
                    logger.exception(f"members: a listener failed on {change}")
        return len(changes)

    def start(self) -> None:
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None

    async def _run(self) -> None:
        while True:
            try:
                await self.round()
            except Exception:
                logger.exception("members: a round of member lists failed")
            settings = store.current.core.members
            await asyncio.sleep(min(settings.poll_seconds, 60) / 4)
