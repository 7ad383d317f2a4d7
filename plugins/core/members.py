"""Members linli has seen: display name and household, written only on change."""

from __future__ import annotations

from collections import OrderedDict

from .identity import parse_household
from .models import KnownMember

# what was last written for (group, user); bounded, so a big estate's memory is
# capped: a member pushed out is simply compared against the database again
_CACHE_SIZE = 100_000
_known: OrderedDict[tuple[str, str], tuple[str, str | None]] = OrderedDict()


async def seen(
    group: str, user: str, display_name: str, pattern: str, username: str | None = None
) -> None:
    """Record a member who wrote: name, household and (Telegram) @username,
    lower-cased so that ``@username`` finds them; written only when changed."""
    household = parse_household(display_name, pattern)
    handle = (username or "").lower() or None
    value = (display_name, household.key if household else None, handle)
    key = (group, user)
    if _known.get(key) == value:
        _known.move_to_end(key)
        return
    _known[key] = value
    if len(_known) > _CACHE_SIZE:
        _known.popitem(last=False)
    # one statement, new member or changed name (and safe against another
    # process recording them at the same moment)
    await KnownMember.bulk_create(
        [
            KnownMember(
                group=group,
                user=user,
                display_name=display_name,
                household=value[1],
                username=handle,
            )
        ],
        on_conflict=["group", "user"],
        update_fields=["display_name", "household", "username", "last_seen"],
    )


def forget_cache() -> None:
    _known.clear()
