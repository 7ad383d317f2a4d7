"""The durable scheduler: every deadline is a row in ``core_job``.

Plugins register a handler per job kind with ``@job_handler("signup.close")``
and schedule with ``await schedule("signup.close", due_at, {...})``. What fell
due while the bot was down runs at start; a failing job retries with
exponential backoff and ends as ``failed`` after ``max_attempts``, logged.

Several processes on one database (issue 21) — the promise: **two processes
never both run the same claim of a job**.

- A claim is one atomic statement. On PostgreSQL: ``UPDATE core_job … WHERE id
  IN (SELECT … FOR UPDATE SKIP LOCKED)``, so concurrent sweeps take disjoint
  rows without waiting on each other. On SQLite (one writer anyway): a
  compare-and-set UPDATE per row, which must still find the status and the
  attempt count this process read.
- A claim holds a short lease, renewed while the job runs: the lease is
  ``takeover_seconds`` long (``core.accounts.takeover_seconds``, the time after
  which another account takes a silent speaker's group; at most
  ``lease_seconds``) and the worker extends it every third of that. A process
  killed with ``kill -9`` stops renewing, and its running jobs are claimed by
  another process within ``takeover_seconds``. ``lease_seconds`` stays the
  longest one run may hold its job: a handler still running after it is no
  longer renewed (it is presumed hung) and is claimed again.
- ``done`` (or a retry) is written only by the worker whose claim it is.

What remains, honestly: a job whose handler has done its work (the platform
took the message) but whose ``done`` update did not reach the database — the
process was killed between the two, or the database went away — is run again
by the next claimant: *at least once*, and exactly once only when the handler
itself is idempotent (notices and sign-up lists check what they already sent).
A process whose event loop stalls longer than two thirds of the lease (its
renewal late) can lose a job it is still running to another process, which then
runs it too; this is logged ("ran elsewhere too"). Leases compare the clocks of
the processes: on several hosts keep them in sync (NTP).

Jobs bound to a group: a job with ``group`` set (``schedule(..., group=g)``)
is claimed only by a process for which ``groups()`` names ``g`` — in the app,
the groups whose speaker account is connected to this process (speaker.py).
The send queue uses this to post, through the right process, what another one
was asked to send (``core.send_group``, sendqueue.py). A scheduler without
``groups`` claims every job.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import time
import uuid
from collections.abc import Awaitable, Callable, Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from nonebot import logger
from tortoise import timezone
from tortoise.expressions import Q

from .models import Job

Handler = Callable[[dict[str, Any]], Awaitable[None]]
_handlers: dict[str, Handler] = {}
_wakeups: list[asyncio.Event] = []


def job_handler(kind: str) -> Callable[[Handler], Handler]:
    def register(func: Handler) -> Handler:
        if kind in _handlers and _handlers[kind] is not func:
            raise RuntimeError(f"job kind {kind!r} already has a handler")
        _handlers[kind] = func
        return func

    return register


def registered_kinds() -> list[str]:
    return sorted(_handlers)


async def schedule(
    kind: str,
    due_at: datetime,
    payload: dict[str, Any] | None = None,
    *,
    key: str | None = None,
    group: str | None = None,
) -> Job:
    """Store a job. With ``key``, a pending job of that key is replaced. With
    ``group``, only a process where the group's speaker is connected runs it."""
    if due_at.tzinfo is None:
        raise ValueError("due_at must be timezone-aware")
    # stored in UTC: SQLite compares datetimes as text, offsets and all
    due_at = due_at.astimezone(UTC)
    if key is not None:
        await Job.filter(key=key).exclude(status="running").delete()
        # a job of that key that is running now keeps running, without the key
        await Job.filter(key=key, status="running").update(key=None)
    job = await Job.create(
        kind=kind, due_at=due_at, payload=payload or {}, key=key, group=group
    )
    for event in _wakeups:
        event.set()
    await _notify()
    return job


async def cancel(key: str) -> int:
    """Cancel pending jobs of ``key``; returns how many were cancelled."""
    return await Job.filter(key=key, status="pending").update(
        status="cancelled", key=None, finished_at=timezone.now()
    )


NOTIFY_CHANNEL = "linli_core_job"


def _asyncpg(db: Any) -> bool:
    """Whether ``db`` is Tortoise's asyncpg client (PostgreSQL, $n parameters)."""
    return (
        getattr(getattr(db, "capabilities", None), "dialect", "") == "postgres"
        and "asyncpg" in type(db).__module__
    )


