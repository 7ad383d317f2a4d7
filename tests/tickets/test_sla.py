"""Service-hours arithmetic (pure): deadlines, pauses, closed days, 24×7."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

TZ = ZoneInfo("Asia/Shanghai")


def at(day: int, hour: int, minute: int = 0, month: int = 3) -> datetime:
    return datetime(2030, month, day, hour, minute, tzinfo=TZ)  # 2030-03-04 is a Monday


def cal(**kw):
    from plugins.tickets.sla import Calendar

    return Calendar(tz=TZ, **kw)


def test_add_business_inside_and_across_the_evening() -> None:
    from plugins.tickets.sla import add_business

    c = cal()  # 08:00-20:00 daily
    assert add_business(at(4, 9), timedelta(minutes=5), c) == at(4, 9, 5)
    # 19:58 + 5 min: 2 min today, 3 min tomorrow after 08:00
    assert add_business(at(4, 19, 58), timedelta(minutes=5), c) == at(5, 8, 3)
    # reported at night: the clock starts at 08:00
    assert add_business(at(4, 23, 30), timedelta(minutes=5), c) == at(5, 8, 5)
    assert add_business(at(5, 3), timedelta(minutes=5), c) == at(5, 8, 5)
    # 24 h of service time is two days of 12 h
    assert add_business(at(4, 9), timedelta(hours=24), c) == at(6, 9)


def test_weekdays_and_closed_dates_are_skipped() -> None:
    from plugins.tickets.sla import add_business, business_between

    c = cal(days=frozenset({1, 2, 3, 4, 5}), closed=frozenset({date(2030, 3, 11)}))
    friday_evening = at(8, 19)
    # Friday 19:00 + 2 h → 1 h on Friday, Sat/Sun closed, Mon 11th closed → Tue 09:00
    assert add_business(friday_evening, timedelta(hours=2), c) == at(12, 9)
    assert business_between(friday_evening, at(12, 9), c) == timedelta(hours=2)


def test_whole_day_calendar_and_around_the_clock() -> None:
    from plugins.tickets.sla import Calendar, add_business, business_between

    whole = cal(start=(0, 0), end=(24, 0))
    assert add_business(at(4, 23, 59), timedelta(minutes=2), whole) == at(5, 0, 1)
    always = Calendar.around_the_clock(TZ)
    assert add_business(at(4, 23), timedelta(hours=3), always) == at(5, 2)
    assert business_between(at(4, 23), at(5, 2), always) == timedelta(hours=3)


def test_business_between_counts_only_open_hours() -> None:
    from plugins.tickets.sla import business_between

    c = cal()
    assert business_between(at(4, 19), at(5, 9), c) == timedelta(hours=2)
    assert business_between(at(4, 21), at(5, 7), c) == timedelta(0)
    assert business_between(at(5, 9), at(4, 19), c) == -timedelta(hours=2)


def test_sub_business_walks_back_over_the_night() -> None:
    from plugins.tickets.sla import add_business, nudge_time, sub_business

    c = cal()
    assert sub_business(at(5, 8, 3), timedelta(minutes=5), c) == at(4, 19, 58)
    assert add_business(at(5, 8, 3), -timedelta(minutes=5), c) == at(4, 19, 58)
    # 80 % of 5 minutes due at 09:05 → 09:04
    assert nudge_time(at(4, 9, 5), timedelta(minutes=5), 0.8, c) == at(4, 9, 4)


def test_a_pause_moves_the_deadline_by_the_service_time_paused() -> None:
    from plugins.tickets.sla import effective_due, resume_due

    c = cal()
    due = at(5, 9)  # 24 h ticket reported Mon 09:00 → due ... (here: any due)
    # paused Mon 10:00, resumed Mon 12:00: two hours later
    assert resume_due(due, at(4, 10), at(4, 12), c) == at(5, 11)
    # paused over the night: only service time counts (19:00 → next 09:00 = 2 h)
    assert resume_due(due, at(4, 19), at(5, 9), c) == at(5, 11)
    # a deadline already missed when paused stays missed
    assert resume_due(at(4, 9), at(4, 10), at(4, 12), c) == at(4, 9)
    # while paused, the deadline as read moves with the clock
    assert effective_due(due, at(4, 10), at(4, 11), c) == at(5, 10)
    assert effective_due(due, None, at(4, 11), c) == due


def test_a_calendar_without_open_days_is_an_error() -> None:
    from plugins.tickets.sla import add_business

    closed = cal(days=frozenset())
    with pytest.raises(ValueError):
        add_business(at(4, 9), timedelta(minutes=5), closed)


def test_naive_times_are_refused() -> None:
    from plugins.tickets.sla import add_business

    with pytest.raises(ValueError):
        add_business(datetime(2030, 3, 4, 9), timedelta(minutes=5), cal())


def test_next_post_time_and_period() -> None:
    from plugins.tickets.sla import next_post_time, period_start

    monday_9 = at(4, 9)
    assert next_post_time(at(4, 8), "week", (9, 0), TZ, weekday=1) == monday_9
    assert next_post_time(monday_9, "week", (9, 0), TZ, weekday=1) == at(11, 9)
    assert next_post_time(at(4, 10), "day", (9, 0), TZ) == at(5, 9)
    assert next_post_time(at(4, 10), "month", (9, 0), TZ, monthday=1) == at(
        1, 9, month=4
    )
    assert period_start(monday_9, "week", TZ) == at(4, 9) - timedelta(days=7)
    assert period_start(at(1, 9, month=4), "month", TZ) == at(1, 9, month=3)
