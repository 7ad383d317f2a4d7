"""The ladder at work: cases, strikes, mutes, kicks, the blacklist, pardons.

No NoneBot matchers here: every function takes the port (what the platform
can do) and an :class:`Outbox` (how linli speaks on its own), so tests run it
with fakes on the test database. Every action is audited.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from nonebot import logger
from tortoise import timezone

from adapters import (
    Capability,
    NoEffect,
    NotSupported,
    PlatformError,
    Port,
    PortError,
    split_id,
)
from plugins.core import (
    LinliConfig,
    audit,
    format_duration,
    listed,
    mask_private,
    send_queue,
    t,
)

from .config import RulesConfig
from .ladder import Step, first_mute, harsher, parse_step, step_for, steps_of
from .models import Blacklisted, Case, Mute, Strike

# ---------------------------------------------------------------------------
# speaking: the outbox and the notice budget
# ---------------------------------------------------------------------------


class Outbox(Protocol):
    def group(self, group: str, text: str, *, mention: str | None = None) -> None: ...

    def private(
        self, user: str, text: str, *, fallback_group: str | None = None
    ) -> None: ...


def _retrieve(future: Any) -> BaseException | None:
    if future.cancelled():
        return None
    return future.exception()


async def moderate(port: Port, group: str, action: Any) -> Any:
    """A moderation action (recall, mute, kick) through core's send queue: it
    goes before chatter, within the platform's budget, retried on rate limits."""
    return await send_queue().act(group, action, port=port)


class QueueOutbox:
    """Through core's send queue (budgeted, retried); failures are logged."""

    def group(self, group: str, text: str, *, mention: str | None = None) -> None:
        future = send_queue().send_group(group, text, mention=mention)

        def done(f: Any) -> None:
            exc = _retrieve(f)
            if exc is not None:
                logger.error(f"rules: could not post to {group}: {exc}")

        future.add_done_callback(done)

    def private(
        self, user: str, text: str, *, fallback_group: str | None = None
    ) -> None:
        try:
            future = send_queue().send_private(user, text)
        except PlatformError as exc:  # pragma: no cover - queue raises lazily
            logger.warning(f"rules: cannot write to {user}: {exc}")
            if fallback_group:
                self.group(fallback_group, text, mention=user)
            return

        def done(f: Any) -> None:
            exc = _retrieve(f)
            if exc is None:
                return
            logger.warning(f"rules: private message to {user} failed: {exc}")
            if fallback_group:
                self.group(fallback_group, text, mention=user)

        future.add_done_callback(done)


_outbox: Outbox = QueueOutbox()


def outbox() -> Outbox:
    return _outbox


def use_outbox(box: Outbox) -> Outbox:
    """Replace the outbox (tests); returns the previous one."""
    global _outbox
    previous, _outbox = _outbox, box
    return previous


class NoticeLimiter:
    """At most ``per_group`` notices per ``seconds`` in one group (raids)."""

    def __init__(self, clock: Callable[[], float] | None = None) -> None:
        import time

        self._clock = clock or time.monotonic
        self._sent: dict[str, deque[float]] = {}

    def allow(self, group: str, per_group: int, seconds: float) -> bool:
        now = self._clock()
        sent = self._sent.setdefault(group, deque())
        while sent and now - sent[0] >= seconds:
            sent.popleft()
        if len(sent) >= per_group:
            return False
        sent.append(now)
        return True

    def clear(self) -> None:
        self._sent.clear()


notices = NoticeLimiter()


def announce(group: str, text: str, cfg: RulesConfig, *, mention: str | None) -> bool:
    """Tell the group, unless it has heard enough notices lately."""
    if not notices.allow(group, cfg.notices.per_group, cfg.notices.seconds):
        logger.info(f"rules: notice to {group} held back (notice budget): {text}")
        return False
    outbox().group(group, text, mention=mention)
    return True


# ---------------------------------------------------------------------------
# texts
# ---------------------------------------------------------------------------


def group_name(config: LinliConfig, group: str) -> str:
    return config.group(group).name or group


def reason_text(case: Case, locale: str) -> str:
    if case.rule == "manual" and case.detail:
        return case.detail
    return t(locale, case.reason or "rules.reason.manual")


