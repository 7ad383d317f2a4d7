"""The feature's section of the admin's YAML (commented text: config.yaml)."""

from __future__ import annotations

from datetime import timedelta
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from plugins.core import OptionalDuration, Section, register_section

Kind = Literal["ask", "offer", "lost", "found"]


class DigestConfig(BaseModel):
    """The weekly post of the group's open items."""

    model_config = ConfigDict(extra="forbid")
    enabled: bool = False
    weekday: int = Field(6, ge=1, le=7, description="1 Monday … 7 Sunday")
    time: str = Field(
        "09:00",
        pattern=r"^([01]?\d|2[0-3]):[0-5]\d$",
        description="HH:MM, in core.timezone",
    )


class NeighboursConfig(Section):
    """``enabled`` is inherited (the router applies it); unknown keys are errors."""

    expire_after: OptionalDuration = Field(
        timedelta(days=14), description="an item closes itself after this; 0: never"
    )
    expire_after_by_kind: dict[Kind, OptionalDuration] = Field(
        default_factory=dict, description="the same for one kind: {lost: 30d}"
    )
    announce_expiry: bool = Field(
        True, description="tell the poster privately when an item expires"
    )
    max_length: int = Field(200, ge=1, le=2000)
    list_limit: int = Field(5, ge=1, le=50, description="items listed per kind")
    digest: DigestConfig = Field(default_factory=DigestConfig)

    def expiry_of(self, kind: str) -> timedelta | None:
        """How long an item of ``kind`` stays open (None: until closed)."""
        if kind in self.expire_after_by_kind:
            return self.expire_after_by_kind[kind]  # type: ignore[index]
        return self.expire_after


register_section("neighbours", NeighboursConfig)
