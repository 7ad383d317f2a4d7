"""Roles: resident < staff < admin < superuser.

- superuser: listed in NoneBot's SUPERUSERS (``123`` or ``qq:123``);
- admin: owner/admin of the group on the platform, or listed in ``core.admins``
  (every estate), in the admins of the group's estate, or in the group's
  ``admins``;
- staff: speaking in a group whose profile is ``role: staff``, listed in
  ``core.staff`` (every estate), in the staff of the group's estate or in the
  group's ``staff``, or seen as a member of a staff group of the same estate.

An estate's admins and staff are nobody in another estate's groups
(estates.py). In a private chat a member is admin or staff if they are in
some estate; what they then see is that estate's (:func:`estates_of`).

In the terminal try-out (``python bot.py --console``) its one person is an
admin, so that every feature can be tried.
"""

from __future__ import annotations

from adapters import EventInfo, Port, PortError
from adapters.port import Capability

from .config import LinliConfig
from .identity import Role, listed
from .models import KnownMember
from .tryout import is_tryout


async def role_of(
    info: EventInfo,
    port: Port,
    config: LinliConfig,
    superusers: set[str],
) -> Role:
    user, group = info.user, info.group
    if listed(user, superusers):
        return Role.SUPERUSER
    if is_tryout(info.platform):
        return Role.ADMIN
    core = config.core
    profile = config.groups.get(group) if group else None
    estates = [config.estate(e) for e in _estates_here(config, group)]
    if (
        listed(user, core.admins)
        or (profile and listed(user, profile.admins))
        or any(listed(user, e.admins) for e in estates)
    ):
        return Role.ADMIN
    if group is not None:
        platform_role = info.sender_role
        if platform_role is None and port.can(Capability.MEMBER_ROLE):
            try:
                platform_role = (await port.member(group, user)).role
            except PortError:
                platform_role = None
        if platform_role in ("owner", "admin"):
            return Role.ADMIN
    if (
        listed(user, core.staff)
        or (profile and listed(user, profile.staff))
        or any(listed(user, e.staff) for e in estates)
    ):
        return Role.STAFF
    if profile is not None and profile.role == "staff":
        return Role.STAFF
    staff_groups = [
        gid
        for gid, _ in config.groups_with(role="staff")
        if group is None or config.same_estate(gid, group)
    ]
    if staff_groups and await KnownMember.exists(user=user, group__in=staff_groups):
        return Role.STAFF
    return Role.RESIDENT


def _estates_here(config: LinliConfig, group: str | None) -> list[str]:
    """The estates whose admins and staff count where the message came from:
    the group's, or in a private chat every estate."""
    if group is None:
        return config.estate_ids()
    return [config.estate_of(group)]


async def estates_of(user: str, config: LinliConfig) -> list[str]:
    """The estates ``user`` works for: all for ``core.admins`` / ``core.staff``;
    else those listing them as admins or staff, those of the groups listing
    them, and those of the staff groups they are a member of."""
    core = config.core
    every = config.estate_ids()
    if listed(user, core.admins) or listed(user, core.staff):
        return every
    found = {
        e
        for e in every
        if listed(user, config.estate(e).admins) or listed(user, config.estate(e).staff)
    }
    for gid, profile in config.groups.items():
        if listed(user, profile.admins) or listed(user, profile.staff):
            found.add(config.estate_of(gid))
    staff_groups = [gid for gid, _ in config.groups_with(role="staff")]
    if staff_groups:
        member_of = await KnownMember.filter(
            user=user, group__in=staff_groups
        ).values_list("group", flat=True)
        found.update(config.estate_of(g) for g in member_of)
    return [e for e in every if e in found]


def can_reload(role: Role, user: str, group: str | None, config: LinliConfig) -> bool:
    """``/reload``: superusers, estate-wide admins, admins of a staff group."""
    if role >= Role.SUPERUSER or listed(user, config.core.admins):
        return True
    if role >= Role.ADMIN and group is not None:
        return config.group(group).role == "staff"
    return False
