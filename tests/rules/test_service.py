"""Pardons, the blacklist, reminders for personal data, admins' actions,
and the notice budget."""

from __future__ import annotations

from tests.rules.conftest import make_config
from tests.rules.fakes import FakePort


def _offence(group: str, **kw):
    from plugins.rules.service import Offence

    values = {
        "group": group, "user": "qq:42", "name": "张三", "rule": "ads",
        "reason": "rules.reason.link", "detail": "x.com", "text": "x.com",
        "message_id": "9",
    }  # fmt: skip
    values.update(kw)
    return Offence(**values)


async def test_pardon_removes_strikes_and_lifts_the_mute(outbox, group_id) -> None:
    from plugins.rules import service

    config = make_config(group_id)
    cfg = config.section("rules", group_id)
    port = FakePort()
    await service.enforce(_offence(group_id), port=port, cfg=cfg, config=config)
    muted = await service.enforce(_offence(group_id), port=port, cfg=cfg, config=config)
    assert muted.action == "mute" and muted.case is not None
    result = await service.pardon(
        muted.case.id, actor="qq:500", config=config, ports=lambda g: port
    )
    assert (result.strikes, result.unmuted) == (1, True)
    assert port.calls[-1] == ("unmute", (group_id, "qq:42"))
    assert await service.active_strikes(group_id, "qq:42", cfg.ladder.window) == 1
    again = await service.pardon(muted.case.id, actor="qq:500", config=config)
    assert again.already
    assert (await service.pardon(10**12, actor="qq:500", config=config)).case is None
    # a rejoin after the pardon does not mute again
    from adapters import MemberChange
    from plugins.rules.joins import remute

    change = MemberChange("qq", "10000", group_id, "qq:42", None, joined=True)
    assert await remute(change, port, config) == 0


async def test_kick_for_ads_blacklists_across_the_estate(outbox, group_id) -> None:
    from adapters import PlatformError
    from plugins.rules import service
    from plugins.rules.models import Blacklisted

    other = group_id.replace("qq:", "qq:7")
    config = make_config(
        group_id,
        "  blacklist: {enabled: true}\n",
        extra_groups=(
            f"  '{other}':\n    name: 5栋\n  'wx:1@chatroom':\n    name: 微信群\n"
        ),
    )
    cfg = config.section("rules", group_id)
    port = FakePort(fail={})
    staff_port = FakePort(fail={"kick": PlatformError("set_group_kick", "not member")})
    ports = {group_id: port, other: port, "qq:2000": staff_port}
    outcome = await service.enforce(
        _offence(group_id, user="qq:4242", strikes=3),
        port=port, cfg=cfg, config=config, ports=ports.__getitem__,
    )  # fmt: skip
    assert outcome.action == "kick"
    kicks = [args for action, args in port.calls if action == "kick"]
    assert kicks == [(group_id, "qq:4242", True), (other, "qq:4242", True)]
    assert await service.is_blacklisted("qq:4242")
    # pardoning the case takes them off the blacklist
    result = await service.pardon(outcome.case.id, actor="qq:500", config=config)  # type: ignore[union-attr]
    assert result.unblacklisted
    assert not await Blacklisted.exists(user="qq:4242")


async def test_words_kick_does_not_blacklist(outbox, group_id) -> None:
    from plugins.rules import service

    config = make_config(group_id, "  blacklist: {enabled: true}\n")
    port = FakePort()
    await service.enforce(
        _offence(group_id, user="qq:4343", rule="words", strikes=3),
        port=port, cfg=config.section("rules", group_id), config=config,
    )  # fmt: skip
    assert not await service.is_blacklisted("qq:4343")
    assert port.calls[-1] == ("kick", (group_id, "qq:4343", False))


