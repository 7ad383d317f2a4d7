"""Staff commands (工作人员): /接单 /派单 /进展 /挂起 /恢复 /完成 /转单 /驳回 /合并."""

from __future__ import annotations

from nonebot import on_command
from nonebot.adapters import Message
from nonebot.matcher import Matcher
from nonebot.params import CommandArg
from nonebot.rule import Rule

from plugins.core import Ctx, Role

from . import service
from .common import actor_of, enabled, name_of
from .env import Actor, Env, Outcome, now_utc
from .escalation import deliver
from .parse import number_and_rest, reason_and_time


def _command(name: str, alias: str) -> type[Matcher]:
    return on_command(
        name, aliases={alias}, rule=Rule(enabled), priority=10, block=True
    )


async def _staff_args(
    matcher: type[Matcher], ctx: Ctx, args: Message, usage: str, *, need_text: bool
) -> tuple[Actor, int, str]:
    """The staff check, then ``<number> <text>`` or the usage line."""
    await ctx.require(Role.STAFF)
    n, rest = number_and_rest(args.extract_plain_text())
    if n is None or (need_text and not rest):
        await matcher.finish(ctx.t(usage))
    return await actor_of(ctx), n, rest


async def _done(matcher: type[Matcher], outcome: Outcome) -> None:
    deliver(outcome.outbox)
    await matcher.finish(outcome.reply)


ack = _command("接单", "ack")


@ack.handle()
async def _(ctx: Ctx, args: Message = CommandArg()) -> None:
    actor, n, _ = await _staff_args(
        ack, ctx, args, "tickets.usage.acknowledge", need_text=False
    )
    await _done(ack, await service.acknowledge(Env(ctx.config), actor, n))


dispatch = _command("派单", "dispatch")


@dispatch.handle()
async def _(ctx: Ctx, args: Message = CommandArg()) -> None:
    actor, n, rest = await _staff_args(
        dispatch, ctx, args, "tickets.usage.dispatch", need_text=False
    )
    mentioned = [m for m in ctx.info.mentions if m != f"{ctx.info.platform}:"
                 f"{ctx.info.self_id}"]  # fmt: skip
    worker = mentioned[0] if mentioned else None
    if worker is not None:
        name = await name_of(ctx.group, worker)
    else:
        name = rest.lstrip("@").strip()
    if not name:
        await dispatch.finish(ctx.t("tickets.usage.dispatch"))
    await _done(
        dispatch, await service.dispatch(Env(ctx.config), actor, n, worker, name)
    )


progress = _command("进展", "progress")


@progress.handle()
async def _(ctx: Ctx, args: Message = CommandArg()) -> None:
    actor, n, note = await _staff_args(
        progress, ctx, args, "tickets.usage.progress", need_text=True
    )
    await _done(progress, await service.progress(Env(ctx.config), actor, n, note))


pause = _command("挂起", "pause")


@pause.handle()
async def _(ctx: Ctx, args: Message = CommandArg()) -> None:
    actor, n, rest = await _staff_args(
        pause, ctx, args, "tickets.usage.pause", need_text=True
    )
    env = Env(ctx.config)
    reason, until = reason_and_time(rest, now_utc().astimezone(env.tz))
    await _done(pause, await service.pause(env, actor, n, reason, until))


resume = _command("恢复", "resume")


@resume.handle()
async def _(ctx: Ctx, args: Message = CommandArg()) -> None:
    actor, n, _ = await _staff_args(
        resume, ctx, args, "tickets.usage.resume", need_text=False
    )
    await _done(resume, await service.resume(Env(ctx.config), actor, n))


resolve = _command("完成", "resolve")


@resolve.handle()
async def _(ctx: Ctx, args: Message = CommandArg()) -> None:
    actor, n, note = await _staff_args(
        resolve, ctx, args, "tickets.usage.resolve", need_text=True
    )
    await _done(resolve, await service.resolve(Env(ctx.config), actor, n, note))


transfer = _command("转单", "transfer")


@transfer.handle()
async def _(ctx: Ctx, args: Message = CommandArg()) -> None:
    actor, n, category = await _staff_args(
        transfer, ctx, args, "tickets.usage.transfer", need_text=True
    )
    await _done(transfer, await service.transfer(Env(ctx.config), actor, n, category))


reject = _command("驳回", "reject")


@reject.handle()
async def _(ctx: Ctx, args: Message = CommandArg()) -> None:
    actor, n, reason = await _staff_args(
        reject, ctx, args, "tickets.usage.reject", need_text=True
    )
    await _done(reject, await service.reject(Env(ctx.config), actor, n, reason))


merge = _command("合并", "merge")


@merge.handle()
async def _(ctx: Ctx, args: Message = CommandArg()) -> None:
    actor, n, rest = await _staff_args(
        merge, ctx, args, "tickets.usage.merge", need_text=True
    )
    into, _ = number_and_rest(rest)
    if into is None:
        await merge.finish(ctx.t("tickets.usage.merge"))
    await _done(merge, await service.merge(Env(ctx.config), actor, n, into))
