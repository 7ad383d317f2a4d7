"""Residents' commands: /报修 /报事 /投诉, the 【问题】 format, /工单, /我的工单,
/未解决, /评价."""

from __future__ import annotations

from nonebot.adapters import Message

from plugins.core import Context, Role, command, hook

from . import service, stats
from .classify import free_format
from .common import actor_of
from .env import Env
from .escalation import deliver
from .parse import number_and_rest, period_of, score_and_comment

KINDS = {"报修": "repair", "报事": "report", "投诉": "complaint"}


async def _report(ctx: Context, text: str, kind: str) -> None:
    actor = await actor_of(ctx)
    outcome = await service.report(Env(ctx.config), actor, text, kind)
    deliver(outcome.outbox)
    await ctx.finish(outcome.reply)


def _reporter(name: str, alias: str, kind: str):
    @command(name, alias)
    async def _(ctx: Context, args: Message) -> None:
        await _report(ctx, args.extract_plain_text(), kind)

    return _


_reporter("报修", "report", "repair")
_reporter("报事", "issue", "report")
_reporter("投诉", "complaint", "complaint")


@hook(30)
async def _free_format(ctx: Context) -> bool:
    """【问题】地点 + 现象 + 联系方式, in a residents' group or a private chat."""
    if ctx.group is not None and ctx.profile.role != "residents":
        return False
    found = free_format(ctx.info.text, ctx.section("tickets").free_format_tags)
    if found is None:
        return False
    tag, body = found
    await _report(ctx, body, KINDS.get(tag, "repair"))
    return True


@command("工单", "ticket")
async def _ticket(ctx: Context, args: Message) -> None:
    env = Env(ctx.config)
    text = args.extract_plain_text().strip()
    actor = await actor_of(ctx)
    if text.startswith(("统计", "stats")):
        await ctx.require(Role.STAFF)
        rest = text.removeprefix("统计").removeprefix("stats")
        period = period_of(rest)
        if period is None:
            await ctx.finish(ctx.t("tickets.usage.ticket"))
        await ctx.finish(await stats.report(env, ctx.group, ctx.locale, period))
    if not text:
        if await ctx.role() >= Role.STAFF:
            await ctx.finish((await service.open_tickets(env, actor)).reply)
        await ctx.finish(ctx.t("tickets.usage.ticket"))
    n, _ = number_and_rest(text)
    if n is None:
        await ctx.finish(ctx.t("tickets.usage.ticket"))
    staff = await ctx.role() >= Role.STAFF
    await ctx.finish((await service.show(env, actor, n, staff=staff)).reply)


@command("我的工单", "mytickets")
async def _mine(ctx: Context, args: Message) -> None:
    outcome = await service.mine(Env(ctx.config), await actor_of(ctx))
    await ctx.finish(outcome.reply)


@command("未解决", "reopen")
async def _reopen(ctx: Context, args: Message) -> None:
    n, note = number_and_rest(args.extract_plain_text())
    if n is None:
        await ctx.finish(ctx.t("tickets.usage.reopen"))
    outcome = await service.reopen(Env(ctx.config), await actor_of(ctx), n, note)
    deliver(outcome.outbox)
    await ctx.finish(outcome.reply)


@command("评价", "rate")
async def _rate(ctx: Context, args: Message) -> None:
    n, rest = number_and_rest(args.extract_plain_text())
    score, comment = score_and_comment(rest)
    if n is None or score is None:
        await ctx.finish(ctx.t("tickets.usage.rate"))
    outcome = await service.rate(
        Env(ctx.config), await actor_of(ctx), n, score, comment
    )
    deliver(outcome.outbox)
    await ctx.finish(outcome.reply)
