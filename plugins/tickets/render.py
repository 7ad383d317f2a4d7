"""Texts: the staff card, receipts, notices, details and the tracking table.

``full=True`` only for what goes to a staff group (or to staff / the reporter in
private); everything else has phone and ID numbers masked.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from plugins.core import format_duration, format_time, mask_private, t

from .config import TicketsConfig
from .models import Ticket, TicketEvent

DASH = "—"


def number(n: int) -> str:
    return f"#{n:04d}"


def when(moment: datetime | None, locale: str, tz: ZoneInfo) -> str:
    return format_time(moment, locale, tz) if moment else DASH


def span(delta: timedelta, locale: str) -> str:
    return format_duration(max(delta, timedelta(0)), locale)


def status_name(status: str, locale: str) -> str:
    return t(locale, f"tickets.status.{status}")


def action_name(action: str, locale: str) -> str:
    return t(locale, f"tickets.action.{action}")


def kind_name(kind: str, locale: str) -> str:
    return t(locale, f"tickets.kind.{kind}")


def where(ticket: Ticket, locale: str) -> str:
    parts = []
    if ticket.building:
        parts.append(t(locale, "tickets.location.building", building=ticket.building))
    if ticket.unit:
        parts.append(t(locale, "tickets.location.unit", unit=ticket.unit))
    if ticket.room:
        parts.append(t(locale, "tickets.location.room", room=ticket.room))
    if not parts:
        return t(locale, "tickets.location.none")
    return ("" if locale != "en" else " ").join(parts)


def assignee(ticket: Ticket, locale: str) -> str:
    return ticket.assignee_name or ticket.assignee or t(locale, "tickets.nobody")


def urgent(ticket: Ticket, locale: str) -> str:
    return t(locale, "tickets.urgent_mark") if ticket.priority == "p1" else ""


def text_for(text: str, full: bool) -> str:
    return text if full else mask_private(text)


def short(text: str, size: int = 24) -> str:
    text = " ".join(text.split())
    return text if len(text) <= size else text[: size - 1] + "…"


def card(ticket: Ticket, cfg: TicketsConfig, locale: str, tz: ZoneInfo) -> str:
    """The staff group's card: every detail, unmasked."""
    images = ""
    if ticket.images:
        images = t(
            locale,
            "tickets.card.images",
            count=len(ticket.images),
            urls="\n".join(ticket.images),
        )
    return t(
        locale,
        "tickets.card.text",
        kind=kind_name(ticket.kind, locale),
        number=number(ticket.number),
        n=ticket.number,
        category=cfg.label(ticket.category, locale),
        urgent=urgent(ticket, locale),
        description=ticket.description,
        where=where(ticket, locale),
        reporter=f"{ticket.reporter_name} ({ticket.reporter})".strip(),
        contact=ticket.contact or DASH,
        time=when(ticket.created_at, locale, tz),
        images=images,
        due=when(ticket.ack_due_at, locale, tz),
    )


def summary(ticket: Ticket, cfg: TicketsConfig, locale: str, full: bool) -> str:
    return t(
        locale,
        "tickets.summary",
        category=cfg.label(ticket.category, locale),
        where=where(ticket, locale),
        description=short(text_for(ticket.description, full), 40),
    )


def detail(
    ticket: Ticket,
    events: Iterable[TicketEvent],
    cfg: TicketsConfig,
    locale: str,
    tz: ZoneInfo,
    *,
    full: bool,
    now: datetime,
) -> str:
    history = "\n".join(
        t(
            locale,
            "tickets.detail.event",
            time=when(e.at, locale, tz),
            action=action_name(e.action, locale),
            note=(": " + text_for(e.note, full)) if e.note else "",
        )
        for e in events
    )
    deadlines = []
    for key, due, done in (
        ("tickets.detail.ack_due", ticket.ack_due_at, ticket.first_response_at),
        ("tickets.detail.resolve_due", ticket.resolve_due_at, ticket.resolved_at),
    ):
        if due is None:
            continue
        late = (done or now) > due and not (ticket.paused_at and not done)
        deadlines.append(
            t(
                locale,
                key,
                due=when(due, locale, tz),
                late=t(locale, "tickets.detail.late") if late else "",
            )
        )
    extra = ""
    if full and ticket.contact:
        extra = "\n" + t(locale, "tickets.detail.contact", contact=ticket.contact)
    return t(
        locale,
        "tickets.detail.text",
        number=number(ticket.number),
        status=status_name(ticket.status, locale),
        kind=kind_name(ticket.kind, locale),
        category=cfg.label(ticket.category, locale),
        urgent=urgent(ticket, locale),
        description=text_for(ticket.description, full) + extra,
        where=where(ticket, locale),
        created=when(ticket.created_at, locale, tz),
        assignee=assignee(ticket, locale),
        deadlines="\n".join(deadlines),
        history=history,
    )


def line(ticket: Ticket, cfg: TicketsConfig, locale: str, full: bool) -> str:
    return t(
        locale,
        "tickets.list.line",
        number=number(ticket.number),
        status=status_name(ticket.status, locale),
        category=cfg.label(ticket.category, locale),
        description=short(text_for(ticket.description, full)),
    )


def table_rows(tickets: Iterable[Ticket], locale: str, tz: ZoneInfo) -> list[str]:
    """The seed's tracking table, one line per ticket, phones masked."""
    rows = [t(locale, "tickets.table.columns")]
    for ticket in tickets:
        rows.append(
            " | ".join(
                [
                    number(ticket.number),
                    short(mask_private(ticket.description), 20),
                    when(ticket.created_at, locale, tz),
                    status_name(ticket.status, locale),
                    assignee(ticket, locale),
                    when(ticket.resolved_at, locale, tz)
                    if ticket.resolved_at
                    else t(locale, "tickets.table.pending"),
                ]
            )
        )
    return rows
