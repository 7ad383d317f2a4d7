"""The outbound send queue: every message linli sends on its own goes through it.

Per group, messages leave in order and within a budget (``core.send``:
``per_group`` messages per ``window_seconds``). A retryable failure (rate limit,
network, no bot online) is retried with backoff; a refusal is logged. Nothing
is dropped silently: what is delayed or given up is logged.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from nonebot import logger

from adapters import PlatformError, Port

from .bots import port_for_group, port_for_user


@dataclass
class _Item:
    target: str  # a group, or a user for private messages
    text: str
    mention: str | None
    private: bool
    reply_to: str | None
    done: asyncio.Future[str | None]


@dataclass
class _Lane:
    items: deque[_Item] = field(default_factory=deque)
    sent_at: deque[float] = field(default_factory=deque)
    task: asyncio.Task[None] | None = None


class SendQueue:
    def __init__(
        self,
        *,
        per_group: int = 20,
        window_seconds: float = 60.0,
        max_attempts: int = 5,
        retry_base_seconds: float = 2.0,
        resolve: Callable[[str], Port] = port_for_group,
        resolve_user: Callable[[str], Port] = port_for_user,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.per_group = per_group
        self.window = window_seconds
        self.max_attempts = max_attempts
        self.retry_base = retry_base_seconds
        self._resolve = resolve
        self._resolve_user = resolve_user
        self._clock = clock
        self._sleep = sleep
        self._lanes: dict[str, _Lane] = {}

    def send_group(
        self,
        group: str,
        text: str,
        *,
        mention: str | None = None,
        reply_to: str | None = None,
    ) -> asyncio.Future[str | None]:
        """Queue ``text`` for ``group``; the future resolves to the message id."""
        return self._enqueue(
            _Item(group, text, mention, False, reply_to, self._future())
        )

    def send_private(self, user: str, text: str) -> asyncio.Future[str | None]:
        """Queue a private message to ``user``."""
        return self._enqueue(_Item(user, text, None, True, None, self._future()))

    @staticmethod
    def _future() -> asyncio.Future[str | None]:
        return asyncio.get_running_loop().create_future()

    def _enqueue(self, item: _Item) -> asyncio.Future[str | None]:
        lane = self._lanes.setdefault(item.target, _Lane())
        lane.items.append(item)
        if lane.task is None or lane.task.done():
            lane.task = asyncio.create_task(self._drain(lane))
        return item.done

    def pending(self) -> int:
        return sum(len(lane.items) for lane in self._lanes.values())

    async def _drain(self, lane: _Lane) -> None:
        while lane.items:
            item = lane.items[0]
            await self._respect_budget(lane, item.target)
            try:
                message_id = await self._deliver(item)
            except Exception as exc:
                if not item.done.done():
                    item.done.set_exception(exc)
            else:
                if not item.done.done():
                    item.done.set_result(message_id)
            lane.sent_at.append(self._clock())
            lane.items.popleft()

    async def _respect_budget(self, lane: _Lane, group: str) -> None:
        now = self._clock()
        while lane.sent_at and now - lane.sent_at[0] >= self.window:
            lane.sent_at.popleft()
        if len(lane.sent_at) >= self.per_group:
            wait = self.window - (now - lane.sent_at[0])
            logger.info(
                f"send queue: {group} is at its budget, next message in {wait:.1f}s "
                f"({len(lane.items)} waiting)"
            )
            await self._sleep(wait)
            lane.sent_at.popleft()

    async def _deliver(self, item: _Item) -> str | None:
        attempt = 0
        while True:
            attempt += 1
            try:
                if item.private:
                    port = self._resolve_user(item.target)
                    return await port.send_private(item.target, item.text)
                port = self._resolve(item.target)
                return await port.send_group(
                    item.target, item.text, mention=item.mention, reply_to=item.reply_to
                )
            except PlatformError as exc:
                if not exc.retryable or attempt >= self.max_attempts:
                    logger.error(
                        f"send queue: gave up on a message to {item.target} after "
                        f"{attempt} attempt(s): {exc}"
                    )
                    raise
                delay = self.retry_base * 2 ** (attempt - 1)
                logger.warning(
                    f"send queue: {item.target}: {exc}; retry {attempt} in {delay:.0f}s"
                )
                await self._sleep(delay)
