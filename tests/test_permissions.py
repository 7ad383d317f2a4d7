"""plugins.core.permissions (role_of, can_reload) and plugins.core.identity."""

from __future__ import annotations

from pathlib import Path

import pytest

CONFIG = """\
core:
  admins: ["qq:500", "501"]
  staff: ["qq:600", "601"]
groups:
  "qq:1000":
    name: 3栋业主群
    role: residents
    admins: ["qq:510"]
    staff: ["qq:610"]
  "qq:2000":
    name: 物业工作群
    role: staff
  "qq:2100":
    name: 保安群
    role: staff
  "qq:3000":
    name: 通知群
    role: notice
"""

SUPERUSERS = {"qq:99"}


@pytest.fixture
def config(tmp_path: Path):
    from plugins.core.config import validate
    from plugins.core.yamlfile import read_yaml

    path = tmp_path / "linli.yaml"
    path.write_text(CONFIG, encoding="utf-8")
    return validate(read_yaml(path))


class FakePort:
    """Just enough of a Port for role_of; records member() lookups."""

    platform = "qq"

    def __init__(self, *, roles: dict[str, str] | None = None, fail: bool = False):
        from adapters import Capability

        self.capabilities = frozenset({Capability.SEND_GROUP})
        if roles is not None or fail:
            self.capabilities |= {Capability.MEMBER_ROLE}
        self.roles = roles or {}
        self.fail = fail
        self.lookups: list[tuple[str, str]] = []

    def can(self, capability) -> bool:
        return capability in self.capabilities

    async def member(self, group: str, user: str):
        from adapters import MemberInfo, PlatformError

        self.lookups.append((group, user))
        if self.fail:
            raise PlatformError("get_group_member_info", "timeout", retryable=True)
        return MemberInfo(user=user, nickname="", card="", role=self.roles.get(user))


def info(user: str, group: str | None = "qq:1000", sender_role=None):
    from adapters import EventInfo

    return EventInfo(
        platform="qq",
        self_id="10000",
        user=user,
        group=group,
        message_id="1",
        display_name="3-2-201 张三",
        sender_role=sender_role,
        to_me=False,
    )


async def role(config, user, group="qq:1000", sender_role=None, **kwargs):
    from plugins.core.permissions import role_of

    port = kwargs.pop("port", None) or FakePort()
    superusers = kwargs.pop("superusers", SUPERUSERS)
    return await role_of(info(user, group, sender_role), port, config, superusers)


# ---- role_of -------------------------------------------------------------


@pytest.mark.parametrize("superusers", [{"qq:99"}, {"99"}])
@pytest.mark.parametrize("group", ["qq:1000", "qq:2000", None])
async def test_superuser_qualified_or_bare(config, superusers, group) -> None:
    from plugins.core.identity import Role

    assert await role(config, "qq:99", group, superusers=superusers) == Role.SUPERUSER


async def test_superuser_of_another_platform_is_not_superuser(config) -> None:
    from plugins.core.identity import Role

    assert await role(config, "wx:99") == Role.RESIDENT
    assert await role(config, "qq:98") == Role.RESIDENT


@pytest.mark.parametrize("user", ["qq:500", "qq:501"])
@pytest.mark.parametrize("group", ["qq:1000", "qq:2000", None])
async def test_core_admins_are_admins_everywhere(config, user, group) -> None:
    from plugins.core.identity import Role

    assert await role(config, user, group) == Role.ADMIN


async def test_group_admins_only_in_their_group(config) -> None:
    from plugins.core.identity import Role

    assert await role(config, "qq:510", "qq:1000") == Role.ADMIN
    assert await role(config, "qq:510", "qq:3000") == Role.RESIDENT
    assert await role(config, "qq:510", None) == Role.RESIDENT


