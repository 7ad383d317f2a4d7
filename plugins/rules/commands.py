"""The commands: /群规 /申诉 for everyone; /警告 /禁言 /解禁 /踢 /警告记录
/清除警告 /撤销 /举报 /误判 for admins. Parse → service → reply."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from nonebot.adapters import Message

from adapters import EventInfo, qualify
from plugins.core import (
    Context,
    Role,
    command,
    format_duration,
    format_time,
    mask_private,
    parse_duration,
    port_for_group,
    t,
)
from plugins.core.models import KnownMember

from . import learning, service
from .joins import rules_text
from .ladder import DEFAULT_MUTE_SECONDS, MAX_MUTE_SECONDS, first_mute, steps_of

_CASE = re.compile(r"^\s*[#＃]?(\d{1,18})\s*(.*)$", re.DOTALL)


@dataclass(frozen=True)
class Target:
    user: str | None
    rest: str
    # why nobody was found although the admin named someone: an @username no
    # member linli has seen uses, or a reply to a message whose sender the
    # platform did not say
    unknown_username: str | None = None
    unknown_reply: bool = False


def parse_target(ctx: Context, text: str) -> Target:
    """The member named by an @mention (or a bare id), and the rest of the text."""
    mentioned = ctx.mentioned
    text = text.strip()
    if mentioned:
        return Target(mentioned[0], text)
    first, _, rest = text.partition(" ")
    raw = first.lstrip("@")
    if raw.isdigit() and len(raw) >= 3:
        return Target(qualify(ctx.info.platform, raw), rest.strip())
    if re.fullmatch(r"[a-z][a-z0-9]*:\S+", raw):
        return Target(raw, rest.strip())
    return Target(None, text)


# Segments of a command's arguments that name a member instead of being words:
# Telegram's "text_mention" (Bot API MessageEntity: "for users without
# usernames", with the User; nonebot-adapter-telegram keeps it as an Entity
# whose text is the name and whose is_text() is True, so the name would stay
# in the text) and "mention" ("@username", no user id). QQ's "at" and OneBot
# v12's "mention" segments are not text and never were in it.
_NAMED_MEMBER = "text_mention"
_USERNAME = "mention"


def _split(parts: Iterable[tuple[str, str | None]]) -> tuple[str, tuple[str, ...]]:
    """(segment type, its text or None) → the words, and the @usernames."""
    words: list[str] = []
    usernames: list[str] = []
    for kind, text in parts:
        if text is None or kind == _NAMED_MEMBER:  # its user is in ctx.mentioned
            continue
        if kind == _USERNAME:
            usernames.append(text.strip().lstrip("@"))
            continue
        words.append(text)
    return " ".join("".join(words).split()), tuple(u for u in usernames if u)


def arguments(args: Message) -> tuple[str, tuple[str, ...]]:
    """The arguments' text without the members they name, and the @usernames
    written as mentions that carry no user id."""
    return _split((seg.type, str(seg) if seg.is_text() else None) for seg in args)


def written_arguments(info: EventInfo) -> tuple[str, tuple[str, ...]] | None:
    """:func:`arguments` read from the message as written, after its Telegram
    bot_command entity; None for a message that does not start with one.

    NoneBot's command arguments cannot be used there: to find where they
    start, TrieRule joins the text segments after the command into one string
    ("check next segment until arg detected", nonebot/rule.py
    ``TrieRule.get_value``), and Telegram's entities are text segments, so the
    mention right after ``/禁言 `` arrives as plain text."""
    segments = info.segments
    if not segments or segments[0].raw_type != "bot_command":
        return None
    return _split(
        (seg.raw_type, text if isinstance(text := seg.data.get("text"), str) else None)
        for seg in segments[1:]
    )


async def user_by_username(ctx: Context, username: str) -> str | None:
    """The member who used ``@username`` most lately, in this group first and
    then in any group of the platform (Telegram user ids are global)."""
    rows = KnownMember.filter(
        username=username.lower(), user__startswith=f"{ctx.info.platform}:"
    ).order_by("-last_seen")
    known = None
    if ctx.group is not None:
        known = await rows.filter(group=ctx.group).first()
    if known is None:
        known = await rows.first()
    return known.user if known else None


async def find_target(ctx: Context, args: Message) -> Target:
    """Whom a moderation command is about, in this order: an @mention, an
    @username (Telegram), a number or qualified id first in the text, and
    otherwise the sender of the message the command replies to. The rest of
    the text is the command's arguments (``/禁言 10m`` as a reply: 10m)."""
    text, usernames = written_arguments(ctx.info) or arguments(args)
    if ctx.mentioned:
        return parse_target(ctx, text)
    if usernames:
        user = await user_by_username(ctx, usernames[0])
        return Target(user, text, unknown_username=None if user else usernames[0])
    target = parse_target(ctx, text)
    if target.user is not None:
        return target
    quoted = await ctx.replied()
    if quoted is None:
        return target
    me = qualify(ctx.info.platform, ctx.info.self_id)
    if quoted.user is None:
        return Target(None, text, unknown_reply=True)
    if quoted.user == me:  # a reply to linli's own message names nobody
        return target
    return Target(quoted.user, text)


