"""Flood: too many messages in a short time, or the same message again and again.

State lives in memory, per (group, member), bounded: a restart forgets who was
typing fast a few seconds ago, which is harmless. Commands are not counted
(the bot's answers are budgeted by the send queue). A burst is judged once:
the member's history is cleared when it fires.
"""

from __future__ import annotations

from collections import OrderedDict, deque
from dataclasses import dataclass


@dataclass(frozen=True)
class FloodHit:
    kind: str  # "flood" | "repeat"
    count: int


class FloodTracker:
    def __init__(self, max_members: int = 50_000, history: int = 64) -> None:
        self.max_members = max_members
        self.history = history
        self._seen: OrderedDict[tuple[str, str], deque[tuple[float, str]]] = (
            OrderedDict()
        )

    def clear(self) -> None:
        self._seen.clear()

    def check(
        self,
        group: str,
        user: str,
        text: str,
        now: float,
        *,
        messages: int,
        seconds: float,
        repeats: int,
        repeat_seconds: float,
        repeat_min_chars: int,
    ) -> FloodHit | None:
        """Record a message (``text`` compacted) and say whether it is a flood."""
        key = (group, user)
        past = self._seen.get(key)
        if past is None:
            past = deque(maxlen=max(self.history, messages + 1, repeats + 1))
            self._seen[key] = past
            if len(self._seen) > self.max_members:
                self._seen.popitem(last=False)
        else:
            self._seen.move_to_end(key)
        past.append((now, text))
        horizon = max(seconds, repeat_seconds)
        while past and now - past[0][0] > horizon:
            past.popleft()
        recent = sum(1 for t, _ in past if now - t <= seconds)
        if recent > messages:
            past.clear()
            return FloodHit("flood", recent)
        if len(text) >= repeat_min_chars:
            same = sum(1 for t, x in past if x == text and now - t <= repeat_seconds)
            if same >= repeats:
                past.clear()
                return FloodHit("repeat", same)
        return None
