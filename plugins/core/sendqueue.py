"""The outbound send queue: everything linli sends goes through it — its own
posts and the replies to commands (``Context.send``).

- Per target (a group, or a user for private messages) messages leave in order;
  urgent ones (moderation notices) go before chatter.
- Budgets per platform (``core.send``): per group and per bot account, as sliding
  windows, so that a broadcast to 100 groups never trips a platform's limits.
- Moderation actions (recall, mute, kick) are not messages: they leave through a
  lane of their own per group and count against the account's action budget,
  so a recall never waits behind messages held back by theirs.
- An identical message to the same target that is still waiting is coalesced
  (both callers get the same result).
- A retryable failure (rate limit, network, no bot online) is retried with
  exponential backoff; a refusal is raised to the caller. Every delay and every
  give-up is logged: nothing is dropped silently.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from nonebot import logger

from adapters import PlatformError, Port, split_id
from adapters.port import Mention, mentioned

from .bots import port_for_group, port_for_user
from .config import SendConfig

Action = Callable[[Port], Awaitable[Any]]


@dataclass
class _Item:
    target: str
    key: tuple[Any, ...] | None  # what makes two items identical (coalescing)
    action: Action
    private: bool
    done: asyncio.Future[Any]
    port: Port | None = None  # given by the caller, else resolved for the target
    is_action: bool = False  # a moderation action, not a message


@dataclass
class _Lane:
    urgent: deque[_Item] = field(default_factory=deque)
    normal: deque[_Item] = field(default_factory=deque)
    task: asyncio.Task[None] | None = None

    def __len__(self) -> int:
        return len(self.urgent) + len(self.normal)

    def next(self) -> _Item:
        return self.urgent.popleft() if self.urgent else self.normal.popleft()


class _Window:
    """A sliding-window log of send times."""

    def __init__(self) -> None:
        self.sent: deque[float] = deque()
        self.lock = asyncio.Lock()

    def wait_needed(self, now: float, limit: int, window: float) -> float:
        while self.sent and now - self.sent[0] >= window:
            self.sent.popleft()
        return 0.0 if len(self.sent) < limit else window - (now - self.sent[0])


class SendQueue:
    def __init__(
        self,
        config: SendConfig | None = None,
        *,
        resolve: Callable[[str], Port] = port_for_group,
        resolve_user: Callable[[str], Port] = port_for_user,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.config = config or SendConfig()
        self._resolve = resolve
        self._resolve_user = resolve_user
        self._clock = clock
        self._sleep = sleep
        self._lanes: dict[str, _Lane] = {}
        self._windows: dict[tuple[str, str], _Window] = {}

    # -- what callers use ---------------------------------------------------

    def send_group(
        self,
        group: str,
        text: str,
        *,
        mention: Mention = None,
        reply_to: str | None = None,
        urgent: bool = False,
    ) -> asyncio.Future[str | None]:
        """Queue ``text`` for ``group``; the future resolves to the message id."""

        async def send(port: Port) -> str | None:
            return await port.send_group(
                group, text, mention=mention, reply_to=reply_to
            )

        key = ("group", text, mentioned(mention), reply_to)
        return self._enqueue(group, key, send, private=False, urgent=urgent)

    def send_private(self, user: str, text: str) -> asyncio.Future[str | None]:
        """Queue a private message to ``user``."""

        async def send(port: Port) -> str | None:
            return await port.send_private(user, text)

        return self._enqueue(user, ("private", text), send, private=True, urgent=False)

    def reply(
        self,
        target: str,
        send: Action,
        *,
        key: Any,
        private: bool,
        port: Port,
    ) -> asyncio.Future[Any]:
        """Queue a reply to an event (``Context.send``) for ``target``, the
        event's group or, in a private chat, its sender: ``send`` delivers it
        through ``port``; ``key`` makes two waiting replies identical."""
        return self._enqueue(
            target, ("reply", key), send, private=private, urgent=False, port=port
        )

    def act(
        self,
        group: str,
        action: Action,
        *,
        urgent: bool = True,
        port: Port | None = None,
    ) -> asyncio.Future[Any]:
        """Queue a platform action in ``group`` (mute, kick, recall …): in the
        group's action lane, counted against the account's action budget, not
        the messages'. ``port`` is the one to act through (the event's), else
        the group's bot's."""
        return self._enqueue(
            group, None, action, private=False, urgent=urgent, port=port, is_action=True
        )

    def pending(self) -> int:
        return sum(len(lane) for lane in self._lanes.values())

    async def drain(self) -> None:
        """Wait until everything queued so far has been delivered or given up."""
        tasks = [lane.task for lane in self._lanes.values() if lane.task]
        await asyncio.gather(*tasks, return_exceptions=True)

    # -- the machinery ------------------------------------------------------

    def _enqueue(
        self,
        target: str,
        key: tuple[Any, ...] | None,
        action: Action,
        *,
        private: bool,
        urgent: bool,
        port: Port | None = None,
        is_action: bool = False,
    ) -> asyncio.Future[Any]:
        lane_key = f"{target}\0actions" if is_action else target
        lane = self._lanes.setdefault(lane_key, _Lane())
        if key is not None:
            for waiting in (*lane.urgent, *lane.normal):
                if waiting.key == key:
                    logger.debug(
                        f"send queue: coalesced an identical message to {target}"
                    )
                    return waiting.done
        done = asyncio.get_running_loop().create_future()
        item = _Item(target, key, action, private, done, port, is_action)
        (lane.urgent if urgent else lane.normal).append(item)
        if lane.task is None or lane.task.done():
            lane.task = asyncio.create_task(self._drain(lane))
        return item.done

    async def _drain(self, lane: _Lane) -> None:
        while lane:
            item = lane.next()
            try:
                result = await self._deliver(item)
            except Exception as exc:
                if not item.done.done():
                    item.done.set_exception(exc)
            else:
                if not item.done.done():
                    item.done.set_result(result)

    def _window(self, kind: str, key: str) -> _Window:
        found = self._windows.get((kind, key))
        if found is None:
            found = self._windows[(kind, key)] = _Window()
        return found

    async def _take_budget(self, item: _Item, platform: str, bot: str) -> None:
        """Wait until both the group's and the bot's windows have room, then
        count this send in both at the same instant."""
        budget = self.config.budget(platform)
        if item.is_action:
            group = None
            shared = self._window("actions", f"{platform}:{bot}")
            limit, window = budget.actions_per_bot, budget.action_window_seconds
        else:
            group = None if item.private else self._window("group", item.target)
            shared = self._window("bot", f"{platform}:{bot}")
            limit, window = budget.per_bot, budget.bot_window_seconds
        while True:
            async with shared.lock:
                now = self._clock()
                wait = shared.wait_needed(now, limit, window)
                if group is not None:
                    wait = max(
                        wait,
                        group.wait_needed(
                            now, budget.per_group, budget.group_window_seconds
                        ),
                    )
                if wait <= 0:
                    shared.sent.append(now)
                    if group is not None:
                        group.sent.append(now)
                    return
            kind = "action" if item.is_action else "message"
            logger.info(
                f"send queue: {kind} to {item.target} waits {wait:.2f}s for its "
                f"budget ({len(self._lanes.get(item.target, ()))} more waiting)"
            )
            await self._sleep(wait)

    async def _deliver(self, item: _Item) -> Any:
        attempt = 0
        while True:
            attempt += 1
            try:
                resolve = self._resolve_user if item.private else self._resolve
                port = item.port or resolve(item.target)
                platform, _ = split_id(item.target)
                bot = str(getattr(getattr(port, "bot", None), "self_id", platform))
                await self._take_budget(item, platform, bot)
                return await item.action(port)
            except PlatformError as exc:
                if not exc.retryable or attempt >= self.config.max_attempts:
                    logger.error(
                        f"send queue: gave up on {item.target} after {attempt} "
                        f"attempt(s): {exc}"
                    )
                    raise
                delay = self.config.retry_base_seconds * 2 ** (attempt - 1)
                logger.warning(
                    f"send queue: {item.target}: {exc}; retry {attempt} in {delay:.1f}s"
                )
                await self._sleep(delay)
