"""Service-hours arithmetic: pure functions over timezone-aware datetimes.

Every moment returned is in UTC: SQLite stores an aware datetime as text with
its offset and compares the text, so linli stores UTC only.

A :class:`Calendar` says when the clock runs (e.g. 08:00–20:00 every day in
Asia/Shanghai, or always for P1). Deadlines are absolute times computed once
(``add_business``) and shifted when a ticket is paused (``resume_due``);
``business_between`` measures how much service time lies between two moments.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

_ZERO = timedelta(0)
_MAX_DAYS = 3700  # ten years of closed days is a configuration mistake


def clock(text: str) -> tuple[int, int]:
    """``"08:00"`` → (8, 0); ``"24:00"`` is the end of the day."""
    hours, minutes = text.strip().split(":")
    return int(hours), int(minutes)


@dataclass(frozen=True)
class Calendar:
    """When the SLA clock runs. ``always`` ignores everything else (24×7)."""

    tz: ZoneInfo
    start: tuple[int, int] = (8, 0)
    end: tuple[int, int] = (20, 0)
    days: frozenset[int] = frozenset(range(1, 8))  # ISO weekdays, 1 = Monday
    closed: frozenset[date] = field(default_factory=frozenset)
    always: bool = False

    @classmethod
    def around_the_clock(cls, tz: ZoneInfo) -> Calendar:
        return cls(tz=tz, always=True)

    def window(self, day: date) -> tuple[datetime, datetime] | None:
        """The service window of a local day as aware datetimes, or None."""
        if day.isoweekday() not in self.days or day in self.closed:
            return None
        opens = datetime.combine(day, time(*self.start), self.tz)
        if self.end == (24, 0):
            closes = datetime.combine(day + timedelta(days=1), time(0, 0), self.tz)
        else:
            closes = datetime.combine(day, time(*self.end), self.tz)
        if closes <= opens:
            return None
        return opens, closes

    def _windows_from(self, moment: datetime):
        day = moment.astimezone(self.tz).date() - timedelta(days=1)
        for _ in range(_MAX_DAYS):
            found = self.window(day)
            if found is not None:
                yield found
            day += timedelta(days=1)
        raise ValueError("the service calendar has no open hours")

    def _windows_back(self, moment: datetime):
        day = moment.astimezone(self.tz).date() + timedelta(days=1)
        for _ in range(_MAX_DAYS):
            found = self.window(day)
            if found is not None:
                yield found
            day -= timedelta(days=1)
        raise ValueError("the service calendar has no open hours")

    def is_open(self, moment: datetime) -> bool:
        if self.always:
            return True
        found = self.window(moment.astimezone(self.tz).date())
        return found is not None and found[0] <= moment < found[1]


def _aware(moment: datetime) -> None:
    if moment.tzinfo is None:
        raise ValueError("times must be timezone-aware")


def add_business(start: datetime, duration: timedelta, cal: Calendar) -> datetime:
    """The moment when ``duration`` of service time has passed since ``start``."""
    _aware(start)
    if duration < _ZERO:
        return sub_business(start, -duration, cal)
    if cal.always:
        return (start + duration).astimezone(UTC)
    remaining = duration
    for opens, closes in cal._windows_from(start):
        if closes <= start:
            continue
        begin = max(start, opens)
        available = closes - begin
        if remaining <= available:
            return (begin + remaining).astimezone(UTC)
        remaining -= available
    raise AssertionError("unreachable")  # pragma: no cover


def sub_business(end: datetime, duration: timedelta, cal: Calendar) -> datetime:
    """The moment ``duration`` of service time before ``end``."""
    _aware(end)
    if duration < _ZERO:
        return add_business(end, -duration, cal)
    if cal.always:
        return (end - duration).astimezone(UTC)
    remaining = duration
    for opens, closes in cal._windows_back(end):
        if opens >= end:
            continue
        finish = min(end, closes)
        available = finish - opens
        if remaining <= available:
            return (finish - remaining).astimezone(UTC)
        remaining -= available
    raise AssertionError("unreachable")  # pragma: no cover


def business_between(a: datetime, b: datetime, cal: Calendar) -> timedelta:
    """Service time in [a, b); negative when b is before a."""
    _aware(a)
    _aware(b)
    if b < a:
        return -business_between(b, a, cal)
    if cal.always:
        return b - a
    total = _ZERO
    for opens, closes in cal._windows_from(a):
        if opens >= b:
            break
        lo, hi = max(a, opens), min(b, closes)
        if hi > lo:
            total += hi - lo
    return total


def resume_due(
    due: datetime, paused_at: datetime, resumed_at: datetime, cal: Calendar
) -> datetime:
    """A deadline after a pause: the service time left at the pause starts again.

    A deadline already passed when the ticket was paused stays where it was.
    """
    if due <= paused_at:
        return due.astimezone(UTC)
    left = business_between(paused_at, due, cal)
    return add_business(max(resumed_at, paused_at), left, cal)


def effective_due(
    due: datetime, paused_at: datetime | None, now: datetime, cal: Calendar
) -> datetime:
    """The deadline as it stands ``now``: while paused, it moves with the clock."""
    if paused_at is None:
        return due.astimezone(UTC)
    return resume_due(due, paused_at, now, cal)


def nudge_time(
    due: datetime, duration: timedelta, fraction: float, cal: Calendar
) -> datetime:
    """When ``fraction`` of a ``duration`` that ends at ``due`` has been used."""
    return sub_business(due, duration * (1 - fraction), cal)


def next_post_time(
    now: datetime,
    every: str,
    at: tuple[int, int],
    tz: ZoneInfo,
    *,
    weekday: int = 1,
    monthday: int = 1,
) -> datetime:
    """The next periodic post strictly after ``now`` (daily, weekly or monthly)."""
    local = now.astimezone(tz)
    hour, minute = at
    day = local.date()
    for _ in range(400):
        if every == "day":
            fits = True
        elif every == "week":
            fits = day.isoweekday() == weekday
        else:
            fits = day.day == monthday
        if fits:
            candidate = datetime.combine(day, time(hour % 24, minute), tz)
            if candidate > now:
                return candidate.astimezone(UTC)
        day += timedelta(days=1)
    raise ValueError(f"no post time for every={every!r}")  # pragma: no cover


def period_start(end: datetime, every: str, tz: ZoneInfo) -> datetime:
    """The beginning of the period a post made at ``end`` covers."""
    if every == "day":
        return (end - timedelta(days=1)).astimezone(UTC)
    if every == "week":
        return (end - timedelta(days=7)).astimezone(UTC)
    local = end.astimezone(tz)
    month, year = local.month - 1, local.year
    if month == 0:
        month, year = 12, year - 1
    day = min(local.day, 28)
    return local.replace(year=year, month=month, day=day).astimezone(UTC)


def utc(moment: datetime) -> datetime:
    """``moment`` in UTC (what linli stores and compares)."""
    if moment.tzinfo is None:
        raise ValueError("times must be timezone-aware")
    return moment.astimezone(UTC)
