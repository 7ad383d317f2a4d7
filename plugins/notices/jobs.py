"""Scheduler handlers: post a notice when it is due, and its reminders.

Jobs are keyed ``notices:publish:<id>`` and ``notices:remind:<id>:<n>``; they
are rows in core's job table, so a restart loses none. Each handler is safe to
run again: a delivery already sent is never sent twice.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from plugins.core import job_handler, port_for_group, send_queue, store

from . import service


def now() -> datetime:
    return datetime.now(ZoneInfo(store.current.core.timezone))


async def send(group: str, text: str) -> str | None:
    """Through core's send queue; fails fast (retryable) when no bot is online."""
    port_for_group(group)
    return await send_queue().send_group(group, text)


@job_handler(service.PUBLISH)
async def _publish(payload: dict) -> None:
    notice_id = int(payload["id"])
    await service.publish(notice_id, send, store.current, now())
    if not await service.sent_once(notice_id):
        raise RuntimeError(f"notice {notice_id}: some groups not reached yet")


@job_handler(service.REMIND)
async def _remind(payload: dict) -> None:
    notice_id, n = int(payload["id"]), int(payload["n"])
    result = await service.remind(notice_id, n, send, store.current, now())
    if result.pending:
        raise RuntimeError(
            f"notice {notice_id} reminder {n}: not reached yet: {result.pending}"
        )
