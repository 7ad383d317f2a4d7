"""The 数据 page: tickets' KPIs by week or month, against the period before,
with a chart drawn here as SVG (no script, no network).

The figures are tickets' own (``stats.collect`` / ``Figures``, the same as
``/工单 统计``): first response and resolution (median, p90), SLA breach rate,
reopen rate, CSAT mean and response rate, per category and building.
"""

from __future__ import annotations

from collections import namedtuple
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from html import escape
from zoneinfo import ZoneInfo

from tortoise import connections
from tortoise.queryset import QuerySet

from plugins.core import format_duration, t
from plugins.tickets.env import Env, now_utc
from plugins.tickets.models import Ticket
from plugins.tickets.states import OPEN
from plugins.tickets.stats import Figures, collect, median, percentile

from .auth import Scope
from .tables import visible

PERIODS = ("week", "month")
HISTORY = 8  # periods on the chart

# what the figures read of a ticket (tickets.stats.collect and breached),
# fetched as plain values: eight months of an estate's tickets as Ticket
# objects cost the page most of its time (bench/console_pages.py)
FACTS = (
    "created_at",
    "first_response_at",
    "resolved_at",
    "status",
    "reopen_count",
    "rating",
    "breached",
    "hours",
    "group",
    "ack_due_at",
    "paused_at",
    "resolve_due_at",
    "category",
    "building",
)
Facts = namedtuple("Facts", FACTS)
_DATES = frozenset(i for i, name in enumerate(FACTS) if name.endswith("_at"))


def _moment(value: object) -> object:
    """A datetime column as read: SQLite gives its ISO text, PostgreSQL a
    datetime already."""
    return datetime.fromisoformat(value) if isinstance(value, str) else value


async def _facts(query: QuerySet[Ticket]) -> list[Facts]:
    """The FACTS of the query's tickets, straight from the database.

    Tortoise's own conversion parses every datetime with the pure-Python
    iso8601 package, which on SQLite was most of the page's time at 10,000
    tickets; ``datetime.fromisoformat`` does the same in C. The SQL is still
    Tortoise's, with its parameters."""
    values = query.values_list(*FACTS)
    values.sql()  # builds values.query
    sql, params = values.query.get_parameterized_sql()
    db = connections.get(Ticket._meta.default_connection or "default")
    _, rows = await db.execute_query(sql, params)
    return [
        Facts(*(_moment(v) if i in _DATES else v for i, v in enumerate(row)))
        for row in rows
    ]


def _start_of(day: date, period: str) -> date:
    if period == "month":
        return day.replace(day=1)
    return day - timedelta(days=day.weekday())


