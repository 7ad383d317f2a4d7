"""core's storage and scheduler on a real PostgreSQL server.

The suite runs on PostgreSQL when LINLI_TEST_DATABASE_URL is set (``.ci/run``
sets it); these tests check what only a real server shows.
"""

from __future__ import annotations

import asyncio
import os
from datetime import timedelta

import pytest

pytestmark = pytest.mark.skipif(
    not os.environ.get("LINLI_DATABASE_URL", "").startswith("postgres://"),
    reason="PostgreSQL tests need LINLI_TEST_DATABASE_URL=postgres://… (see README)",
)


async def test_migrations_created_core_tables() -> None:
    from tortoise.connection import get_connection

    conn = get_connection("default")
    _, rows = await conn.execute_query(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
    )
    tables = {row["tablename"] for row in rows}
    assert {"core_job", "core_audit", "core_member", "tortoise_migrations"} <= tables


async def test_concurrent_schedulers_never_run_a_job_twice() -> None:
    from tortoise import timezone

    from plugins.core.scheduler import Scheduler, job_handler, schedule

    ran: list[int] = []

    @job_handler("test.pg_race")
    async def handle(payload: dict) -> None:
        await asyncio.sleep(0.001)
        ran.append(payload["n"])

    due = timezone.now() - timedelta(seconds=1)
    for n in range(200):
        await schedule("test.pg_race", due, {"n": n})
    workers = [Scheduler(batch=13) for _ in range(6)]
    await asyncio.gather(*(w.run_due() for w in workers))
    # core's own background scheduler races too: wait for its jobs to finish
    from plugins.core.models import Job

    for _ in range(100):
        if not await Job.filter(kind="test.pg_race").exclude(status="done").exists():
            break
        await asyncio.sleep(0.05)
    assert sorted(ran) == list(range(200))
