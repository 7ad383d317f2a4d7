"""Work started beside a message or a connection and awaited by nobody.

asyncio keeps only a weak reference to a task: one nobody holds can vanish
mid-way. A :class:`Tasks` holds its tasks until they end, logs a failure
instead of leaving it unread, and can wait for all of them (shutdown, tests)
or cancel them.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any

from nonebot import logger


class Tasks:
    def __init__(self, name: str) -> None:
        self.name = name
        self._live: set[asyncio.Task[Any]] = set()

    def spawn(self, coro: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        task = asyncio.create_task(coro)
        self._live.add(task)
        task.add_done_callback(self._done)
        return task

    def _done(self, task: asyncio.Task[Any]) -> None:
        self._live.discard(task)
        if not task.cancelled() and task.exception() is not None:
            logger.opt(exception=task.exception()).error(f"{self.name}: a task failed")

    async def settle(self) -> None:
        """Wait until every task (and any they start here) has ended."""
        while self._live:
            await asyncio.gather(*list(self._live), return_exceptions=True)

    def cancel(self) -> None:
        for task in list(self._live):
            task.cancel()

    def __len__(self) -> int:
        return len(self._live)
