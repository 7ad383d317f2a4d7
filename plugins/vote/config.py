"""The ``vote:`` section of the admin's YAML, config/linli.yaml."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from plugins.core import OptionalDuration, Role, Section, register_section
from plugins.core.config import describe_error

from .roster import Roster, RosterError, build


class HouseholdEntry(BaseModel):
    """A household of the roster: ``{building: 3, unit: 2, room: 201, area: 89.5}``."""

    model_config = ConfigDict(extra="forbid", coerce_numbers_to_str=True)
    building: str
    unit: str | None = None
    room: str
    area: Decimal | None = Field(None, gt=0)
    members: list[str] = Field(default_factory=list)


def _entry(number: int, item: Any) -> HouseholdEntry | str:
    if isinstance(item, str):
        return item
    if not isinstance(item, dict):
        raise ValueError(
            f"household {number}: write {{building: 3, unit: 2, room: 201, "
            f'area: 89.5}} or "3-2-201 89.5" (got {item!r})'
        )
    try:
        return HouseholdEntry.model_validate(item)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc'])}: {describe_error(err)}"
            for err in exc.errors()
        )
        raise ValueError(f"household {number}: {problems}") from None


class VoteConfig(Section):
    # the key's spelling before signup and vote shared one name
    renamed_keys: ClassVar[dict[str, str]] = {"create_role": "who_can_create"}
    # who may start a vote (and close one early): resident, staff or admin
    who_can_create: Literal["resident", "staff", "admin"] = "staff"
    # may a voter change their choice before the deadline (a new ballot replaces)?
    allow_change: bool = True
    # a vote without 截止 closes after this long ("" = stays open until /投票 结束)
    default_duration: OptionalDuration = None
    # remind the group this long before the deadline ("" = no reminder)
    remind_before: OptionalDuration = timedelta(hours=2)
    # at most this many members named in one reminder; 0 = only the count
    remind_mentions: int = Field(10, ge=0, le=50)
    # mention = a real @ (the member is notified; the platform shows their
    # group card as it is), except for a card holding a phone or ID number,
    # which is written masked; names = every name as masked text, nobody notified
    remind_style: Literal["mention", "names"] = "mention"
    max_options: int = Field(20, ge=2, le=50)
    max_open: int = Field(10, ge=1, le=99)
    # a bare "2" or "1 3" votes while exactly one vote is open in the group
    bare_numbers: bool = True
    # the owners' roster: a list of households or the path of a CSV file
    households: Any = Field(default_factory=list)  # list[HouseholdEntry | str] | str
    # only households on the roster may vote (owner decisions always are)
    roster_only: bool = False
    # "building": a group with `building:` set uses only that building's households
    roster_scope: Literal["building", "estate"] = "building"
    # take back a ballot typed in the group for an anonymous vote (bot must be admin)
    anonymous_recall: bool = True
    # shown to members whose nickname has no household
    nickname_example: str = "3-2-201 张三"

    @field_validator("households", mode="before")
    @classmethod
    def _roster(cls, value: Any) -> list[HouseholdEntry | str] | str:
        if value is None:
            return []
        if isinstance(value, str):
            households: list[HouseholdEntry | str] | str = value
        elif isinstance(value, list):
            households = [_entry(i, item) for i, item in enumerate(value, 1)]
        else:
            raise ValueError("expected a list of households or the path of a CSV file")
        try:
            build(households)
        except RosterError as exc:
            raise ValueError(str(exc)) from None
        return households

    @property
    def create_role(self) -> str:
        """The old name of ``who_can_create``."""
        return self.who_can_create

    @property
    def creator_role(self) -> Role:
        return Role[self.who_can_create.upper()]

    def roster(self, building: str | None = None) -> Roster:
        """The roster (re-read when it is a CSV file), limited by ``roster_scope``."""
        roster = build(self.households)
        if self.roster_scope == "building":
            return roster.only_building(building)
        return roster


register_section("vote", VoteConfig)
