"""Pure parsing of what admins type: ``/通知 …`` commands, fields, times, reminders.

No NoneBot and no database here: every function is tested on its own.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from plugins.core.timeparse import parse_duration, parse_when

# ---------------------------------------------------------------- reminders

_CN_NUM = {"一": 1, "两": 2, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7}
_CLOCK = r"(?P<h>\d{1,2})[:：](?P<m>\d{2})"
_DAYS_BEFORE = re.compile(
    r"^(?:前\s*(?P<n>[一两二三四五六七]|\d+)\s*天|(?P<en>\d+)\s*days?[_ ]before"
    r"|(?P<one>day[_ ]before))\s*" + _CLOCK + "$",
    re.IGNORECASE,
)
_SAME_DAY = re.compile(r"^(?:当天|当日|same[_ ]day)\s*" + _CLOCK + "$", re.IGNORECASE)
_OFFSET_PREFIX = re.compile(r"^(?:提前|before|-)\s*(?P<d>.+)$", re.IGNORECASE)
_OFFSET_SUFFIX = re.compile(r"^(?P<d>.+?)\s*(?:前|before)$", re.IGNORECASE)


@dataclass(frozen=True)
class ReminderRule:
    """``days_before`` days before the event at ``clock``, or ``offset`` before it."""

    days_before: int | None = None
    clock: time | None = None
    offset: timedelta | None = None

    def at(self, event_at: datetime, tz: ZoneInfo) -> datetime:
        if self.offset is not None:
            return event_at - self.offset
        assert self.clock is not None and self.days_before is not None
        day: date = event_at.astimezone(tz).date() - timedelta(days=self.days_before)
        return datetime.combine(day, self.clock, tz)


def _clock(match: re.Match[str]) -> time | None:
    hour, minute = int(match.group("h")), int(match.group("m"))
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def parse_reminder(spec: str) -> ReminderRule | None:
    """``前一天 20:00``, ``当天 08:00``, ``提前 1小时`` (``day_before 20:00``,
    ``same_day 08:00``, ``before 1h``, ``-4s``); None if unreadable."""
    text = unicodedata.normalize("NFKC", spec).strip()
    if match := _DAYS_BEFORE.match(text):
        raw = match.group("n") or match.group("en")
        days = 1 if match.group("one") else _CN_NUM.get(raw or "") or int(raw or 1)
        clock = _clock(match)
        return ReminderRule(days_before=days, clock=clock) if clock else None
    if match := _SAME_DAY.match(text):
        clock = _clock(match)
        return ReminderRule(days_before=0, clock=clock) if clock else None
    for pattern in (_OFFSET_PREFIX, _OFFSET_SUFFIX):
        if match := pattern.match(text):
            offset = parse_duration(match.group("d"))
            if offset is not None and offset > timedelta(0):
                return ReminderRule(offset=offset)
    return None


def reminder_times(
    specs: list[str], event_at: datetime, tz: ZoneInfo, *, after: datetime
) -> list[datetime]:
    """When to remind: each rule's time strictly between ``after`` and the event."""
    times = set()
    for spec in specs:
        rule = parse_reminder(spec)
        if rule is None:
            continue
        moment = rule.at(event_at, tz)
        if after < moment < event_at:
            times.add(moment)
    return sorted(times)


# ---------------------------------------------------------------- event time

_RANGE = re.compile(
    r"^(?P<start>.*?\d{1,2}(?::\d{2}|点(?:\s*\d{1,2}\s*分?|半)?))\s*(?:-|~|～|—|–|至|到)"
)
_BRACKETS = re.compile(r"[（(][^）)]*[）)]")


def parse_event_start(text: str, now: datetime) -> datetime | None:
    """The start of ``2023年10月28日 9:00-12:00``, ``明天 9点``, ``本周六上午9点``…"""
    text = unicodedata.normalize("NFKC", text or "").strip()
    if not text:
        return None
    text = _BRACKETS.sub(" ", text).strip()
    if match := _RANGE.match(text):
        text = match.group("start").strip()
    text = re.sub(r"(\d{4}年\d{1,2}月\d{1,2}[日号])", r"\1 ", text)
    text = re.sub(r"(\d{1,2}月\d{1,2}[日号])(?=\S)", r"\1 ", text)
    words = text.split()
    for end in range(len(words), 0, -1):
        candidate = " ".join(words[:end])
        when = parse_when(candidate, now)
        if when is None:
            when = parse_when(candidate.replace(" ", ""), now)
        if when is not None:
            return when
    return None


# ---------------------------------------------------------------- fields

FieldName = Literal["title", "time", "place", "content", "contact"]
_LABELS: dict[str, FieldName] = {
    "标题": "title",
    "主题": "title",
    "时间": "time",
    "地点": "place",
    "内容": "content",
    "详情": "content",
    "联系人": "contact",
    "联系方式": "contact",
    "title": "title",
    "time": "time",
    "place": "place",
    "where": "place",
    "content": "content",
    "details": "content",
    "contact": "contact",
}
_ZH = "|".join(sorted((k for k in _LABELS if not k.isascii()), key=len, reverse=True))
_EN = "|".join(sorted((k for k in _LABELS if k.isascii()), key=len, reverse=True))
# Chinese labels anywhere after a space or a line break; English ones only at a
# line start (so "meeting time: 9" inside a sentence stays text).
_LABEL = re.compile(
    rf"(?:(?:^|(?<=\s))(?P<zh>{_ZH})|^[ \t]*(?P<en>{_EN}))\s*[:：]",
    re.IGNORECASE | re.MULTILINE,
)


