"""The scheduler shared by several processes (issue 21): a running job's short
lease renewed while it runs, a killed worker's job taken over once that lease
runs out, jobs bound to a group claimed only where its speaker is, and, on
PostgreSQL, claims that pass each other's locked rows by (SKIP LOCKED).

On the test database (SQLite; PostgreSQL with LINLI_TEST_DATABASE_URL)."""

from __future__ import annotations

import asyncio
import itertools
import os
from datetime import timedelta

import pytest

_kinds = itertools.count()

pytestmark = pytest.mark.usefixtures("app_scheduler_paused")

PG = os.environ.get("LINLI_DATABASE_URL", "").startswith("postgres://")


def _kind() -> str:
    return f"test.procs{next(_kinds)}"


async def test_a_running_jobs_short_lease_is_renewed_while_it_runs() -> None:
    from tortoise import timezone

    from plugins.core.models import Job
    from plugins.core.scheduler import Scheduler, job_handler, schedule

    kind, ran, started = _kind(), [], asyncio.Event()

    @job_handler(kind)
    async def handle(payload: dict) -> None:
        started.set()
        await asyncio.sleep(1.2)  # four times the lease
        ran.append(1)

    job = await schedule(kind, timezone.now() - timedelta(seconds=1))
    worker = Scheduler(lease_seconds=300, takeover_seconds=0.3)
    running = asyncio.create_task(worker.run_due())
    await asyncio.wait_for(started.wait(), 5)
    other = Scheduler(lease_seconds=300, takeover_seconds=0.3)
    for _ in range(5):  # another process sweeps while it runs: nothing to take
        await asyncio.sleep(0.2)
        assert await other.run_due() == 0
        row = await Job.get(id=job.id)
        assert row.status == "running" and row.claimed_by == worker.worker
        assert row.lease_until <= timezone.now() + timedelta(seconds=0.35)
    await running
    assert ran == [1]
    row = await Job.get(id=job.id)
    assert (row.status, row.attempts, row.lease_until) == ("done", 1, None)


async def test_a_killed_workers_job_is_taken_over_after_the_short_lease() -> None:
    """The worker's task dies mid-run (what kill -9 leaves: a running row
    nobody renews); another process runs the job once the lease is out, not
    after lease_seconds."""
    from tortoise import timezone

    from plugins.core.models import Job
    from plugins.core.scheduler import Scheduler, job_handler, schedule

    kind, runs, started = _kind(), [], asyncio.Event()

    @job_handler(kind)
    async def handle(payload: dict) -> None:
        runs.append(asyncio.current_task())
        started.set()
        await asyncio.sleep(3600)

    job = await schedule(kind, timezone.now() - timedelta(seconds=1))
    dying = Scheduler(lease_seconds=300, takeover_seconds=0.4)
    killed = asyncio.create_task(dying.run_due())
    await asyncio.wait_for(started.wait(), 5)
    killed.cancel()  # no retry, no done: the row stays running
    with pytest.raises(asyncio.CancelledError):
        await killed
    row = await Job.get(id=job.id)
    assert row.status == "running" and row.claimed_by == dying.worker

    # the same kind, in the other process: quick this time
    async def handle_again(payload: dict) -> None:
        runs.append("taken over")

    from plugins.core import scheduler

    scheduler._handlers[kind] = handle_again
    heir = Scheduler(lease_seconds=300, takeover_seconds=0.4)
    assert await heir.run_due() == 0  # the lease still runs
    taken = None
    for _ in range(40):
        await asyncio.sleep(0.05)
        if await heir.run_due():
            taken = timezone.now()
            break
    assert taken is not None
    assert runs[-1] == "taken over" and len(runs) == 2
    row = await Job.get(id=job.id)
    assert (row.status, row.attempts, row.claimed_by) == ("done", 2, heir.worker)


async def test_a_run_past_lease_seconds_is_no_longer_renewed() -> None:
    from tortoise import timezone

    from plugins.core.models import Job
    from plugins.core.scheduler import Scheduler, job_handler, schedule

    kind, release = _kind(), asyncio.Event()

    @job_handler(kind)
    async def handle(payload: dict) -> None:
        await release.wait()

    job = await schedule(kind, timezone.now() - timedelta(seconds=1))
    hung = Scheduler(lease_seconds=0.5, takeover_seconds=0.3)
    running = asyncio.create_task(hung.run_due())
    await asyncio.sleep(1.3)  # past lease_seconds and the last lease
    row = await Job.get(id=job.id)
    assert row.lease_until < timezone.now()  # claimable by another process
    release.set()
    await running
    # its finish was still its own: nobody claimed the job meanwhile
    assert (await Job.get(id=job.id)).status == "done"