def window_text(cfg: RulesConfig, locale: str) -> str:
    return format_duration(timedelta(seconds=cfg.ladder.window), locale)


def action_text(action: str, seconds: int | None, locale: str) -> str:
    if action == "mute":
        return t(
            locale,
            "rules.action.mute",
            duration=format_duration(timedelta(seconds=seconds or 0), locale),
        )
    keys = {
        "warn": "rules.action.warn",
        "kick": "rules.action.kick",
        "notify": "rules.action.notify",
        "remind": "rules.action.remind",
        "dry_run": "rules.action.dry_run",
        "report": "rules.action.report",
    }
    return t(locale, keys.get(action, "rules.action.notify"))


def staff_groups(config: LinliConfig) -> list[str]:
    return [gid for gid, _ in config.groups_with(role="staff")]


def post_staff(
    config: LinliConfig,
    render: Callable[[str], str],
    *,
    fallback_group: str | None = None,
) -> bool:
    """Post to every staff group (each in its language); without one, to
    ``fallback_group``. False if nobody could be told."""
    targets = staff_groups(config) or ([fallback_group] if fallback_group else [])
    for gid in targets:
        outbox().group(gid, render(config.locale_of(gid)))
    if not targets:
        logger.warning(f"rules: no staff group configured for: {render('en')}")
    return bool(targets)


# ---------------------------------------------------------------------------
# the ladder
# ---------------------------------------------------------------------------


@dataclass
class Offence:
    group: str
    user: str
    name: str
    rule: str
    reason: str  # i18n key
    detail: str = ""
    text: str = ""
    segments: list[dict[str, Any]] = field(default_factory=list)
    message_id: str | None = None
    strikes: int = 1
    action: str = "ladder"  # or "remind", or a step ("kick", "mute 1h")
    dry_run: bool = False
    recall: bool = True
    raid_new_member: bool = False
    actor: str = "linli"
    reason_override: str | None = None  # an admin's own words (/警告 … 理由)
    # scored evidence below the act threshold: a case for the staff group only
    report: bool = False
    scheme: str | None = None  # fraud: who the scam pretends to be (warning)


@dataclass
class Outcome:
    case: Case | None
    action: str  # warn, mute, kick, notify, remind, dry_run
    acted: bool  # the member was dealt with: recalled or struck
    notice: str | None = None  # for the group, in its language
    mention: str | None = None
    count: int = 0
    problems: list[str] = field(default_factory=list)


_REMIND_KEYS = {
    "rules.reason.id_card": "rules.remind.id_card",
    "rules.reason.bank_card": "rules.remind.bank_card",
    "rules.reason.quiet_hours": "rules.remind.quiet_hours",
}


def _problem(locale: str, action: str, error: str) -> str:
    keys = {
        "recall": "rules.problem.recall",
        "mute": "rules.problem.mute",
        "kick": "rules.problem.kick",
        "remute": "rules.problem.remute",
        "unmute": "rules.problem.unmute",
    }
    return t(locale, keys[action], error=error)


def _not_supported(locale: str) -> str:
    return t(locale, "rules.problem.not_supported")


def failure_text(exc: PortError, locale: str) -> str:
    """What went wrong, for people: the platform's own words, or ours where
    it has none (not supported; answered ok but nothing happened)."""
    if isinstance(exc, NotSupported):
        return _not_supported(locale)
    if isinstance(exc, NoEffect):
        return t(locale, f"rules.problem.no_effect.{exc.kind}")
    return exc.reason if isinstance(exc, PlatformError) else str(exc)


async def _recall(port: Port, offence: Offence, locale: str) -> tuple[bool, list[str]]:
    if not offence.recall or not offence.message_id:
        return False, []
    if not port.can(Capability.RECALL):
        return False, [_problem(locale, "recall", _not_supported(locale))]
    try:
        await moderate(
            port,
            offence.group,
            lambda p: p.recall(offence.message_id, group=offence.group),
        )
    except NotSupported:
        return False, [_problem(locale, "recall", _not_supported(locale))]
    except PlatformError as exc:
        logger.warning(f"rules: recall of {offence.message_id} failed: {exc}")
        return False, [_problem(locale, "recall", failure_text(exc, locale))]
    return True, []


