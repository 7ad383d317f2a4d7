"""Posting a sheet's list to its group after changes.

``repost_seconds`` is a rate: the list is posted at most once per that many
seconds. A change to a sheet whose list was last posted longer ago than that is
answered at once, in the member's own message handling; a change within it is
left to one durable job (``signup.post``) due when the time is up, which absorbs
every other change until then. If posting at once fails (no bot online), the
durable job posts instead, with the scheduler's retries. ``version`` /
``posted_version`` on the sheet say what the group has seen, so a job that finds
nothing new posts nothing, and at start every list left behind by a crash is
posted (``service.repost_unposted``).

When a list was last posted is kept in memory: after a restart the first change
of each sheet is answered at once.

A join is acknowledged at once by an "ok" reaction on the member's message
where the platform has reactions (QQ through NapCat or Lagrange, Telegram);
where it has none (WeChat, the terminal try-out) or the reaction failed, the
list is the only answer, so it waits at most ``UNACKNOWLEDGED_SECONDS``.
"""

from __future__ import annotations

import asyncio
import math
import time
from weakref import WeakValueDictionary

from nonebot import logger

from plugins.core import LinliConfig, port_for_group, send_queue, store

from . import service
from .config import SignupConfig
from .models import CLOSED, Sheet
from .render import Style, render_sheet

# the coalescing delay for a change that got no reaction (capped by
# repost_seconds): short, because the list is then what tells the member
UNACKNOWLEDGED_SECONDS = 3.0
# sheet id → time.monotonic() of its last post by this process
_last_post: dict[int, float] = {}
# one post of a sheet at a time: lists reach the group in the order they were read
_locks: WeakValueDictionary[int, asyncio.Lock] = WeakValueDictionary()


def style_for(group: str | None, config: LinliConfig | None = None) -> Style:
    """How lists look in ``group`` (the current config unless one is given)."""
    config = config or store.current
    cfg: SignupConfig = config.section("signup", group)  # type: ignore[assignment]
    return Style(
        locale=config.locale_of(group),
        timezone=config.core.timezone,
        count_units=cfg.count_fields,
        private_fields=tuple(cfg.private_fields),
        max_lines=cfg.max_lines,
    )


def log_failure(future: asyncio.Future) -> None:
    """A done-callback for queued sends that nobody awaits."""
    if not future.cancelled() and future.exception() is not None:
        logger.warning(f"signup: a message was not delivered: {future.exception()}")


async def posted(sheet_id: int, version: int, *, final: bool = False) -> None:
    """The group has seen the list at ``version`` (a reply, a job's post)."""
    await service.mark_posted(sheet_id, version, final=final)
    if final:  # nothing more to rate
        _last_post.pop(sheet_id, None)
    else:
        _last_post[sheet_id] = time.monotonic()


def _lock(sheet_id: int) -> asyncio.Lock:
    lock = _locks.get(sheet_id)
    if lock is None:
        lock = _locks[sheet_id] = asyncio.Lock()
    return lock


async def _post(sheet: Sheet) -> None:
    """Post ``sheet`` (as read by the caller) with its entries read now."""
    port_for_group(sheet.group)  # no bot online: fail before reading
    view = await service.view(sheet, reload=False)
    sent = send_queue().send_group(
        sheet.group, render_sheet(view, style_for(sheet.group))
    )
    sent.add_done_callback(log_failure)
    await posted(sheet.id, view.sheet.version)


async def changed(sheet: Sheet, every: float) -> None:
    """``sheet`` (as just changed) has a new list: post it now, or once later."""
    if sheet.status == CLOSED and not sheet.final_posted:
        return  # the close posts the final list
    async with _lock(sheet.id):
        wait = _last_post.get(sheet.id, -math.inf) + every - time.monotonic()
        if wait <= 0:
            try:
                await _post(sheet)
                return
            except Exception as exc:  # the durable job retries it
                logger.warning(f"signup: list of sheet {sheet.id} not posted: {exc}")
                wait = 0
    await service.request_repost(sheet.id, wait)


async def post_if_behind(sheet_id: int) -> None:
    """The durable job: post the list if the group has not seen its last change."""
    async with _lock(sheet_id):
        sheet = await Sheet.get_or_none(id=sheet_id)
        if sheet is None or sheet.version <= sheet.posted_version:
            return
        if sheet.status == CLOSED and not sheet.final_posted:
            return  # the close job posts the final list
        await _post(sheet)