def _step(day: date, period: str, n: int) -> date:
    """The start of the period ``n`` periods after (negative: before) ``day``'s."""
    day = _start_of(day, period)
    if period == "month":
        months = day.year * 12 + day.month - 1 + n
        return date(months // 12, months % 12 + 1, 1)
    return day + timedelta(weeks=n)


def bounds(period: str, now: datetime, tz: ZoneInfo, back: int = 0):
    """The period ``back`` periods before the current one: (start, end) in
    UTC; the current one ends now."""
    today = now.astimezone(tz).date()
    first = _step(today, period, -back)
    start = datetime.combine(first, time(0), tz)
    end = datetime.combine(_step(first, period, 1), time(0), tz)
    return now_utc(start), now_utc(min(end, now.astimezone(tz)))


@dataclass
class Kpis:
    count: int
    resolved: int
    response_median: float | None
    response_p90: float | None
    resolution_median: float | None
    resolution_p90: float | None
    breach_rate: float | None
    reopen_rate: float | None
    csat: float | None
    rated_rate: float | None

    @classmethod
    def of(cls, f: Figures) -> Kpis:
        def rate(part: int, whole: int) -> float | None:
            return part / whole if whole else None

        return cls(
            count=f.count,
            resolved=f.resolved,
            response_median=median(f.response),
            response_p90=percentile(f.response, 90),
            resolution_median=median(f.resolution),
            resolution_p90=percentile(f.resolution, 90),
            breach_rate=rate(f.breached, f.count),
            reopen_rate=rate(f.reopened, f.resolved or f.count),
            csat=sum(f.ratings) / len(f.ratings) if f.ratings else None,
            rated_rate=rate(len(f.ratings), f.resolved),
        )


# which way is better: lower times and rates, higher satisfaction
METRICS = (
    ("count", "count", 0),
    ("response_median", "time", -1),
    ("response_p90", "time", -1),
    ("resolution_median", "time", -1),
    ("resolution_p90", "time", -1),
    ("breach_rate", "pct", -1),
    ("reopen_rate", "pct", -1),
    ("csat", "score", 1),
    ("rated_rate", "pct", 1),
)


def shown(value: float | None, kind: str, locale: str) -> str:
    if value is None:
        return "—"
    if kind == "time":
        return format_duration(timedelta(seconds=round(value)), locale) or "0"
    if kind == "pct":
        return f"{round(100 * value)}%"
    if kind == "score":
        return f"{value:.1f}"
    return str(int(value))


def trend(now_value: float | None, before: float | None, better: int) -> str:
    """``better`` / ``worse`` / ``same`` / ``""`` (nothing to compare)."""
    if now_value is None or before is None or better == 0:
        return ""
    if abs(now_value - before) < 1e-9:
        return "same"
    return "better" if (now_value - before) * better > 0 else "worse"


@dataclass
class Board:
    period: str
    back: int
    start: datetime
    end: datetime
    current: Kpis
    previous: Kpis
    by_category: list[tuple[str, Kpis]]
    by_building: list[tuple[str, Kpis]]
    history: list[tuple[str, Kpis]]  # oldest first, the chart's bars
    backlog: int
    oldest_open: float | None  # seconds


async def board(
    env: Env,
    scope: Scope,
    period: str,
    back: int,
    locale: str,
    estate: str = "",
    now: datetime | None = None,
) -> Board:
    """Every figure of the page from one query over the periods shown."""
    now = now_utc(now)
    tz = env.tz
    spans = [bounds(period, now, tz, back + k) for k in range(HISTORY)]
    oldest = spans[-1][0]
    query = Ticket.filter(visible(env, scope))
    if estate:
        query = query.filter(estate=estate)
    tickets = await _facts(
        query.filter(created_at__gte=oldest, created_at__lt=spans[0][1])
    )
    per: list[list[Facts]] = [[] for _ in spans]
    for ticket in tickets:
        for k, (start, end) in enumerate(spans):
            if start <= ticket.created_at < end:
                per[k].append(ticket)
                break
    # per category and building for the period shown; totals for the others
    figures = [collect(group, env, now, split=k == 0) for k, group in enumerate(per)]
    total, by_cat, by_building = figures[0]
    cfg = env.section()
    categories = sorted(by_cat.items(), key=lambda kv: -kv[1].count)
    buildings = sorted(by_building.items(), key=lambda kv: kv[0] or "~")
    history = []
    for k in reversed(range(HISTORY)):
        start = spans[k][0].astimezone(tz)
        label = f"{start.month}/{start.day}" if period == "week" else f"{start:%Y-%m}"
        history.append((label, Kpis.of(figures[k][0])))
    open_now = query.filter(status__in=[s.value for s in OPEN])
    backlog = await open_now.count()
    first = await open_now.order_by("created_at").first()
    return Board(
        period=period,
        back=back,
        start=spans[0][0],
        end=spans[0][1],
        current=Kpis.of(total),
        previous=Kpis.of(figures[1][0]),
        by_category=[(cfg.label(n, locale), Kpis.of(f)) for n, f in categories],
        by_building=[
            (
                t(locale, "tickets.location.building", building=n)
                if n
                else t(locale, "tickets.stats.no_building"),
                Kpis.of(f),
            )
            for n, f in buildings
        ],
        history=history,
        backlog=backlog,
        oldest_open=(now - first.created_at).total_seconds() if first else None,
    )


def chart(
    history: list[tuple[str, Kpis]], metric: str, kind: str, title: str, locale: str
) -> str:
    """A bar chart of one metric over the periods, as inline SVG markup. Text
    is escaped here; the template marks the result safe."""
    width, height, pad, top = 320, 150, 28, 22
    values = [getattr(k, metric) for _, k in history]
    biggest = max((v for v in values if v is not None), default=0) or 1
    slot = (width - pad) / max(len(history), 1)
    bars = []
    for i, ((label, _), value) in enumerate(zip(history, values, strict=True)):
        x = pad + i * slot + slot * 0.15
        w = slot * 0.7
        base = height - 20
        h = 0 if value is None else (base - top) * value / biggest
        shown_value = escape(shown(value, kind, locale))
        current = " current" if i == len(history) - 1 else ""
        bars.append(
            f'<rect class="bar{current}" x="{x:.1f}" y="{base - h:.1f}" '
            f'width="{w:.1f}" height="{h:.1f}"><title>{escape(label)}: '
            f"{shown_value}</title></rect>"
            f'<text class="lbl" x="{x + w / 2:.1f}" y="{height - 6}">'
            f"{escape(label)}</text>"
        )
        if value is not None:
            bars.append(
                f'<text class="val" x="{x + w / 2:.1f}" y="{base - h - 3:.1f}">'
                f"{shown_value}</text>"
            )
    return (
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">'
        f'<text class="ttl" x="{pad}" y="14">{escape(title)}</text>'
        f'<line class="axis" x1="{pad}" y1="{height - 20}" x2="{width}" '
        f'y2="{height - 20}"/>' + "".join(bars) + "</svg>"
    )
