"""Texts: the staff card, receipts, notices, details and the tracking table.

``full=True`` only for what goes to a staff group (or to staff / the reporter in
private); everything else has phone and ID numbers masked.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
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


def stage_name(target: str, locale: str) -> str:
    """A deadline of the ladder (acknowledge, update, resolve) in words."""
    return t(locale, f"tickets.stage.{target}")


RANKS = 5  # 一级 … 五级 have words of their own; further levels say 第6级


def level_name(cfg: TicketsConfig, level: int, locale: str) -> str:
    """An escalation level in words: 二级（经理） / level 2 (经理)."""
    if 1 <= level <= RANKS:
        rank = t(locale, f"tickets.rank.{level}")
    else:
        rank = t(locale, "tickets.rank_beyond", n=level)
    levels = cfg.escalation.levels
    if not 1 <= level <= len(levels):
        return rank
    return t(locale, "tickets.level", rank=rank, name=levels[level - 1].name)


# the note of a ladder event: its deadline, and the level of an escalation
_LADDER_NOTE = re.compile(r"^(acknowledge|update|resolve)(?: L(\d+))?$")


def event_text(
    event: TicketEvent, cfg: TicketsConfig, locale: str, full: bool
) -> tuple[str, str]:
    """What a history line says (the action, its note) in ``locale``: the
    internal names kept in the table (``acknowledge L2``, ``水电 → 保洁``)
    are put into words."""
    note = event.note or ""
    ladder = _LADDER_NOTE.match(note)
    if event.action in ("nudge", "escalate") and ladder:
        stage = stage_name(ladder.group(1), locale)
        if event.action == "nudge" or not ladder.group(2):
            return t(locale, "tickets.history.nudge", stage=stage), ""
        level = level_name(cfg, int(ladder.group(2)), locale)
        return t(locale, "tickets.history.escalate", stage=stage, level=level), ""
    if event.action == "transfer":
        parts = note.split(" → ")
        if len(parts) == 2 and all(p in cfg.categories for p in parts):
            note = " → ".join(cfg.label(p, locale) for p in parts)
    return action_name(event.action, locale), text_for(note, full)


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


def card(
    ticket: Ticket,
    cfg: TicketsConfig,
    locale: str,
    tz: ZoneInfo,
    maybe: Sequence[int] = (),
) -> str:
    """The staff group's card: every detail, unmasked; ``maybe``: open tickets
    this one may duplicate (newest first), with the /合并 command for the first."""
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
        maybe=maybe_line(ticket, maybe, locale),
    )


def maybe_line(ticket: Ticket, maybe: Sequence[int], locale: str) -> str:
    if not maybe:
        return ""
    return t(
        locale,
        "tickets.card.maybe",
        numbers=t(locale, "tickets.separator").join(number(n) for n in maybe),
        n=ticket.number,
        into=maybe[0],
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
    lines = []
    for e in events:
        action, note = event_text(e, cfg, locale, full)
        lines.append(
            t(
                locale,
                "tickets.detail.event",
                time=when(e.at, locale, tz),
                action=action,
                note=(": " + note) if note else "",
            )
        )
    history = "\n".join(lines)
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
