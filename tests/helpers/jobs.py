"""Scheduled jobs in tests: run a handler now, or keep the app's scheduler still.

await run_job("vote.close", {"id": vote.id})  # the @job_handler("vote.close")
@pytest.mark.usefixtures("app_scheduler_paused")  # nothing runs behind the test
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest


def job_handler_of(kind: str):
    """The function registered with ``@job_handler(kind)``."""
    from plugins.core import scheduler

    handler = scheduler._handlers.get(kind)
    if handler is None:
        raise LookupError(
            f"no @job_handler({kind!r}); registered: {scheduler.registered_kinds()}"
        )
    return handler


async def run_job(kind: str, payload: dict[str, Any] | None = None) -> None:
    """Run the handler of job ``kind`` on ``payload`` now, in the test's task:
    no row in core_job, no retry; what it raises reaches the test."""
    await job_handler_of(kind)(payload or {})


@pytest.fixture
async def app_scheduler_paused() -> AsyncIterator[None]:
    """The app's own scheduler stopped for the test: it polls the same database
    and is woken by every ``schedule``, so on PostgreSQL it can claim (and run)
    a job the test has just scheduled before the test looks at it."""
    import plugins.core as core

    running = core._scheduler
    if running is not None:
        await running.stop()
    try:
        yield
    finally:
        if running is not None:
            running.start()
