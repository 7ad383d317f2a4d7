"""Times and durations as residents write them."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 10, 26, 14, 30, tzinfo=TZ)  # a Monday afternoon


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("今天18:00", datetime(2026, 10, 26, 18, 0)),
        ("今天 18：00", datetime(2026, 10, 26, 18, 0)),
        ("明天 9点", datetime(2026, 10, 27, 9, 0)),
        ("明天9点半", datetime(2026, 10, 27, 9, 30)),
        ("明天下午3点", datetime(2026, 10, 27, 15, 0)),
        ("今晚8点", datetime(2026, 10, 26, 20, 0)),
        ("后天", datetime(2026, 10, 28, 9, 0)),
        ("周五 17:00", datetime(2026, 10, 30, 17, 0)),
        ("星期一 10:00", datetime(2026, 11, 2, 10, 0)),  # today's has passed
        ("周一 16:00", datetime(2026, 10, 26, 16, 0)),  # still ahead today
        ("下周五", datetime(2026, 11, 6, 9, 0)),
        ("10月28日 12:00", datetime(2026, 10, 28, 12, 0)),
        ("10月28号", datetime(2026, 10, 28, 9, 0)),
        ("1月5日 8:00", datetime(2027, 1, 5, 8, 0)),  # past date → next year
        ("2026-10-28 12:00", datetime(2026, 10, 28, 12, 0)),
        ("2026-10-28T12:00", datetime(2026, 10, 28, 12, 0)),
        ("18:00", datetime(2026, 10, 26, 18, 0)),
        ("9:00", datetime(2026, 10, 27, 9, 0)),  # passed today → tomorrow
        ("2h", datetime(2026, 10, 26, 16, 30)),
        ("30分钟", datetime(2026, 10, 26, 15, 0)),
    ],
)
def test_parse_when(text: str, expected: datetime) -> None:
    from plugins.core.timeparse import parse_when

    assert parse_when(text, NOW) == expected.replace(tzinfo=TZ)


@pytest.mark.parametrize(
    "text", ["", "随便", "明天 25点", "13月1日", "下雨天", "3-201"]
)
def test_parse_when_rejects(text: str) -> None:
    from plugins.core.timeparse import parse_when

    assert parse_when(text, NOW) is None


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("30s", 30),
        ("10m", 600),
        ("2h", 7200),
        ("1d", 86400),
        ("1h30m", 5400),
        ("10分钟", 600),
        ("2小时", 7200),
        ("1天", 86400),
        ("2个小时", 7200),
    ],
)
def test_parse_duration(text: str, seconds: int) -> None:
    from plugins.core.timeparse import parse_duration

    assert parse_duration(text) == timedelta(seconds=seconds)


@pytest.mark.parametrize("text", ["", "10", "abc", "10m abc", "分钟"])
def test_parse_duration_rejects(text: str) -> None:
    from plugins.core.timeparse import parse_duration

    assert parse_duration(text) is None


def test_format_time_and_duration() -> None:
    from plugins.core.timeparse import format_duration, format_time

    moment = datetime(2026, 10, 28, 1, 5, tzinfo=ZoneInfo("UTC"))
    assert format_time(moment, "zh-CN", "Asia/Shanghai") == "10月28日 09:05"
    assert format_time(moment, "en", "Asia/Shanghai") == "Oct 28 09:05"
    assert format_duration(timedelta(minutes=10), "zh-CN") == "10分钟"
    assert format_duration(timedelta(hours=1, minutes=30), "en") == "1h 30min"


def test_normalize_and_compact() -> None:
    from plugins.core.normalize import compact, normalize

    assert normalize("ＷＷＷ．ＡＢＣ．ＣＯＭ") == "www.abc.com"
    assert normalize("電梯壞了") == "电梯坏了"
    assert normalize("加\u200b微\u200d信") == "加微信"
    assert compact("加 微.信，V-X！") == "加微信vx"
