"""The 工单 page's data: which tickets a session sees, the filters, sort and
paging of the tracking table, each row's SLA state, and the export.

Everything is read from tickets' own tables and helpers (render, sla,
stats, escalation): the console adds no second idea of a ticket.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from tortoise.expressions import Q

from plugins.core import mask_private, t
from plugins.tickets.env import Env
from plugins.tickets.escalation import targets
from plugins.tickets.models import Ticket
from plugins.tickets.render import assignee, number, short, status_name, when
from plugins.tickets.sla import business_between, effective_due, nudge_time
from plugins.tickets.states import FINISHED, OPEN, Status
from plugins.tickets.stats import breached

from .auth import Scope

SORTS = (
    "number",
    "created_at",
    "status",
    "category",
    "building",
    "assignee_name",
    "resolved_at",
    "rating",
)
STATE_GROUPS = {
    "open": [s.value for s in OPEN],
    "finished": [s.value for s in FINISHED],
}


def visible(env: Env, scope: Scope) -> Q:
    """The tickets a session sees: all (superusers), its estates (admins), or
    the categories routed to its staff groups in their estates (staff)."""
    if scope.everything:
        return Q()
    if scope.estates:
        return Q(estate__in=list(scope.estates))
    parts = []
    for group in scope.staff_groups:
        cfg = env.section(group)
        cats = [
            name
            for name, cat in cfg.categories.items()
            if not cat.staff_groups or group in cat.staff_groups
        ]
        parts.append(Q(estate=cfg.estate, category__in=cats))
    if not parts:
        return Q(id__in=[])  # sees nothing
    return Q(*parts, join_type="OR")


@dataclass
class Filters:
    state: str = ""
    category: str = ""
    building: str = ""
    assignee: str = ""
    overdue: bool = False
    q: str = ""
    estate: str = ""
    sort: str = "-number"
    page: int = 1

    @classmethod
    def parse(cls, params: Any) -> Filters:
        def get(name: str) -> str:
            return str(params.get(name) or "").strip()[:100]

        sort = get("sort") or "-number"
        if sort.lstrip("-") not in SORTS:
            sort = "-number"
        try:
            page = max(1, int(get("page") or 1))
        except ValueError:
            page = 1
        state = get("state")
        if state and state not in STATE_GROUPS and state not in set(Status):
            state = ""
        return cls(
            state=state,
            category=get("category"),
            building=get("building"),
            assignee=get("assignee"),
            overdue=get("overdue") in {"1", "on", "true"},
            q=get("q"),
            estate=get("estate"),
            sort=sort,
            page=page,
        )

    def query(self, **changes: Any) -> dict[str, str]:
        """The filters as URL parameters (the empty ones left out)."""
        values = {
            "state": self.state,
            "category": self.category,
            "building": self.building,
            "assignee": self.assignee,
            "overdue": "1" if self.overdue else "",
            "q": self.q,
            "estate": self.estate,
            "sort": self.sort if self.sort != "-number" else "",
            "page": str(self.page) if self.page != 1 else "",
        }
        values.update({k: str(v) for k, v in changes.items()})
        return {k: v for k, v in values.items() if v}


def _overdue(now: datetime) -> Q:
    """Late now or already marked late by the ladder: the flag the ladder
    sets, or a running deadline (of a ticket not paused) already passed."""
    running = [s.value for s in OPEN if s != Status.PAUSED]
    return Q(
        Q(breached=True),
        Q(status__in=running, first_response_at=None, ack_due_at__lt=now),
        Q(status__in=running, resolve_due_at__lt=now),
        join_type="OR",
    )


def filtered(env: Env, scope: Scope, f: Filters, now: datetime):
    query = Ticket.filter(visible(env, scope))
    if f.estate:
        query = query.filter(estate=f.estate)
    if f.state in STATE_GROUPS:
        query = query.filter(status__in=STATE_GROUPS[f.state])
    elif f.state:
        query = query.filter(status=f.state)
    if f.category:
        query = query.filter(category=f.category)
    if f.building:
        query = query.filter(building=f.building)
    if f.assignee == "-":
        query = query.filter(assignee=None)
    elif f.assignee:
        query = query.filter(assignee=f.assignee)
    if f.overdue:
        query = query.filter(_overdue(now))
    if f.q:
        words = Q(description__icontains=f.q) | Q(reporter_name__icontains=f.q)
        digits = f.q.lstrip("#＃")
        if digits.isdigit():
            words |= Q(number=int(digits))
        query = query.filter(words)
    return query


def ordered(query, f: Filters):
    key = f.sort
    tie = "-id" if key.startswith("-") else "id"
    return query.order_by(key, tie)


@dataclass
class Sla:
    state: str  # on_time | nudged | breached | paused | done
    left: str = ""  # time left, or how late


def sla_state(env: Env, ticket: Ticket, now: datetime, locale: str) -> Sla:
    """On time / nudged / breached and the time left, from the absolute
    deadlines as tickets computes them (stats.breached, the ladder's nudge)."""
    from plugins.tickets.render import span

    cal = env.calendar(ticket.hours, ticket.group)
    late = breached(ticket, env, now)
    status = Status(ticket.status)
    if status not in OPEN:
        return Sla("breached" if late else "done")
    running = targets(ticket)
    due = min((d for _, d, _ in running), default=None)
    if status == Status.PAUSED:
        return Sla("breached" if late else "paused")
    if due is None:
        return Sla("breached" if late else "on_time")
    due = effective_due(due, ticket.paused_at, now, cal)
    if late or now > due:
        return Sla("breached", span(now - due, locale))
    left = span(business_between(now, due, cal), locale)
    esc = env.section(ticket.group).escalation
    for _, d, seconds in running:
        if now >= nudge_time(d, timedelta(seconds=seconds), esc.nudge_at, cal):
            return Sla("nudged", left)
    return Sla("on_time", left)


@dataclass
class Row:
    id: int
    number: str
    description: str
    building: str
    category: str
    reported: str
    status: str
    status_name: str
    assignee: str
    sla: Sla
    resolved: str
    rating: str
    estate: str = ""
    extra: dict = field(default_factory=dict)


def row(env: Env, ticket: Ticket, locale: str, now: datetime) -> Row:
    cfg = env.section(ticket.group)
    tz = env.tz
    return Row(
        id=ticket.id,
        number=number(ticket.number),
        description=short(mask_private(ticket.description), 40),
        building=ticket.building or "",
        category=cfg.label(ticket.category, locale),
        reported=when(ticket.created_at, locale, tz),
        status=ticket.status,
        status_name=status_name(ticket.status, locale),
        assignee=assignee(ticket, locale),
        sla=sla_state(env, ticket, now, locale),
        resolved=when(ticket.resolved_at, locale, tz) if ticket.resolved_at else "",
        rating="" if ticket.rating is None else str(ticket.rating),
        estate=ticket.estate,
    )


async def page(
    env: Env, scope: Scope, f: Filters, size: int, locale: str, now: datetime
) -> tuple[list[Row], int]:
    """One page of the table and the number of tickets the filters match."""
    query = filtered(env, scope, f, now)
    total = await query.count()
    tickets = await ordered(query, f).offset((f.page - 1) * size).limit(size)
    return [row(env, ticket, locale, now) for ticket in tickets], total


async def choices(env: Env, scope: Scope) -> dict[str, list[tuple[str, str]]]:
    """What the filter menus offer: the estates, categories, buildings and
    assignees among the tickets this session sees."""
    base = Ticket.filter(visible(env, scope))
    estates = await base.distinct().values_list("estate", flat=True)
    cats = await base.distinct().values_list("category", flat=True)
    buildings = (
        await base.exclude(building=None).distinct().values_list("building", flat=True)
    )
    people = await (
        base.exclude(assignee=None).distinct().values_list("assignee", "assignee_name")
    )
    named: dict[str, str] = {}
    for user, name in people:
        named.setdefault(user, name or user)
    return {
        "estates": [(e, e) for e in sorted(estates)],
        "categories": [(c, c) for c in sorted(cats)],
        "buildings": [(b, b) for b in sorted(buildings, key=_building_key)],
        "assignees": sorted(named.items(), key=lambda kv: kv[1]),
    }


def _building_key(name: str) -> tuple[int, str]:
    return (int(name), "") if name.isdigit() else (1 << 30, name)


# --------------------------------------------------------------------------
# export: the current filter, every page
# --------------------------------------------------------------------------

EXPORT_LIMIT = 50_000


async def export_rows(
    env: Env, scope: Scope, f: Filters, locale: str, now: datetime
) -> list[list[str]]:
    query = ordered(filtered(env, scope, f, now), f).limit(EXPORT_LIMIT)
    header = t(locale, "console.export.columns").split(",")
    out = [header]
    for ticket in await query:
        r = row(env, ticket, locale, now)
        out.append(
            [
                r.number,
                mask_private(ticket.description),
                r.building,
                r.category,
                r.reported,
                r.status_name,
                r.assignee,
                t(locale, f"console.sla.{r.sla.state}"),
                r.resolved,
                r.rating,
            ]
        )
    return out


def as_csv(rows: list[list[str]]) -> bytes:
    """UTF-8 with a BOM, as the chat's exports: Excel and WPS show it right."""
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def as_xlsx(rows: list[list[str]], title: str) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    for values in rows:
        sheet.append(values)
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