@pytest.mark.parametrize(
    ("sender_role", "expected"),
    [
        ("owner", "ADMIN"),
        ("admin", "ADMIN"),
        ("member", "RESIDENT"),
        (None, "RESIDENT"),
    ],
)
async def test_platform_role_from_event(config, sender_role, expected) -> None:
    from plugins.core.identity import Role

    port = FakePort()
    got = await role(config, "qq:42", "qq:1000", sender_role, port=port)
    assert got == Role[expected]
    assert port.lookups == []  # no MEMBER_ROLE capability: no calls


async def test_platform_role_looked_up_when_event_has_none(config) -> None:
    from plugins.core.identity import Role

    port = FakePort(roles={"qq:43": "owner"})
    assert await role(config, "qq:43", "qq:1000", port=port) == Role.ADMIN
    assert port.lookups == [("qq:1000", "qq:43")]

    port = FakePort(roles={"qq:43": "owner"})
    assert await role(config, "qq:43", "qq:1000", "member", port=port) == (
        Role.RESIDENT
    )
    assert port.lookups == []  # the event's role is trusted

    port = FakePort(roles={})
    assert await role(config, "qq:43", None, port=port) == Role.RESIDENT
    assert port.lookups == []  # no group, nothing to look up


async def test_platform_error_on_lookup_counts_as_no_role(config) -> None:
    from plugins.core.identity import Role

    port = FakePort(fail=True)
    assert await role(config, "qq:44", "qq:1000", port=port) == Role.RESIDENT
    assert port.lookups == [("qq:1000", "qq:44")]


@pytest.mark.parametrize("user", ["qq:600", "qq:601"])
@pytest.mark.parametrize("group", ["qq:1000", "qq:3000", None])
async def test_core_staff(config, user, group) -> None:
    from plugins.core.identity import Role

    assert await role(config, user, group) == Role.STAFF


async def test_group_staff_only_in_their_group(config) -> None:
    from plugins.core.identity import Role

    assert await role(config, "qq:610", "qq:1000") == Role.STAFF
    assert await role(config, "qq:610", "qq:3000") == Role.RESIDENT


@pytest.mark.parametrize("group", ["qq:2000", "qq:2100"])
async def test_speaking_in_a_staff_group_makes_staff(config, group) -> None:
    from plugins.core.identity import Role

    assert await role(config, "qq:4242", group) == Role.STAFF
    assert await role(config, "qq:4242", group, "admin") == Role.ADMIN


async def test_known_member_of_a_staff_group_is_staff_elsewhere(config) -> None:
    from plugins.core.identity import Role
    from plugins.core.models import KnownMember

    user = "qq:7301"
    assert await role(config, user, "qq:1000") == Role.RESIDENT
    row = await KnownMember.create(group="qq:2100", user=user, display_name="保安")
    try:
        assert await role(config, user, "qq:1000") == Role.STAFF
        assert await role(config, user, None) == Role.STAFF
    finally:
        await row.delete()
    assert await role(config, user, "qq:1000") == Role.RESIDENT


async def test_known_member_of_a_residents_group_stays_resident(config) -> None:
    from plugins.core.identity import Role
    from plugins.core.models import KnownMember

    user = "qq:7302"
    row = await KnownMember.create(group="qq:1000", user=user, display_name="x")
    other = await KnownMember.create(group="qq:9999", user=user, display_name="x")
    try:
        assert await role(config, user, "qq:1000") == Role.RESIDENT
        assert await role(config, user, "qq:3000") == Role.RESIDENT
    finally:
        await row.delete()
        await other.delete()


async def test_resident_otherwise(config) -> None:
    from plugins.core.identity import Role

    assert await role(config, "qq:42", "qq:1000") == Role.RESIDENT
    assert await role(config, "qq:42", "qq:3000") == Role.RESIDENT
    assert await role(config, "qq:42", "qq:5555") == Role.RESIDENT  # unknown group
    assert await role(config, "qq:42", None) == Role.RESIDENT


# ---- can_reload ----------------------------------------------------------