@dataclass
class NoticeFields:
    title: str = ""
    time: str = ""
    place: str = ""
    content: str = ""
    contact: str = ""

    def text(self) -> str:
        """Everything, for keyword matching."""
        return "\n".join([self.title, self.time, self.place, self.content])


def parse_fields(body: str) -> NoticeFields:
    """Labelled lines (``标题：… 时间：…``) or plain text (first line = title)."""
    body = body.strip()
    matches = list(_LABEL.finditer(body))
    fields = NoticeFields()
    if not matches:
        first, _, rest = body.partition("\n")
        fields.title, fields.content = first.strip(), rest.strip()
        return fields
    lead = body[: matches[0].start()].strip()
    for i, match in enumerate(matches):
        name = _LABELS[(match.group("zh") or match.group("en")).lower()]
        end = matches[i + 1].start() if i + 1 < len(matches) else len(body)
        value = body[match.end() : end].strip()
        if value and not getattr(fields, name):
            setattr(fields, name, value)
    if lead:
        first, _, rest = lead.partition("\n")
        if not fields.title:
            fields.title = first.strip()
            lead = rest.strip()
        if lead:
            fields.content = f"{lead}\n{fields.content}".strip()
    if not fields.title and fields.content:
        first, _, rest = fields.content.partition("\n")
        fields.title, fields.content = first.strip(), rest.strip()
    return fields


# ---------------------------------------------------------------- commands

_BUILDING = re.compile(r"^(?P<b>\d+)\s*(?:栋|幢|号楼|号|楼)?$")
_SUBCOMMANDS = {
    "列表": "list",
    "list": "list",
    "取消": "cancel",
    "cancel": "cancel",
    "统计": "stats",
    "stats": "stats",
    "提醒": "nudge",
    "remind": "nudge",
    "nudge": "nudge",
    "帮助": "help",
    "help": "help",
}
_SCHEDULE = {"定时", "schedule", "at"}
_URGENT = {"紧急", "urgent"}
_CONFIRM = {"确认", "confirm"}


@dataclass(frozen=True)
class Target:
    """``#老年`` (a tag) or ``@3栋`` (building 3, or the tag 3栋)."""

    tag: str
    building: str | None = None
    mark: str = field(default="#", compare=False)  # as typed: "#" or "@"

    def __str__(self) -> str:
        return self.mark + self.tag


@dataclass
class Command:
    action: Literal["post", "list", "cancel", "stats", "nudge", "help"]
    number: int | None = None
    body: str = ""
    publish_at: datetime | None = None
    urgent: bool = False
    confirm: bool = False
    targets: list[Target] = field(default_factory=list)
    error: Literal["usage", "bad_time", "past_time", "bad_number"] | None = None
    bad_text: str = ""


def parse_target(token: str) -> Target | None:
    if len(token) < 2 or token[0] not in "#＃@＠":
        return None
    name = token[1:].strip()
    if token[0] in "#＃":
        return Target(tag=name)
    match = _BUILDING.match(name)
    return Target(tag=name, building=match.group("b") if match else None, mark="@")


def parse_number(text: str) -> int | None:
    text = text.strip().lstrip("#＃")
    return int(text) if text.isdigit() else None


def _take_time(words: list[str], now: datetime) -> tuple[datetime | None, int]:
    """The longest prefix (up to 3 words) that is a time, and its length."""
    for size in (3, 2, 1):
        if len(words) >= size:
            when = parse_when(" ".join(words[:size]), now)
            if when is not None:
                return when, size
    return None, 0


def parse_command(text: str, now: datetime) -> Command:
    """``/通知`` arguments: a subcommand, or flags and targets then the notice."""
    text = (text or "").strip()
    if not text:
        return Command("help")
    first_line, _, more = text.partition("\n")
    words = first_line.split()
    head = words[0].lower()
    if head in _SUBCOMMANDS:
        action = _SUBCOMMANDS[head]
        if action in {"list", "help"}:
            return Command(action)  # type: ignore[arg-type]
        number = parse_number(" ".join(words[1:2])) if len(words) > 1 else None
        if number is None:
            return Command(action, error="bad_number")  # type: ignore[arg-type]
        return Command(action, number=number)  # type: ignore[arg-type]

    command = Command("post")
    i = 0
    while i < len(words):
        word = words[i].lower()
        if word in _SCHEDULE and command.publish_at is None:
            when, used = _take_time(words[i + 1 :], now)
            if when is None:
                command.error = "bad_time"
                command.bad_text = " ".join(words[i + 1 : i + 3])
                return command
            if when <= now:
                command.error = "past_time"
                command.publish_at = when
                return command
            command.publish_at = when
            i += 1 + used
        elif word in _URGENT:
            command.urgent = True
            i += 1
        elif word in _CONFIRM:
            command.confirm = True
            i += 1
        elif (target := parse_target(words[i])) is not None:
            if target not in command.targets:
                command.targets.append(target)
            i += 1
        else:
            break
    rest = " ".join(words[i:])
    command.body = f"{rest}\n{more}".strip() if more else rest.strip()
    if not command.body:
        command.error = "usage"
    return command
