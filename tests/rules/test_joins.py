"""Joining: requests, welcomes, re-muting on rejoin, raids, nicknames."""

from __future__ import annotations

from datetime import timedelta

from tests.rules.conftest import make_config
from tests.rules.fakes import FakePort


def _request(group: str, user: str, comment: str):
    from adapters import JoinRequest

    return JoinRequest("qq", "10000", group, user, comment, "flag-1", "add")


def _change(group: str, user: str, joined: bool = True):
    from adapters import MemberChange

    return MemberChange("qq", "10000", group, user, None, joined=joined)


def test_answer_and_roster() -> None:
    from plugins.core.config import DEFAULT_HOUSEHOLD_PATTERN
    from plugins.rules.joins import answer_of, on_roster

    assert answer_of("问题：请填写房号\n答案：3-2-201 张三") == "3-2-201 张三"
    assert answer_of("3栋2单元201") == "3栋2单元201"
    roster = ["3-2-201", "5-101 李明"]
    p = DEFAULT_HOUSEHOLD_PATTERN
    assert on_roster("3栋2单元201 张三", roster, p)
    assert on_roster("5-101-李明", roster, p)
    assert not on_roster("3-2-202 王五", roster, p)
    assert not on_roster("随便", [], p)


async def test_join_requests_are_decided_and_logged(outbox, group_id) -> None:
    from plugins.core.models import AuditEntry
    from plugins.rules import joins, service

    config = make_config(group_id)
    cfg = config.section("rules", group_id)
    port = FakePort()
    ok = await joins.join_request(
        _request(group_id, "qq:61", "问题：房号？\n答案：3-2-201 张三"),
        port,
        cfg,
        config,
    )
    maybe = await joins.join_request(
        _request(group_id, "qq:62", "问题：房号？\n答案：我是张三的朋友"),
        port,
        cfg,
        config,
    )
    assert (ok, maybe) == ("approve", "pending")
    assert port.calls == [("answer_join", ("qq:61", True, ""))]
    staff = outbox.to("qq:2000")
    assert "已自动同意" in staff[0] and "请管理员审核" in staff[1]
    # a blacklisted user is refused
    case = await service.Case.create(
        group=group_id, user="qq:63", rule="ads", at=service.timezone.now()
    )
    await service.Blacklisted.create(user="qq:63", case=case)
    no = await joins.join_request(
        _request(group_id, "qq:63", "答案：3-2-201"), port, cfg, config
    )
    assert no == "refuse"
    assert port.calls[-1][0] == "answer_join" and port.calls[-1][1][1] is False
    audited = await AuditEntry.filter(group=group_id).values_list("action", flat=True)
    assert sorted(audited) == [
        "rules.join_approve", "rules.join_pending", "rules.join_refuse",
    ]  # fmt: skip


async def test_roster_only(outbox, group_id) -> None:
    from plugins.rules import joins

    config = make_config(
        group_id,
        "  join: {approve_by_pattern: false, roster: ['3-2-201', '王师傅']}\n",
    )
    cfg = config.section("rules", group_id)
    decide = joins.decide
    assert await decide(
        _request(group_id, "qq:1", "答案：3-2-201 张三"), cfg, config
    ) == ("approve")
    assert await decide(_request(group_id, "qq:1", "答案：王师傅"), cfg, config) == (
        "approve"
    )
    assert await decide(_request(group_id, "qq:1", "答案：3-2-202"), cfg, config) == (
        "pending"
    )


async def test_platform_refusing_the_answer_leaves_it_pending(outbox, group_id) -> None:
    from adapters import PlatformError
    from plugins.rules import joins

    config = make_config(group_id)
    port = FakePort(fail={"answer_join": PlatformError("set_group_add_request", "x")})
    decision = await joins.join_request(
        _request(group_id, "qq:64", "答案：3-2-201"),
        port, config.section("rules", group_id), config,
    )  # fmt: skip
    assert decision == "pending"


