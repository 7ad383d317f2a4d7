"""Members linli has seen: display name and household, written only on change."""

from __future__ import annotations

import contextlib

from tortoise.exceptions import IntegrityError

from .identity import parse_household
from .models import KnownMember

_known: dict[tuple[str, str], tuple[str, str | None]] = {}


async def seen(group: str, user: str, display_name: str, pattern: str) -> None:
    household = parse_household(display_name, pattern)
    value = (display_name, household.key if household else None)
    if _known.get((group, user)) == value:
        return
    _known[(group, user)] = value
    updated = await KnownMember.filter(group=group, user=user).update(
        display_name=display_name, household=value[1]
    )
    if not updated:
        # another process may have recorded them first
        with contextlib.suppress(IntegrityError):
            await KnownMember.create(
                group=group, user=user, display_name=display_name, household=value[1]
            )


def forget_cache() -> None:
    _known.clear()
