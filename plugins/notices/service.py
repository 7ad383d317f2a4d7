"""notices' logic: create, publish, remind, confirm, count, nudge, list, cancel.

No NoneBot here. Sending is a function passed in (``send(group, text)`` →
message id), so tests use a fake and the bot uses core's send queue.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from nonebot import logger
from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from adapters import PlatformError
from plugins.core import LinliConfig, audit, cancel, listed, mask_private, schedule, t
from plugins.core.models import KnownMember

from .config import NoticesConfig
from .models import Confirmation, Delivery, Notice
from .parsing import (
    Command,
    NoticeFields,
    Target,
    parse_event_start,
    parse_fields,
    reminder_times,
)
from .render import notice_text, time_left

Send = Callable[[str, str], Awaitable[str | None]]

PUBLISH = "notices.publish"
REMIND = "notices.remind"
LIVE = ("pending", "sending", "sent")
# a delivery claimed this long ago by a process that died is sent again
STALE_CLAIM = timedelta(minutes=2)
# an immediate notice is sent by the handler; this job finishes the work if the
# process dies (or a group's bot is offline) before every group has it
FALLBACK_DELAY = timedelta(seconds=60)


def utc(moment: datetime) -> datetime:
    """Every time goes to the database in UTC: on SQLite times are compared as
    text, and Tortoise does not convert the values of filters and updates."""
    return moment.astimezone(UTC)


def publish_key(notice_id: int) -> str:
    return f"notices:publish:{notice_id}"


def remind_key(notice_id: int, n: int) -> str:
    return f"notices:remind:{notice_id}:{n}"


def section_of(config: LinliConfig, group: str | None) -> NoticesConfig:
    return config.section("notices", group)  # type: ignore[return-value]


def zone(config: LinliConfig) -> ZoneInfo:
    return ZoneInfo(config.core.timezone)


# ---------------------------------------------------------------- targeting


def groups_for(targets: list[Target], config: LinliConfig) -> list[str]:
    """Groups whose tags hold ``#tag``, or whose building / tags match ``@3栋``."""
    found: list[str] = []
    for target in targets:
        for gid, profile in config.groups.items():
            hit = target.tag in profile.tags or (
                target.building is not None and profile.building == target.building
            )
            if hit and gid not in found:
                found.append(gid)
    return found


def estate_groups(config: LinliConfig, current: str | None) -> list[str]:
    """Every residents' and notice group of the estate, plus the current one."""
    found = [g for g, p in config.groups.items() if p.role in ("residents", "notice")]
    if current is not None and current not in found:
        found.append(current)
    return found


async def cap_reached(group: str, at: datetime, cap: int, window: timedelta) -> bool:
    """Would one more non-urgent notice at ``at`` put some window of length
    ``window`` over ``cap`` notices in ``group``?"""
    if cap <= 0:
        return False
    at = utc(at)
    query = Delivery.filter(
        group=group,
        kind="post",
        counts=True,
        status__in=LIVE,
        due_at__gt=at - window,
        due_at__lt=at + window,
    )
    others = list(await query.values_list("due_at", flat=True))
    starts = [x for x in others if x <= at] + [at]
    busiest = max(sum(1 for y in others if s <= y < s + window) for s in starts)
    return busiest >= cap


# ---------------------------------------------------------------- creating


@dataclass
class Created:
    notice: Notice | None = None
    error: str | None = None  # an i18n key under notices.
    groups: list[str] = field(default_factory=list)
    capped: list[str] = field(default_factory=list)
    emergency_word: str | None = None
    reminders: list[datetime] = field(default_factory=list)
    cap: int = 0