async def test_new_member_is_welcomed_and_nickname_check_scheduled(
    outbox, group_id
) -> None:
    from plugins.core.models import Job
    from plugins.rules import joins

    config = make_config(group_id)
    port = FakePort()
    await joins.member_joined(
        _change(group_id, "qq:71"), port, config.section("rules", group_id), config
    )
    (kind, where, text, mention), *_ = outbox.sent
    assert (kind, where, mention) == ("group", group_id, "qq:71")
    assert "欢迎加入测试群" in text and "3-2-201 张三" in text and "【群规】" in text
    job = await Job.get(key=joins.nickname_key(group_id, "qq:71"))
    assert job.kind == "rules.nickname" and job.status == "pending"
    # leaving cancels the check; the bot joining is not a new member
    await joins.member_left(_change(group_id, "qq:71", joined=False))
    assert (await Job.get(id=job.id)).status == "cancelled"
    outbox.sent.clear()
    await joins.member_joined(
        _change(group_id, "qq:10000"), port, config.section("rules", group_id), config
    )
    assert outbox.sent == []


async def test_rejoining_member_is_muted_for_the_rest(outbox, group_id) -> None:
    from tortoise import timezone

    from plugins.rules import joins, service

    config = make_config(group_id)
    port = FakePort()
    now = timezone.now()
    await service.mute(
        port, group=group_id, user="qq:72", name="x", seconds=600, actor="qq:500",
        now=now,
    )  # fmt: skip
    later = now + timedelta(seconds=200)
    cfg = config.section("rules", group_id)
    await joins.member_joined(_change(group_id, "qq:72"), port, cfg, config, now=later)
    assert port.calls[-1] == ("mute", (group_id, "qq:72", 400))
    # after the term: nothing
    port.calls.clear()
    gone = now + timedelta(seconds=700)
    await joins.member_joined(_change(group_id, "qq:72"), port, cfg, config, now=gone)
    assert [a for a in port.actions() if a == "mute"] == []


async def test_blacklisted_member_joining_is_removed(outbox, group_id) -> None:
    from plugins.rules import joins, service

    config = make_config(group_id, "  blacklist: {enabled: true}\n")
    await service.Blacklisted.create(user="qq:73")
    port = FakePort()
    await joins.member_joined(
        _change(group_id, "qq:73"), port, config.section("rules", group_id), config
    )
    assert port.calls == [("kick", (group_id, "qq:73", True))]
    assert outbox.sent == []  # no welcome


async def test_raid_is_announced_once_and_silences_welcomes(outbox, group_id) -> None:
    from plugins.rules import joins

    config = make_config(group_id, "  raid: {joins: 3, seconds: 60}\n")
    cfg = config.section("rules", group_id)
    port = FakePort()
    for n in range(6):
        await joins.member_joined(_change(group_id, f"qq:8{n}"), port, cfg, config)
    staff = outbox.to("qq:2000")
    assert len(staff) == 1 and "防刷群" in staff[0]
    assert len(outbox.to(group_id)) == 3  # welcomes before the raid only


async def test_nickname_check(outbox, group_id) -> None:
    from adapters import MemberInfo
    from plugins.rules import joins

    port = FakePort()
    port.members[(group_id, "qq:91")] = MemberInfo(
        "qq:91", "nick", "3-2-201 张三", "member"
    )
    port.members[(group_id, "qq:92")] = MemberInfo("qq:92", "小明", "", "member")
    port.members[(group_id, "qq:93")] = MemberInfo("qq:93", "群主", "", "owner")
    config = make_config(group_id)
    cfg = config.section("rules", group_id)
    check = joins.check_nickname
    assert await check(port, group_id, "qq:91", cfg, config) == "ok"
    assert await check(port, group_id, "qq:93", cfg, config) == "exempt"
    assert await check(port, group_id, "qq:92", cfg, config) == "remind"
    (_, where, text, mention) = outbox.sent[-1]
    assert (where, mention) == (group_id, "qq:92") and "3-2-201 张三" in text
    kick = make_config(group_id, "  nickname: {action: kick}\n")
    assert await check(
        port, group_id, "qq:92", kick.section("rules", group_id), kick
    ) == ("kick")
    assert port.calls[-1] == ("kick", (group_id, "qq:92", False))
    strike = make_config(group_id, "  nickname: {action: strike}\n")
    cfg_strike = strike.section("rules", group_id)
    assert await check(port, group_id, "qq:92", cfg_strike, strike) == "warn"


async def test_custom_welcome_text(outbox, group_id) -> None:
    from plugins.rules import joins

    config = make_config(
        group_id,
        "  join: {welcome_text: '欢迎来到{group}，昵称如 {example}'}\n",
    )
    await joins.member_joined(
        _change(group_id, "qq:74"),
        FakePort(),
        config.section("rules", group_id),
        config,
    )
    assert outbox.to(group_id) == ["欢迎来到测试群，昵称如 3-2-201 张三"]
