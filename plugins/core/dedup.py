"""One message is handled once.

- OneBot reconnects can replay events: :class:`SeenMessages` remembers
  (bot, conversation, message id).
- Two or more of linli's accounts in one group each receive the same
  resident's message, with a different message id (QQ through two NapCats)
  or the same one (Telegram numbers messages per chat). :class:`SameMessages`
  recognises the copies by (platform, group, sender, content digest) within a
  few seconds, and says which one copy is handled.

The second decision sits behind :class:`CopyJudge` (one method, ``arrived``),
so that a version shared through the database can replace this in-memory one
when several processes serve one group; in one process it costs a dict look-up
per message and no database.

No message lost at a takeover. A quiet account drops its copies, trusting the
speaker; when the speaker's process dies (kill -9) its account's lease runs
on for up to ``takeover_seconds``, and what residents wrote meanwhile reached
only the quiet account. So:

- :class:`DroppedCopies` keeps the copies this process dropped ("not the
  speaker") for ``takeover_seconds + same_message_seconds`` (bounded);
- on PostgreSQL, :class:`HandledLog` writes a row of ``core_handled`` (group,
  sender, digest, when, account, id) for every copy taken for handling, and
  prunes old rows in the background; on SQLite (one process) it writes
  nothing;
- when one of this process's accounts becomes a group's speaker, the copies
  it dropped there that no account handled — no handled row of the same
  sender and digest within ``same_message_seconds`` (each row covers one
  copy), nor an occurrence :class:`SameMessages` saw handled in this process
  — are handled now, in the order they came (plugins/core ``_replay``).
"""

from __future__ import annotations

import hashlib
import re
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from nonebot import logger

from .shared import on_postgres
from .tasks import Tasks


class SeenMessages:
    """A bounded memory of (bot, conversation, message id): Telegram and Milky
    number messages per chat, so the same id in two groups is two messages."""

    def __init__(self, size: int = 20_000) -> None:
        self.size = size
        self._seen: OrderedDict[tuple[str, str, str], None] = OrderedDict()

    def first_time(self, bot: str, where: str, message_id: str) -> bool:
        key = (bot, where, message_id)
        if key in self._seen:
            self._seen.move_to_end(key)
            return False
        self._seen[key] = None
        if len(self._seen) > self.size:
            self._seen.popitem(last=False)
        return True


def digest(text: str, kinds: frozenset[str] | tuple[str, ...] = ()) -> str:
    """What two copies of one message have in common whatever account they
    came through: the text and the kinds of its parts (an image's URL differs
    per account, so it is left out)."""
    raw = text + "\0" + ",".join(sorted(kinds))
    return hashlib.blake2b(raw.encode("utf-8", "replace"), digest_size=12).hexdigest()


@dataclass(frozen=True)
class Copy:
    """One account's copy of a group message."""

    platform: str
    group: str
    user: str
    digest: str
    account: str  # the bot's self id that received it
    message_id: str | None


class CopyJudge(Protocol):
    """Decides which copy of a message is handled (the in-memory
    :class:`SameMessages`; later one shared through the database)."""

    def arrived(self, copy: Copy, *, speaker: bool) -> bool:
        """Note ``copy``; True when it is to be handled now: it comes through
        the account that speaks (``speaker``) and no copy of the same message
        was handled yet."""
        ...


@dataclass
class _Occurrence:
    at: float
    ids: dict[str, str | None] = field(default_factory=dict)  # account → its id
    handled: bool = False


