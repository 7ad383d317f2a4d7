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
- Several of linli's accounts in one group (speaker.py): what an account had
  queued when it disconnects or stops speaking for a group is handed over —
  the messages leave through the group's new speaker, once, and the replies
  it had queued become plain messages there (``handover``). A moderation
  action the account is refused (no rights) or cannot do is tried through
  the group's other connected accounts, a recall with the id that account
  knows the message by.
- Several processes on one database (issue 21): a message for a group whose
  speaker is an account connected to *another* process (``elsewhere``: a live
  lease this process knows of) is not sent through a quiet local account: it
  becomes a ``core.send_group`` job due now and bound to the group
  (scheduler.py), which only the speaker's process claims and sends — once, as
  the job is claimed once. The caller's future then resolves to None (the
  message id is the other process's) once the job is stored. A message is
  handed on at most ``MAX_HOPS`` times (two processes that briefly disagree on
  the speaker do not pass it back and forth); then it is sent here.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from nonebot import logger

from adapters import NotSupported, PlatformError, Port, split_id
from adapters.port import Mention, mentioned

from .bots import other_ports, port_for_group, port_for_user
from .config import SendConfig

Action = Callable[[Port], Awaitable[Any]]
# (group, account, message id, other account) → the other account's id for it
Translate = Callable[[str, str, str, str], str | None]
# group → the self id of its speaker when another process has it connected
Elsewhere = Callable[[str], str | None]
Forward = Callable[[dict[str, Any]], Awaitable[Any]]
MAX_HOPS = 2


async def forward_job(payload: dict[str, Any]) -> None:
    """A message for another process's speaker: a ``core.send_group`` job due
    now, bound to its group (plugins/core/__init__.py runs it)."""
    from .scheduler import schedule

    await schedule(
        "core.send_group", datetime.now(UTC), payload, group=payload["group"]
    )


def _self_id(port: Port) -> str:
    return str(getattr(getattr(port, "bot", None), "self_id", port.platform))


def _connected(port: Port) -> bool:
    """False when the port's bot has disconnected (a NoneBot bot no longer
    among the connected ones); True for anything else."""
    import nonebot
    from nonebot.adapters import Bot

    bot = getattr(port, "bot", None)
    if not isinstance(bot, Bot):
        return True
    try:
        return nonebot.get_bots().get(bot.self_id) is bot
    except ValueError:  # NoneBot not initialised
        return True


class _Through:
    """Another account's port acting on messages known by ``origin``'s ids:
    a recall names the message by the id this account received it with."""

    def __init__(
        self, port: Port, group: str, origin: str, translate: Translate | None
    ) -> None:
        self._port = port
        self._group = group
        self._origin = origin
        self._translate = translate
        self.bot = getattr(port, "bot", None)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._port, name)

    async def recall(self, message_id: str, *, group: str | None = None) -> None:
        mine = None
        if self._translate is not None:
            mine = self._translate(
                group or self._group, self._origin, message_id, _self_id(self._port)
            )
        await self._port.recall(mine or message_id, group=group)