async def _execute(
    port: Port,
    group: str,
    user: str,
    step: Step,
    steps: tuple[Step, ...],
    *,
    fallback: str,
    block: bool,
    locale: str,
) -> tuple[Step | None, list[str]]:
    """Do ``step``; when the platform cannot, the harsher steps (``next``) or
    nothing (``notify``). Returns what was done and what went wrong."""
    candidates = [step, *(harsher(step, steps) if fallback == "next" else [])]
    problems: list[str] = []
    for candidate in candidates:
        if candidate.action == "warn":
            return candidate, problems
        capability = Capability.MUTE if candidate.action == "mute" else Capability.KICK
        if not port.can(capability):
            problems.append(_problem(locale, candidate.action, _not_supported(locale)))
            continue
        try:
            if candidate.action == "mute":
                await moderate(
                    port,
                    group,
                    lambda p, s=candidate.seconds: p.mute(group, user, s),
                )
            else:
                await moderate(port, group, lambda p: p.kick(group, user, block=block))
        except NotSupported:
            problems.append(_problem(locale, candidate.action, _not_supported(locale)))
            continue
        except PlatformError as exc:
            # a refusal ("not an admin") would refuse the harsher step too
            logger.warning(f"rules: {candidate} of {user} in {group} failed: {exc}")
            problems.append(
                _problem(locale, candidate.action, failure_text(exc, locale))
            )
            break
        return candidate, problems
    return None, problems


async def active_strikes(
    group: str, user: str, window: float, now: datetime | None = None
) -> int:
    now = now or timezone.now()
    return await Strike.filter(
        group=group,
        user=user,
        pardoned=False,
        at__gte=now - timedelta(seconds=window),
    ).count()


def _evidence(offence: Offence) -> tuple[str, list[dict[str, Any]]]:
    if offence.rule != "personal_data":
        return offence.text, offence.segments
    segments = [
        {
            **seg,
            "data": {
                **seg.get("data", {}),
                "text": mask_private(str(seg["data"]["text"])),
            },
        }
        if "text" in seg.get("data", {})
        else seg
        for seg in offence.segments
    ]
    return mask_private(offence.text), segments


