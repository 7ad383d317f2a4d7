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
"""

from __future__ import annotations

import hashlib
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol


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
