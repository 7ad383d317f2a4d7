"""Residents' commands: /报修 /报事 /投诉, the 【问题】 format, /工单, /我的工单,
/未解决, /评价."""

from __future__ import annotations

from nonebot import on_command, on_message
from nonebot.adapters import Message
from nonebot.matcher import Matcher
from nonebot.params import CommandArg
from nonebot.rule import Rule

from plugins.core import Ctx, Role

from . import service, stats
from .classify import free_format
from .common import actor_of, enabled
from .env import Env
from .escalation import deliver
from .parse import number_and_rest, period_of, score_and_comment

KINDS = {"报修": "repair", "报事": "report", "投诉": "complaint"}


async def _report(matcher: type[Matcher], ctx: Ctx, text: str, kind: str) -> None:
    actor = await actor_of(ctx)
    outcome = await service.report(Env(ctx.config), actor, text, kind)
    deliver(outcome.outbox)
    await matcher.finish(outcome.reply)


def _reporter(name: str, alias: str, kind: str) -> type[Matcher]:
    matcher = on_command(
        name, aliases={alias}, rule=Rule(enabled), priority=10, block=True
    )

    @matcher.handle()
    async def _(ctx: Ctx, args: Message = CommandArg()) -> None:
        await _report(matcher, ctx, args.extract_plain_text(), kind)

    return matcher


reporters = [
    _reporter("报修", "report", "repair"),
    _reporter("报事", "issue", "report"),
    _reporter("投诉", "complaint", "complaint"),
]


async def _free_format(ctx: Ctx) -> bool:
    """【问题】地点 + 现象 + 联系方式, in a residents' group or a private chat."""
    if ctx.group is not None and ctx.profile.role != "residents":
        return False
    tags = ctx.section("tickets").free_format_tags
    return free_format(ctx.info.text, tags) is not None


free = on_message(rule=Rule(enabled, _free_format), priority=30, block=True)


@free.handle()
async def _(ctx: Ctx) -> None:
    found = free_format(ctx.info.text, ctx.section("tickets").free_format_tags)
    assert found is not None  # the rule checked it
    tag, body = found
    await _report(free, ctx, body, KINDS.get(tag, "repair"))


ticket_cmd = on_command(
    "工单", aliases={"ticket"}, rule=Rule(enabled), priority=10, block=True
)


@ticket_cmd.handle()
async def _(ctx: Ctx, args: Message = CommandArg()) -> None:
    env = Env(ctx.config)
    text = args.extract_plain_text().strip()
    actor = await actor_of(ctx)
    if text.startswith(("统计", "stats")):
        await ctx.require(Role.STAFF)
        rest = text.removeprefix("统计").removeprefix("stats")
        period = period_of(rest)
        if period is None:
            await ticket_cmd.finish(ctx.t("tickets.usage.ticket"))
        await ticket_cmd.finish(await stats.report(env, ctx.group, ctx.locale, period))
    if not text:
        if await ctx.role() >= Role.STAFF:
            await ticket_cmd.finish((await service.open_tickets(env, actor)).reply)
        await ticket_cmd.finish(ctx.t("tickets.usage.ticket"))
    n, _ = number_and_rest(text)
    if n is None:
        await ticket_cmd.finish(ctx.t("tickets.usage.ticket"))
    staff = await ctx.role() >= Role.STAFF
    await ticket_cmd.finish((await service.show(env, actor, n, staff=staff)).reply)


mine_cmd = on_command(
    "我的工单", aliases={"mytickets"}, rule=Rule(enabled), priority=10, block=True
)


@mine_cmd.handle()
async def _(ctx: Ctx) -> None:
    outcome = await service.mine(Env(ctx.config), await actor_of(ctx))
    await mine_cmd.finish(outcome.reply)


reopen_cmd = on_command(
    "未解决", aliases={"reopen"}, rule=Rule(enabled), priority=10, block=True
)


@reopen_cmd.handle()
async def _(ctx: Ctx, args: Message = CommandArg()) -> None:
    n, note = number_and_rest(args.extract_plain_text())
    if n is None:
        await reopen_cmd.finish(ctx.t("tickets.usage.reopen"))
    outcome = await service.reopen(Env(ctx.config), await actor_of(ctx), n, note)
    deliver(outcome.outbox)
    await reopen_cmd.finish(outcome.reply)


rate_cmd = on_command(
    "评价", aliases={"rate"}, rule=Rule(enabled), priority=10, block=True
)


@rate_cmd.handle()
async def _(ctx: Ctx, args: Message = CommandArg()) -> None:
    n, rest = number_and_rest(args.extract_plain_text())
    score, comment = score_and_comment(rest)
    if n is None or score is None:
        await rate_cmd.finish(ctx.t("tickets.usage.rate"))
    outcome = await service.rate(
        Env(ctx.config), await actor_of(ctx), n, score, comment
    )
    deliver(outcome.outbox)
    await rate_cmd.finish(outcome.reply)
