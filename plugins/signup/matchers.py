"""The signup plugin's metadata, command, free-text hook and durable jobs.

Thin handlers: parse (parsing.py) → service (service.py) → text (render.py);
the sub-commands of /接龙 are in commands.py.
"""

from __future__ import annotations

from nonebot import get_driver, logger, require
from nonebot.adapters import Message
from nonebot.plugin import PluginMetadata

require("plugins.core")
from plugins.core import (  # noqa: E402
    Context,
    command,
    hook,
    job_handler,
    port_for_group,
    register_models,
    send_queue,
)

from . import posting, service  # noqa: E402
from .commands import dispatch, join_free_text  # noqa: E402
from .config import SignupConfig  # noqa: E402  (registers the section)
from .models import OPEN, Sheet  # noqa: E402
from .parsing import parse_pasted, parse_plain  # noqa: E402
from .render import render_remind, render_sheet  # noqa: E402

register_models("signup", "plugins.signup")

__plugin_meta__ = PluginMetadata(
    name="signup",
    description="接龙 sign-up sheets: capacity, deadline, waitlist, lottery, export",
    usage="/接龙 (/signup)",
    type="application",
    supported_adapters={"~onebot.v11", "~onebot.v12"},
    extra={"linli": {"section": "signup", "help": "signup.help"}},
)


@command("接龙", "signup")
async def _signup(ctx: Context, args: Message) -> None:
    text = await dispatch(ctx, args.extract_plain_text())
    if text:
        await ctx.finish(text)


@hook(20)
async def _free_text(ctx: Context) -> bool:
    """``+1``, ``接龙 …`` or a pasted ``#接龙`` list, while a sheet is open here.

    Cheap checks first; the database only for text that looks like a join.
    """
    text = ctx.event.get_plaintext().strip()
    if not text or text[0] not in "+＋#接":
        return False
    info = ctx.info
    if info.group is None or info.from_self:
        return False
    cfg: SignupConfig = ctx.section("signup")
    if not cfg.plain_text:
        return False
    pasted = parse_pasted(info.text)
    plain = None if pasted else parse_plain(info.text, cfg.max_count)
    if pasted is None and plain is None:
        return False
    sheets = await service.open_sheets(info.group)
    if not sheets:
        return False  # not ours: other features see the message
    reply = await join_free_text(ctx, sheets, pasted, plain)
    if reply:
        await ctx.finish(reply)
    return True


# --------------------------------------------------------------------------
# durable jobs: the deadline, the reminder, the coalesced re-post
# --------------------------------------------------------------------------


@get_driver().on_startup
async def _repost_after_a_crash() -> None:
    """Runs after core's start (the database is open): lists left unposted."""
    if count := await service.repost_unposted():
        logger.info(f"signup: {count} sheet(s) changed before a restart, re-posting")


@job_handler("signup.close")
async def _close_job(payload: dict) -> None:
    """At the deadline: close (drawing lots if so set) and post the final list."""
    sheet = await Sheet.get_or_none(id=payload["id"])
    if sheet is None:
        return
    closed = await service.close(sheet.id, "deadline")  # joins stop at once
    if closed.sheet.final_posted:
        return
    port_for_group(sheet.group)  # no bot online: fail now, the job retries
    view = await service.view(sheet.id)
    await send_queue().send_group(
        sheet.group, render_sheet(view, posting.style_for(sheet.group))
    )
    await posting.posted(sheet.id, view.sheet.version, final=True)
    logger.info(f"signup: sheet {sheet.id} ({sheet.group} #{sheet.number}) closed")


@job_handler("signup.remind")
async def _remind_job(payload: dict) -> None:
    sheet = await Sheet.get_or_none(id=payload["id"])
    if sheet is None or sheet.status != OPEN or sheet.deadline is None:
        return
    port_for_group(sheet.group)
    view = await service.view(sheet.id)
    await send_queue().send_group(
        sheet.group, render_remind(view, posting.style_for(sheet.group))
    )


@job_handler("signup.post")
async def _post_job(payload: dict) -> None:
    """The coalesced re-post: one message for all changes since the last one."""
    await posting.post_if_behind(payload["id"])
