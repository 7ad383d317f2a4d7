"""Helpers for the signup tests: members, sheets (the shared ones: tests/helpers)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from tests.helpers import new_group

TZ = ZoneInfo("Asia/Shanghai")


def member(n: int, household: str | None = None, name: str | None = None):
    from plugins.signup.service import Member

    return Member(
        user=f"qq:{n}",
        display_name=f"{household} {name or f'住户{n}'}" if household else f"住户{n}",
        household=household,
        name=name or f"住户{n}",
    )


async def make_sheet(group: str | None = None, **spec: Any):
    """An open sheet; ``spec`` are CreateSpec fields (title, capacity, …)."""
    from plugins.signup.parsing import CreateSpec
    from plugins.signup.service import create_sheet

    spec.setdefault("title", "周六义诊")
    return await create_sheet(
        group or new_group(),
        member(500, name="王经理"),
        CreateSpec(**spec),
        default_fields=[],
        per_household=False,  # the spec's per_household (None) decides
        max_open=10,
        remind_before=timedelta(hours=2),
    )


def entry(**fields: Any):
    from plugins.signup.parsing import EntryInput

    return EntryInput(**fields)


def soon(seconds: float = 3600) -> datetime:
    return datetime.now(TZ) + timedelta(seconds=seconds)
