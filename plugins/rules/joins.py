"""Joining: requests, new members, rejoining members, nickname checks.

- A join request (OneBot ``request`` event) is approved when the answer names a
  household (the household pattern) or is on the roster, refused when the user
  is blacklisted, and otherwise left for an admin; each decision is logged and
  posted to the staff group.
- A new member: removed again if blacklisted; muted again for the rest of a
  mute that has not ended; counted for raids; welcomed (not during a raid);
  and a nickname check is scheduled after the grace period.
"""

from __future__ import annotations

import re
import time
from datetime import datetime, timedelta
from typing import Literal

from nonebot import logger
from tortoise import timezone

from adapters import (
    Capability,
    JoinRequest,
    MemberChange,
    NotSupported,
    PlatformError,
    Port,
    qualify,
)
from plugins.core import (
    LinliConfig,
    audit,
    cancel,
    compact,
    format_duration,
    listed,
    mask_private,
    parse_household,
    schedule,
    t,
)

from . import service
from .config import RulesConfig
from .detectors.nickname import has_household
from .guard import GUARD
from .models import Mute

_ANSWER = re.compile(r"答案\s*[:：]\s*(.*)$", re.DOTALL)
Decision = Literal["approve", "refuse", "pending"]


def answer_of(comment: str) -> str:
    """QQ sends ``问题：…\\n答案：…``; the answer is what follows ``答案：``."""
    match = _ANSWER.search(comment or "")
    return (match.group(1) if match else comment or "").strip()


def _pattern(cfg: RulesConfig, config: LinliConfig) -> str:
    return cfg.nickname.pattern or config.core.household_pattern


def on_roster(answer: str, roster: list[str], pattern: str) -> bool:
    if not roster:
        return False
    mine = parse_household(answer, pattern)
    flat = compact(answer)
    for entry in roster:
        listed_household = parse_household(entry, pattern) or parse_household(
            f"{entry} x", pattern
        )
        if mine and listed_household and mine.key == listed_household.key:
            return True
        if compact(entry) and compact(entry) == flat:
            return True
    return False


async def decide(
    request: JoinRequest, cfg: RulesConfig, config: LinliConfig
) -> Decision:
    if cfg.join.refuse_blacklisted and await service.is_blacklisted(request.user):
        return "refuse"
    answer = answer_of(request.comment)
    pattern = _pattern(cfg, config)
    if on_roster(answer, cfg.join.roster, pattern):
        return "approve"
    if cfg.join.approve_by_pattern and parse_household(answer, pattern):
        return "approve"
    return "pending"


async def join_request(
    request: JoinRequest, port: Port, cfg: RulesConfig, config: LinliConfig
) -> Decision:
    """Answer (or leave) a join request, log it and tell the staff group."""
    decision = await decide(request, cfg, config)
    answer = answer_of(request.comment)
    problem = ""
    if decision != "pending":
        try:
            reason = t(config.locale_of(request.group), "rules.join.refuse_reason")
            await port.answer_join(
                request, decision == "approve", "" if decision == "approve" else reason
            )
        except (NotSupported, PlatformError) as exc:
            logger.warning(f"rules: could not answer the join request: {exc}")
            problem = str(exc)
            decision = "pending"
    await audit(
        "linli", f"rules.join_{decision}", group=request.group, target=request.user,
        reason=answer[:200], problem=problem,
    )  # fmt: skip
    keys = {
        "approve": "rules.join.approved",
        "refuse": "rules.join.refused",
        "pending": "rules.join.pending",
    }
    service.post_staff(
        config,
        lambda locale: t(
            locale,
            "rules.staff.join",
            group=service.group_name(config, request.group),
            user=request.user,
            answer=mask_private(answer)[:100],
            decision=t(locale, keys[decision]),
        ),
    )
    return decision


def nickname_key(group: str, user: str) -> str:
    return f"rules:nickname:{group}:{user}"


async def member_joined(
    change: MemberChange,
    port: Port,
    cfg: RulesConfig,
    config: LinliConfig,
    *,
    now: datetime | None = None,
) -> None:
    if change.user == qualify(change.platform, change.self_id):
        return
    now = now or timezone.now()
    group, user = change.group, change.user
    locale = config.locale_of(group)
    if cfg.blacklist.enabled and await service.is_blacklisted(user):
        await _remove_blacklisted(change, port, config)
        return
    await remute(change, port, config, now=now)
    mono = time.monotonic()
    raid = cfg.raid
    if raid.enabled and GUARD.raid.joined(
        group, user, mono, joins=raid.joins, seconds=raid.seconds, guard=raid.guard
    ):
        await audit("linli", "rules.raid", group=group, joins=raid.joins)
        service.post_staff(
            config,
            lambda loc: t(
                loc,
                "rules.staff.raid",
                group=service.group_name(config, group),
                joins=raid.joins + 1,
                within=format_duration(timedelta(seconds=raid.seconds), loc),
                guard=format_duration(timedelta(seconds=raid.guard), loc),
            ),
            fallback_group=group,
        )
    guarded = raid.enabled and GUARD.raid.guarded(group, mono)
    if cfg.join.welcome and not guarded:
        values = {
            "group": service.group_name(config, group),
            "rules": rules_text(cfg, locale),
            "example": cfg.nickname.example,
        }
        text = t(locale, "rules.welcome", **values)
        if cfg.join.welcome_text:  # the admin's own words, same {placeholders}
            text = cfg.join.welcome_text
            for key, value in values.items():
                text = text.replace("{" + key + "}", value)
        service.announce(group, text, cfg, mention=user)
    if cfg.nickname.enabled:
        await schedule(
            "rules.nickname",
            now + timedelta(seconds=cfg.nickname.grace),
            {"group": group, "user": user},
            key=nickname_key(group, user),
        )


