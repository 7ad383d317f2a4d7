"""Which of linli's accounts speaks for a group.

When two or more of linli's accounts sit in one group, one of them *speaks*:
it handles the group's messages and sends what linli says there; the others
stay quiet (their copies of each message are noted, see dedup.py, and not
handled), though they can still act for it (a recall, mute or kick the
speaker has no rights for: sendqueue.py).

The speaker holds a lease, a row of ``core_speaker``: one per group, its holder
(the account, ``qq:10000``) and when it expires. A claim is one atomic
``UPDATE … WHERE group = g AND (holder = me OR expires_at < now)`` (an INSERT
when the group has no row yet, the unique group making a second INSERT fail),
so two claimants — two accounts, two processes — never both win, on SQLite as
on PostgreSQL. The holder renews its leases while it is connected (every third
of ``core.accounts.takeover_seconds``); when it disconnects its leases are
released at once and another connected account in the group claims them; when
it stops renewing (its process hangs or dies) they expire and another account
takes over within ``takeover_seconds``. What the old speaker had queued for the
group is then sent by the new one (``SendQueue.handover``).

Per message the decision is a look-up in this process's copy of the leases (no
database), refreshed by the renewal; only a group without a live lease costs a
claim.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import os
import socket
import uuid
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from nonebot import logger
from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q

from adapters import split_id

from .models import SpeakerLease

Clock = Callable[[], datetime]
Change = Callable[[str, str | None, str], Awaitable[None] | None]
"""``change(group, old_self_id, new_self_id)`` when the speaker changes."""


def _now() -> datetime:
    return datetime.now(UTC)


def account_of(group: str, self_id: str) -> str:
    """The account ``self_id`` as it holds a lease: ``qq:10000``."""
    platform, _ = split_id(group)
    return f"{platform}:{self_id}"


def self_id_of(account: str) -> str:
    return split_id(account)[1]


@dataclass(frozen=True)
class Lease:
    holder: str
    expires_at: datetime


class Leases:
    """The leases in the database; every method is one or two statements."""

    def __init__(self, *, worker: str | None = None, clock: Clock = _now) -> None:
        self.worker = (
            worker
            or (f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}")[:64]
        )
        self.clock = clock

    async def claim(self, group: str, account: str, seconds: float) -> Lease | None:
        """Take (or renew) the lease of ``group`` for ``account``: the lease
        won, or None while another holder's is still running."""
        now = self.clock()
        until = now + timedelta(seconds=seconds)
        won = (
            await SpeakerLease.filter(group=group)
            .filter(Q(holder=account) | Q(expires_at__lt=now))
            .update(
                holder=account, worker=self.worker, expires_at=until, renewed_at=now
            )
        )
        if not won:
            try:
                await SpeakerLease.create(
                    group=group, holder=account, worker=self.worker, expires_at=until
                )
            except IntegrityError:  # the group has a lease, another's
                return None
        return Lease(account, until)

    async def renew(self, accounts: Iterable[str], seconds: float) -> int:
        """Extend every lease these accounts hold; how many were extended."""
        accounts = list(accounts)
        if not accounts:
            return 0
        now = self.clock()
        return await SpeakerLease.filter(holder__in=accounts).update(
            expires_at=now + timedelta(seconds=seconds), renewed_at=now
        )

    async def release(self, group: str, account: str) -> bool:
        """Give the lease up (it expires now) if ``account`` holds it."""
        past = self.clock() - timedelta(seconds=1)
        return bool(
            await SpeakerLease.filter(group=group, holder=account).update(
                expires_at=past
            )
        )

    async def read(self, groups: Iterable[str]) -> dict[str, Lease]:
        groups = list(groups)
        if not groups:
            return {}
        rows = await SpeakerLease.filter(group__in=groups).values(
            "group", "holder", "expires_at"
        )
        return {row["group"]: Lease(row["holder"], row["expires_at"]) for row in rows}