async def test_personal_data_is_recalled_and_reminded_privately(
    outbox, group_id
) -> None:
    from plugins.rules import service
    from plugins.rules.models import Case, Strike

    config = make_config(group_id)
    port = FakePort()
    text = "我的身份证 11010519491231002X 帮我看看"
    outcome = await service.enforce(
        _offence(
            group_id, rule="personal_data", reason="rules.reason.id_card",
            text=text, strikes=0, action="remind",
            segments=[{"type": "text", "data": {"text": text}}],
        ),
        port=port, cfg=config.section("rules", group_id), config=config,
    )  # fmt: skip
    assert (outcome.action, outcome.acted, outcome.notice) == ("remind", True, None)
    assert port.actions() == ["recall"]
    kind, user, message, fallback = outbox.sent[0]
    assert (kind, user, fallback) == ("private", "qq:42", group_id)
    assert "身份证" in message and "测试群" in message
    case = await Case.get(id=outcome.case.id)  # type: ignore[union-attr]
    assert "11010519491231002X" not in case.text  # evidence is masked
    assert "11010519491231002X" not in str(case.segments)
    assert await Strike.filter(group=group_id).count() == 0


async def test_admin_actions_are_recorded(outbox, group_id) -> None:
    from adapters import Capability, NotSupported
    from plugins.core.models import AuditEntry
    from plugins.rules import service
    from plugins.rules.models import Mute

    port = FakePort()
    done = await service.mute(
        port, group=group_id, user="qq:42", name="张三", seconds=120, actor="qq:500"
    )
    assert done.ok and done.case is not None and done.case.action == "mute"
    assert await Mute.filter(group=group_id, lifted=False).count() == 1
    assert (await service.unmute(port, group=group_id, user="qq:42", actor="qq:500")).ok
    assert await Mute.filter(group=group_id, lifted=False).count() == 0
    kicked = await service.kick(
        port, group=group_id, user="qq:42", name="张三", actor="qq:500"
    )
    assert kicked.ok
    actions = await AuditEntry.filter(group=group_id).values_list("action", flat=True)
    assert set(actions) >= {"rules.mute", "rules.unmute", "rules.kick"}
    wechat = FakePort(capabilities=frozenset(Capability) - {Capability.MUTE})
    refused = await service.mute(
        wechat, group=group_id, user="qq:42", name="张三", seconds=60, actor="qq:500"
    )
    assert not refused.ok and isinstance(refused.failure, NotSupported)
    assert service.failure_text(refused.failure, "zh-CN") == "平台不支持"


async def test_warnings_listing_reset_and_appeal(outbox, group_id) -> None:
    from plugins.rules import service

    config = make_config(group_id)
    cfg = config.section("rules", group_id)
    port = FakePort()
    first = await service.enforce(_offence(group_id), port=port, cfg=cfg, config=config)
    await service.enforce(
        _offence(group_id, user="qq:43", name="李四", strikes=2),
        port=port, cfg=cfg, config=config,
    )  # fmt: skip
    found = await service.warnings(group_id, "qq:42", cfg.ladder.window)
    assert [(w.case.id, w.strikes) for w in found] == [(first.case.id, 1)]  # type: ignore[union-attr]
    ranked = await service.warned_members(group_id, cfg.ladder.window)
    assert ranked == [("qq:43", "李四", 2), ("qq:42", "张三", 1)]
    assert await service.reset_warnings(group_id, "qq:43", actor="qq:500") == 2
    assert await service.warnings(group_id, "qq:43", cfg.ladder.window) == []
    # only the member themselves can appeal their case
    case_id = first.case.id  # type: ignore[union-attr]
    assert await service.appeal(case_id, "qq:43", "不是我") is None
    appealed = await service.appeal(case_id, "qq:42", "我发的是物业通知")
    assert appealed is not None and appealed.appeal == "我发的是物业通知"


def test_notice_budget_per_group() -> None:
    from plugins.rules.service import NoticeLimiter

    clock = [0.0]
    limiter = NoticeLimiter(clock=lambda: clock[0])
    assert [limiter.allow("qq:1", 2, 60) for _ in range(3)] == [True, True, False]
    assert limiter.allow("qq:2", 2, 60)  # another group has its own budget
    clock[0] = 61
    assert limiter.allow("qq:1", 2, 60)
