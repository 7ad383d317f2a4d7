"""Joins and leaves from member lists (plugins/core/memberwatch.py), for
platforms that report none (WeChat through ComWeChatBotClient)."""

from __future__ import annotations

import pytest

from adapters.port import Capability, MemberChange, PlatformError


class ListPort:
    """A port that can list members but reports no joins, like ComWeChat's."""

    platform = "wx"

    def __init__(self, members: dict[str, set[str]], *, join_events: bool = False):
        self.members = members
        self.capabilities = frozenset({Capability.MEMBER_LIST}) | (
            frozenset({Capability.JOIN_EVENTS}) if join_events else frozenset()
        )
        self.asked: list[str] = []

        class _Bot:
            self_id = "wxid_bot"

        self.bot = _Bot()

    def can(self, capability: Capability) -> bool:
        return capability in self.capabilities

    async def member_ids(self, group: str) -> frozenset[str]:
        self.asked.append(group)
        if group not in self.members:
            raise PlatformError("get_group_member_list", "no such group")
        return frozenset(self.members[group])


@pytest.fixture
def watch(monkeypatch: pytest.MonkeyPatch, override_config):
    from plugins.core import memberwatch

    clock = [1000.0]
    seen: list[MemberChange] = []

    async def listener(change: MemberChange, _port) -> None:
        seen.append(change)

    monkeypatch.setattr(memberwatch, "_listeners", [listener])
    override_config(core={"members": {"poll_seconds": 60, "groups_per_round": 2}})
    w = memberwatch.MemberWatch(clock=lambda: clock[0])
    w.seen, w.tick = seen, clock
    return w


def _route(monkeypatch: pytest.MonkeyPatch, watch, port: ListPort, groups) -> None:
    from plugins.core import memberwatch

    monkeypatch.setattr(memberwatch, "port_for_group", lambda group: port)

    async def candidates() -> list[str]:
        return list(groups)

    monkeypatch.setattr(watch, "candidates", candidates)


async def test_the_first_list_is_remembered_and_differences_are_handed_on(
    monkeypatch: pytest.MonkeyPatch, watch
) -> None:
    port = ListPort({"wx:1@chatroom": {"wx:a", "wx:b"}})
    _route(monkeypatch, watch, port, ["wx:1@chatroom"])
    assert await watch.round() == 0  # nobody "joins" at start-up
    port.members["wx:1@chatroom"] = {"wx:a", "wx:c"}
    assert await watch.round() == 0  # not due yet: asked at most once a minute
    watch.tick[0] += 60
    assert await watch.round() == 2
    assert [(c.user, c.joined, c.operator) for c in watch.seen] == [
        ("wx:c", True, None),
        ("wx:b", False, None),
    ]
    assert watch.seen[0].group == "wx:1@chatroom" and watch.seen[0].platform == "wx"


async def test_an_empty_or_failed_list_is_a_hiccup_not_a_purge(
    monkeypatch: pytest.MonkeyPatch, watch
) -> None:
    port = ListPort({"wx:1@chatroom": {"wx:a", "wx:b"}})
    _route(monkeypatch, watch, port, ["wx:1@chatroom", "wx:gone@chatroom"])
    await watch.round()
    port.members["wx:1@chatroom"] = set()
    watch.tick[0] += 60
    assert await watch.round() == 0  # the failing group is logged, not raised
    port.members["wx:1@chatroom"] = {"wx:a", "wx:b"}
    watch.tick[0] += 60
    assert await watch.round() == 0
    assert watch.seen == []


async def test_at_most_groups_per_round_are_asked_longest_waiting_first(
    monkeypatch: pytest.MonkeyPatch, watch
) -> None:
    groups = [f"wx:{n}@chatroom" for n in range(5)]
    port = ListPort({g: {"wx:a"} for g in groups})
    _route(monkeypatch, watch, port, groups)
    await watch.round()
    assert port.asked == groups[:2]
    await watch.round()
    await watch.round()
    assert port.asked == groups  # each group once before any is asked again


async def test_platforms_that_report_joins_are_not_listed(
    monkeypatch: pytest.MonkeyPatch, watch
) -> None:
    port = ListPort({"qq:1": {"qq:a"}}, join_events=True)
    _route(monkeypatch, watch, port, ["qq:1"])
    await watch.round()
    assert port.asked == []


def test_capabilities_say_who_reports_joins() -> None:
    """ComWeChat defines group_member_increase but never emits it; the OneBot
    v12 standard has both events and get_group_member_list; the Bot API cannot
    list members."""
    from adapters import onebot_v11, telegram
    from adapters.onebot_v12 import capabilities_of

    comwechat = capabilities_of("wechat", "ComWechat")
    assert Capability.JOIN_EVENTS not in comwechat
    assert Capability.MEMBER_LIST in comwechat
    assert Capability.JOIN_EVENTS in capabilities_of("qq", "walle-q")
    assert {Capability.JOIN_EVENTS, Capability.MEMBER_LIST} <= onebot_v11.CAPABILITIES
    assert Capability.JOIN_EVENTS in telegram.CAPABILITIES
    assert Capability.MEMBER_LIST not in telegram.CAPABILITIES