class Speakers:
    """This process's view of the leases, and the renewal that keeps it.

    ``members(group)`` gives the self ids of this process's accounts seen in
    ``group`` (bots.py); ``connected()`` the self ids connected now."""

    def __init__(
        self,
        leases: Leases,
        *,
        takeover: Callable[[], float],
        members: Callable[[str], Iterable[str]],
        groups: Callable[[], Iterable[str]],
        connected: Callable[[], Iterable[str]],
        clock: Clock = _now,
    ) -> None:
        self.leases = leases
        self._takeover = takeover
        self._members = members
        self._groups = groups
        self._connected = connected
        self.clock = clock
        self._known: dict[str, Lease] = {}
        self._locks: dict[str, asyncio.Lock] = {}
        self._listeners: list[Change] = []
        self._task: asyncio.Task[None] | None = None

    # -- what the router asks ------------------------------------------------

    def on_change(self, listener: Change) -> Change:
        self._listeners.append(listener)
        return listener

    def holder(self, group: str) -> str | None:
        """The self id of the group's speaker as this process knows it (a
        live lease), or None."""
        lease = self._known.get(group)
        if lease is None or lease.expires_at <= self.clock():
            return None
        return self_id_of(lease.holder)

    def elsewhere(self, group: str) -> str | None:
        """The self id of the group's speaker when it is connected to another
        process (a live lease held by an account this process has neither
        connected nor seen in the group), else None: what this process sends
        there is sent by that one (sendqueue.py, ``core.send_group``)."""
        holder = self.holder(group)
        if holder is None or holder in set(self._connected()):
            return None
        if holder in set(self._members(group)):
            return None  # one of ours that has just gone: a handover, not a hop
        return holder

    def bound_here(self) -> list[str]:
        """The groups whose bound jobs this process runs (scheduler.py): its
        connected account speaks there, or no live lease is known and one of
        its connected accounts is in the group (it will claim the lease)."""
        connected = set(self._connected())
        found = []
        for group in self._groups():
            if not self._here(group, connected):
                continue
            holder = self.holder(group)
            if holder is None or holder in connected:
                found.append(group)
        return found

    async def speaks(self, group: str, self_id: str) -> bool:
        """Whether ``self_id`` speaks for ``group`` now (claiming a lease that
        is free); a dict look-up while a live lease is known."""
        account = account_of(group, self_id)
        lease = self._known.get(group)
        if lease is not None and lease.expires_at > self.clock():
            if lease.holder == account:
                return True
            holder = self_id_of(lease.holder)
            if holder in self._connected() or holder not in self._members(group):
                return False
            # one of ours that has gone (before its disconnect hook ran)
            await self.lost(holder)
        lock = self._locks.setdefault(group, asyncio.Lock())
        async with lock:
            lease = self._known.get(group)
            if lease is not None and lease.expires_at > self.clock():
                return lease.holder == account
            old = lease.holder if lease is not None else None
            won = await self.leases.claim(group, account, self._takeover())
            if won is not None:
                self._known[group] = won
                await self._changed(group, old, account)
                return True
            found = (await self.leases.read([group])).get(group)
            if found is not None:
                self._known[group] = found
            return False

    # -- renewal and takeover ------------------------------------------------

    async def tick(self) -> None:
        """Renew the leases of the connected accounts; claim the groups whose
        speaker stopped renewing for a connected account that is in them."""
        seconds = self._takeover()
        connected = set(self._connected())
        groups = [g for g in self._groups() if self._here(g, connected)]
        if not groups:
            return
        mine = {account_of(g, s) for g in groups for s in self._here(g, connected)}
        await self.leases.renew(mine, seconds)
        leases = await self.leases.read(groups)
        now = self.clock()
        for group in groups:
            lease = leases.get(group)
            old = self._known.get(group)
            if lease is not None and lease.expires_at > now:
                self._known[group] = lease
                if old is not None and old.holder != lease.holder:
                    await self._changed(group, old.holder, lease.holder)
                continue
            await self._take(group, connected, old.holder if old else None)

    async def lost(self, self_id: str) -> None:
        """``self_id`` disconnected: its leases are released and another
        connected account in each of those groups takes over now."""
        connected = set(self._connected()) - {self_id}
        now = self.clock()
        for group, lease in list(self._known.items()):
            if self_id_of(lease.holder) != self_id or lease.expires_at <= now:
                continue
            try:
                await self.leases.release(group, lease.holder)
            except Exception:  # the lease then expires by itself
                logger.exception(f"speaker: could not release {group}")
                continue
            self._known.pop(group, None)
            alone = [s for s in self._members(group) if s != self_id] == []
            if not await self._take(group, connected, lease.holder) and not alone:
                logger.warning(
                    f"speaker: {lease.holder} left {group} and no other account "
                    "of linli in it is connected"
                )

    async def _take(self, group: str, connected: set[str], old: str | None) -> bool:
        for candidate in self._here(group, connected):
            account = account_of(group, candidate)
            won = await self.leases.claim(group, account, self._takeover())
            if won is not None:
                self._known[group] = won
                if old != account:
                    logger.info(f"speaker: {account} now speaks for {group}")
                    await self._changed(group, old, account)
                return True
        found = (await self.leases.read([group])).get(group)
        if found is not None:
            self._known[group] = found
        return False

    def _here(self, group: str, connected: set[str]) -> list[str]:
        return [s for s in self._members(group) if s in connected]

    async def _changed(self, group: str, old: str | None, new: str) -> None:
        old_id = self_id_of(old) if old else None
        for listener in self._listeners:
            try:
                result = listener(group, old_id, self_id_of(new))
                if inspect.isawaitable(result):
                    await result
            except Exception:
                logger.exception(f"speaker: a listener failed for {group}")

    def start(self) -> None:
        self._task = asyncio.create_task(self._loop(), name="linli-speaker")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _loop(self) -> None:
        while True:
            try:
                await self.tick()
            except Exception:
                logger.exception("speaker: renewing the leases failed; trying again")
            await asyncio.sleep(max(0.2, self._takeover() / 3))