class SameMessages:
    """The copies of one resident message, seen through several accounts.

    The same sender may send the same text twice on purpose (a flood, a
    repeated ``+1``): one account's copies are never the same message, so
    the n-th copy through account A is the same message as the n-th through B
    (or the one with A's message id, where the platform gives both accounts
    one id). A copy matches an occurrence of the last ``window`` seconds.
    """

    def __init__(
        self,
        window: float = 5.0,
        *,
        size: int = 20_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.window = window
        self.size = size
        self._clock = clock
        # (platform, group, user, digest) → its occurrences, oldest first
        self._recent: OrderedDict[tuple[str, str, str, str], deque[_Occurrence]] = (
            OrderedDict()
        )
        # (group, account, message id) → the occurrence (for aliases)
        self._by_id: OrderedDict[tuple[str, str, str], _Occurrence] = OrderedDict()

    def arrived(self, copy: Copy, *, speaker: bool) -> bool:
        now = self._clock()
        self._expire(now)
        key = (copy.platform, copy.group, copy.user, copy.digest)
        occurrences = self._recent.get(key)
        if occurrences is None:
            occurrences = self._recent[key] = deque()
        found = None
        if copy.message_id is not None:  # a copy this account had: a replay
            found = self._by_id.get((copy.group, copy.account, copy.message_id))
            if found is not None:
                if speaker and not found.handled:
                    found.handled = True
                    return True
                return False
        if copy.message_id is not None:  # the same id from another account
            for occ in occurrences:
                if copy.account not in occ.ids and copy.message_id in occ.ids.values():
                    found = occ
                    break
        if found is None:
            for occ in occurrences:
                if copy.account not in occ.ids:
                    found = occ
                    break
        if found is None:
            found = _Occurrence(now)
            occurrences.append(found)
            self._recent.move_to_end(key)  # the oldest keys first: expiry
        found.ids[copy.account] = copy.message_id
        if copy.message_id is not None:
            self._by_id[(copy.group, copy.account, copy.message_id)] = found
            if len(self._by_id) > self.size:
                self._by_id.popitem(last=False)
        if speaker and not found.handled:
            found.handled = True
            return True
        return False

    def replay(self, copy: Copy) -> bool:
        """Whether ``copy``, dropped earlier, is still to be handled now that
        its account speaks: not when this process handled the message through
        another account (and then it is marked handled)."""
        if copy.message_id is not None:
            found = self._by_id.get((copy.group, copy.account, copy.message_id))
            if found is not None:
                if found.handled:
                    return False
                found.handled = True
        return True

    def alias(
        self, group: str, account: str, message_id: str, other: str
    ) -> str | None:
        """The id account ``other`` knows message ``message_id`` (of
        ``account``) by; None when it did not receive it (or not recently)."""
        occ = self._by_id.get((group, account, message_id))
        if occ is None:
            return None
        return occ.ids.get(other)

    def _expire(self, now: float) -> None:
        while self._recent:
            key, occurrences = next(iter(self._recent.items()))
            while occurrences and now - occurrences[0].at > self.window:
                occurrences.popleft()
            if occurrences and len(self._recent) <= self.size:
                return
            if occurrences:  # too many senders at once: forget the oldest
                occurrences.clear()
            del self._recent[key]


# -- no message lost at a takeover ---------------------------------------------


@dataclass(frozen=True)
class Dropped:
    """A copy a quiet account dropped, with what it takes to handle it later."""

    bot: Any
    event: Any
    copy: Copy
    at: float  # seconds since the epoch, when it arrived


class DroppedCopies:
    """The copies this process dropped for the last ``keep`` seconds (at most
    ``size``), oldest first."""

    def __init__(
        self,
        keep: float = 35.0,
        *,
        size: int = 5_000,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.keep = keep
        self.clock = clock
        self._copies: deque[Dropped] = deque(maxlen=size)

    def add(self, bot: Any, event: Any, copy: Copy) -> None:
        now = self.clock()
        self._expire(now)
        self._copies.append(Dropped(bot, event, copy, now))

    def take(self, group: str, account: str) -> list[Dropped]:
        """The copies of ``group`` through ``account``, in the order they came;
        they are forgotten here."""
        self._expire(self.clock())
        taken, kept = [], []
        for dropped in self._copies:
            mine = dropped.copy.group == group and dropped.copy.account == account
            (taken if mine else kept).append(dropped)
        if taken:
            self._copies = deque(kept, maxlen=self._copies.maxlen)
        return taken

    def _expire(self, now: float) -> None:
        while self._copies and now - self._copies[0].at > self.keep:
            self._copies.popleft()

    def __len__(self) -> int:
        return len(self._copies)


_INSERT = (
    'INSERT INTO core_handled ("group", "user", "digest", "at", "account", '
    '"message_id") VALUES ($1, $2, $3, $4, $5, $6)'
)
_HANDLED_SINCE = (
    'SELECT "user", "digest", "at" FROM core_handled '
    'WHERE "group" = $1 AND "at" >= $2 ORDER BY "at"'
)
_PRUNE = 'DELETE FROM core_handled WHERE "at" < $1'


class HandledLog:
    """The copies taken for handling, in ``core_handled``: on PostgreSQL only,
    where another process may take a group over (one INSERT per handled group
    message; old rows deleted at most every ``prune_every`` seconds, in the
    background)."""

    def __init__(
        self,
        *,
        keep: float = 600.0,
        prune_every: float = 60.0,
        clock: Callable[[], float] = time.time,
        enabled: Callable[[], bool] = on_postgres,
    ) -> None:
        self.keep = keep
        self.prune_every = prune_every
        self.clock = clock
        self._enabled = enabled
        self._pruned = float("-inf")
        self._tasks = Tasks("core: pruning core_handled")

    @property
    def enabled(self) -> bool:
        return self._enabled()

    async def record(self, copy: Copy, at: float | None = None) -> None:
        """Note that ``copy`` is being handled (nothing on SQLite). A database
        failure is logged, never in the way of the message."""
        if not self.enabled:
            return
        now = self.clock() if at is None else at
        try:
            await _execute(
                _INSERT,
                [
                    copy.group,
                    copy.user,
                    copy.digest,
                    _wall(now),
                    copy.account,
                    copy.message_id,
                ],
            )
        except Exception as exc:
            logger.warning(f"dedup: could not note a handled message: {exc}")
        if now - self._pruned >= self.prune_every:
            self._pruned = now
            self._tasks.spawn(self.prune(now - self.keep))

    async def prune(self, before: float) -> None:
        await _execute(_PRUNE, [_wall(before)])

    async def unhandled(
        self, group: str, dropped: Iterable[Dropped], window: float
    ) -> list[Dropped]:
        """Those of ``dropped`` (one group's, oldest first) no process handled:
        each handled row of the same sender and digest within ``window``
        seconds covers one copy. All of them when the log is off."""
        dropped = list(dropped)
        if not dropped or not self.enabled:
            return dropped
        since = _wall(min(d.at for d in dropped) - window)
        rows = await _execute(_HANDLED_SINCE, [group, since], rows=True)
        handled: dict[tuple[str, str], list[float]] = {}
        for row in rows:
            at = row["at"]
            if isinstance(at, str):  # SQLite
                at = datetime.fromisoformat(at)
            seconds = at.timestamp() if isinstance(at, datetime) else float(at)
            handled.setdefault((row["user"], row["digest"]), []).append(seconds)
        left = []
        for one in dropped:
            times = handled.get((one.copy.user, one.copy.digest), [])
            # the earliest row close enough covers it (rows are oldest first)
            match = next((t for t in times if abs(t - one.at) <= window), None)
            if match is None:
                left.append(one)
            else:
                times.remove(match)
        return left

    async def settle(self) -> None:
        await self._tasks.settle()


def _wall(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


async def _execute(sql: str, values: list, *, rows: bool = False) -> Any:
    """One statement written for PostgreSQL ($1 …), on SQLite too (?: the
    tests run the log there)."""
    from tortoise import connections

    conn = connections.get("default")
    if conn.capabilities.dialect != "postgres":
        sql = re.sub(r"\$\d+", "?", sql)
    if rows:
        return await conn.execute_query_dict(sql, values)
    return await conn.execute_query(sql, values)