async def _notify() -> None:
    """Wake the schedulers of the other processes (PostgreSQL's NOTIFY; they
    poll anyway, this only saves them the wait)."""
    db = Job._meta.db
    if not _asyncpg(db):
        return
    try:
        await db.execute_script(f"NOTIFY {NOTIFY_CHANNEL}")
    except Exception as exc:  # a wake-up only: the poll finds the job anyway
        logger.debug(f"scheduler: NOTIFY failed: {exc}")


# the claim on PostgreSQL: due rows nobody else is claiming right now, taken
# in one statement; the row locks of FOR UPDATE are the only coordination and
# SKIP LOCKED lets concurrent sweeps pass each other's rows by
_PG_CLAIM = """
UPDATE core_job AS j
SET status = 'running', claimed_by = $1, lease_until = $2,
    attempts = j.attempts + 1
WHERE j.id IN (
    SELECT c.id FROM core_job AS c
    WHERE c.kind = ANY($3::varchar[])
      AND ((c.status = 'pending' AND c.due_at <= $4)
           OR (c.status = 'running' AND c.lease_until < $4))
      AND ({groups})
    ORDER BY c.due_at, c.id
    LIMIT $5
    FOR UPDATE SKIP LOCKED
)
RETURNING j.id
"""


class Scheduler:
    def __init__(
        self,
        *,
        poll_seconds: float = 1.0,
        max_attempts: int = 5,
        retry_base_seconds: float = 10.0,
        lease_seconds: float = 300.0,
        takeover_seconds: float | None = None,
        batch: int = 50,
        groups: Callable[[], Iterable[str]] | None = None,
    ) -> None:
        self.worker = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self.poll_seconds = poll_seconds
        self.max_attempts = max_attempts
        self.retry_base_seconds = retry_base_seconds
        # the longest one run may hold its job (renewed until then)
        self.lease = timedelta(seconds=lease_seconds)
        # the lease a claim holds, renewed every third of it while it runs
        self.heartbeat = timedelta(
            seconds=min(lease_seconds, takeover_seconds or lease_seconds)
        )
        self.batch = batch
        self.groups = groups
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._listening: Any = None  # the asyncpg connection LISTENing
        # job id → (its attempt number, when this process started running it)
        self._running: dict[int, tuple[int, float]] = {}

    def start(self) -> None:
        _wakeups.append(self._wake)
        self._task = asyncio.create_task(self._loop(), name="linli-scheduler")

    async def stop(self) -> None:
        if self._wake in _wakeups:
            _wakeups.remove(self._wake)
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        await self._unlisten()

    async def _listen(self) -> None:
        """On PostgreSQL, LISTEN for the other processes' new jobs on a
        connection of its own (Tortoise's pool hands connections around)."""
        if self._listening is not None:
            return
        db = Job._meta.db
        if not _asyncpg(db):
            return
        import asyncpg

        try:
            conn = await asyncpg.connect(
                host=db.host,
                port=db.port,
                user=db.user,
                password=db.password,
                database=db.database,
            )
            await conn.add_listener(NOTIFY_CHANNEL, lambda *_: self._wake.set())
        except Exception as exc:
            logger.warning(f"scheduler: cannot LISTEN ({exc}); polling only")
            self._listening = False
            return
        self._listening = conn

    async def _unlisten(self) -> None:
        conn, self._listening = self._listening, None
        if conn:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(conn.close(), 2)

    async def _loop(self) -> None:
        while True:
            try:
                await self._listen()
                await self.run_due()
            except Exception:
                logger.exception("scheduler: a sweep failed; trying again")
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.poll_seconds)

    async def run_due(self, now: datetime | None = None) -> int:
        """Claim and run every due job; returns how many ran (ok or not).

        A batch runs concurrently, so that a job waiting for a platform (a send
        held back by its budget) does not hold up the others; their leases are
        renewed while it runs."""
        ran = 0
        while True:
            # in UTC: Tortoise passes filter values to SQLite as text
            claimed = await self._claim((now or timezone.now()).astimezone(UTC))
            if not claimed:
                return ran
            renewal = asyncio.create_task(self._renew_while_running())
            try:
                await asyncio.gather(*(self._run(job) for job in claimed))
            finally:
                renewal.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await renewal
            ran += len(claimed)

    def _bound(self) -> list[str] | None:
        """The groups whose bound jobs this process may claim (None: all)."""
        if self.groups is None:
            return None
        return sorted(set(self.groups()))

    async def _claim(self, now: datetime) -> list[Job]:
        if not _handlers:
            return []
        db = Job._meta.db
        if _asyncpg(db):
            return await self._claim_pg(db, now)
        due = Job.filter(kind__in=list(_handlers)).filter(
            Q(status="pending", due_at__lte=now)
            | Q(status="running", lease_until__lt=now)
        )
        groups = self._bound()
        if groups is not None:
            due = due.filter(
                Q(group__isnull=True) | Q(group__in=groups)
                if groups
                else Q(group__isnull=True)
            )
        claimed = []
        for job in await due.order_by("due_at", "id").limit(self.batch):
            won = await Job.filter(
                id=job.id, status=job.status, attempts=job.attempts
            ).update(
                status="running",
                claimed_by=self.worker,
                lease_until=now + self.heartbeat,
                attempts=job.attempts + 1,
            )
            if won:
                job.attempts += 1
                job.status = "running"
                claimed.append(job)
        return claimed

    async def _claim_pg(self, db: Any, now: datetime) -> list[Job]:
        groups = self._bound()
        values: list[Any] = [
            self.worker,
            now + self.heartbeat,
            list(_handlers),
            now,
            self.batch,
        ]
        if groups is None:
            where = "TRUE"
        elif groups:
            where = 'c."group" IS NULL OR c."group" = ANY($6::varchar[])'
            values.append(groups)
        else:
            where = 'c."group" IS NULL'
        rows = await db.execute_query_dict(_PG_CLAIM.format(groups=where), values)
        if not rows:
            return []
        ids = [row["id"] for row in rows]
        return list(await Job.filter(id__in=ids).order_by("due_at", "id"))

    async def _renew_while_running(self) -> None:
        """Extend the leases of this process's running jobs every third of the
        lease, until each has run ``lease_seconds``."""
        every = self.heartbeat.total_seconds() / 3
        while True:
            await asyncio.sleep(every)
            try:
                await self.renew()
            except Exception as exc:  # the next renewal may get through
                logger.warning(f"scheduler: could not renew the running jobs: {exc}")

    async def renew(self) -> int:
        """One renewal of the running jobs' leases; how many were renewed."""
        limit = time.monotonic() - self.lease.total_seconds()
        ids = []
        for job_id, (_, started) in self._running.items():
            if started >= limit:
                ids.append(job_id)
            else:
                logger.warning(
                    f"scheduler: job {job_id} has run longer than lease_seconds; "
                    "no longer renewed (another process may claim it)"
                )
        if not ids:
            return 0
        renewed = await Job.filter(
            id__in=ids, claimed_by=self.worker, status="running"
        ).update(lease_until=timezone.now() + self.heartbeat)
        if renewed < len(ids):
            logger.warning(
                f"scheduler: {len(ids) - renewed} running job(s) are no longer "
                "this process's (their lease ran out): they ran elsewhere too"
            )
        return renewed

    def _mine(self, job: Job) -> Any:
        """The rows of ``job`` as this process claimed it (no one took it over)."""
        return Job.filter(id=job.id, claimed_by=self.worker, attempts=job.attempts)

    async def _run(self, job: Job) -> None:
        handler = _handlers[job.kind]
        self._running[job.id] = (job.attempts, time.monotonic())
        try:
            await self._run_handler(handler, job)
        finally:
            self._running.pop(job.id, None)

    async def _run_handler(self, handler: Handler, job: Job) -> None:
        try:
            await handler(dict(job.payload))
        except Exception as exc:
            error = f"{type(exc).__name__}: {exc}"
            if job.attempts >= self.max_attempts:
                logger.error(
                    f"scheduler: job {job.id} ({job.kind}) failed for good "
                    f"after {job.attempts} attempts: {error}"
                )
                await self._mine(job).update(
                    status="failed", last_error=error, finished_at=timezone.now()
                )
                return
            delay = self.retry_base_seconds * 2 ** (job.attempts - 1)
            logger.warning(
                f"scheduler: job {job.id} ({job.kind}) attempt {job.attempts} "
                f"failed, retrying in {delay:.0f}s: {error}"
            )
            await self._mine(job).update(
                status="pending",
                due_at=timezone.now() + timedelta(seconds=delay),
                last_error=error,
                lease_until=None,
            )
            return
        finished = await self._mine(job).update(
            status="done", finished_at=timezone.now(), lease_until=None, key=None
        )
        if not finished:
            logger.warning(
                f"scheduler: job {job.id} ({job.kind}) finished here but was "
                "claimed again meanwhile (its lease ran out): it ran elsewhere too"
            )
