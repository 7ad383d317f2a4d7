"""Times and durations as residents and admins write them, and as linli shows them.

``parse_when("明天 9点", now)``, ``parse_when("周五 17:00", now)``,
``parse_when("10月28日 12:00", now)``, ``parse_when("2h", now)``, ISO;
``parse_duration("10分钟")``; ``format_time(dt, "zh-CN", tz)`` → ``10月28日 09:00``.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

_UNITS = {
    "s": 1, "sec": 1, "秒": 1, "秒钟": 1,
    "m": 60, "min": 60, "分": 60, "分钟": 60,
    "h": 3600, "hr": 3600, "小时": 3600, "个小时": 3600, "钟头": 3600,
    "d": 86400, "day": 86400, "天": 86400, "日": 86400,
    "w": 604800, "周": 604800, "星期": 604800,
}  # fmt: skip
# "2小时", "1.5h", "半小时", "半天", "1个半小时" (1.5 h), "半个小时"
_DURATION_PART = re.compile(
    r"(?:(?P<n>\d+(?:\.\d+)?)\s*(?P<half>个半)?|(?P<only>半))\s*"
    r"(?P<unit>个小时|小时|钟头|分钟|秒钟|星期|sec|min|hr|day|[smhdw秒分天日周])"
)
_WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}


def parse_duration(text: str) -> timedelta | None:
    """``30s 10m 2h 1d 1h30m 10分钟 2小时 1天 半小时 1个半小时``; None if it is
    not a duration."""
    text = text.strip().lower()
    if not text:
        return None
    pos, seconds = 0, 0.0
    for match in _DURATION_PART.finditer(text):
        if text[pos : match.start()].strip():
            return None
        if match.group("half") and match.group("unit") not in {"小时", "钟头"}:
            return None  # "1个半天" is not how anyone writes it
        amount = 0.5 if match.group("only") else float(match.group("n"))
        if match.group("half"):
            amount += 0.5
        seconds += amount * _UNITS[match.group("unit")]
        pos = match.end()
    if pos == 0 or text[pos:].strip():
        return None
    return timedelta(seconds=seconds)


_CLOCK = re.compile(
    r"^(?P<ampm>凌晨|早上|早晨|上午|中午|下午|傍晚|晚上|今晚|晚)?\s*"
    r"(?P<h>\d{1,2})(?:[:：](?P<m>\d{2})|\s*[点点时](?:\s*(?P<m2>\d{1,2})\s*分?|(?P<half>半))?)$"
)
_MONTH_DAY = re.compile(
    r"^(?:(?P<y>\d{4})[年/-])?(?P<mo>\d{1,2})(?:月|/|-)(?P<d>\d{1,2})[日号]?"
)
_WEEKDAY = re.compile(
    r"^(?P<next>下个?|本|这)?(?:周|星期|礼拜)(?P<wd>[一二三四五六日天])"
)
_RELATIVE_DAY = {"今天": 0, "今日": 0, "今晚": 0, "明天": 1, "明日": 1, "明早": 1,
                 "明晚": 1, "后天": 2, "大后天": 3}  # fmt: skip


def _clock(text: str) -> time | None:
    text = text.strip()
    if not text:
        return None
    match = _CLOCK.match(text)
    if match is None:
        return None
    hour = int(match.group("h"))
    minute = int(match.group("m") or match.group("m2") or 0)
    if match.group("half"):
        minute = 30
    ampm = match.group("ampm") or ""
    if ampm in {"下午", "傍晚", "晚上", "今晚", "晚"} and hour < 12:
        hour += 12
    if ampm == "中午" and hour < 11:
        hour += 12
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def parse_when(
    text: str, now: datetime, *, default_time: time = time(9, 0)
) -> datetime | None:
    """An absolute, timezone-aware time from ``text`` relative to ``now``."""
    text = text.strip()
    if not text:
        return None
    tz = now.tzinfo
    duration = parse_duration(text)
    if duration is not None:
        return now + duration
    try:
        iso = datetime.fromisoformat(text)
    except ValueError:
        pass
    else:
        return iso if iso.tzinfo else iso.replace(tzinfo=tz)

    day: date | None = None
    rest = text
    evening = False
    for word in sorted(_RELATIVE_DAY, key=len, reverse=True):
        if rest.startswith(word):
            day = now.date() + timedelta(days=_RELATIVE_DAY[word])
            evening = word in {"今晚", "明晚"}
            rest = rest[len(word) :]
            break
    if day is None and (match := _WEEKDAY.match(rest)):
        target = _WEEKDAYS[match.group("wd")]
        if (match.group("next") or "").startswith("下"):  # next calendar week
            ahead = 7 - now.weekday() + target
        else:
            ahead = (target - now.weekday()) % 7
        day = now.date() + timedelta(days=ahead)
        rest = rest[match.end() :]
    if day is None and (match := _MONTH_DAY.match(rest)):
        year = int(match.group("y") or now.year)
        try:
            day = date(year, int(match.group("mo")), int(match.group("d")))
        except ValueError:
            return None
        if not match.group("y") and day < now.date():
            day = day.replace(year=year + 1)
        rest = rest[match.end() :]
    rest = rest.strip()
    clock = _clock(("晚" + rest) if evening and rest and rest[0].isdigit() else rest)
    if rest and clock is None:
        return None
    if day is None:
        if clock is None:
            return None
        result = datetime.combine(now.date(), clock, tz)
        return result if result > now else result + timedelta(days=1)
    result = datetime.combine(day, clock or default_time, tz)
    if _WEEKDAY.match(text) and not text.startswith("下") and result <= now:
        result += timedelta(days=7)
    return result


def format_time(moment: datetime, locale: str, tz: str | ZoneInfo) -> str:
    """``10月28日 09:00`` (zh-CN) or ``Oct 28 09:00`` (en), in the estate's zone."""
    zone = tz if isinstance(tz, ZoneInfo) else ZoneInfo(tz)
    local = moment.astimezone(zone)
    if locale == "en":
        return f"{local:%b} {local.day} {local:%H:%M}"
    return f"{local.month}月{local.day}日 {local:%H:%M}"


def format_duration(delta: timedelta, locale: str) -> str:
    seconds = int(delta.total_seconds())
    parts = []
    for size, zh, en in ((86400, "天", "d"), (3600, "小时", "h"), (60, "分钟", "min")):
        if seconds >= size:
            count, seconds = divmod(seconds, size)
            parts.append(f"{count}{zh}" if locale != "en" else f"{count}{en}")
    if seconds or not parts:
        parts.append(f"{seconds}秒" if locale != "en" else f"{seconds}s")
    return ("" if locale != "en" else " ").join(parts)