def parse_case(text: str) -> tuple[int, str] | None:
    match = _CASE.match(text)
    if match is None:
        return None
    return int(match.group(1)), match.group(2).strip()


async def name_of(group: str, user: str) -> str:
    known = await KnownMember.get_or_none(group=group, user=user)
    return (known.display_name if known else "") or user.partition(":")[2] or user


def _cfg(ctx: Context):
    return ctx.section("rules")


@command("群规", "rules")
async def _rules(ctx: Context, args: Message) -> None:
    await ctx.finish(rules_text(_cfg(ctx), ctx.locale))


@command("申诉", "appeal")
async def _appeal(ctx: Context, args: Message) -> None:
    if ctx.group is not None:
        await ctx.finish(ctx.t("rules.cmd.appeal_private"))
    parsed = parse_case(args.extract_plain_text())
    if parsed is None or not parsed[1]:
        await ctx.finish(ctx.t("rules.cmd.usage.appeal"))
    case_id, reason = parsed
    case = await service.appeal(case_id, ctx.user, reason)
    if case is None:
        await ctx.finish(ctx.t("rules.cmd.appeal_unknown", case=case_id))
    config = ctx.config

    def render(locale: str) -> str:
        return t(
            locale,
            "rules.staff.appeal",
            case=case.id,
            group=service.group_name(config, case.group),
            reason=service.reason_text(case, locale),
            name=mask_private(case.display_name),
            user=case.user,
            text=mask_private(reason)[:500],
        )

    if not service.post_staff(config, render):
        for admin in config.core.admins:
            who = admin if ":" in admin else qualify(ctx.info.platform, admin)
            service.outbox().private(who, render(config.core.locale))
    await ctx.finish(ctx.t("rules.cmd.appeal_sent", case=case.id))


async def _admin_target(ctx: Context, args: Message, usage: str) -> Target:
    await ctx.require(Role.ADMIN)
    if ctx.group is None:
        await ctx.finish(ctx.t("rules.cmd.group_only"))
    target = await find_target(ctx, args)
    if target.user is None:
        await _nobody(ctx, target)
        await ctx.finish(ctx.t(usage))
    return target


async def _nobody(ctx: Context, target: Target) -> None:
    """Say why nobody was found when the admin did name someone."""
    if target.unknown_username is not None:
        await ctx.finish(
            ctx.t("rules.cmd.unknown_username", username=target.unknown_username)
        )
    if target.unknown_reply:
        await ctx.finish(ctx.t("rules.cmd.unknown_reply"))


@command("警告", "warn")
async def _warn(ctx: Context, args: Message) -> None:
    target = await _admin_target(ctx, args, "rules.cmd.usage.warn")
    assert ctx.group is not None and target.user is not None
    offence = service.Offence(
        group=ctx.group,
        user=target.user,
        name=await name_of(ctx.group, target.user),
        rule="manual",
        reason="rules.reason.manual",
        recall=False,
        actor=ctx.user,
        reason_override=target.rest[:200] or None,
    )
    outcome = await service.enforce(
        offence, port=ctx.port, cfg=_cfg(ctx), config=ctx.config
    )
    if outcome.notice:
        await ctx.finish(outcome.notice)