async def create(
    command: Command,
    *,
    actor: str,
    origin: str | None,
    config: LinliConfig,
    now: datetime,
    estate_admin: bool,
) -> Created:
    """Check and store a notice, its deliveries and its jobs (nothing sent yet)."""
    fields = parse_fields(command.body)
    if not fields.title:
        return Created(error="notices.usage")
    section = section_of(config, origin)
    text = fields.text()
    emergency = section.emergency_word(text)
    if command.targets:
        groups = groups_for(command.targets, config)
        if not groups:
            return Created(error="notices.no_targets")
    elif emergency and section.emergency_estate_wide:
        groups = estate_groups(config, origin)
    elif origin is not None:
        groups = [origin]
    else:
        return Created(error="notices.need_group")
    others = [g for g in groups if g != origin]
    if not estate_admin and any(
        not listed(actor, config.group(g).admins) for g in others
    ):
        return Created(error="notices.denied_other_groups")

    urgent = command.urgent or emergency is not None
    publish_at = command.publish_at or now
    capped: list[str] = []
    if not urgent:
        for group in groups:
            own = section_of(config, group)
            if await cap_reached(group, publish_at, own.weekly_cap, own.cap_window):
                capped.append(group)
    sendable = [g for g in groups if g not in capped]
    if not sendable:
        return Created(error="notices.capped", capped=capped, cap=section.weekly_cap)

    kind = section.type_of(text)
    confirm = command.confirm or bool(kind and kind[1].confirm)
    event_at = parse_event_start(fields.time, now) if fields.time else None
    specs = kind[1].reminders if kind and kind[1].reminders is not None else None
    times = (
        reminder_times(
            section.reminders if specs is None else specs,
            event_at,
            zone(config),
            after=max(publish_at, now),
        )
        if event_at is not None
        else []
    )
    immediate = command.publish_at is None
    async with in_transaction():
        notice = await Notice.create(
            created_by=actor,
            origin_group=origin,
            title=fields.title[:255],
            time_text=fields.time[:255],
            place=fields.place[:255],
            content=fields.content,
            contact=fields.contact[:255],
            event_at=event_at,
            publish_at=publish_at,
            urgent=urgent,
            emergency=emergency is not None,
            notice_type=kind[0] if kind else None,
            confirm=confirm,
            confirm_until=publish_at + section.confirm_window if confirm else None,
            targets=sendable,
            reminders=[moment.isoformat() for moment in times],
        )
        for group in sendable:
            await Delivery.create(
                notice=notice,
                group=group,
                kind="post",
                counts=not urgent,
                due_at=publish_at,
            )
        await schedule(
            PUBLISH,
            now + FALLBACK_DELAY if immediate else publish_at,
            {"id": notice.id},
            key=publish_key(notice.id),
        )
        for n, moment in enumerate(times):
            await schedule(
                REMIND, moment, {"id": notice.id, "n": n}, key=remind_key(notice.id, n)
            )
    await audit(
        actor,
        "notices.schedule" if not immediate else "notices.publish",
        group=origin,
        target=f"notice:{notice.id}",
        reason=fields.title,
        groups=sendable,
        capped=capped,
        urgent=urgent,
        emergency=emergency,
        confirm=confirm,
        publish_at=publish_at.isoformat(),
        reminders=[m.isoformat() for m in times],
    )
    return Created(
        notice=notice,
        groups=sendable,
        capped=capped,
        emergency_word=emergency,
        reminders=times,
        cap=section.weekly_cap,
    )


# ---------------------------------------------------------------- sending


@dataclass
class Sent:
    sent: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    pending: list[str] = field(default_factory=list)


def fields_of(notice: Notice) -> NoticeFields:
    return NoticeFields(
        title=notice.title,
        time=notice.time_text,
        place=notice.place,
        content=notice.content,
        contact=notice.contact,
    )


def text_for(
    notice: Notice,
    group: str,
    config: LinliConfig,
    now: datetime,
    *,
    reminder: bool = False,
) -> str:
    """The notice as posted in ``group``: its language, template and confirm line."""
    locale = config.locale_of(group)
    section = section_of(config, group)
    open_until = notice.confirm_until if notice.confirm else None
    if open_until is not None and open_until <= now:
        open_until = None
    label = "notices.label.urgent" if notice.urgent else "notices.label.notice"
    lead = ""
    if reminder:
        label = "notices.label.reminder"
        if notice.event_at is not None:
            lead = time_left(notice.event_at, now, locale)
    return notice_text(
        section.template_for(locale),
        locale,
        fields_of(notice),
        label_key=label,
        confirm_until=open_until,
        confirm_word=section.confirm_words[0],
        tz=zone(config),
        lead=lead,
    )


