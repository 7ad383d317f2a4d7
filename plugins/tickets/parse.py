"""Command arguments (pure): ``12 内容``, ``12 原因 明天 9点``, ``12 4 很好``."""

from __future__ import annotations

from datetime import datetime

from plugins.core import parse_when

from .classify import parse_number

PERIODS = {"本周": "week", "这周": "week", "week": "week", "本月": "month",
           "这个月": "month", "month": "month"}  # fmt: skip


def number_and_rest(text: str) -> tuple[int | None, str]:
    """``"12 楼道灯已换"`` → (12, "楼道灯已换"); (None, text) without a number."""
    head, _, rest = text.strip().partition(" ")
    n = parse_number(head) if head else None
    if n is None:
        return None, text.strip()
    return n, rest.strip()


def reason_and_time(text: str, now: datetime) -> tuple[str, datetime | None]:
    """``"等配件 明天 9点"`` → ("等配件", tomorrow 09:00): the longest trailing
    words (up to three) that read as a time in the future."""
    words = text.split()
    for size in (3, 2, 1):
        if len(words) <= size:
            continue
        moment = parse_when(" ".join(words[-size:]), now)
        if moment is not None and moment > now:
            return " ".join(words[:-size]), moment
    return text.strip(), None


def score_and_comment(text: str) -> tuple[int | None, str]:
    """``"4 师傅很耐心"`` → (4, "师傅很耐心"); ``"5分"`` works too."""
    head, _, rest = text.strip().partition(" ")
    head = head.removesuffix("分").removesuffix("星")
    if head.isdigit() and len(head) == 1:
        return int(head), rest.strip()
    return None, text.strip()


def period_of(text: str) -> str | None:
    return PERIODS.get(text.strip().lower() or "本周")
