"""Numbers for the staff (/工单 统计) and the periodic progress post to residents."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from plugins.core import t

from .env import Env, Outgoing, now_utc
from .models import Ticket
from .render import span, table_rows, when
from .sla import effective_due, period_start
from .states import FINISHED, OPEN, Status


def median(values: Sequence[float]) -> float | None:
    return percentile(values, 50)


def percentile(values: Sequence[float], p: float) -> float | None:
    """The p-th percentile by linear interpolation (None for no values)."""
    if not values:
        return None
    ordered = sorted(values)
    rank = (len(ordered) - 1) * p / 100
    lo, hi = math.floor(rank), math.ceil(rank)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (rank - lo)


def period_bounds(
    period: str, now: datetime, tz: ZoneInfo
) -> tuple[datetime, datetime]:
    """本周 (since Monday 00:00) or 本月 (since the 1st), up to ``now``."""
    local = now.astimezone(tz)
    if period == "month":
        start = datetime.combine(local.date().replace(day=1), time(0), tz)
    else:
        start = datetime.combine(
            local.date() - timedelta(days=local.weekday()), time(0), tz
        )
    return start, now


def breached(ticket: Ticket, env: Env, now: datetime) -> bool:
    """Was a deadline missed? Computed from the absolute deadlines when read."""
    if ticket.breached:
        return True
    cal = env.calendar(ticket.hours, ticket.group)
    if ticket.ack_due_at is not None:
        done = ticket.first_response_at
        if (done or now) > effective_due(
            ticket.ack_due_at, None if done else ticket.paused_at, now, cal
        ):
            return True
    if ticket.resolve_due_at is not None and ticket.status not in (
        Status.REJECTED.value,
        Status.MERGED.value,
    ):
        done = ticket.resolved_at
        due = effective_due(
            ticket.resolve_due_at, None if done else ticket.paused_at, now, cal
        )
        if (done or now) > due:
            return True
    return False


_FINISHED = frozenset(s.value for s in FINISHED)


@dataclass
class Figures:
    count: int = 0
    resolved: int = 0
    response: list[float] = field(default_factory=list)
    resolution: list[float] = field(default_factory=list)
    breached: int = 0
    reopened: int = 0
    ratings: list[int] = field(default_factory=list)

    def add(self, ticket: Ticket, late: bool) -> None:
        """Count a ticket; ``late``: ``breached(ticket, …)``, worked out once."""
        self.count += 1
        if ticket.first_response_at:
            self.response.append(
                (ticket.first_response_at - ticket.created_at).total_seconds()
            )
        if ticket.status in _FINISHED and ticket.resolved_at:
            self.resolved += 1
            self.resolution.append(
                (ticket.resolved_at - ticket.created_at).total_seconds()
            )
        if late:
            self.breached += 1
        if ticket.reopen_count:
            self.reopened += 1
        if ticket.rating is not None:
            self.ratings.append(ticket.rating)


def collect(
    tickets: Iterable[Ticket], env: Env, now: datetime, *, split: bool = True
) -> tuple[Figures, dict[str, Figures], dict[str, Figures]]:
    """The figures of all the tickets, and (``split``) per category and per
    building; without ``split`` the two dicts stay empty."""
    total, by_category, by_building = Figures(), {}, {}
    for ticket in tickets:
        late = breached(ticket, env, now)
        total.add(ticket, late)
        if split:
            by_category.setdefault(ticket.category, Figures()).add(ticket, late)
            by_building.setdefault(ticket.building or "", Figures()).add(ticket, late)
    return total, by_category, by_building


def _pct(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)}%" if whole else "—"


def _time(seconds: float | None, locale: str) -> str:
    if seconds is None:
        return "—"
    return span(timedelta(seconds=round(seconds)), locale)


def _mean(values: list[int]) -> str:
    return f"{sum(values) / len(values):.1f}" if values else "—"


def _group_line(name: str, f: Figures, locale: str) -> str:
    return t(
        locale,
        "tickets.stats.line",
        name=name,
        count=f.count,
        breach=_pct(f.breached, f.count),
        resolution=_time(median(f.resolution), locale),
        satisfaction=_mean(f.ratings),
    )


async def report(
    env: Env, group: str | None, locale: str, period: str, now: datetime | None = None
) -> str:
    """/工单 统计 [本周|本月]: the staff's figures for the period."""
    now = now_utc(now)
    cfg = env.section(group)
    tz = env.tz
    start, end = (now_utc(moment) for moment in period_bounds(period, now, tz))
    tickets = await Ticket.filter(
        estate=cfg.estate, created_at__gte=start, created_at__lt=end
    ).order_by("number")
    total, by_category, by_building = collect(tickets, env, now)
    lines = [
        t(
            locale,
            "tickets.stats.header",
            period=t(locale, f"tickets.period.{period}"),
            start=when(start, locale, tz),
            end=when(end, locale, tz),
        )
    ]
    if not total.count:
        lines.append(t(locale, "tickets.stats.empty"))
        return "\n".join(lines)
    lines.append(
        t(
            locale,
            "tickets.stats.body",
            count=total.count,
            resolved=total.resolved,
            open=total.count - total.resolved,
            response_median=_time(median(total.response), locale),
            response_p90=_time(percentile(total.response, 90), locale),
            resolution_median=_time(median(total.resolution), locale),
            resolution_p90=_time(percentile(total.resolution, 90), locale),
            breach=_pct(total.breached, total.count),
            reopen=_pct(total.reopened, total.resolved or total.count),
            satisfaction=_mean(total.ratings),
            rated=_pct(len(total.ratings), total.resolved),
        )
    )
    lines.append(t(locale, "tickets.stats.by_category"))
    for name, figures in sorted(by_category.items(), key=lambda kv: -kv[1].count):
        lines.append(_group_line(cfg.label(name, locale), figures, locale))
    lines.append(t(locale, "tickets.stats.by_building"))
    for name, figures in sorted(by_building.items(), key=lambda kv: kv[0] or "~"):
        label = (
            t(locale, "tickets.location.building", building=name)
            if name
            else t(locale, "tickets.stats.no_building")
        )
        lines.append(_group_line(label, figures, locale))
    return "\n".join(lines)


