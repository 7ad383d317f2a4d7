"""Quiet hours: between ``start`` and ``end`` (local time, may wrap midnight)
chatter that is not urgent gets a reminder, at most once per ``remind_every``
per member. Commands and urgent messages (漏水, 着火, 电梯困人…) are fine."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from datetime import datetime, time

from plugins.core import compact


def in_quiet_hours(local: time, start: time, end: time) -> bool:
    if start == end:
        return False
    if start < end:
        return start <= local < end
    return local >= start or local < end


def urgent(text: str, words: Sequence[str]) -> bool:
    flat = compact(text)
    return any(compact(w) in flat for w in words if compact(w))


class QuietReminders:
    """When each member was last reminded (bounded memory)."""

    def __init__(self, size: int = 20_000) -> None:
        self.size = size
        self._last: OrderedDict[tuple[str, str], float] = OrderedDict()

    def due(self, group: str, user: str, now: float, every: float) -> bool:
        """True (and remembered) if this member should be reminded now."""
        key = (group, user)
        last = self._last.get(key)
        if last is not None and now - last < every:
            return False
        self._last[key] = now
        self._last.move_to_end(key)
        if len(self._last) > self.size:
            self._last.popitem(last=False)
        return True

    def clear(self) -> None:
        self._last.clear()


def local_time(moment: datetime, tz) -> time:
    return moment.astimezone(tz).time()
