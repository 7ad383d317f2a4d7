"""Roles: resident < staff < admin < superuser.

- superuser: listed in NoneBot's SUPERUSERS (``123`` or ``qq:123``);
- admin: owner/admin of the group on the platform, or listed in ``core.admins``
  or in the group's ``admins``;
- staff: speaking in a group whose profile is ``role: staff``, listed in
  ``core.staff`` or the group's ``staff``, or seen as a member of a staff group.

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
    if listed(user, core.admins) or (profile and listed(user, profile.admins)):
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
    if listed(user, core.staff) or (profile and listed(user, profile.staff)):
        return Role.STAFF
    if profile is not None and profile.role == "staff":
        return Role.STAFF
    staff_groups = [gid for gid, _ in config.groups_with(role="staff")]
    if staff_groups and await KnownMember.exists(user=user, group__in=staff_groups):
        return Role.STAFF
    return Role.RESIDENT


def can_reload(role: Role, user: str, group: str | None, config: LinliConfig) -> bool:
    """``/reload``: superusers, estate-wide admins, admins of a staff group."""
    if role >= Role.SUPERUSER or listed(user, config.core.admins):
        return True
    if role >= Role.ADMIN and group is not None:
        return config.group(group).role == "staff"
    return False
