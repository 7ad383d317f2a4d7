"""The 【通知】 text: the admin's template filled in, lines without a value dropped.

The seeds' format (the default template, ``notices.templates`` in the YAML)::

    【通知】关于本周六社区义诊活动
    时间：2023年10月28日 9:00-12:00
    地点：社区中心广场
    内容：免费血压、血糖检测，健康咨询
    联系人：李医生（138XXXXXXXX）
"""

from __future__ import annotations

import string
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from plugins.core import format_duration, format_time, t

from .parsing import NoticeFields


def fill(template: str, values: dict[str, str]) -> str:
    """``template`` with ``{placeholders}`` filled; a line whose placeholders
    (other than ``{label}``) are all empty is left out."""
    lines = []
    for line in template.splitlines():
        names = {n for _, n, _, _ in string.Formatter().parse(line) if n}
        fields = names - {"label"}
        if fields and not any(values.get(n, "").strip() for n in fields):
            continue
        lines.append(line.format_map({n: values.get(n, "") for n in names}))
    return "\n".join(lines).strip()


def percent(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)}%" if whole else "—"


def notice_text(
    template: str,
    locale: str,
    fields: NoticeFields,
    *,
    label_key: str,
    confirm_until: datetime | None = None,
    confirm_word: str = "1",
    tz: ZoneInfo,
    lead: str = "",
) -> str:
    """The message posted to one group (in that group's language)."""
    body = fill(
        template,
        {
            "label": t(locale, label_key),
            "title": fields.title,
            "time": fields.time,
            "place": fields.place,
            "content": fields.content,
            "contact": fields.contact,
        },
    )
    parts = [body]
    if lead:
        parts.append(lead)
    if confirm_until is not None:
        parts.append(
            t(
                locale,
                "notices.confirm.prompt",
                word=confirm_word,
                until=format_time(confirm_until, locale, tz),
            )
        )
    return "\n".join(parts)


def time_left(event_at: datetime, now: datetime, locale: str) -> str:
    """``距开始还有 1小时`` (for reminders; whole minutes above a minute)."""
    seconds = max(0.0, (event_at - now).total_seconds())
    if seconds >= 60:
        seconds = round(seconds / 60) * 60
    left = format_duration(timedelta(seconds=round(seconds)), locale)
    return t(locale, "notices.reminder.lead", left=left)