async def enforce(
    offence: Offence,
    *,
    port: Port,
    cfg: RulesConfig,
    config: LinliConfig,
    now: datetime | None = None,
    ports: Callable[[str], Port] | None = None,
) -> Outcome:
    """Recall, record the case, add strikes, take the ladder's step, tell people."""
    now = now or timezone.now()
    group, user = offence.group, offence.user
    locale = config.locale_of(group)
    text, segments = _evidence(offence)
    base = {
        "group": group,
        "user": user,
        "display_name": offence.name[:255],
        "rule": offence.rule,
        "reason": offence.reason,
        "detail": (offence.reason_override or offence.detail)[:255],
        "text": text,
        "segments": segments,
        "message_id": offence.message_id,
        "at": now,
        "actor": offence.actor,
    }
    if offence.dry_run:
        case = await Case.create(**base, action="dry_run", dry_run=True)
        logger.info(
            f"rules: dry run #{case.id}: {offence.rule} by {user} in {group} "
            f"({offence.detail})"
        )
        await audit(
            offence.actor, "rules.dry_run", group=group, target=user,
            reason=offence.rule, case=case.id, detail=offence.detail,
        )  # fmt: skip
        return Outcome(case, "dry_run", acted=False)
    if offence.report:
        case = await Case.create(**base, action="report", dry_run=True)
        await audit(
            offence.actor, "rules.report", group=group, target=user,
            reason=offence.rule, case=case.id, detail=offence.detail,
        )  # fmt: skip
        _post_case(case, config, cfg, [])
        return Outcome(case, "report", acted=False)

    recalled, problems = await _recall(port, offence, locale)
    if offence.action == "remind":
        return await _remind(offence, base, recalled, problems, config, locale)

    case = await Case.create(
        **base, action="", strikes=offence.strikes, recalled=recalled
    )
    if offence.strikes:
        await Strike.bulk_create(
            [
                Strike(case=case, group=group, user=user, at=now)
                for _ in range(offence.strikes)
            ]
        )
    count = await active_strikes(group, user, cfg.ladder.window, now)
    steps = steps_of(cfg.ladder.steps)
    if offence.action != "ladder":
        step = parse_step(offence.action)
    elif count == 0:
        step = Step("warn")
    else:
        step = step_for(count, steps)
    if offence.raid_new_member and step.action == "warn":
        step = first_mute(steps)
    block = cfg.blacklist.enabled and offence.rule in cfg.blacklist.rules
    done, step_problems = await _execute(
        port, group, user, step, steps,
        fallback=cfg.ladder.fallback, block=block, locale=locale,
    )  # fmt: skip
    problems += step_problems
    action = done.action if done else "notify"
    seconds = done.seconds if done and done.action == "mute" else None
    if done and done.action == "mute":
        await Mute.create(
            group=group,
            user=user,
            ends_at=now + timedelta(seconds=done.seconds),
            case=case,
        )
    case.action = action
    case.mute_seconds = seconds
    case.problems = "\n".join(problems)
    await case.save()
    await audit(
        offence.actor, f"rules.{action}", group=group, target=user,
        reason=offence.rule, case=case.id, strikes=count, mute_seconds=seconds,
        recalled=recalled, problems=problems,
    )  # fmt: skip
    if done and done.action == "kick" and block:
        await blacklist(case, config, ports=ports, actor=offence.actor)

    name = mask_private(offence.name)
    reason = offence.reason_override or t(locale, offence.reason)
    values = {
        "name": name,
        "reason": reason,
        "count": count,
        "case": case.id,
        "window": window_text(cfg, locale),
        "duration": format_duration(timedelta(seconds=seconds or 0), locale),
    }
    keys = {
        "warn": "rules.notice.warn",
        "mute": "rules.notice.mute",
        "kick": "rules.notice.kick",
        "notify": "rules.notice.pending",
    }
    notice = t(locale, keys[action], **values)
    if offence.rule == "fraud" and cfg.fraud.warn_group:
        notice = t(
            locale,
            "rules.notice.fraud",
            **values,
            scheme=t(locale, f"rules.scheme.{offence.scheme or 'generic'}"),
            action=action_text(action, seconds, locale),
        )
    _post_case(case, config, cfg, problems)
    return Outcome(
        case,
        action,
        acted=True,
        notice=notice,
        mention=None if action == "kick" else user,
        count=count,
        problems=problems,
    )


async def _remind(
    offence: Offence,
    base: dict[str, Any],
    recalled: bool,
    problems: list[str],
    config: LinliConfig,
    locale: str,
) -> Outcome:
    case = None
    if recalled or problems:
        case = await Case.create(
            **base, action="remind", recalled=recalled, problems="\n".join(problems)
        )
    key = _REMIND_KEYS.get(offence.reason, "rules.remind.generic")
    start, _, end = offence.detail.partition("-")
    text = t(
        locale,
        key,
        group=group_name(config, offence.group),
        reason=t(locale, offence.reason),
        start=start,
        end=end,
    )
    outbox().private(offence.user, text, fallback_group=offence.group)
    await audit(
        offence.actor, "rules.remind", group=offence.group, target=offence.user,
        reason=offence.rule, case=case.id if case else None, recalled=recalled,
    )  # fmt: skip
    if problems and case is not None:
        _post_case(case, config, None, problems)
    return Outcome(case, "remind", acted=recalled, problems=problems)


def _post_case(
    case: Case, config: LinliConfig, cfg: RulesConfig | None, problems: list[str]
) -> None:
    def render(locale: str) -> str:
        text = t(
            locale,
            "rules.staff.case",
            case=case.id,
            group=group_name(config, case.group),
            name=mask_private(case.display_name),
            user=case.user,
            reason=reason_text(case, locale),
            action=action_text(case.action, case.mute_seconds, locale),
            text=mask_private(case.text)[:300],
        )
        if case.rule in ("ads", "fraud") and case.detail:
            text += "\n" + t(locale, "rules.staff.evidence", detail=case.detail)
        if problems:
            text += "\n" + t(
                locale, "rules.staff.problems", problems="；".join(problems)
            )
        return text

    post_staff(config, render, fallback_group=case.group if problems else None)