async def _claim(delivery: Delivery, now: datetime) -> bool:
    """Take a delivery to send it; False if another process has it."""
    query = Delivery.filter(id=delivery.id)
    if delivery.status == "pending":
        query = query.filter(status="pending")
    else:
        query = query.filter(status="sending", claimed_at=delivery.claimed_at)
    return bool(await query.update(status="sending", claimed_at=now))


async def _deliver(delivery: Delivery, text: str, send: Send, out: Sent) -> None:
    try:
        message_id = await send(delivery.group, text)
    except PlatformError as exc:
        status = "pending" if exc.retryable else "failed"
        logger.warning(f"notices: {delivery.kind} to {delivery.group}: {exc}")
        await Delivery.filter(id=delivery.id).update(status=status, error=str(exc))
        (out.pending if exc.retryable else out.failed).append(delivery.group)
        return
    except Exception as exc:  # no bot yet, core not started…: try again later
        logger.warning(f"notices: {delivery.kind} to {delivery.group}: {exc!r}")
        await Delivery.filter(id=delivery.id).update(status="pending", error=repr(exc))
        out.pending.append(delivery.group)
        return
    await Delivery.filter(id=delivery.id).update(
        status="sent", sent_at=datetime.now(UTC), message_id=message_id
    )
    out.sent.append(delivery.group)


async def _send_all(
    notice: Notice,
    kind: str,
    send: Send,
    config: LinliConfig,
    now: datetime,
    *,
    reminder: bool = False,
) -> Sent:
    now = utc(now)
    out = Sent()
    todo = await Delivery.filter(notice_id=notice.id, kind=kind).filter(
        Q(status="pending") | Q(status="sending", claimed_at__lt=now - STALE_CLAIM)
    )
    jobs = []
    for delivery in todo:
        if not await _claim(delivery, now):
            continue
        text = text_for(notice, delivery.group, config, now, reminder=reminder)
        jobs.append(_deliver(delivery, text, send, out))
    await asyncio.gather(*jobs)
    return out


async def publish(
    notice_id: int, send: Send, config: LinliConfig, now: datetime
) -> Sent:
    """Post the notice to every group that does not have it yet (idempotent)."""
    now = utc(now)
    notice = await Notice.get_or_none(id=notice_id)
    if notice is None or notice.status == "cancelled":
        return Sent()
    if notice.status == "scheduled":
        await Notice.filter(id=notice.id, status="scheduled").update(
            status="published", published_at=now
        )
    return await _send_all(notice, "post", send, config, now)


class NotPublishedYet(RuntimeError):
    """A reminder came before its notice went out: the job tries again later."""


async def remind(
    notice_id: int, n: int, send: Send, config: LinliConfig, now: datetime
) -> Sent:
    """Reminder ``n``: repeat the notice in every group that received it."""
    now = utc(now)
    notice = await Notice.get_or_none(id=notice_id)
    if notice is None or notice.status == "cancelled":
        return Sent()
    if notice.status == "scheduled":
        raise NotPublishedYet(f"notice {notice_id} is not published yet")
    if notice.event_at is not None and now >= notice.event_at:
        logger.info(f"notices: reminder {n} of #{notice_id} is past the event, skipped")
        return Sent()
    kind = f"remind:{n}"
    posts = await Delivery.filter(notice_id=notice.id, kind="post").values_list(
        "group", "status"
    )
    if any(status == "pending" for _, status in posts):
        raise NotPublishedYet(f"notice {notice_id} is not in every group yet")
    # "sending": the process may have died right after posting; remind there too
    groups = [g for g, status in posts if status in ("sent", "sending")]
    for group in groups:
        with contextlib.suppress(IntegrityError):  # another process was first
            await Delivery.get_or_create(
                notice=notice, group=group, kind=kind, defaults={"due_at": now}
            )
    return await _send_all(notice, kind, send, config, now, reminder=True)


async def sent_once(notice_id: int) -> bool:
    """Has every post been sent or given up (nothing left to retry)?"""
    return not await Delivery.filter(
        notice_id=notice_id, kind="post", status__in=("pending", "sending")
    ).exists()