@command("禁言", "mute")
async def _mute(ctx: Context, args: Message) -> None:
    target = await _admin_target(ctx, args, "rules.cmd.usage.mute")
    assert ctx.group is not None and target.user is not None
    length, _, reason = target.rest.partition(" ")
    if length:
        delta = parse_duration(length)
        if delta is None or delta.total_seconds() < 1:
            await ctx.finish(ctx.t("rules.cmd.usage.mute"))
        seconds = min(int(delta.total_seconds()), MAX_MUTE_SECONDS)
    else:
        seconds = first_mute(steps_of(_cfg(ctx).ladder.steps)).seconds or (
            DEFAULT_MUTE_SECONDS
        )
    name = await name_of(ctx.group, target.user)
    done = await service.mute(
        ctx.port,
        group=ctx.group,
        user=target.user,
        name=name,
        seconds=seconds,
        actor=ctx.user,
        reason=reason.strip(),
    )
    if not done.ok:
        await ctx.finish(ctx.t("rules.cmd.failed", error=_error(ctx, done)))
    assert done.case is not None
    duration = format_duration(timedelta(seconds=seconds), ctx.locale)
    await ctx.finish(
        ctx.t(
            "rules.cmd.muted",
            name=mask_private(name),
            duration=duration,
            case=done.case.id,
        )
    )


def _error(ctx: Context, done: service.Done) -> str:
    if done.failure is None:
        return ""
    return service.failure_text(done.failure, ctx.locale)


@command("解禁", "unmute")
async def _unmute(ctx: Context, args: Message) -> None:
    target = await _admin_target(ctx, args, "rules.cmd.usage.unmute")
    assert ctx.group is not None and target.user is not None
    done = await service.unmute(
        ctx.port, group=ctx.group, user=target.user, actor=ctx.user
    )
    if not done.ok:
        await ctx.finish(ctx.t("rules.cmd.failed", error=_error(ctx, done)))
    name = mask_private(await name_of(ctx.group, target.user))
    await ctx.finish(ctx.t("rules.cmd.unmuted", name=name))


@command("踢", "kick")
async def _kick(ctx: Context, args: Message) -> None:
    target = await _admin_target(ctx, args, "rules.cmd.usage.kick")
    assert ctx.group is not None and target.user is not None
    name = await name_of(ctx.group, target.user)
    done = await service.kick(
        ctx.port,
        group=ctx.group,
        user=target.user,
        name=name,
        actor=ctx.user,
        reason=target.rest,
    )
    if not done.ok:
        await ctx.finish(ctx.t("rules.cmd.failed", error=_error(ctx, done)))
    assert done.case is not None
    await ctx.finish(
        ctx.t("rules.cmd.kicked", name=mask_private(name), case=done.case.id)
    )


@command("警告记录", "warns")
async def _warns(ctx: Context, args: Message) -> None:
    await ctx.require(Role.ADMIN)
    if ctx.group is None:
        await ctx.finish(ctx.t("rules.cmd.group_only"))
    cfg = _cfg(ctx)
    window = service.window_text(cfg, ctx.locale)
    target = await find_target(ctx, args)
    if target.user is None:
        await _nobody(ctx, target)
        members = await service.warned_members(ctx.group, cfg.ladder.window)
        if not members:
            await ctx.finish(ctx.t("rules.cmd.warns_group_none", window=window))
        lines = [ctx.t("rules.cmd.warns_group_header", window=window)]
        for n, (_, name, count) in enumerate(members, 1):
            name = mask_private(name)
            lines.append(
                ctx.t("rules.cmd.warns_group_line", n=n, name=name, count=count)
            )
        await ctx.finish("\n".join(lines))
    name = mask_private(await name_of(ctx.group, target.user))
    found = await service.warnings(ctx.group, target.user, cfg.ladder.window)
    if not found:
        await ctx.finish(ctx.t("rules.cmd.warns_none", name=name, window=window))
    total = sum(w.strikes for w in found)
    lines = [ctx.t("rules.cmd.warns_header", name=name, window=window, count=total)]
    tz = ctx.config.core.timezone
    for n, warning in enumerate(found, 1):
        lines.append(
            ctx.t(
                "rules.cmd.warns_line",
                n=n,
                case=warning.case.id,
                time=format_time(warning.case.at, ctx.locale, tz),
                reason=service.reason_text(warning.case, ctx.locale),
                strikes=warning.strikes,
            )
        )
    await ctx.finish("\n".join(lines))


@command("清除警告", "resetwarns")
async def _reset(ctx: Context, args: Message) -> None:
    target = await _admin_target(ctx, args, "rules.cmd.usage.resetwarns")
    assert ctx.group is not None and target.user is not None
    count = await service.reset_warnings(ctx.group, target.user, actor=ctx.user)
    name = mask_private(await name_of(ctx.group, target.user))
    await ctx.finish(ctx.t("rules.cmd.reset", name=name, count=count))