# ---------------------------------------------------------------------------
# the estate-wide blacklist
# ---------------------------------------------------------------------------


def _default_ports(group: str) -> Port:
    from plugins.core import port_for_group

    return port_for_group(group)


async def blacklist(
    case: Case,
    config: LinliConfig,
    *,
    ports: Callable[[str], Port] | None = None,
    actor: str = "linli",
) -> list[str]:
    """Put the member on the blacklist and remove them from every other group of
    the estate (same platform). Returns the groups they were removed from."""
    ports = ports or _default_ports
    await Blacklisted.update_or_create(
        user=case.user, defaults={"reason": case.rule, "case": case}
    )
    platform, _ = split_id(case.user)
    removed = []
    for gid in config.groups:
        if gid == case.group or split_id(gid)[0] != platform:
            continue
        try:
            port = ports(gid)
            if not port.can(Capability.KICK):
                continue
            await moderate(
                port, gid, lambda p, gid=gid: p.kick(gid, case.user, block=True)
            )
        except (NotSupported, PlatformError) as exc:
            logger.info(f"rules: blacklist: {case.user} not removed from {gid}: {exc}")
            continue
        removed.append(gid)
    await audit(
        actor, "rules.blacklist", group=case.group, target=case.user,
        reason=case.rule, case=case.id, removed_from=removed,
    )  # fmt: skip
    return removed


async def is_blacklisted(user: str) -> bool:
    return await Blacklisted.exists(user=user)


# ---------------------------------------------------------------------------
# admins' commands
# ---------------------------------------------------------------------------


@dataclass
class Done:
    ok: bool
    case: Case | None = None
    failure: PortError | None = None  # why not (words: failure_text)


async def mute(
    port: Port,
    *,
    group: str,
    user: str,
    name: str,
    seconds: int,
    actor: str,
    reason: str = "",
    now: datetime | None = None,
) -> Done:
    now = now or timezone.now()
    try:
        if not port.can(Capability.MUTE):
            raise NotSupported(Capability.MUTE, port.platform)
        await moderate(port, group, lambda p: p.mute(group, user, seconds))
    except PortError as exc:  # not supported, refused, no effect
        return Done(False, failure=exc)
    case = await Case.create(
        group=group, user=user, display_name=name[:255], rule="manual",
        reason="rules.reason.manual", detail=reason[:255], at=now, actor=actor,
        action="mute", mute_seconds=seconds,
    )  # fmt: skip
    await Mute.create(
        group=group, user=user, ends_at=now + timedelta(seconds=seconds), case=case
    )
    await audit(
        actor, "rules.mute", group=group, target=user, reason=reason,
        case=case.id, mute_seconds=seconds,
    )  # fmt: skip
    return Done(True, case)


async def unmute(
    port: Port, *, group: str, user: str, actor: str, now: datetime | None = None
) -> Done:
    now = now or timezone.now()
    try:
        if not port.can(Capability.UNMUTE):
            raise NotSupported(Capability.UNMUTE, port.platform)
        await port.unmute(group, user)
    except PortError as exc:  # not supported, refused, no effect
        return Done(False, failure=exc)
    await Mute.filter(group=group, user=user, lifted=False).update(lifted=True)
    await audit(actor, "rules.unmute", group=group, target=user)
    return Done(True)


async def kick(
    port: Port,
    *,
    group: str,
    user: str,
    name: str,
    actor: str,
    reason: str = "",
    now: datetime | None = None,
) -> Done:
    now = now or timezone.now()
    try:
        if not port.can(Capability.KICK):
            raise NotSupported(Capability.KICK, port.platform)
        await moderate(port, group, lambda p: p.kick(group, user))
    except PortError as exc:  # not supported, refused, no effect
        return Done(False, failure=exc)
    case = await Case.create(
        group=group, user=user, display_name=name[:255], rule="manual",
        reason="rules.reason.manual", detail=reason[:255], at=now, actor=actor,
        action="kick",
    )  # fmt: skip
    await audit(
        actor, "rules.kick", group=group, target=user, reason=reason, case=case.id
    )
    return Done(True, case)


@dataclass
class Warning:
    case: Case
    strikes: int