async def test_jobs_bound_to_a_group_run_only_where_its_speaker_is() -> None:
    from tortoise import timezone

    from plugins.core.models import Job
    from plugins.core.scheduler import Scheduler, job_handler, schedule

    kind, ran = _kind(), []

    @job_handler(kind)
    async def handle(payload: dict) -> None:
        ran.append(payload["n"])

    due = timezone.now() - timedelta(seconds=1)
    await schedule(kind, due, {"n": "g1000"}, group="qq:1000")
    await schedule(kind, due, {"n": "g2000"}, group="qq:2000")
    await schedule(kind, due, {"n": "free"})
    # a process where no speaker is connected: only the unbound job
    assert await Scheduler(groups=lambda: []).run_due() == 1
    assert ran == ["free"]
    # the process speaking for qq:2000 only
    assert await Scheduler(groups=lambda: ["qq:2000", "qq:3000"]).run_due() == 1
    assert ran == ["free", "g2000"]
    assert (await Job.get(group="qq:1000")).status == "pending"
    # the one speaking for qq:1000
    assert await Scheduler(groups=lambda: ["qq:1000"]).run_due() == 1
    assert ran == ["free", "g2000", "g1000"]
    assert await Job.filter(kind=kind, status="done").count() == 3


async def test_racing_processes_run_each_bound_job_once_where_it_belongs() -> None:
    from tortoise import timezone

    from plugins.core.models import Job
    from plugins.core.scheduler import Scheduler, job_handler, schedule

    kind, ran = _kind(), []

    @job_handler(kind)
    async def handle(payload: dict) -> None:
        await asyncio.sleep(0)
        ran.append((payload["n"], payload["where"]))

    due = timezone.now() - timedelta(seconds=1)
    for n in range(40):
        group = ("qq:1000", "qq:2000", None)[n % 3]
        await schedule(kind, due, {"n": n, "where": group}, group=group)
    p1 = [Scheduler(batch=5, groups=lambda: ["qq:1000"]) for _ in range(2)]
    p2 = [Scheduler(batch=5, groups=lambda: ["qq:2000"]) for _ in range(2)]
    await asyncio.gather(*(w.run_due() for w in (*p1, *p2)))
    assert sorted(n for n, _ in ran) == list(range(40))
    rows = await Job.filter(kind=kind).values("group", "claimed_by", "status")
    p1_workers = {w.worker for w in p1}
    for row in rows:
        assert row["status"] == "done"
        if row["group"] == "qq:1000":
            assert row["claimed_by"] in p1_workers
        elif row["group"] == "qq:2000":
            assert row["claimed_by"] not in p1_workers


@pytest.mark.skipif(not PG, reason="SKIP LOCKED: PostgreSQL only")
async def test_postgres_claims_pass_a_row_another_process_has_locked() -> None:
    """A row locked by another transaction (another process claiming it) is
    passed by at once, not waited for: the claim is SELECT … FOR UPDATE SKIP
    LOCKED, and the compare-and-set of SQLite would block here."""
    import asyncpg
    from tortoise import timezone

    from plugins.core.scheduler import Scheduler, job_handler, schedule

    kind, ran = _kind(), []

    @job_handler(kind)
    async def handle(payload: dict) -> None:
        ran.append(payload["n"])

    due = timezone.now() - timedelta(seconds=1)
    locked = await schedule(kind, due, {"n": 0})
    await schedule(kind, due, {"n": 1})
    url = os.environ["LINLI_DATABASE_URL"].replace("postgres://", "postgresql://", 1)
    other = await asyncpg.connect(url)
    try:
        tx = other.transaction()
        await tx.start()
        lock = "SELECT id FROM core_job WHERE id = $1 FOR UPDATE"
        await other.execute(lock, locked.id)
        assert await asyncio.wait_for(Scheduler().run_due(), 3) == 1
        assert ran == [1]
        await tx.rollback()
    finally:
        await other.close()
    assert await Scheduler().run_due() == 1
    assert ran == [1, 0]


@pytest.mark.skipif(not PG, reason="LISTEN/NOTIFY: PostgreSQL only")
async def test_postgres_wakes_another_processs_scheduler_at_once() -> None:
    """A scheduler polling every 30 s runs a job another process stores as
    soon as it is stored (NOTIFY), not at its next poll."""
    from tortoise import timezone

    from plugins.core import scheduler
    from plugins.core.scheduler import Scheduler, job_handler, schedule

    kind, fired = _kind(), asyncio.Event()

    @job_handler(kind)
    async def handle(payload: dict) -> None:
        fired.set()

    worker = Scheduler(poll_seconds=30)
    worker.start()
    try:
        for _ in range(50):  # its LISTEN connection is up
            if worker._listening:
                break
            await asyncio.sleep(0.05)
        assert worker._listening
        # as another process would: no in-process wake-up, only the NOTIFY
        scheduler._wakeups.remove(worker._wake)
        await asyncio.sleep(0.2)  # its first sweep found nothing and waits
        await schedule(kind, timezone.now())
        await asyncio.wait_for(fired.wait(), 5)
    finally:
        await worker.stop()
