"""What the service works with: the configuration, who acts, what to send.

The service never sends by itself: it returns :class:`Outgoing` messages that
the commands and job handlers hand to core's send queue (see ``deliver``), so
that tests can read them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from plugins.core import LinliConfig, store

from .config import TicketsConfig
from .sla import Calendar, clock


@dataclass
class Outgoing:
    target: str  # a group, or a user when private
    text: str
    private: bool = False
    mention: str | tuple[str, ...] | None = None  # one member, or several

    @property
    def mentions(self) -> tuple[str, ...]:
        if self.mention is None:
            return ()
        return (self.mention,) if isinstance(self.mention, str) else self.mention


@dataclass
class Outcome:
    reply: str
    outbox: list[Outgoing] = field(default_factory=list)
    ok: bool = True


@dataclass(frozen=True)
class Actor:
    """Who sent the command, from where, and what they may see."""

    user: str
    name: str = ""
    group: str | None = None
    locale: str = "zh-CN"
    household: tuple[str, str | None, str] | None = None
    message_id: str | None = None
    images: tuple[str, ...] = ()


class Env:
    """The configuration as it applies to tickets, read at one moment."""

    def __init__(self, config: LinliConfig | None = None) -> None:
        self.config = config if config is not None else store.current
        self._calendars: dict[tuple[str, str | None], Calendar] = {}

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.config.core.timezone)

    def section(self, group: str | None = None) -> TicketsConfig:
        return self.config.section("tickets", group)  # type: ignore[return-value]

    def estate_of(self, group: str | None) -> str:
        return self.section(group).estate

    def locale_of(self, group: str | None) -> str:
        return self.config.locale_of(group)

    def is_staff_group(self, group: str | None) -> bool:
        return group is not None and self.config.group(group).role == "staff"

    def calendar(self, hours: str, group: str | None = None) -> Calendar:
        """The clock a ticket's deadlines run on (kept: the KPI page asks it
        for every ticket of eight periods)."""
        key = (hours, group)
        found = self._calendars.get(key)
        if found is None:
            found = self._calendars[key] = self._calendar(hours, group)
        return found

    def _calendar(self, hours: str, group: str | None) -> Calendar:
        if hours == "always":
            return Calendar.around_the_clock(self.tz)
        sh = self.section(group).service_hours
        return Calendar(
            tz=self.tz,
            start=clock(sh.start),
            end=clock(sh.end),
            days=frozenset(sh.days),
            closed=frozenset(sh.closed_dates),
        )

    def staff_groups(self, ticket_group: str | None, category: str) -> list[str]:
        """The category's staff groups; by default every staff group of the estate."""
        section = self.section(ticket_group)
        cat = section.categories.get(category)
        if cat is not None and cat.staff_groups:
            return list(cat.staff_groups)
        return [
            gid
            for gid, _ in self.config.groups_with(role="staff")
            if self.estate_of(gid) == section.estate and self.section(gid).enabled
        ]

    def resident_groups(self, estate: str) -> list[str]:
        return [
            gid
            for gid, _ in self.config.groups_with(role="residents")
            if self.estate_of(gid) == estate and self.section(gid).enabled
        ]

    def building_of(self, group: str | None) -> str | None:
        return self.config.group(group).building if group else None


def now_utc(now: datetime | None = None) -> datetime:
    """``now`` (or the current time) in UTC: what the tables store."""
    from .sla import utc

    if now is not None:
        return utc(now)
    from tortoise import timezone

    return utc(timezone.now())