async def member_left(change: MemberChange) -> None:
    await cancel(nickname_key(change.group, change.user))


async def _remove_blacklisted(
    change: MemberChange, port: Port, config: LinliConfig
) -> None:
    try:
        await service.moderate(
            port, change.group, lambda p: p.kick(change.group, change.user, block=True)
        )
        await audit(
            "linli", "rules.blacklist_kick", group=change.group, target=change.user
        )
    except (NotSupported, PlatformError) as exc:
        error = str(exc)
        service.post_staff(
            config,
            lambda loc: t(
                loc,
                "rules.staff.attention",
                group=service.group_name(config, change.group),
                user=change.user,
                problem=t(loc, "rules.problem.blacklisted", error=error),
            ),
            fallback_group=change.group,
        )
        logger.warning(f"rules: blacklisted {change.user} not removed: {error}")


async def remute(
    change: MemberChange,
    port: Port,
    config: LinliConfig,
    *,
    now: datetime | None = None,
) -> int:
    """Mute a rejoining member for the rest of their term; the seconds (or 0)."""
    now = now or timezone.now()
    mute = (
        await Mute.filter(
            group=change.group, user=change.user, lifted=False, ends_at__gt=now
        )
        .order_by("-ends_at")
        .first()
    )
    if mute is None:
        return 0
    seconds = int((mute.ends_at - now).total_seconds())
    if seconds < 1:
        return 0
    try:
        if not port.can(Capability.MUTE):
            raise NotSupported(Capability.MUTE, port.platform)
        await service.moderate(
            port, change.group, lambda p: p.mute(change.group, change.user, seconds)
        )
    except (NotSupported, PlatformError) as exc:
        error = str(exc)
        service.post_staff(
            config,
            lambda loc: t(
                loc,
                "rules.staff.attention",
                group=service.group_name(config, change.group),
                user=change.user,
                problem=t(loc, "rules.problem.remute", error=error),
            ),
            fallback_group=change.group,
        )
        return 0
    await audit(
        "linli", "rules.remute", group=change.group, target=change.user,
        mute_seconds=seconds,
    )  # fmt: skip
    return seconds


def rules_text(cfg: RulesConfig, locale: str) -> str:
    return cfg.text or t(locale, "rules.default_text")


async def check_nickname(
    port: Port,
    group: str,
    user: str,
    cfg: RulesConfig,
    config: LinliConfig,
) -> str:
    """After the grace period: remind, strike or remove a member whose group card
    names no household. Returns what was done ("ok", "remind", …)."""
    if not cfg.enabled or not cfg.nickname.enabled:
        return "off"
    if service.exempt_by_config(user, group, cfg, config):
        return "exempt"
    if not port.can(Capability.MEMBER_INFO):
        return "unknown"
    try:
        member = await port.member(group, user)
    except (NotSupported, PlatformError) as exc:
        logger.info(f"rules: nickname check of {user} in {group} skipped: {exc}")
        return "unknown"
    if member.role in ("owner", "admin") or listed(user, config.core.admins):
        return "exempt"
    if has_household(member.display_name, _pattern(cfg, config)):
        return "ok"
    locale = config.locale_of(group)
    action = cfg.nickname.action
    if action == "remind":
        service.announce(
            group,
            t(
                locale,
                "rules.nickname_remind",
                example=cfg.nickname.example,
                name=mask_private(member.display_name),
            ),
            cfg,
            mention=user,
        )
        await audit("linli", "rules.nickname_remind", group=group, target=user)
        return "remind"
    offence = service.Offence(
        group=group,
        user=user,
        name=member.display_name,
        rule="nickname",
        reason="rules.reason.nickname",
        detail=member.display_name[:100],
        recall=False,
        strikes=1 if action == "strike" else 0,
        action="ladder" if action == "strike" else "kick",
    )
    outcome = await service.enforce(offence, port=port, cfg=cfg, config=config)
    if outcome.notice:
        service.announce(group, outcome.notice, cfg, mention=outcome.mention)
    return outcome.action
