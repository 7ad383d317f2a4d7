"""Acknowledging bare replies — a vote number, a notice confirmation — without
one message each, so that a busy vote stays within the group's send budget.

Where the platform has reactions (QQ through NapCat or Lagrange, Telegram) the
member's own message gets an "ok" reaction. Elsewhere (WeChat, the terminal),
or when the reaction fails, the names are gathered for ``core.send.
ack_window_seconds`` and posted once: "已收到（投票 #3）：张三(1)、李梅(2)、…".
Everyone is named: a line that reaches ``MAX_NAMES`` goes out at once and the
next names start a new one, so 300 voters make a handful of lines, not 300.

The batches live in this process's memory: a restart inside a window loses
that window's one line, never what was recorded (the vote, the confirmation).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from nonebot import logger

from adapters.port import acknowledge

from .config import store
from .context import Context
from .i18n import t
from .tasks import Tasks

# names in one line at most (a QQ or WeChat message stays well under its
# length limit); a full line is sent at once
MAX_NAMES = 50


@dataclass
class _Batch:
    group: str
    locale: str
    topic: str
    # member (or household) → label; one who answers again ("1" then "2")
    # is named once, with the last answer, in the place of the first
    names: dict[str, str] = field(default_factory=dict)


# (group, topic) → the line being gathered
_batches: dict[tuple[str, str], _Batch] = {}
_sending = Tasks("acks")  # lines being sent
_timers = Tasks("acks")  # windows still open


async def acknowledge_reply(
    ctx: Context, topic: str, name: str, *, key: str | None = None
) -> bool:
    """Acknowledge ``ctx``'s bare reply about ``topic`` ("投票 #3「…」") for
    ``name`` (already masked by the caller); True when it was a reaction.
    Replies with the same ``key`` (default: the member; a household for a
    per-household count) are named once in a line, with the last name."""
    if await acknowledge(ctx.port, ctx.group, ctx.info.message_id):
        return True
    if ctx.group is None:  # a private chat: one line, nobody else to batch with
        await ctx.send(render(ctx.locale, topic, [name]))
        return False
    where = (ctx.group, topic)
    batch = _batches.get(where)
    if batch is None:
        batch = _batches[where] = _Batch(ctx.group, ctx.locale, topic)
        _timers.spawn(_flush_later(where, batch))
    batch.names[key or ctx.info.user] = name
    if len(batch.names) >= MAX_NAMES:  # full: out now, the next names start anew
        del _batches[where]
        _sending.spawn(_send(batch))
    return False


def render(locale: str, topic: str, names: list[str]) -> str:
    shown = "、".join(names) if locale == "zh-CN" else ", ".join(names)
    return t(locale, "core.acks.received", topic=topic, names=shown)


async def _flush_later(where: tuple[str, str], batch: _Batch) -> None:
    await asyncio.sleep(store.current.core.send.ack_window_seconds)
    if _batches.get(where) is batch:  # not already sent because it was full
        del _batches[where]
        await _send(batch)


async def _send(batch: _Batch) -> None:
    from . import send_queue

    text = render(batch.locale, batch.topic, list(batch.names.values()))
    try:
        await send_queue().send_group(batch.group, text)
    except Exception as exc:  # logged by the queue too; never lost silently
        logger.error(f"acks: the acknowledgement in {batch.group} was not sent: {exc}")


async def flush_all() -> None:
    """Send every line still being gathered now, without waiting for its
    window, and wait until all are sent (shutdown, tests)."""
    _timers.cancel()
    for where in list(_batches):
        _sending.spawn(_send(_batches.pop(where)))
    await _sending.settle()
