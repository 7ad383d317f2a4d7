"""Acknowledging bare replies — a vote number, a notice confirmation — without
one message each, so that a busy vote stays within the group's send budget.

Where the platform has reactions (QQ through NapCat or Lagrange, Telegram) the
member's own message gets an "ok" reaction. Elsewhere (WeChat, the terminal),
or when the reaction fails, the names are gathered for ``core.send.
ack_window_seconds`` and posted once: "已收到（投票 #3）：张三(1)、李梅(2) 等 12 人".

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

# at most this many names in one line; the rest are counted ("等 12 人")
MAX_NAMES = 10


@dataclass
class _Batch:
    locale: str
    topic: str
    # member (or household) → label; one who answers again ("1" then "2")
    # is named once, with the last answer, in the place of the first
    names: dict[str, str] = field(default_factory=dict)


# (group, topic) → the names waiting to be acknowledged
_batches: dict[tuple[str, str], _Batch] = {}
_tasks: set[asyncio.Task[None]] = set()


async def acknowledge_reply(
    ctx: Context, topic: str, name: str, *, key: str | None = None
) -> bool:
    """Acknowledge ``ctx``'s bare reply about ``topic`` ("投票 #3「…」") for
    ``name`` (already masked by the caller); True when it was a reaction.
    Replies with the same ``key`` (default: the member; a household for a
    per-household count) are named once in a batch, with the last name."""
    if await acknowledge(ctx.port, ctx.group, ctx.info.message_id):
        return True
    if ctx.group is None:  # a private chat: one line, nobody else to batch with
        await ctx.send(render(ctx.locale, topic, [name]))
        return False
    where = (ctx.group, topic)
    batch = _batches.get(where)
    if batch is None:
        batch = _batches[where] = _Batch(ctx.locale, topic)
        task = asyncio.create_task(_flush_later(where))
        _tasks.add(task)
        task.add_done_callback(_tasks.discard)
    batch.names[key or ctx.info.user] = name
    return False


def render(locale: str, topic: str, names: list[str]) -> str:
    shown = (
        "、".join(names[:MAX_NAMES])
        if locale == "zh-CN"
        else ", ".join(names[:MAX_NAMES])
    )
    if len(names) > MAX_NAMES:
        return t(locale, "core.acks.many", topic=topic, names=shown, n=len(names))
    return t(locale, "core.acks.received", topic=topic, names=shown)


async def _flush_later(key: tuple[str, str]) -> None:
    from . import send_queue

    await asyncio.sleep(store.current.core.send.ack_window_seconds)
    batch = _batches.pop(key, None)
    if batch is None or not batch.names:
        return
    group = key[0]
    try:
        await send_queue().send_group(
            group, render(batch.locale, batch.topic, list(batch.names.values()))
        )
    except Exception as exc:  # logged by the queue too; never lost silently
        logger.error(f"acks: the acknowledgement in {group} was not sent: {exc}")


async def flush_all() -> None:
    """Wait for every batch still open (tests, shutdown)."""
    if _tasks:
        await asyncio.gather(*list(_tasks), return_exceptions=True)