# ---------------------------------------------------------------- confirming


async def open_notice(group: str, now: datetime) -> Notice | None:
    """The newest notice in ``group`` still taking confirmations."""
    now = utc(now)
    delivery = (
        await Delivery.filter(
            group=group,
            kind="post",
            status="sent",
            notice__confirm=True,
            notice__status="published",
            notice__confirm_until__gt=now,
        )
        .order_by("-sent_at", "-id")
        .first()
        .prefetch_related("notice")
    )
    return delivery.notice if delivery is not None else None


def is_open(notice: Notice, group: str, now: datetime) -> bool:
    return (
        notice.confirm
        and notice.status == "published"
        and notice.confirm_until is not None
        and notice.confirm_until > now
        and group in notice.targets
    )


async def confirm(
    notice: Notice, group: str, user: str, household: str | None, display_name: str
) -> bool:
    """Record a confirmation; False if this person had already confirmed."""
    try:
        await Confirmation.create(
            notice=notice,
            group=group,
            user=user,
            household=household,
            display_name=display_name[:255],
        )
    except IntegrityError:
        return False
    return True


def building_of(household: str) -> str:
    return household.split("-", 1)[0]


@dataclass
class Coverage:
    people: int
    households: int
    known: int
    no_household: int
    buildings: list[tuple[str, int, int]]  # building, confirmed, known


def _building_order(building: str) -> tuple[int, str]:
    return (int(building), "") if building.isdigit() else (10**9, building)


async def coverage(notice: Notice) -> Coverage:
    """Confirmed households of the known households, in all and per building."""
    known = set(
        await KnownMember.filter(
            group__in=notice.targets, household__not_isnull=True
        ).values_list("household", flat=True)
    )
    rows = await Confirmation.filter(notice_id=notice.id).values_list(
        "household", flat=True
    )
    confirmed = {h for h in rows if h}
    known |= confirmed
    buildings: dict[str, list[int]] = {}
    for household in known:
        counts = buildings.setdefault(building_of(household), [0, 0])
        counts[1] += 1
        if household in confirmed:
            counts[0] += 1
    return Coverage(
        people=len(rows),
        households=len(confirmed),
        known=len(known),
        no_household=sum(1 for h in rows if not h),
        buildings=[
            (b, c[0], c[1])
            for b, c in sorted(buildings.items(), key=lambda i: _building_order(i[0]))
        ],
    )


@dataclass
class Nudge:
    error: str | None = None  # an i18n key under notices.
    households: int = 0
    messages: int = 0
    last: datetime | None = None


async def unconfirmed_members(notice: Notice, group: str) -> list[KnownMember]:
    """Known members of ``group`` whose household has not confirmed."""
    confirmations = await Confirmation.filter(notice_id=notice.id).values_list(
        "user", "household"
    )
    users = {u for u, _ in confirmations}
    households = {h for _, h in confirmations if h}
    members = await KnownMember.filter(
        group=group, household__not_isnull=True
    ).order_by("household", "id")
    return [m for m in members if m.household not in households and m.user not in users]