async def period_tickets(
    env: Env, group: str, start: datetime, end: datetime
) -> list[Ticket]:
    """What a resident group's progress post shows: the period's tickets (created
    or resolved in it, or still open), of its building when it has one."""
    cfg = env.section(group)
    pcfg = cfg.progress
    tickets = await Ticket.filter(estate=cfg.estate, created_at__lt=end).order_by(
        "number"
    )
    building = env.building_of(group)
    chosen = []
    for ticket in tickets:
        if ticket.status == Status.MERGED.value:
            continue
        in_period = ticket.created_at >= start or (
            ticket.resolved_at is not None and ticket.resolved_at >= start
        )
        if not in_period and Status(ticket.status) not in OPEN:
            continue
        if ticket.kind == "complaint" and not pcfg.include_complaints:
            continue
        if ticket.group is None and not pcfg.include_private:
            continue
        if building and ticket.building and ticket.building != building:
            continue
        chosen.append(ticket)
    return chosen[-pcfg.max_rows :]


async def progress_posts(
    env: Env, end: datetime, groups: list[str] | None = None
) -> list[Outgoing]:
    """The periodic tracking table for each resident group (nothing if empty);
    ``groups``: these groups now, asked for by staff (the console's 公示
    button), whether or not the periodic post is switched on."""
    tz = env.tz
    end = now_utc(end)
    out = []
    for group in _progress_groups(env) if groups is None else groups:
        pcfg = env.section(group).progress
        if groups is None and not pcfg.enabled:
            continue
        start = period_start(end, pcfg.every, tz)
        tickets = await period_tickets(env, group, start, end)
        if not tickets:
            continue
        locale = env.locale_of(group)
        resolved = sum(1 for ticket in tickets if ticket.resolved_at is not None)
        lines = [
            t(
                locale,
                "tickets.table.header",
                start=when(start, locale, tz),
                end=when(end, locale, tz),
            ),
            *table_rows(tickets, locale, tz),
            t(locale, "tickets.table.footer", count=len(tickets), resolved=resolved),
        ]
        out.append(Outgoing(group, "\n".join(lines)))
    return out


def _progress_groups(env: Env) -> list[str]:
    configured = env.section().progress.groups
    if configured:
        return list(configured)
    seen: list[str] = []
    for gid, _ in env.config.groups_with(role="residents"):
        if env.section(gid).enabled:
            seen.append(gid)
    return seen