@dataclass
class _Item:
    target: str
    key: tuple[Any, ...] | None  # what makes two items identical (coalescing)
    action: Action
    private: bool
    done: asyncio.Future[Any]
    port: Port | None = None  # given by the caller, else resolved for the target
    is_action: bool = False  # a moderation action, not a message
    # a reply bound to its event's bot: how another account says it instead
    fallback: Action | None = None
    origin: str | None = None  # an action's account: whose message ids it uses
    # a group message as another process can send it (core.send_group's payload)
    remote: dict[str, Any] | None = None


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
        connected: Callable[[Port], bool] = _connected,
        others: Callable[[str, str], list[Port]] = other_ports,
        translate: Translate | None = None,
        elsewhere: Elsewhere | None = None,
        forward: Forward = forward_job,
    ) -> None:
        self.config = config or SendConfig()
        self._resolve = resolve
        self._resolve_user = resolve_user
        self._connected = connected
        self._others = others
        self.translate = translate
        self.elsewhere = elsewhere
        self._forward = forward
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
        hops: int = 0,
    ) -> asyncio.Future[str | None]:
        """Queue ``text`` for ``group``; the future resolves to the message id
        (None when another process's speaker sends it). ``hops``: how many
        processes have handed it on already (``core.send_group``)."""

        async def send(port: Port) -> str | None:
            return await port.send_group(
                group, text, mention=mention, reply_to=reply_to
            )

        key = ("group", text, mentioned(mention), reply_to)
        remote = {
            "group": group,
            "text": text,
            "mention": mention if isinstance(mention, str) else mentioned(mention),
            "reply_to": reply_to,
            "urgent": urgent,
            "hops": hops,
        }
        if remote["mention"] == ():
            remote["mention"] = None
        elif isinstance(remote["mention"], tuple):
            remote["mention"] = list(remote["mention"])
        return self._enqueue(
            group, key, send, private=False, urgent=urgent, remote=remote
        )

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
        fallback: Action | None = None,
        text: str | None = None,
    ) -> asyncio.Future[Any]:
        """Queue a reply to an event (``Context.send``) for ``target``, the
        event's group or, in a private chat, its sender: ``send`` delivers it
        through ``port``; ``key`` makes two waiting replies identical;
        ``fallback`` says it through another port when ``port``'s account is
        gone before it was sent (a takeover); ``text``, its plain text, is how
        another process's speaker says it then."""
        remote = None
        if text is not None and not private:
            remote = {
                "group": target,
                "text": text,
                "mention": None,
                "reply_to": None,
                "urgent": False,
                "hops": 0,
            }
        return self._enqueue(
            target,
            ("reply", key),
            send,
            private=private,
            urgent=False,
            port=port,
            fallback=fallback,
            remote=remote,
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

    def handover(self, group: str, self_id: str | None) -> int:
        """The account ``self_id`` no longer speaks for ``group``: what it had
        queued there leaves through the group's speaker instead. How many
        waiting items were handed over."""
        moved = 0
        for lane_key in (group, f"{group}\0actions"):
            lane = self._lanes.get(lane_key)
            if lane is None:
                continue
            for item in (*lane.urgent, *lane.normal):
                if item.port is not None and (
                    self_id is None or _self_id(item.port) == self_id
                ):
                    self._hand_over(item)
                    moved += 1
        if moved:
            logger.info(
                f"send queue: {moved} item(s) for {group} handed over to its "
                "new speaker"
            )
        return moved

    def _hand_over(self, item: _Item) -> None:
        if item.is_action and item.origin is None and item.port is not None:
            item.origin = _self_id(item.port)
        if item.fallback is not None:
            item.action, item.fallback = item.fallback, None
        item.port = None

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
        fallback: Action | None = None,
        remote: dict[str, Any] | None = None,
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
        item = _Item(target, key, action, private, done, port, is_action, fallback)
        item.remote = remote
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
            except BaseException as exc:  # cancelled, or a test's failure:
                if not item.done.done():  # the caller must not wait forever
                    if isinstance(exc, asyncio.CancelledError):
                        item.done.cancel()
                    else:
                        item.done.set_exception(exc)
                raise
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
        handovers = 0
        tried: set[str] = set()  # the accounts an action was refused by
        while True:
            attempt += 1
            used: str | None = None
            port: Port | None = None
            if await self._handed_on(item):
                return None
            try:
                resolve = self._resolve_user if item.private else self._resolve
                port = item.port or resolve(item.target)
                used = _self_id(port)
                if item.is_action:
                    if item.origin is None:
                        item.origin = used
                    elif item.origin != used:
                        port = _Through(port, item.target, item.origin, self.translate)
                platform, _ = split_id(item.target)
                await self._take_budget(item, platform, used)
                return await item.action(port)
            except (PlatformError, NotSupported) as exc:
                if self._gone(item, port) and handovers < 5:
                    handovers += 1
                    attempt -= 1
                    continue
                if item.is_action and used is not None and not item.private:
                    refused = isinstance(exc, NotSupported) or not exc.retryable
                    tried.add(used)
                    other = self._other(item, tried) if refused else None
                    if other is not None:
                        logger.warning(
                            f"send queue: {item.target}: account {used}: {exc}; "
                            f"trying account {_self_id(other)}"
                        )
                        item.port = other
                        attempt -= 1
                        continue
                if isinstance(exc, NotSupported):
                    raise
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
            except Exception:
                # a reply through its event's bot, which has gone meanwhile
                if self._gone(item, port) and handovers < 5:
                    handovers += 1
                    attempt -= 1
                    continue
                raise

    async def _handed_on(self, item: _Item) -> bool:
        """Whether ``item`` went to the process that has its group's speaker
        (a ``core.send_group`` job) instead of leaving through this one."""
        if item.remote is None or item.port is not None or self.elsewhere is None:
            return False
        if item.remote["hops"] >= MAX_HOPS:
            return False
        try:
            speaker = self.elsewhere(item.target)
        except Exception:
            logger.exception(f"send queue: who speaks for {item.target}?")
            return False
        if speaker is None:
            return False
        try:
            await self._forward({**item.remote, "hops": item.remote["hops"] + 1})
        except Exception as exc:  # the database is away: said here, once
            logger.warning(
                f"send queue: could not hand {item.target}'s message to the "
                f"process of account {speaker} ({exc}); sending it here"
            )
            return False
        logger.info(
            f"send queue: {item.target} speaks through account {speaker} of "
            "another process: the message is handed to it (core.send_group)"
        )
        return True

    def _gone(self, item: _Item, port: Port | None) -> bool:
        """The account this attempt went through has disconnected: the item
        is handed over (to the target's speaker) and tried again at once."""
        if port is None or self._connected(port):
            return False
        logger.warning(
            f"send queue: account {_self_id(port)} is gone; {item.target} gets "
            "it through another account"
        )
        if item.port is not None:
            self._hand_over(item)
        return True

    def _other(self, item: _Item, tried: set[str]) -> Port | None:
        for port in self._others(item.target, item.origin or ""):
            if _self_id(port) not in tried:
                return port
        return None
