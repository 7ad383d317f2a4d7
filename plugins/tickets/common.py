"""What the commands share: who is acting."""

from __future__ import annotations

from plugins.core import Context
from plugins.core.models import KnownMember

from .env import Actor


def _split_household(key: str) -> tuple[str, str | None, str] | None:
    parts = key.split("-")
    if len(parts) == 3:
        return parts[0], parts[1], parts[2]
    if len(parts) == 2:
        return parts[0], None, parts[1]
    return None


async def actor_of(ctx: Context) -> Actor:
    """The sender as the service sees them; in a private chat their household is
    the one linli saw in their group nickname."""
    found = ctx.household
    household = (found.building, found.unit, found.room) if found else None
    if household is None and ctx.group is None:
        known = (
            await KnownMember.filter(user=ctx.user)
            .exclude(household=None)
            .order_by("-last_seen")
            .first()
        )
        if known is not None and known.household:
            household = _split_household(known.household)
    name = ctx.info.display_name
    if not name and ctx.group is None:
        known = await KnownMember.filter(user=ctx.user).order_by("-last_seen").first()
        name = known.display_name if known else ""
    return Actor(
        user=ctx.user,
        name=name or "",
        group=ctx.group,
        locale=ctx.locale,
        household=household,
        message_id=ctx.info.message_id,
        images=tuple(ctx.info.images),
    )


async def name_of(group: str | None, user: str) -> str:
    """A member's display name as linli last saw it (their id if never seen)."""
    query = KnownMember.filter(user=user)
    if group is not None:
        query = query.filter(group=group)
    known = await query.order_by("-last_seen").first()
    return known.display_name if known and known.display_name else user