@pytest.mark.parametrize(
    ("role_name", "user", "group", "allowed"),
    [
        ("SUPERUSER", "qq:99", None, True),
        ("SUPERUSER", "qq:99", "qq:1000", True),
        # estate-wide admins, from any group or in private
        ("ADMIN", "qq:500", None, True),
        ("ADMIN", "qq:501", "qq:1000", True),
        # admins of a staff group, there only
        ("ADMIN", "qq:42", "qq:2000", True),
        ("ADMIN", "qq:42", "qq:1000", False),
        ("ADMIN", "qq:510", "qq:1000", False),  # group admin of a residents group
        ("ADMIN", "qq:42", None, False),
        ("ADMIN", "qq:42", "qq:5555", False),  # unknown group
        ("STAFF", "qq:600", "qq:2000", False),
        ("RESIDENT", "qq:42", "qq:2000", False),
        ("RESIDENT", "qq:42", None, False),
    ],
)
async def test_can_reload(config, role_name, user, group, allowed) -> None:
    from plugins.core.identity import Role
    from plugins.core.permissions import can_reload

    assert can_reload(Role[role_name], user, group, config) is allowed


async def test_can_reload_follows_role_of(config) -> None:
    from plugins.core.permissions import can_reload

    cases = [
        ("qq:99", "qq:1000", None, True),
        ("qq:500", "qq:1000", None, True),
        ("qq:42", "qq:2000", "admin", True),
        ("qq:42", "qq:1000", "owner", False),
        ("qq:510", "qq:1000", None, False),
        ("qq:42", "qq:2000", None, False),  # staff by speaking there
    ]
    for user, group, sender_role, allowed in cases:
        got = await role(config, user, group, sender_role)
        assert can_reload(got, user, group, config) is allowed, (user, group)


# ---- identity ------------------------------------------------------------


def test_listed() -> None:
    from plugins.core.identity import listed

    assert listed("qq:1", ["qq:1"])
    assert listed("qq:1", ["1"])
    assert listed("qq:1", {"1"})
    assert listed("qq:1", frozenset({"qq:1"}))
    assert not listed("qq:1", ["wx:1"])
    assert not listed("qq:1", ["qq:11", "11"])
    assert not listed("qq:1", [])


@pytest.mark.parametrize(
    ("nickname", "key"),
    [
        ("3-2-201 张三", "3-2-201"),
        ("3栋2单元201 张三", "3-2-201"),
        ("3栋2单元201室 张三", "3-2-201"),
        ("5-101-张三", "5-101"),
        ("1栋101李明", "1-101"),
        ("12号楼1502 王五", "12-1502"),
        ("03-02-201 张三", "3-2-201"),
        ("  3 - 2 - 201  张三", "3-2-201"),
        ("张三", None),
        ("3栋-张三", None),
        ("3-2-20 张三", None),
        ("", None),
    ],
)
def test_parse_household(nickname: str, key: str | None) -> None:
    from plugins.core.config import DEFAULT_HOUSEHOLD_PATTERN
    from plugins.core.identity import parse_household

    household = parse_household(nickname, DEFAULT_HOUSEHOLD_PATTERN)
    assert (household.key if household else None) == key


def test_parse_household_fields() -> None:
    from plugins.core.config import DEFAULT_HOUSEHOLD_PATTERN
    from plugins.core.identity import Household, parse_household

    assert parse_household("3栋2单元201 张三", DEFAULT_HOUSEHOLD_PATTERN) == Household(
        building="3", unit="2", room="201"
    )
    assert parse_household("5-101-张三", DEFAULT_HOUSEHOLD_PATTERN) == Household(
        building="5", unit=None, room="101"
    )


def test_parse_household_custom_pattern_without_building() -> None:
    from plugins.core.identity import parse_household

    assert parse_household("201 张三", r"^(?P<room>\d{3})") is None
    household = parse_household("A-201", r"^(?P<building>[A-Z])-(?P<room>\d{3})")
    assert household is not None
    assert household.key == "A-201"
