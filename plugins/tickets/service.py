"""tickets' logic: reports, staff actions and residents' answers. No NoneBot here.

Every function takes the :class:`Env` (configuration), the :class:`Actor` and,
for tests, an explicit ``now``; it returns an :class:`Outcome`: the reply to the
command and the messages to send elsewhere (staff groups, reporters).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from plugins.core import audit, cancel, mask_private, next_number, schedule, t

from . import escalation
from .classify import (
    Location,
    classify,
    find_contact,
    is_p1,
    location_for,
    same_place,
    strip_contact,
)
from .env import Actor, Env, Outcome, Outgoing, now_utc
from .models import Subscriber, Ticket, TicketEvent
from .render import (
    assignee,
    card,
    detail,
    kind_name,
    line,
    number,
    status_name,
    summary,
    when,
    where,
)
from .sla import add_business, business_between, resume_due
from .states import OPEN, IllegalTransition, Status, next_status

SYSTEM = "linli"
MAYBE = 3  # at most this many "是不是 #0002？" on a new ticket's card
Values = Callable[[str], dict[str, Any]]


class Refused(Exception):
    """A command that cannot be done; ``key``/``values`` say why."""

    def __init__(self, key: str, **values: Any):
        self.key = key
        self.values = values
        super().__init__(key)


def close_key(ticket_id: int) -> str:
    return f"tickets:close:{ticket_id}"


def resume_key(ticket_id: int) -> str:
    return f"tickets:resume:{ticket_id}"


# --------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------


def _location(ticket: Ticket) -> Location:
    return Location(ticket.building, ticket.unit, ticket.room)


async def find(env: Env, group: str | None, n: int) -> Ticket:
    ticket = await Ticket.get_or_none(estate=env.estate_of(group), number=n)
    if ticket is None:
        raise Refused("tickets.error.not_found", number=number(n))
    return ticket


async def _create(estate: str, fields: dict[str, Any]) -> Ticket:
    """A ticket with the next number of the estate (core's counter)."""
    async with in_transaction():
        n = await next_number(Ticket, estate=estate)
        return await Ticket.create(estate=estate, number=n, **fields)


async def _event(
    ticket: Ticket,
    actor: str,
    action: str,
    now: datetime,
    note: str = "",
    old: str | None = None,
    new: str | None = None,
) -> None:
    await TicketEvent.create(
        ticket_id=ticket.id,
        at=now,
        actor=actor,
        action=action,
        status_from=old,
        status_to=new,
        note=note,
    )


async def _apply(
    ticket: Ticket,
    action: str,
    actor: Actor | None,
    now: datetime,
    *,
    note: str = "",
    **changes: Any,
) -> Status:
    """Move ``ticket`` by ``action`` (refused if the state machine says no)."""
    old = Status(ticket.status)
    try:
        new = next_status(action, old)
    except IllegalTransition:
        raise Refused(
            "tickets.error.illegal",
            number=number(ticket.number),
            status=old.value,
            action=action,
        ) from None
    changes["status"] = new.value
    done = await Ticket.filter(id=ticket.id, status=old.value).update(**changes)
    if not done:
        raise Refused("tickets.error.busy", number=number(ticket.number))
    for key, value in changes.items():
        setattr(ticket, key, value)
    who = actor.user if actor else SYSTEM
    await _event(ticket, who, action, now, note, old.value, new.value)
    if actor is not None:
        await audit(
            who,
            f"tickets.{action}",
            group=actor.group,
            target=number(ticket.number),
            reason=note,
            estate=ticket.estate,
            status=new.value,
        )
    return new


def _render(locale: str, key: str, values: Values) -> str:
    return t(locale, key, **values(locale))


def _common(env: Env, ticket: Ticket) -> Values:
    cfg = env.section(ticket.group)

    def values(locale: str) -> dict[str, Any]:
        return {
            "number": number(ticket.number),
            "n": ticket.number,
            "category": cfg.label(ticket.category, locale),
            "where": where(ticket, locale),
            "assignee": assignee(ticket, locale),
            "status": status_name(ticket.status, locale),
            "kind": kind_name(ticket.kind, locale),
        }

    return values


def _with(base: Values, **extra: Any) -> Values:
    def values(locale: str) -> dict[str, Any]:
        out = base(locale)
        for key, value in extra.items():
            out[key] = value(locale) if callable(value) else value
        return out

    return values


async def tell_reporters(
    env: Env, ticket: Ticket, key: str, values: Values
) -> list[Outgoing]:
    """A state change for everyone subscribed: one post in each group where
    people reported, mentioning every one of them (masked), or privately, per
    ``report_back``."""
    subs = await Subscriber.filter(ticket_id=ticket.id).order_by("id")
    mode = env.section(ticket.group).report_back
    followers: dict[str, list[str]] = {}  # group → its followers, in order
    for sub in subs:
        if mode != "private" and sub.group is not None:
            users = followers.setdefault(sub.group, [])
            if sub.user not in users:
                users.append(sub.user)
    out: list[Outgoing] = []
    for sub in subs:
        if mode == "private" or sub.group is None:
            text = _render(sub.locale, key, values)
            out.append(Outgoing(sub.user, mask_private(text), private=True))
            continue
        users = followers.pop(sub.group, None)
        if users is None:
            continue  # the group's one post is out already
        text = _render(env.locale_of(sub.group), key, values)
        if not env.is_staff_group(sub.group):
            text = mask_private(text)
        mention = users[0] if len(users) == 1 else tuple(users)
        out.append(Outgoing(sub.group, text, mention=mention))
    return out


def tell_staff(
    env: Env,
    ticket: Ticket,
    key: str,
    values: Values,
    mentions: list[str | None] | None = None,
) -> list[Outgoing]:
    """A message for the ticket's staff groups (full details), one per mention."""
    targets = env.staff_groups(ticket.group, ticket.category)
    mentions = mentions or [None]
    out = []
    for group in targets:
        text = _render(env.locale_of(group), key, values)
        out.extend(Outgoing(group, text, mention=m) for m in mentions)
    if not targets:  # no staff group: page the on-call people privately
        for user in env.section(ticket.group).on_call:
            out.append(Outgoing(user, _render(ticket.locale, key, values), True))
    return out


def cards(env: Env, ticket: Ticket, maybe: Sequence[int] = ()) -> list[Outgoing]:
    """The ticket's card for each of its staff groups (on-call people privately
    when the estate has no staff group); ``maybe``: the numbers of open tickets
    it may duplicate, offered with the /合并 command."""
    cfg = env.section(ticket.group)
    groups = env.staff_groups(ticket.group, ticket.category)
    out = [
        Outgoing(group, card(ticket, cfg, env.locale_of(group), env.tz, maybe))
        for group in groups
    ]
    if not groups:
        text = card(ticket, cfg, ticket.locale, env.tz, maybe)
        out += [Outgoing(user, text, private=True) for user in cfg.on_call]
    return out


def _calendar(env: Env, ticket: Ticket):
    return env.calendar(ticket.hours, ticket.group)


def _resume_changes(env: Env, ticket: Ticket, now: datetime) -> dict[str, Any]:
    """Deadlines pushed out by the service time the ticket spent paused."""
    if ticket.paused_at is None:
        return {}
    cal = _calendar(env, ticket)
    changes: dict[str, Any] = {
        "paused_at": None,
        "resume_at": None,
        "paused_seconds": ticket.paused_seconds
        + business_between(ticket.paused_at, now, cal).total_seconds(),
    }
    for name in ("ack_due_at", "update_due_at", "resolve_due_at"):
        due = getattr(ticket, name)
        if due is not None:
            changes[name] = resume_due(due, ticket.paused_at, now, cal)
    return changes


def _update_due(env: Env, ticket: Ticket, now: datetime) -> datetime:
    return add_business(
        now, timedelta(seconds=ticket.update_seconds), _calendar(env, ticket)
    )


def _outcome(actor: Actor, key: str, values: Values, outbox: list[Outgoing]) -> Outcome:
    text = _render(actor.locale, key, values)
    return Outcome(text, outbox)


def refused(actor: Actor, exc: Refused) -> Outcome:
    values = dict(exc.values)
    if "status" in values:
        values["status"] = status_name(values["status"], actor.locale)
    if "action" in values:
        values["action"] = t(actor.locale, f"tickets.action.{values['action']}")
    return Outcome(t(actor.locale, exc.key, **values), ok=False)


# --------------------------------------------------------------------------
# reporting
# --------------------------------------------------------------------------


async def report(
    env: Env,
    actor: Actor,
    text: str,
    kind: str = "repair",
    now: datetime | None = None,
) -> Outcome:
    """A resident's report: a new ticket (or a link to an open one like it)."""
    now = now_utc(now)
    cfg = env.section(actor.group)
    text = " ".join(text.split())
    if not text:
        return Outcome(t(actor.locale, "tickets.usage.report"), ok=False)
    category = classify(text, cfg)
    urgent = is_p1(text, cfg)
    place = location_for(text, actor.household, env.building_of(actor.group))
    duplicate, maybe = await _duplicate_of(env, actor, category, place, now)
    if duplicate is not None:
        return await _link(env, actor, duplicate, urgent, now)

    priority = "p1" if urgent else "normal"
    sla = cfg.sla_for(category, priority)
    cal = env.calendar(sla.hours, actor.group)
    ticket = await _create(
        cfg.estate,
        {
            "kind": kind,
            "category": category,
            "priority": priority,
            "status": Status.NEW.value,
            "description": strip_contact(text) or text,
            "building": place.building,
            "unit": place.unit,
            "room": place.room,
            "contact": find_contact(text),
            "images": list(actor.images),
            "reporter": actor.user,
            "reporter_name": actor.name,
            "group": actor.group,
            "locale": actor.locale,
            "created_at": now,
            "hours": sla.hours,
            "ack_seconds": sla.acknowledge.total_seconds(),
            "update_seconds": sla.update.total_seconds(),
            "resolve_seconds": sla.resolve.total_seconds(),
            "ack_due_at": add_business(now, sla.acknowledge, cal),
            "resolve_due_at": add_business(now, sla.resolve, cal),
        },
    )
    await Subscriber.create(
        ticket_id=ticket.id,
        user=actor.user,
        name=actor.name,
        group=actor.group,
        locale=actor.locale,
        reason="reporter",
    )
    await _event(ticket, actor.user, "report", now, new=Status.NEW.value)
    await escalation.arm(env, ticket, now)

    tz = env.tz
    outbox = cards(env, ticket, maybe=[m.number for m in maybe])
    if urgent:
        outbox += page_on_call(env, ticket)
    base = _common(env, ticket)
    key = "tickets.receipt.p1" if urgent else "tickets.receipt.new"
    values = _with(base, due=lambda loc: when(ticket.ack_due_at, loc, tz))
    return _outcome(actor, key, values, outbox)


def page_on_call(env: Env, ticket: Ticket) -> list[Outgoing]:
    """P1: the on-call people privately, and a mention in the staff groups."""
    cfg = env.section(ticket.group)
    values = _with(
        _common(env, ticket),
        description=ticket.description,
        contact=ticket.contact or "—",
    )
    out = [
        Outgoing(user, _render(ticket.locale, "tickets.page", values), private=True)
        for user in cfg.on_call
    ]
    mentions: list[str | None] = list(cfg.on_call) or [None]
    for group in env.staff_groups(ticket.group, ticket.category):
        text = _render(env.locale_of(group), "tickets.page", values)
        out.extend(Outgoing(group, text, mention=m) for m in mentions)
    return out


async def _duplicate_of(
    env: Env, actor: Actor, category: str, place: Location, now: datetime
) -> tuple[Ticket | None, list[Ticket]]:
    """The open ticket this report is part of (linked at once), else the ones
    it may be part of (offered to staff on the new ticket's card: 是不是 #0002？).

    Linked automatically only when both places are known (the building at
    least: ``301`` is in every building), the same at the category's
    ``duplicate_scope``, and the two groups are not about different buildings.
    """
    cfg = env.section(actor.group)
    scope = cfg.categories[category].duplicate_scope
    if scope == "none":
        return None, []
    candidates = await Ticket.filter(
        estate=cfg.estate,
        category=category,
        status__in=[s.value for s in OPEN],
        created_at__gte=now - cfg.duplicate_window,
    ).order_by("-created_at")
    here = env.building_of(actor.group)
    maybe: list[Ticket] = []
    for ticket in candidates:
        other = _location(ticket)
        if not same_place(other, place, scope):
            continue
        there = env.building_of(ticket.group)
        apart = bool(here and there and here != there)
        if place.known and other.known and not apart:
            return ticket, []
        maybe.append(ticket)
    return None, maybe[:MAYBE]


async def _link(
    env: Env, actor: Actor, ticket: Ticket, urgent: bool, now: datetime
) -> Outcome:
    """A report of an open ticket's problem: the reporter follows that ticket."""
    with contextlib.suppress(IntegrityError):  # already following it
        await Subscriber.create(
            ticket_id=ticket.id,
            user=actor.user,
            name=actor.name,
            group=actor.group,
            locale=actor.locale,
            reason="duplicate",
        )
    if actor.images:
        ticket.images = [*ticket.images, *actor.images]
        await Ticket.filter(id=ticket.id).update(images=ticket.images)
    await _event(ticket, actor.user, "duplicate", now)
    count = await Subscriber.filter(ticket_id=ticket.id).count()
    outbox = tell_staff(
        env,
        ticket,
        "tickets.duplicate.staff",
        _with(_common(env, ticket), count=count, reporter=actor.name or actor.user),
    )
    if urgent and ticket.priority != "p1":
        outbox += await _upgrade(env, ticket, now)
    return _outcome(actor, "tickets.receipt.duplicate", _common(env, ticket), outbox)


async def _upgrade(env: Env, ticket: Ticket, now: datetime) -> list[Outgoing]:
    """A P1 report of a normal ticket: P1 deadlines from now, and page on-call."""
    sla = env.section(ticket.group).sla_for(ticket.category, "p1")
    cal = env.calendar(sla.hours, ticket.group)
    changes: dict[str, Any] = {
        "priority": "p1",
        "hours": sla.hours,
        "ack_seconds": sla.acknowledge.total_seconds(),
        "update_seconds": sla.update.total_seconds(),
        "resolve_seconds": sla.resolve.total_seconds(),
    }
    for name, duration in (
        ("ack_due_at", sla.acknowledge),
        ("update_due_at", sla.update),
        ("resolve_due_at", sla.resolve),
    ):
        due = getattr(ticket, name)
        if due is not None:
            changes[name] = min(due, add_business(now, duration, cal))
    await Ticket.filter(id=ticket.id).update(**changes)
    for key, value in changes.items():
        setattr(ticket, key, value)
    await _event(ticket, SYSTEM, "upgrade", now)
    await escalation.arm(env, ticket, now)
    return page_on_call(env, ticket)


# --------------------------------------------------------------------------
# staff actions
# --------------------------------------------------------------------------


async def acknowledge(
    env: Env, actor: Actor, n: int, now: datetime | None = None
) -> Outcome:
    """接单: the sender takes the ticket; the acknowledgement ladder stops."""
    now = now_utc(now)
    try:
        ticket = await find(env, actor.group, n)
        await _apply(
            ticket,
            "acknowledge",
            actor,
            now,
            assignee=actor.user,
            assignee_name=actor.name or actor.user,
            first_response_at=ticket.first_response_at or now,
            last_update_at=now,
            update_due_at=_update_due(env, ticket, now),
        )
    except Refused as exc:
        return refused(actor, exc)
    await escalation.arm(env, ticket, now)
    values = _common(env, ticket)
    outbox = await tell_reporters(env, ticket, "tickets.notice.acknowledged", values)
    return _outcome(actor, "tickets.reply.acknowledged", values, outbox)


async def dispatch(
    env: Env,
    actor: Actor,
    n: int,
    worker: str | None,
    worker_name: str,
    now: datetime | None = None,
) -> Outcome:
    """派单: to a member (``worker``, mentioned) or a named person."""
    now = now_utc(now)
    try:
        ticket = await find(env, actor.group, n)
        await _apply(
            ticket,
            "dispatch",
            actor,
            now,
            note=worker_name,
            assignee=worker,
            assignee_name=worker_name,
            first_response_at=ticket.first_response_at or now,
            last_update_at=now,
            update_due_at=_update_due(env, ticket, now),
        )
    except Refused as exc:
        return refused(actor, exc)
    await escalation.arm(env, ticket, now)
    values = _with(
        _common(env, ticket),
        summary=lambda loc: summary(ticket, env.section(ticket.group), loc, True),
    )
    outbox = tell_staff(env, ticket, "tickets.dispatch.staff", values, [worker])
    outbox += await tell_reporters(env, ticket, "tickets.notice.dispatched", values)
    return _outcome(actor, "tickets.reply.dispatched", values, outbox)


async def progress(
    env: Env, actor: Actor, n: int, note: str, now: datetime | None = None
) -> Outcome:
    """进展: relayed to the reporter; re-arms the update clock (resumes a pause)."""
    now = now_utc(now)
    try:
        ticket = await find(env, actor.group, n)
        changes = _resume_changes(env, ticket, now)
        await _apply(
            ticket,
            "progress",
            actor,
            now,
            note=note,
            **{
                **changes,
                "last_update_at": now,
                "first_response_at": ticket.first_response_at or now,
                "update_due_at": _update_due(env, ticket, now),
            },
        )
    except Refused as exc:
        return refused(actor, exc)
    if changes:
        await cancel(resume_key(ticket.id))
    await escalation.arm(env, ticket, now)
    values = _with(_common(env, ticket), note=note)
    outbox = await tell_reporters(env, ticket, "tickets.notice.progress", values)
    return _outcome(actor, "tickets.reply.progress", values, outbox)


async def pause(
    env: Env,
    actor: Actor,
    n: int,
    reason: str,
    resume_at: datetime | None = None,
    now: datetime | None = None,
) -> Outcome:
    """挂起: the clock stops until /恢复, /进展 or the expected resume time."""
    now = now_utc(now)
    resume_at = now_utc(resume_at) if resume_at is not None else None
    try:
        ticket = await find(env, actor.group, n)
        await _apply(
            ticket,
            "pause",
            actor,
            now,
            note=reason,
            paused_at=now,
            resume_at=resume_at,
            last_update_at=now,
        )
    except Refused as exc:
        return refused(actor, exc)
    await escalation.arm(env, ticket, now)
    if resume_at is not None:
        await schedule(
            "tickets.resume", resume_at, {"id": ticket.id}, key=resume_key(ticket.id)
        )
    tz = env.tz

    def until(locale: str) -> str:
        if resume_at is None:
            return ""
        return t(locale, "tickets.until", time=when(resume_at, locale, tz))

    values = _with(_common(env, ticket), reason=reason, until=until)
    outbox = await tell_reporters(env, ticket, "tickets.notice.paused", values)
    return _outcome(actor, "tickets.reply.paused", values, outbox)


async def resume(
    env: Env, actor: Actor | None, n: int | Ticket, now: datetime | None = None
) -> Outcome:
    """恢复 (also the expected resume time): the clock runs again."""
    now = now_utc(now)
    locale = actor.locale if actor else "zh-CN"
    try:
        ticket = (
            n if isinstance(n, Ticket) else await find(env, actor and actor.group, n)
        )
        locale = actor.locale if actor else ticket.locale
        await _apply(ticket, "resume", actor, now, **_resume_changes(env, ticket, now))
    except Refused as exc:
        return refused(actor or Actor(SYSTEM, locale=locale), exc)
    await cancel(resume_key(ticket.id))
    await escalation.arm(env, ticket, now)
    values = _common(env, ticket)
    outbox = await tell_reporters(env, ticket, "tickets.notice.resumed", values)
    if actor is None:
        mention = [ticket.assignee] if ticket.assignee else None
        outbox += tell_staff(env, ticket, "tickets.resumed_staff", values, mention)
    return Outcome(t(locale, "tickets.reply.resumed", **values(locale)), outbox)


async def resolve(
    env: Env, actor: Actor, n: int, note: str, now: datetime | None = None
) -> Outcome:
    """完成: the reporter is asked to rate; no rating in time → closed."""
    now = now_utc(now)
    try:
        ticket = await find(env, actor.group, n)
        changes = _resume_changes(env, ticket, now)
        await _apply(
            ticket,
            "resolve",
            actor,
            now,
            note=note,
            **changes,
            resolved_at=now,
            resolution=note,
            first_response_at=ticket.first_response_at or now,
            last_update_at=now,
            assignee=ticket.assignee or actor.user,
            assignee_name=ticket.assignee_name or actor.name or actor.user,
            images=[*ticket.images, *actor.images],
        )
    except Refused as exc:
        return refused(actor, exc)
    await cancel(resume_key(ticket.id))
    await escalation.arm(env, ticket, now)
    cfg = env.section(ticket.group)
    await schedule(
        "tickets.close",
        now + cfg.rating.auto_close_after,
        {"id": ticket.id},
        key=close_key(ticket.id),
    )
    values = _with(_common(env, ticket), note=note)
    outbox = await tell_reporters(env, ticket, "tickets.notice.resolved", values)
    return _outcome(actor, "tickets.reply.resolved", values, outbox)


async def transfer(
    env: Env, actor: Actor, n: int, category: str, now: datetime | None = None
) -> Outcome:
    """转单: another category and its team, which must acknowledge again."""
    now = now_utc(now)
    cfg = env.section(actor.group)
    name = _category_named(cfg, category, actor.locale)
    if name is None:
        return Outcome(
            t(
                actor.locale,
                "tickets.error.category",
                category=category,
                names="、".join(cfg.label(c, actor.locale) for c in cfg.categories),
            ),
            ok=False,
        )
    try:
        ticket = await find(env, actor.group, n)
        old_category = ticket.category
        sla = env.section(ticket.group).sla_for(name, ticket.priority)
        cal = env.calendar(sla.hours, ticket.group)
        pause_changes = _resume_changes(env, ticket, now)
        paused = pause_changes.get("paused_seconds", ticket.paused_seconds)
        await _apply(
            ticket,
            "transfer",
            actor,
            now,
            note=f"{old_category} → {name}",
            **pause_changes,
            category=name,
            assignee=None,
            assignee_name=None,
            hours=sla.hours,
            ack_seconds=sla.acknowledge.total_seconds(),
            update_seconds=sla.update.total_seconds(),
            resolve_seconds=sla.resolve.total_seconds(),
            ack_due_at=add_business(now, sla.acknowledge, cal),
            update_due_at=None,
            resolve_due_at=add_business(
                ticket.created_at, sla.resolve + timedelta(seconds=paused), cal
            ),
        )
    except Refused as exc:
        return refused(actor, exc)
    await cancel(resume_key(ticket.id))
    await escalation.arm(env, ticket, now)
    outbox = cards(env, ticket)
    values = _common(env, ticket)
    outbox += await tell_reporters(env, ticket, "tickets.notice.transferred", values)
    return _outcome(actor, "tickets.reply.transferred", values, outbox)


def _category_named(cfg, text: str, locale: str) -> str | None:
    wanted = text.strip().lower()
    for name in cfg.categories:
        if wanted in {name.lower(), cfg.label(name, locale).lower()}:
            return name
        if any(
            wanted == label.lower() for label in cfg.categories[name].labels.values()
        ):
            return name
    return None


async def reject(
    env: Env, actor: Actor, n: int, reason: str, now: datetime | None = None
) -> Outcome:
    """驳回: not something the property handles; the reporter hears why."""
    now = now_utc(now)
    try:
        ticket = await find(env, actor.group, n)
        await _apply(ticket, "reject", actor, now, note=reason, closed_at=now)
    except Refused as exc:
        return refused(actor, exc)
    await cancel(resume_key(ticket.id))
    await escalation.arm(env, ticket, now)
    values = _with(_common(env, ticket), reason=reason)
    outbox = await tell_reporters(env, ticket, "tickets.notice.rejected", values)
    return _outcome(actor, "tickets.reply.rejected", values, outbox)


async def merge(
    env: Env, actor: Actor, n: int, into: int, now: datetime | None = None
) -> Outcome:
    """合并 12 5: #12 is the same problem as #5; its people follow #5."""
    now = now_utc(now)
    try:
        if n == into:
            raise Refused("tickets.error.same")
        ticket = await find(env, actor.group, n)
        target = await find(env, actor.group, into)
        if Status(target.status) not in OPEN:
            raise Refused("tickets.error.target_closed", into=number(into))
        await _apply(
            ticket,
            "merge",
            actor,
            now,
            note=number(into),
            merged_into=into,
            closed_at=now,
        )
    except Refused as exc:
        return refused(actor, exc)
    await cancel(resume_key(ticket.id))
    await escalation.arm(env, ticket, now)
    for sub in await Subscriber.filter(ticket_id=ticket.id):
        with contextlib.suppress(IntegrityError):  # already following the target
            await Subscriber.create(
                ticket_id=target.id,
                user=sub.user,
                name=sub.name,
                group=sub.group,
                locale=sub.locale,
                reason="merged",
            )
    if ticket.images:
        await Ticket.filter(id=target.id).update(
            images=[*target.images, *ticket.images]
        )
    await _event(target, actor.user, "merged_in", now, note=number(n))
    values = _with(_common(env, ticket), into=number(into))
    outbox = await tell_reporters(env, ticket, "tickets.notice.merged", values)
    return _outcome(actor, "tickets.reply.merged", values, outbox)


# --------------------------------------------------------------------------
# residents' answers
# --------------------------------------------------------------------------


async def _own(env: Env, actor: Actor, n: int) -> Ticket:
    ticket = await find(env, actor.group, n)
    if ticket.reporter != actor.user and not await Subscriber.exists(
        ticket_id=ticket.id, user=actor.user
    ):
        raise Refused("tickets.error.not_yours", number=number(n))
    return ticket


async def reopen(
    env: Env, actor: Actor, n: int, note: str = "", now: datetime | None = None
) -> Outcome:
    """未解决: back to 处理中 within the grace period after resolution."""
    now = now_utc(now)
    try:
        ticket = await _own(env, actor, n)
        cfg = env.section(ticket.group)
        grace = cfg.rating.reopen_within
        if ticket.resolved_at is not None and now - ticket.resolved_at > grace:
            raise Refused(
                "tickets.error.grace",
                number=number(n),
                grace=_span(grace, actor.locale),
            )
        cal = _calendar(env, ticket)
        await _apply(
            ticket,
            "reopen",
            actor,
            now,
            note=note,
            resolved_at=None,
            closed_at=None,
            rating=None,
            rated_at=None,
            paused_seconds=0,
            last_update_at=now,
            update_due_at=add_business(
                now, timedelta(seconds=ticket.update_seconds), cal
            ),
            resolve_due_at=add_business(
                now, timedelta(seconds=ticket.resolve_seconds), cal
            ),
            reopen_count=ticket.reopen_count + 1,
        )
    except Refused as exc:
        return refused(actor, exc)
    await cancel(close_key(ticket.id))
    await escalation.arm(env, ticket, now)
    values = _with(
        _common(env, ticket),
        note=note or "—",
        summary=lambda loc: summary(ticket, env.section(ticket.group), loc, True),
    )
    mention = [ticket.assignee] if ticket.assignee else None
    outbox = tell_staff(env, ticket, "tickets.reopened_staff", values, mention)
    return _outcome(actor, "tickets.reply.reopened", values, outbox)


def _span(delta: timedelta, locale: str) -> str:
    from .render import span

    return span(delta, locale)


async def rate(
    env: Env,
    actor: Actor,
    n: int,
    score: int,
    comment: str = "",
    now: datetime | None = None,
) -> Outcome:
    """评价 1-5: closes the ticket; a low score alerts the level-1 contact."""
    now = now_utc(now)
    if not 1 <= score <= 5:
        return Outcome(t(actor.locale, "tickets.usage.rate"), ok=False)
    try:
        ticket = await find(env, actor.group, n)
        if ticket.reporter != actor.user:
            raise Refused("tickets.error.not_reporter", number=number(n))
        await _apply(
            ticket,
            "rate",
            actor,
            now,
            note=f"{score} {comment}".strip(),
            rating=score,
            rating_comment=comment,
            rated_at=now,
            closed_at=now,
        )
    except Refused as exc:
        return refused(actor, exc)
    await cancel(close_key(ticket.id))
    cfg = env.section(ticket.group)
    outbox: list[Outgoing] = []
    values = _with(_common(env, ticket), score=score, comment=comment or "—")
    if score <= cfg.rating.alert_at_or_below:
        level = cfg.escalation.levels[0]
        contacts: list[str | None] = list(level.contacts) or [None]
        outbox = tell_staff(env, ticket, "tickets.rating_low", values, contacts)
    return _outcome(actor, "tickets.reply.rated", values, outbox)


# --------------------------------------------------------------------------
# deadlines fired by the scheduler
# --------------------------------------------------------------------------


async def auto_close(
    env: Env, ticket_id: int, now: datetime | None = None
) -> list[Outgoing]:
    """No rating in time: 已解决 → 已关闭 (if it is still resolved)."""
    now = now_utc(now)
    ticket = await Ticket.get_or_none(id=ticket_id)
    if ticket is None or ticket.status != Status.RESOLVED.value:
        return []
    try:
        await _apply(ticket, "close", None, now, closed_at=now)
    except Refused:
        return []
    grace = env.section(ticket.group).rating.auto_close_after
    values = _with(_common(env, ticket), after=lambda loc: _span(grace, loc))
    return await tell_reporters(env, ticket, "tickets.notice.closed", values)


async def auto_resume(
    env: Env, ticket_id: int, now: datetime | None = None
) -> list[Outgoing]:
    """The expected resume time of a pause has come: the clock runs again."""
    ticket = await Ticket.get_or_none(id=ticket_id)
    if ticket is None or ticket.status != Status.PAUSED.value:
        return []
    outcome = await resume(env, None, ticket, now)
    return outcome.outbox if outcome.ok else []


# --------------------------------------------------------------------------
# reading
# --------------------------------------------------------------------------


async def show(
    env: Env, actor: Actor, n: int, *, staff: bool, now: datetime | None = None
) -> Outcome:
    """/工单 12: status and history; full details only where that is safe."""
    now = now_utc(now)
    try:
        ticket = await find(env, actor.group, n)
    except Refused as exc:
        return refused(actor, exc)
    full = env.is_staff_group(actor.group) or (
        actor.group is None and (staff or ticket.reporter == actor.user)
    )
    events = await TicketEvent.filter(ticket_id=ticket.id).order_by("at", "id")
    text = detail(
        ticket,
        events,
        env.section(ticket.group),
        actor.locale,
        env.tz,
        full=full,
        now=now,
    )
    return Outcome(text if full else mask_private(text))


async def mine(env: Env, actor: Actor, limit: int = 10) -> Outcome:
    """/我的工单: what the sender reported or follows, newest first."""
    cfg = env.section(actor.group)
    ids = await Subscriber.filter(user=actor.user).values_list("ticket_id", flat=True)
    tickets = (
        await Ticket.filter(estate=cfg.estate, id__in=list(ids))
        .order_by("-created_at")
        .limit(limit)
    )
    if not tickets:
        return Outcome(t(actor.locale, "tickets.mine.empty"))
    full = actor.group is None
    lines = [line(ticket, cfg, actor.locale, full) for ticket in tickets]
    text = t(actor.locale, "tickets.mine.header") + "\n" + "\n".join(lines)
    return Outcome(text if full else mask_private(text))


async def open_tickets(env: Env, actor: Actor, limit: int = 30) -> Outcome:
    """/工单 without a number (staff): what is still open, oldest first."""
    cfg = env.section(actor.group)
    tickets = (
        await Ticket.filter(estate=cfg.estate, status__in=[s.value for s in OPEN])
        .order_by("number")
        .limit(limit)
    )
    if not tickets:
        return Outcome(t(actor.locale, "tickets.list.empty"))
    full = env.is_staff_group(actor.group) or actor.group is None
    lines = [line(ticket, cfg, actor.locale, full) for ticket in tickets]
    header = t(actor.locale, "tickets.list.header", count=len(tickets))
    text = header + "\n" + "\n".join(lines)
    return Outcome(text if full else mask_private(text))
