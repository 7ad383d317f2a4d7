"""The durable scheduler on the test database (SQLite; PostgreSQL in test_postgres)."""

from __future__ import annotations

import asyncio
import itertools
from datetime import timedelta

import pytest

_kinds = itertools.count()


# the app's own scheduler polls the same database and is woken by every
# ``schedule``: on PostgreSQL it could claim a job these tests schedule first
pytestmark = pytest.mark.usefixtures("app_scheduler_paused")


def _kind() -> str:
    return f"test.kind{next(_kinds)}"


async def test_due_job_runs_once_and_future_job_waits() -> None:
    from tortoise import timezone

    from plugins.core.models import Job
    from plugins.core.scheduler import Scheduler, job_handler, schedule

    kind, ran = _kind(), []

    @job_handler(kind)
    async def handle(payload: dict) -> None:
        ran.append(payload["n"])

    now = timezone.now()
    past = await schedule(kind, now - timedelta(hours=1), {"n": 1})
    future = await schedule(kind, now + timedelta(hours=1), {"n": 2})
    worker = Scheduler(poll_seconds=0.05)
    await worker.run_due()
    await worker.run_due()
    assert ran == [1]
    assert (await Job.get(id=past.id)).status == "done"
    assert (await Job.get(id=future.id)).status == "pending"
    await worker.run_due(now + timedelta(hours=2))
    assert ran == [1, 2]


async def test_racing_schedulers_run_each_job_exactly_once() -> None:
    from tortoise import timezone

    from plugins.core.scheduler import Scheduler, job_handler, schedule

    kind, ran = _kind(), []

    @job_handler(kind)
    async def handle(payload: dict) -> None:
        await asyncio.sleep(0)
        ran.append(payload["n"])

    due = timezone.now() - timedelta(seconds=1)
    for n in range(60):
        await schedule(kind, due, {"n": n})
    workers = [Scheduler(batch=7) for _ in range(4)]
    await asyncio.gather(*(w.run_due() for w in workers))
    # core's own background scheduler races too: wait for its jobs to finish
    from plugins.core.models import Job

    for _ in range(100):
        if not await Job.filter(kind=kind).exclude(status="done").exists():
            break
        await asyncio.sleep(0.05)
    assert sorted(ran) == list(range(60))


async def test_failing_job_retries_with_backoff_then_fails() -> None:
    from tortoise import timezone

    from plugins.core.models import Job
    from plugins.core.scheduler import Scheduler, job_handler, schedule

    kind, calls = _kind(), []

    @job_handler(kind)
    async def handle(payload: dict) -> None:
        calls.append(timezone.now())
        raise RuntimeError("platform down")

    job = await schedule(kind, timezone.now() - timedelta(seconds=1))
    worker = Scheduler(max_attempts=3, retry_base_seconds=60)
    await worker.run_due()
    row = await Job.get(id=job.id)
    assert (row.status, row.attempts) == ("pending", 1)
    assert "platform down" in row.last_error
    first_retry = row.due_at - calls[0]
    assert timedelta(seconds=59) < first_retry < timedelta(seconds=62)
    await worker.run_due(row.due_at + timedelta(seconds=1))
    row = await Job.get(id=job.id)
    second_retry = row.due_at - calls[1]
    assert timedelta(seconds=119) < second_retry < timedelta(seconds=122)
    await worker.run_due(row.due_at + timedelta(seconds=1))
    row = await Job.get(id=job.id)
    assert (row.status, row.attempts, len(calls)) == ("failed", 3, 3)


async def test_job_of_a_dead_worker_is_reclaimed_after_its_lease() -> None:
    from tortoise import timezone

    from plugins.core.models import Job
    from plugins.core.scheduler import Scheduler, job_handler

    kind, ran = _kind(), []

    @job_handler(kind)
    async def handle(payload: dict) -> None:
        ran.append(1)

    now = timezone.now()
    job = await Job.create(
        kind=kind,
        due_at=now - timedelta(minutes=10),
        status="running",
        attempts=1,
        claimed_by="dead-process",
        lease_until=now - timedelta(seconds=1),
    )
    await Scheduler().run_due()
    assert ran == [1]
    assert (await Job.get(id=job.id)).status == "done"


async def test_key_replaces_pending_job_and_cancel() -> None:
    from tortoise import timezone

    from plugins.core.models import Job
    from plugins.core.scheduler import cancel, job_handler, schedule

    kind = _kind()

    @job_handler(kind)
    async def handle(payload: dict) -> None:
        pass

    later = timezone.now() + timedelta(hours=1)
    await schedule(kind, later, {"v": 1}, key=f"{kind}:sheet1")
    await schedule(kind, later, {"v": 2}, key=f"{kind}:sheet1")
    jobs = await Job.filter(kind=kind)
    assert [j.payload for j in jobs] == [{"v": 2}]
    assert await cancel(f"{kind}:sheet1") == 1
    assert (await Job.get(id=jobs[0].id)).status == "cancelled"


async def test_running_scheduler_fires_soon_after_schedule() -> None:
    from tortoise import timezone

    from plugins.core.scheduler import Scheduler, job_handler, schedule

    kind, fired = _kind(), asyncio.Event()

    @job_handler(kind)
    async def handle(payload: dict) -> None:
        fired.set()

    worker = Scheduler(poll_seconds=0.05)
    worker.start()
    try:
        await schedule(kind, timezone.now() + timedelta(milliseconds=100))
        await asyncio.wait_for(fired.wait(), 5)
    finally:
        await worker.stop()


async def test_non_utc_due_time_fires_at_the_right_moment() -> None:
    """SQLite compares stored datetimes as text: due times are stored in UTC."""
    from zoneinfo import ZoneInfo

    from tortoise import timezone

    from plugins.core.models import Job
    from plugins.core.scheduler import Scheduler, job_handler, schedule

    kind, ran = _kind(), []

    @job_handler(kind)
    async def handle(payload: dict) -> None:
        ran.append(1)

    shanghai = timezone.now().astimezone(ZoneInfo("Asia/Shanghai"))
    overdue = await schedule(kind, shanghai - timedelta(minutes=1))
    ahead = await schedule(kind, shanghai + timedelta(hours=1))
    await Scheduler().run_due(shanghai)  # "now" given in another zone
    assert ran == [1]  # the overdue one, at once
    assert (await Job.get(id=overdue.id)).status == "done"
    assert (await Job.get(id=ahead.id)).status == "pending"


async def test_rescheduling_a_key_while_its_job_runs() -> None:
    from tortoise import timezone

    from plugins.core.models import Job
    from plugins.core.scheduler import Scheduler, job_handler, schedule

    kind, started, release = _kind(), asyncio.Event(), asyncio.Event()

    @job_handler(kind)
    async def handle(payload: dict) -> None:
        if payload["n"] == 1:
            started.set()
            await release.wait()

    key = f"{kind}:k"
    await schedule(kind, timezone.now() - timedelta(seconds=1), {"n": 1}, key=key)
    running = asyncio.create_task(Scheduler().run_due())
    await asyncio.wait_for(started.wait(), 5)
    later = await schedule(kind, timezone.now() + timedelta(hours=1), {"n": 2}, key=key)
    release.set()
    await running
    assert (await Job.get(id=later.id)).key == key
    assert await Job.filter(kind=kind, status="done").count() == 1
