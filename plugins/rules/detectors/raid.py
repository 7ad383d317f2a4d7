"""Raids: many joins in a short time put a group in guarded mode for a while.

In guarded mode a member who joined recently has every link and card recalled
(whitelisted or not) and their first strike mutes. Guarded mode is announced
once to the admins. The joins are remembered in memory (bounded); after a
restart a group starts unguarded.
"""

from __future__ import annotations

from collections import OrderedDict, deque


class RaidTracker:
    def __init__(self, max_members: int = 50_000) -> None:
        self.max_members = max_members
        self._joins: dict[str, deque[float]] = {}
        self._guard_until: dict[str, float] = {}
        self._joined_at: OrderedDict[tuple[str, str], float] = OrderedDict()

    def clear(self) -> None:
        self._joins.clear()
        self._guard_until.clear()
        self._joined_at.clear()

    def joined(
        self,
        group: str,
        user: str,
        now: float,
        *,
        joins: int,
        seconds: float,
        guard: float,
    ) -> bool:
        """Record a join; True when it starts guarded mode (announce it then)."""
        self._joined_at[(group, user)] = now
        self._joined_at.move_to_end((group, user))
        if len(self._joined_at) > self.max_members:
            self._joined_at.popitem(last=False)
        recent = self._joins.setdefault(group, deque())
        recent.append(now)
        while recent and now - recent[0] > seconds:
            recent.popleft()
        if len(recent) <= joins:
            return False
        already = self.guarded(group, now)
        self._guard_until[group] = now + guard
        return not already

    def guarded(self, group: str, now: float) -> bool:
        until = self._guard_until.get(group)
        return until is not None and now < until

    def new_member(self, group: str, user: str, now: float, within: float) -> bool:
        at = self._joined_at.get((group, user))
        return at is not None and now - at <= within
