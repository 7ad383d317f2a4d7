"""The durable scheduler: every deadline is a row in ``core_job``.

Plugins register a handler per job kind with ``@job_handler("signup.close")``
and schedule with ``await schedule("signup.close", due_at, {...})``. A job
runs once: it is claimed by a compare-and-set UPDATE (status and attempt count
must still be what this process read), so two processes sharing a database
never both run it. What fell due while the bot was down runs at start; a job
whose process died mid-run is claimed again when its lease expires; a failing
job retries with exponential backoff and ends as ``failed`` after
``max_attempts``, logged.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import uuid
from collections.abc import Awaitable, Callable
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
) -> Job:
    """Store a job. With ``key``, a pending job of that key is replaced."""
    if due_at.tzinfo is None:
        raise ValueError("due_at must be timezone-aware")
    # stored in UTC: SQLite compares datetimes as text, offsets and all
    due_at = due_at.astimezone(UTC)
    if key is not None:
        await Job.filter(key=key).exclude(status="running").delete()
        # a job of that key that is running now keeps running, without the key
        await Job.filter(key=key, status="running").update(key=None)
    job = await Job.create(kind=kind, due_at=due_at, payload=payload or {}, key=key)
    for event in _wakeups:
        event.set()
    return job


async def cancel(key: str) -> int:
    """Cancel pending jobs of ``key``; returns how many were cancelled."""
    return await Job.filter(key=key, status="pending").update(
        status="cancelled", key=None, finished_at=timezone.now()
    )


class Scheduler:
    def __init__(
        self,
        *,
        poll_seconds: float = 1.0,
        max_attempts: int = 5,
        retry_base_seconds: float = 10.0,
        lease_seconds: float = 300.0,
        batch: int = 50,
    ) -> None:
        self.worker = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self.poll_seconds = poll_seconds
        self.max_attempts = max_attempts
        self.retry_base_seconds = retry_base_seconds
        self.lease = timedelta(seconds=lease_seconds)
        self.batch = batch
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

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

    async def _loop(self) -> None:
        while True:
            try:
                await self.run_due()
            except Exception:
                logger.exception("scheduler: a sweep failed; trying again")
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.poll_seconds)

    async def run_due(self, now: datetime | None = None) -> int:
        """Claim and run every due job; returns how many ran (ok or not).

        A batch runs concurrently, so that a job waiting for a platform (a send
        held back by its budget) does not hold up the others."""
        ran = 0
        while True:
            # in UTC: Tortoise passes filter values to SQLite as text
            claimed = await self._claim((now or timezone.now()).astimezone(UTC))
            if not claimed:
                return ran
            await asyncio.gather(*(self._run(job) for job in claimed))
            ran += len(claimed)

    async def _claim(self, now: datetime) -> list[Job]:
        if not _handlers:
            return []
        due = (
            await Job.filter(kind__in=list(_handlers))
            .filter(
                Q(status="pending", due_at__lte=now)
                | Q(status="running", lease_until__lt=now)
            )
            .order_by("due_at", "id")
            .limit(self.batch)
        )
        claimed = []
        for job in due:
            won = await Job.filter(
                id=job.id, status=job.status, attempts=job.attempts
            ).update(
                status="running",
                claimed_by=self.worker,
                lease_until=now + self.lease,
                attempts=job.attempts + 1,
            )
            if won:
                job.attempts += 1
                claimed.append(job)
        return claimed

    async def _run(self, job: Job) -> None:
        handler = _handlers[job.kind]
        try:
            await handler(dict(job.payload))
        except Exception as exc:
            error = f"{type(exc).__name__}: {exc}"
            if job.attempts >= self.max_attempts:
                logger.error(
                    f"scheduler: job {job.id} ({job.kind}) failed for good "
                    f"after {job.attempts} attempts: {error}"
                )
                await Job.filter(id=job.id, claimed_by=self.worker).update(
                    status="failed", last_error=error, finished_at=timezone.now()
                )
                return
            delay = self.retry_base_seconds * 2 ** (job.attempts - 1)
            logger.warning(
                f"scheduler: job {job.id} ({job.kind}) attempt {job.attempts} "
                f"failed, retrying in {delay:.0f}s: {error}"
            )
            await Job.filter(id=job.id, claimed_by=self.worker).update(
                status="pending",
                due_at=timezone.now() + timedelta(seconds=delay),
                last_error=error,
                lease_until=None,
            )
            return
        await Job.filter(id=job.id, claimed_by=self.worker).update(
            status="done", finished_at=timezone.now(), lease_until=None, key=None
        )
