"""Staff commands (工作人员): /接单 /派单 /进展 /挂起 /恢复 /完成 /转单 /驳回 /合并."""

from __future__ import annotations

from collections.abc import Callable

from nonebot.adapters import Message

from plugins.core import Context, Role, command

from . import service
from .common import actor_of, name_of
from .env import Actor, Env, Outcome, now_utc
from .escalation import deliver
from .parse import number_and_rest, reason_and_time


def _command(name: str, alias: str) -> Callable:
    """A staff command (skipped by the router where tickets are off)."""
    return command(name, alias)


async def _staff_args(
    ctx: Context, args: Message, usage: str, *, need_text: bool
) -> tuple[Actor, int, str]:
    """The staff check, then ``<number> <text>`` or the usage line."""
    await ctx.require(Role.STAFF)
    n, rest = number_and_rest(args.extract_plain_text())
    if n is None or (need_text and not rest):
        await ctx.finish(ctx.t(usage))
    return await actor_of(ctx), n, rest


async def _done(ctx: Context, outcome: Outcome) -> None:
    deliver(outcome.outbox)
    await ctx.finish(outcome.reply)


@_command("接单", "ack")
async def _ack(ctx: Context, args: Message) -> None:
    actor, n, _ = await _staff_args(
        ctx, args, "tickets.usage.acknowledge", need_text=False
    )
    await _done(ctx, await service.acknowledge(Env(ctx.config), actor, n))


@_command("派单", "dispatch")
async def _dispatch(ctx: Context, args: Message) -> None:
    actor, n, rest = await _staff_args(
        ctx, args, "tickets.usage.dispatch", need_text=False
    )
    mentioned = ctx.mentioned
    worker = mentioned[0] if mentioned else None
    if worker is not None:
        name = await name_of(ctx.group, worker)
    else:
        name = rest.lstrip("@").strip()
    if not name:
        await ctx.finish(ctx.t("tickets.usage.dispatch"))
    await _done(ctx, await service.dispatch(Env(ctx.config), actor, n, worker, name))


@_command("进展", "progress")
async def _progress(ctx: Context, args: Message) -> None:
    actor, n, note = await _staff_args(
        ctx, args, "tickets.usage.progress", need_text=True
    )
    await _done(ctx, await service.progress(Env(ctx.config), actor, n, note))


@_command("挂起", "pause")
async def _pause(ctx: Context, args: Message) -> None:
    actor, n, rest = await _staff_args(ctx, args, "tickets.usage.pause", need_text=True)
    env = Env(ctx.config)
    reason, until = reason_and_time(rest, now_utc().astimezone(env.tz))
    await _done(ctx, await service.pause(env, actor, n, reason, until))


@_command("恢复", "resume")
async def _resume(ctx: Context, args: Message) -> None:
    actor, n, _ = await _staff_args(ctx, args, "tickets.usage.resume", need_text=False)
    await _done(ctx, await service.resume(Env(ctx.config), actor, n))


@_command("完成", "resolve")
async def _resolve(ctx: Context, args: Message) -> None:
    actor, n, note = await _staff_args(
        ctx, args, "tickets.usage.resolve", need_text=True
    )
    await _done(ctx, await service.resolve(Env(ctx.config), actor, n, note))


@_command("转单", "transfer")
async def _transfer(ctx: Context, args: Message) -> None:
    actor, n, category = await _staff_args(
        ctx, args, "tickets.usage.transfer", need_text=True
    )
    await _done(ctx, await service.transfer(Env(ctx.config), actor, n, category))


@_command("驳回", "reject")
async def _reject(ctx: Context, args: Message) -> None:
    actor, n, reason = await _staff_args(
        ctx, args, "tickets.usage.reject", need_text=True
    )
    await _done(ctx, await service.reject(Env(ctx.config), actor, n, reason))


@_command("合并", "merge")
async def _merge(ctx: Context, args: Message) -> None:
    actor, n, rest = await _staff_args(ctx, args, "tickets.usage.merge", need_text=True)
    into, _ = number_and_rest(rest)
    if into is None:
        await ctx.finish(ctx.t("tickets.usage.merge"))
    await _done(ctx, await service.merge(Env(ctx.config), actor, n, into))