async def nudge(
    notice: Notice,
    *,
    actor: str,
    group: str | None,
    send: Send,
    config: LinliConfig,
    now: datetime,
) -> Nudge:
    """Name the unconfirmed households' members, within the rate limit."""
    now = utc(now)
    section = section_of(config, group)
    if section.nudge == "off":
        return Nudge(error="notices.nudge.off")
    if not notice.confirm:
        return Nudge(error="notices.not_confirmable")
    if notice.status != "published" or not (
        notice.confirm_until and notice.confirm_until > now
    ):
        return Nudge(error="notices.nudge.closed")
    every = section.nudge_every
    if notice.last_nudge_at is not None and notice.last_nudge_at > now - every:
        return Nudge(error="notices.nudge.too_soon", last=notice.last_nudge_at)
    sent_to = await Delivery.filter(
        notice_id=notice.id, kind="post", status="sent"
    ).values_list("group", flat=True)
    plan: list[tuple[str, list[KnownMember]]] = []
    for target in sent_to:
        members = await unconfirmed_members(notice, target)
        if members:
            plan.append((target, members))
    if not plan:
        return Nudge(error="notices.nudge.nobody")
    won = await Notice.filter(
        Q(last_nudge_at__isnull=True) | Q(last_nudge_at__lte=now - every),
        id=notice.id,
    ).update(last_nudge_at=now)
    if not won:  # another admin (or process) reminded in the meantime
        await notice.refresh_from_db(fields=["last_nudge_at"])
        return Nudge(error="notices.nudge.too_soon", last=notice.last_nudge_at)
    notice.last_nudge_at = now
    result = Nudge()
    households: set[str] = set()
    for target, members in plan:
        locale = config.locale_of(target)
        size = section_of(config, target).nudge_max_mentions
        for start in range(0, len(members), size):
            chunk = members[start : start + size]
            names = " ".join(
                "@" + mask_private(m.display_name or m.household or "") for m in chunk
            )
            text = t(
                locale,
                "notices.nudge.text",
                title=notice.title,
                word=section_of(config, target).confirm_words[0],
                names=names,
            )
            try:
                await send(target, text)
            except Exception as exc:
                logger.warning(f"notices: nudge to {target} failed: {exc!r}")
                continue
            result.messages += 1
            households.update(m.household for m in chunk if m.household)
    result.households = len(households)
    await audit(
        actor,
        "notices.nudge",
        group=group,
        target=f"notice:{notice.id}",
        households=result.households,
        messages=result.messages,
    )
    return result


# ---------------------------------------------------------------- list, cancel


def in_scope(notice: Notice, group: str | None, estate_admin: bool) -> bool:
    """May an admin in ``group`` see or change this notice?"""
    if estate_admin:
        return True
    return group is not None and (
        notice.origin_group == group or group in (notice.targets or [])
    )


async def find(number: int, group: str | None, estate_admin: bool) -> Notice | None:
    notice = await Notice.get_or_none(id=number)
    if notice is None or not in_scope(notice, group, estate_admin):
        return None
    return notice


@dataclass
class Listed:
    notice: Notice
    groups: int
    reminders_left: int
    households: int


async def listing(
    group: str | None, estate_admin: bool, now: datetime, limit: int
) -> list[Listed]:
    """Scheduled notices, and those published in the last week, newest first."""
    now = utc(now)
    query = Notice.filter(
        Q(status="scheduled")
        | Q(status="published", publish_at__gt=now - timedelta(days=7))
    )
    if not (estate_admin and group is None):
        ids = set(
            await Delivery.filter(group=group, kind="post").values_list(
                "notice_id", flat=True
            )
        )
        ids |= set(await Notice.filter(origin_group=group).values_list("id", flat=True))
        query = query.filter(id__in=ids)
    notices = await query.order_by("-publish_at", "-id").limit(limit)
    out = []
    for notice in notices:
        left = sum(1 for r in notice.reminders if datetime.fromisoformat(r) > now)
        households = 0
        if notice.confirm:
            households = len(
                {
                    h
                    for h in await Confirmation.filter(notice_id=notice.id).values_list(
                        "household", flat=True
                    )
                    if h
                }
            )
        out.append(Listed(notice, len(notice.targets), left, households))
    return out


async def cancel_notice(
    notice: Notice, *, actor: str, group: str | None, now: datetime
):
    """Stop a notice: its post if still scheduled, its reminders, its confirmations.

    Returns how many reminders were still to come, or None if already cancelled.
    """
    now = utc(now)
    done = await Notice.filter(
        id=notice.id, status__in=("scheduled", "published")
    ).update(status="cancelled", cancelled_at=now)
    if not done:
        return None
    await cancel(publish_key(notice.id))
    left = 0
    for n in range(len(notice.reminders)):
        left += await cancel(remind_key(notice.id, n))
    await Delivery.filter(notice_id=notice.id, status="pending").update(
        status="cancelled"
    )
    await audit(
        actor,
        "notices.cancel",
        group=group,
        target=f"notice:{notice.id}",
        reason=notice.title,
        was=notice.status,
    )
    return left