@command("撤销", "pardon")
async def _pardon(ctx: Context, args: Message) -> None:
    result, case_id = await _pardoned(ctx, args, "rules.cmd.usage.pardon")
    await ctx.finish(pardon_reply(result, case_id, ctx.locale))


async def _pardoned(
    ctx: Context, args: Message, usage: str
) -> tuple[service.Pardon, int]:
    """``/撤销 案件号`` and ``/误判 案件号``: the case pardoned (it exists)."""
    await ctx.require(Role.ADMIN)
    parsed = parse_case(args.extract_plain_text())
    if parsed is None:
        await ctx.finish(ctx.t(usage))
    case_id = parsed[0]
    result = await service.pardon(
        case_id, actor=ctx.user, config=ctx.config, ports=port_for_group
    )
    if result.case is None:
        await ctx.finish(ctx.t("rules.cmd.pardon_unknown", case=case_id))
    return result, case_id


@command("误判", "misjudged")
async def _misjudged(ctx: Context, args: Message) -> None:
    """The machine was wrong: pardon the case as /撤销 does, and teach its
    text to the learned signal as an ordinary message."""
    result, case_id = await _pardoned(ctx, args, "rules.cmd.usage.misjudged")
    case = result.case
    assert case is not None
    lines = [pardon_reply(result, case_id, ctx.locale)]
    taught = await learning.misjudged(case, actor=ctx.user, config=ctx.config)
    if taught is None:
        lines.append(ctx.t("rules.cmd.learn_nothing"))
    else:
        lines.append(_taught(ctx, taught))
    await ctx.finish("\n".join(lines))


def _taught(ctx: Context, taught: learning.Taught) -> str:
    key = (
        "rules.cmd.learnt_ad" if taught.label == learning.AD else "rules.cmd.learnt_ok"
    )
    return ctx.t(key, ads=taught.ads, ordinary=taught.ordinary)


@command("举报", "广告", "spam")
async def _report(ctx: Context, args: Message) -> None:
    """A reply to an ad: recall it, the ladder as for a detector's ad (the
    admin named in the case), and teach its text to the learned signal."""
    await ctx.require(Role.ADMIN)
    if ctx.group is None:
        await ctx.finish(ctx.t("rules.cmd.group_only"))
    quoted = await ctx.replied()
    if quoted is None:
        await ctx.finish(ctx.t("rules.cmd.usage.report"))
    target = await find_target(ctx, args)
    if target.user is None:
        await _nobody(ctx, target)
        await ctx.finish(ctx.t("rules.cmd.usage.report"))
    cfg = _cfg(ctx)
    text = quoted.text
    offence = service.Offence(
        group=ctx.group,
        user=target.user,
        name=await name_of(ctx.group, target.user),
        rule="ads",
        reason="rules.reason.reported",
        detail=ctx.t("rules.cmd.reported_by", admin=ctx.info.display_name),
        text=text,
        message_id=quoted.message_id,
        strikes=cfg.ads.strikes,
        action=cfg.ads.action,
        actor=ctx.user,
    )
    outcome = await service.enforce(offence, port=ctx.port, cfg=cfg, config=ctx.config)
    lines = [outcome.notice] if outcome.notice else []
    taught = None
    if text.strip():
        estate = learning.estate_of(ctx.config, ctx.group)
        taught = await learning.teach(
            text, learning.AD, actor=ctx.user, case=outcome.case, estate=estate
        )
    lines.append(_taught(ctx, taught) if taught else ctx.t("rules.cmd.learn_no_text"))
    await ctx.finish("\n".join(lines))


def pardon_reply(result: service.Pardon, case_id: int, locale: str) -> str:
    """What ``/撤销`` answers for a case that exists (the console's pardon
    button shows the same)."""
    if result.already:
        return t(locale, "rules.cmd.pardon_already", case=case_id)
    lines = [t(locale, "rules.cmd.pardoned", case=case_id, count=result.strikes)]
    if result.unmuted:
        lines.append(t(locale, "rules.cmd.pardon_unmuted"))
    if result.unblacklisted:
        lines.append(t(locale, "rules.cmd.pardon_unblacklisted"))
    lines.extend(result.problems)
    return "\n".join(lines)
