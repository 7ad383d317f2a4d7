"""Estates (小区): one deployment, many estates.

An estate is a unit of the admin's YAML: its groups, its admins and staff, its
locale and time zone, and its own settings of any feature (its FAQ entries,
its tickets' categories, its rules)::

    estates:
      东区:
        name: 旗胜家园东区
        admins: [qq:10001]
        staff: [qq:10002]
        faq: {entries: [...]}
      西区:
        name: 旗胜家园西区
        timezone: Asia/Urumqi
    groups:
      "qq:1": {name: 东区 3 栋, estate: 东区}
      "qq:2": {name: 西区业主群, estate: 西区}

A group's settings are the global section, then its estate's, then its own,
merged in that order. A file without ``estates`` is one estate, ``default``:
it keeps working unchanged. With one estate declared, groups that name none
belong to it; with several, each group names its own.

Who belongs where is decided here and nowhere else (:meth:`LinliConfig.estate_of`
in config.py): an estate's admins and staff are admins and staff in its groups
only (permissions.py), its staff groups serve its tickets, its blacklist is
its own, and the console shows a member the estates they belong to.
``core.admins`` and ``core.staff`` stay deployment-wide (the company's office).
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

DEFAULT = "default"
"""The estate of a file that declares none (and of groups outside the YAML)."""

ESTATE_ID = re.compile(r"^[^\s:/]{1,64}$")

ESTATE_KEYS = ("name", "locale", "timezone", "admins", "staff")


class EstateProfile(BaseModel):
    """What the admin says about one estate (its feature sections aside)."""

    model_config = ConfigDict(extra="forbid", coerce_numbers_to_str=True)
    name: str | None = None
    locale: Literal["zh-CN", "en"] | None = None
    timezone: str | None = None
    admins: list[str] = Field(default_factory=list)
    staff: list[str] = Field(default_factory=list)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str | None) -> str | None:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        if value is None:
            return value
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}") from None
        return value


def legacy_estate(body: Any) -> str | None:
    """The estate an older file gave a group (or the whole file) as
    ``tickets: {estate: …}``, before estates were their own unit."""
    if isinstance(body, dict):
        tickets = body.get("tickets")
        if isinstance(tickets, dict) and tickets.get("estate") is not None:
            return str(tickets["estate"])
    return None