async def warnings(
    group: str, user: str, window: float, now: datetime | None = None
) -> list[Warning]:
    """The member's active strikes in ``group``, by case, oldest first."""
    now = now or timezone.now()
    rows = (
        await Strike.filter(
            group=group,
            user=user,
            pardoned=False,
            at__gte=now - timedelta(seconds=window),
        )
        .order_by("at", "id")
        .prefetch_related("case")
    )
    by_case: dict[int, Warning] = {}
    for row in rows:
        entry = by_case.setdefault(row.case.id, Warning(row.case, 0))
        entry.strikes += 1
    return list(by_case.values())


async def warned_members(
    group: str, window: float, now: datetime | None = None, limit: int = 20
) -> list[tuple[str, str, int]]:
    """(user, name, active strikes) of the group's members with strikes."""
    now = now or timezone.now()
    rows = await Strike.filter(
        group=group, pardoned=False, at__gte=now - timedelta(seconds=window)
    ).prefetch_related("case")
    counts: dict[str, list[Any]] = {}
    for row in rows:
        entry = counts.setdefault(row.user, [row.case.display_name, 0])
        entry[1] += 1
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1][1], kv[0]))
    return [(user, name, n) for user, (name, n) in ranked[:limit]]


async def reset_warnings(
    group: str, user: str, *, actor: str, now: datetime | None = None
) -> int:
    count = await Strike.filter(group=group, user=user, pardoned=False).update(
        pardoned=True
    )
    await audit(actor, "rules.reset", group=group, target=user, strikes=count)
    return count


@dataclass
class Pardon:
    case: Case | None
    already: bool = False
    strikes: int = 0
    unmuted: bool = False
    unblacklisted: bool = False
    problems: list[str] = field(default_factory=list)


async def pardon(
    case_id: int,
    *,
    actor: str,
    config: LinliConfig,
    ports: Callable[[str], Port] | None = None,
    now: datetime | None = None,
) -> Pardon:
    """Undo a case: its strikes go, its mute is lifted, its blacklisting ends."""
    now = now or timezone.now()
    case = await Case.get_or_none(id=case_id)
    if case is None:
        return Pardon(None)
    if case.pardoned_at is not None:
        return Pardon(case, already=True)
    result = Pardon(case)
    result.strikes = await Strike.filter(case_id=case.id, pardoned=False).update(
        pardoned=True
    )
    locale = config.locale_of(case.group)
    mutes = await Mute.filter(case_id=case.id, lifted=False, ends_at__gt=now)
    if mutes:
        try:
            port = (ports or _default_ports)(case.group)
            if not port.can(Capability.UNMUTE):
                raise NotSupported(Capability.UNMUTE, port.platform)
            await port.unmute(case.group, case.user)
            result.unmuted = True
        except NotSupported:
            result.problems.append(_problem(locale, "unmute", _not_supported(locale)))
        except PlatformError as exc:
            result.problems.append(
                _problem(locale, "unmute", failure_text(exc, locale))
            )
        await Mute.filter(case_id=case.id).update(lifted=True)
    result.unblacklisted = bool(await Blacklisted.filter(case_id=case.id).delete())
    case.pardoned_at = now
    case.pardoned_by = actor
    await case.save()
    await audit(
        actor, "rules.pardon", group=case.group, target=case.user, case=case.id,
        strikes=result.strikes, unmuted=result.unmuted,
    )  # fmt: skip
    return result


async def appeal(
    case_id: int, user: str, text: str, now: datetime | None = None
) -> Case | None:
    """Record ``user``'s appeal against their own case; None if not theirs."""
    case = await Case.get_or_none(id=case_id, user=user)
    if case is None:
        return None
    case.appeal = text
    case.appealed_at = now or timezone.now()
    await case.save()
    await audit(user, "rules.appeal", group=case.group, target=user, case=case.id)
    return case


def exempt_by_config(
    user: str, group: str, cfg: RulesConfig, config: LinliConfig
) -> bool:
    """Whitelisted, or an admin or staff member by the YAML (no database)."""
    core = config.core
    profile = config.group(group)
    return (
        listed(user, cfg.whitelist)
        or listed(user, core.admins)
        or listed(user, core.staff)
        or listed(user, profile.admins)
        or listed(user, profile.staff)
        or profile.role == "staff"
    )
