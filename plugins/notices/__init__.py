"""notices: 【通知】 announcements, scheduled reminders, 群呼 by tag, confirmations.

The commands and the bare "1" hook (core's router): parse → call the service →
reply. See README.md in this folder.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from nonebot import require
from nonebot.adapters import Message
from nonebot.plugin import PluginMetadata

require("plugins.core")
from adapters.port import acknowledge  # noqa: E402
from plugins.core import (  # noqa: E402
    Context,
    Role,
    cancel,
    command,
    format_time,
    hook,
    listed,
    mask_private,
    normalize,
    register_models,
)
from plugins.core.acks import acknowledge_reply  # noqa: E402

from . import config as _config  # noqa: E402, F401  (registers the section)
from . import jobs, render, service  # noqa: E402
from .models import Notice  # noqa: E402
from .parsing import Command, parse_command, parse_number  # noqa: E402

register_models("notices", "plugins.notices")

__plugin_meta__ = PluginMetadata(
    name="notices",
    description="【通知】公告、定时提醒、按标签群呼和回复确认",
    usage="/通知 <内容>，/通知 定时 <时间> <内容>，/通知 列表|取消|统计|提醒 <编号>",
    type="application",
    supported_adapters={"~onebot.v11", "~onebot.v12"},
    extra={"linli": {"section": "notices", "help": "notices.help", "manage": "admin"}},
)


def _now(ctx: Context) -> datetime:
    return datetime.now(ZoneInfo(ctx.config.core.timezone))


def _when(ctx: Context, moment: datetime) -> str:
    return format_time(moment, ctx.locale, ctx.config.core.timezone)


def _names(ctx: Context, groups: list[str]) -> str:
    return "、".join(ctx.config.group(g).name or g for g in groups)


async def _estate_admin(ctx: Context) -> bool:
    return await ctx.role() >= Role.SUPERUSER or listed(
        ctx.user, ctx.config.core.admins
    )


@command("通知", "notice")
async def _notice(ctx: Context, args: Message) -> None:
    await ctx.require(Role.ADMIN)
    now = _now(ctx)
    command = parse_command(args.extract_plain_text(), now)
    if command.action == "help":
        await ctx.finish(ctx.t("notices.help.usage"))
    if command.error == "bad_number":
        await ctx.finish(ctx.t("notices.bad_number"))
    if command.error == "bad_time":
        await ctx.finish(ctx.t("notices.bad_time", text=command.bad_text))
    if command.error == "past_time" and command.publish_at is not None:
        await ctx.finish(
            ctx.t("notices.past_time", when=_when(ctx, command.publish_at))
        )
    if command.error == "usage":
        await ctx.finish(ctx.t("notices.usage"))
    estate_admin = await _estate_admin(ctx)
    if command.action == "post":
        await ctx.finish(await _post(ctx, command, now, estate_admin))
    if command.action == "list":
        await ctx.finish(await _list(ctx, now, estate_admin))
    assert command.number is not None
    notice = await service.find(command.number, ctx.group, estate_admin)
    if notice is None:
        await ctx.finish(ctx.t("notices.not_found", id=command.number))
    if command.action == "cancel":
        await ctx.finish(await _cancel(ctx, notice, now))
    if command.action == "stats":
        await ctx.finish(await _stats(ctx, notice))
    await ctx.finish(await _nudge(ctx, notice, now))


async def _post(ctx: Context, command: Command, now: datetime, estate: bool) -> str:
    created = await service.create(
        command,
        actor=ctx.user,
        origin=ctx.group,
        config=ctx.config,
        now=now,
        estate_admin=estate,
    )
    if created.error == "notices.capped":
        return ctx.t(
            "notices.capped",
            cap=created.cap,
            groups=_names(ctx, created.capped),
        )
    if created.error == "notices.no_targets":
        names = " ".join(str(target) for target in command.targets)
        return ctx.t("notices.no_targets", targets=names)
    if created.error is not None or created.notice is None:
        return ctx.t(created.error or "notices.usage")
    notice = created.notice
    lines = []
    if command.publish_at is None:
        result = await service.publish(notice.id, jobs.send, ctx.config, now)
        if await service.sent_once(notice.id):
            await cancel(service.publish_key(notice.id))
        lines.append(ctx.t("notices.posted", id=notice.id, count=len(result.sent)))
        if result.failed:
            lines.append(ctx.t("notices.failed", groups=_names(ctx, result.failed)))
        if result.pending:
            lines.append(ctx.t("notices.retrying", groups=_names(ctx, result.pending)))
    else:
        lines.append(
            ctx.t(
                "notices.scheduled",
                id=notice.id,
                when=_when(ctx, notice.publish_at),
                count=len(created.groups),
            )
        )
    if created.emergency_word:
        lines.append(ctx.t("notices.emergency", word=created.emergency_word))
    if created.capped:
        lines.append(
            ctx.t(
                "notices.partly_capped",
                cap=created.cap,
                groups=_names(ctx, created.capped),
            )
        )
    if created.reminders:
        times = "、".join(_when(ctx, m) for m in created.reminders)
        lines.append(ctx.t("notices.reminders", times=times))
    if notice.confirm:
        lines.append(ctx.t("notices.confirm_hint", id=notice.id))
    lines.append(ctx.t("notices.cancel_hint", id=notice.id))
    return "\n".join(lines)


async def _list(ctx: Context, now: datetime, estate: bool) -> str:
    limit = ctx.section("notices").list_limit
    items = await service.listing(ctx.group, estate, now, limit)
    if not items:
        return ctx.t("notices.list.empty")
    lines = [ctx.t("notices.list.header")]
    for n, item in enumerate(items, 1):
        notice = item.notice
        when = _when(ctx, notice.publish_at)
        if notice.status == "scheduled":
            state = ctx.t("notices.list.scheduled", when=when, groups=item.groups)
        else:
            state = ctx.t("notices.list.published", when=when, groups=item.groups)
        if item.reminders_left:
            state += ctx.t("notices.list.reminders", count=item.reminders_left)
        if notice.confirm:
            state += ctx.t("notices.list.confirmed", households=item.households)
        lines.append(
            ctx.t(
                "notices.list.item", n=n, id=notice.id, title=notice.title, state=state
            )
        )
    return "\n".join(lines)


async def _cancel(ctx: Context, notice: Notice, now: datetime) -> str:
    left = await service.cancel_notice(notice, actor=ctx.user, group=ctx.group, now=now)
    if left is None:
        return ctx.t("notices.already_cancelled", id=notice.id)
    key = "notices.cancelled" if notice.status == "scheduled" else "notices.stopped"
    return ctx.t(key, id=notice.id, title=notice.title, reminders=left)


async def _stats(ctx: Context, notice: Notice) -> str:
    if not notice.confirm:
        return ctx.t("notices.not_confirmable", id=notice.id)
    cov = await service.coverage(notice)
    lines = [
        ctx.t("notices.stats.header", id=notice.id, title=notice.title),
        ctx.t(
            "notices.stats.total",
            people=cov.people,
            households=cov.households,
            known=cov.known,
            percent=render.percent(cov.households, cov.known),
        ),
    ]
    for building, confirmed, known in cov.buildings:
        lines.append(
            ctx.t(
                "notices.stats.building",
                building=building,
                confirmed=confirmed,
                known=known,
                percent=render.percent(confirmed, known),
            )
        )
    if cov.no_household:
        lines.append(ctx.t("notices.stats.no_household", people=cov.no_household))
    return "\n".join(lines)


async def _nudge(ctx: Context, notice: Notice, now: datetime) -> str:
    result = await service.nudge(
        notice,
        actor=ctx.user,
        group=ctx.group,
        send=jobs.send,
        config=ctx.config,
        now=now,
    )
    if result.error == "notices.nudge.too_soon" and result.last is not None:
        every = ctx.section("notices").nudge_every
        return ctx.t(
            "notices.nudge.too_soon",
            id=notice.id,
            last=_when(ctx, result.last),
            next=_when(ctx, result.last + every),
        )
    if result.error is not None:
        return ctx.t(result.error, id=notice.id)
    return ctx.t(
        "notices.nudge.sent", households=result.households, messages=result.messages
    )


# ---------------------------------------------------------------- confirming


async def _record(ctx: Context, notice: Notice, *, quiet_again: bool) -> str | None:
    household = ctx.household
    fresh = await service.confirm(
        notice,
        ctx.group or "",
        ctx.user,
        household.key if household else None,
        ctx.info.display_name,
    )
    if not fresh:
        return None if quiet_again else ctx.t("notices.confirm.again")
    if not ctx.section("notices").confirm_reply:
        return None
    who = household.key if household else mask_private(ctx.info.display_name)
    return ctx.t("notices.confirm.ok", who=who, title=notice.title)


@command("确认", "confirm")
async def _confirm(ctx: Context, args: Message) -> None:
    if ctx.group is None:
        await ctx.finish(ctx.t("notices.confirm.in_group"))
    now = _now(ctx)
    number = parse_number(args.extract_plain_text())
    if number is not None:
        notice = await Notice.get_or_none(id=number)
        if notice is None or not service.is_open(notice, ctx.group, now):
            await ctx.finish(ctx.t("notices.confirm.none"))
    else:
        notice = await service.open_notice(ctx.group, now)
        if notice is None:
            await ctx.finish(ctx.t("notices.confirm.none"))
    reply = await _record(ctx, notice, quiet_again=False)
    if reply:
        await ctx.finish(reply)


@hook(35)
async def _confirm_reply(ctx: Context) -> bool:
    """An exact ``1`` / ``确认`` while a confirmable notice is open in the group."""
    if ctx.group is None or ctx.info.from_self:
        return False
    section = ctx.section("notices")
    text = normalize(ctx.info.text).strip()
    if text not in {normalize(word) for word in section.confirm_words}:
        return False
    notice = await service.open_notice(ctx.group, _now(ctx))
    if notice is None:
        return False
    reply = await _record(ctx, notice, quiet_again=True)
    if reply:
        # one reaction each, or one "已收到：…" line for everyone in a few seconds
        household = ctx.household
        who = household.key if household else mask_private(ctx.info.display_name)
        topic = ctx.t("notices.confirm.topic", title=notice.title)
        await acknowledge_reply(ctx, topic, who, key=who)
    else:  # confirm_reply off, or said again: an "ok" reaction, where there are any
        await acknowledge(ctx.port, ctx.group, ctx.info.message_id)
    return True
