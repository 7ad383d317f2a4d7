"""The ladder: steps, strikes in a sliding window, several strikes at once,
dry runs, and falling back when the platform cannot do a step."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.rules.conftest import make_config
from tests.rules.fakes import FakePort


def test_parse_steps_and_choose() -> None:
    from plugins.rules.ladder import Step, harsher, parse_step, step_for, steps_of

    steps = steps_of(["warn", "mute 10m", "kick"])
    assert steps == (Step("warn"), Step("mute", 600), Step("kick"))
    assert [step_for(n, steps).action for n in (1, 2, 3, 4, 9)] == [
        "warn", "mute", "kick", "kick", "kick",
    ]  # fmt: skip
    assert parse_step("禁言 1天") == Step("mute", 86400)
    assert parse_step("mute 90d").seconds == 30 * 86400 - 1  # QQ's limit
    assert harsher(Step("mute", 600), steps) == [Step("kick")]
    assert harsher(Step("warn"), steps) == [Step("mute", 600), Step("kick")]
    assert harsher(Step("kick"), steps) == []
    for bad in ("ban", "mute soon", "kick 10m", ""):
        with pytest.raises(ValueError):
            parse_step(bad)


def _offence(group: str, **kw):
    from plugins.rules.service import Offence

    values = {
        "group": group, "user": "qq:42", "name": "3-2-201 张三", "rule": "ads",
        "reason": "rules.reason.link", "detail": "haohuo.com",
        "text": "www.haohuo.com", "message_id": "77",
        "segments": [{"type": "text", "data": {"text": "www.haohuo.com"}}],
    }  # fmt: skip
    values.update(kw)
    return Offence(**values)


async def test_warn_then_mute_then_kick_with_evidence(outbox, group_id) -> None:
    from tortoise import timezone

    from plugins.rules import service
    from plugins.rules.models import Case, Mute, Strike

    config = make_config(group_id)
    cfg = config.section("rules", group_id)
    port = FakePort()
    now = timezone.now()
    actions = []
    for n in range(3):
        outcome = await service.enforce(
            _offence(group_id, message_id=str(100 + n)),
            port=port, cfg=cfg, config=config, now=now + timedelta(seconds=n),
        )  # fmt: skip
        actions.append((outcome.action, outcome.count))
    assert actions == [("warn", 1), ("mute", 2), ("kick", 3)]
    assert port.calls == [
        ("recall", ("100",)),
        ("recall", ("101",)),
        ("mute", (group_id, "qq:42", 600)),
        ("recall", ("102",)),
        ("kick", (group_id, "qq:42", False)),
    ]
    cases = await Case.filter(group=group_id).order_by("id")
    assert [c.action for c in cases] == ["warn", "mute", "kick"]
    first = cases[0]
    assert first.text == "www.haohuo.com" and first.recalled
    assert first.segments[0]["data"]["text"] == "www.haohuo.com"
    assert first.rule == "ads" and first.detail == "haohuo.com"
    assert await Strike.filter(group=group_id).count() == 3
    mute = await Mute.get(group=group_id)
    assert mute.case_id == cases[1].id  # type: ignore[attr-defined]
    assert abs((mute.ends_at - (now + timedelta(seconds=601))).total_seconds()) < 1
    # the staff group got each case, with the member masked where needed
    staff = outbox.to("qq:2000")
    assert len(staff) == 3 and f"#{first.id}" in staff[0]
    assert "haohuo.com" in staff[0]


async def test_strikes_expire_after_the_window(outbox, group_id) -> None:
    from tortoise import timezone

    from plugins.rules import service

    config = make_config(group_id, "  ladder: {window: 1h}\n")
    cfg = config.section("rules", group_id)
    port = FakePort()
    start = timezone.now()
    first = await service.enforce(
        _offence(group_id), port=port, cfg=cfg, config=config, now=start
    )
    second = await service.enforce(
        _offence(group_id), port=port, cfg=cfg, config=config,
        now=start + timedelta(minutes=30),
    )  # fmt: skip
    later = await service.enforce(
        _offence(group_id), port=port, cfg=cfg, config=config,
        now=start + timedelta(minutes=95),
    )  # fmt: skip
    assert [first.count, second.count, later.count] == [1, 2, 1]
    assert later.action == "warn"
    assert (
        await service.active_strikes(
            group_id, "qq:42", 3600, start + timedelta(hours=5)
        )
        == 0
    )


async def test_several_strikes_can_kick_at_once(outbox, group_id) -> None:
    from plugins.rules import service

    config = make_config(group_id)
    port = FakePort()
    outcome = await service.enforce(
        _offence(group_id, rule="fraud", reason="rules.reason.fraud", strikes=3),
        port=port, cfg=config.section("rules", group_id), config=config,
    )  # fmt: skip
    assert (outcome.action, outcome.count) == ("kick", 3)
    assert port.actions() == ["recall", "kick"]
    assert outcome.mention is None and "移出" in (outcome.notice or "")


async def test_a_fixed_action_overrides_the_ladder(outbox, group_id) -> None:
    from plugins.rules import service

    config = make_config(group_id)
    port = FakePort()
    outcome = await service.enforce(
        _offence(group_id, action="mute 1h"),
        port=port, cfg=config.section("rules", group_id), config=config,
    )  # fmt: skip
    assert outcome.action == "mute"
    assert port.calls[-1] == ("mute", (group_id, "qq:42", 3600))


async def test_dry_run_records_without_acting(outbox, group_id) -> None:
    from plugins.rules import service
    from plugins.rules.models import Case, Strike

    config = make_config(group_id)
    port = FakePort()
    outcome = await service.enforce(
        _offence(group_id, dry_run=True),
        port=port, cfg=config.section("rules", group_id), config=config,
    )  # fmt: skip
    assert (outcome.action, outcome.acted, outcome.notice) == ("dry_run", False, None)
    assert port.calls == [] and outbox.sent == []
    case = await Case.get(group=group_id)
    assert case.dry_run and case.text == "www.haohuo.com"
    assert await Strike.filter(group=group_id).count() == 0


async def test_no_mute_on_the_platform_notifies_admins(outbox, group_id) -> None:
    from adapters import Capability
    from plugins.rules import service

    config = make_config(group_id)
    cfg = config.section("rules", group_id)
    wechat = FakePort(
        capabilities=frozenset(Capability) - {Capability.MUTE, Capability.RECALL}
    )
    await service.enforce(_offence(group_id), port=wechat, cfg=cfg, config=config)
    outcome = await service.enforce(
        _offence(group_id), port=wechat, cfg=cfg, config=config
    )
    assert outcome.action == "notify" and outcome.acted
    assert wechat.calls == []  # never asked the platform what it cannot do
    assert "已通知管理员" in (outcome.notice or "")
    staff = outbox.to("qq:2000")[-1]
    assert "未能禁言" in staff and "平台不支持" in staff
    assert "消息未能撤回" in staff  # so an admin deletes it by hand


async def test_fallback_next_kicks_instead_of_muting(outbox, group_id) -> None:
    from adapters import Capability
    from plugins.rules import service

    config = make_config(group_id, "  ladder: {fallback: next}\n")
    cfg = config.section("rules", group_id)
    wechat = FakePort(capabilities=frozenset(Capability) - {Capability.MUTE})
    await service.enforce(_offence(group_id), port=wechat, cfg=cfg, config=config)
    outcome = await service.enforce(
        _offence(group_id), port=wechat, cfg=cfg, config=config
    )
    assert outcome.action == "kick"
    assert wechat.actions() == ["recall", "recall", "kick"]


async def test_platform_refusal_is_reported_not_raised(outbox, group_id) -> None:
    from adapters import PlatformError
    from plugins.rules import service
    from plugins.rules.models import Case

    config = make_config(group_id, "  ladder: {fallback: next}\n")
    cfg = config.section("rules", group_id)
    not_admin = PlatformError("set_group_ban", "bot is not an admin")
    port = FakePort(
        fail={"mute": not_admin, "recall": PlatformError("delete_msg", "too old")}
    )
    await service.enforce(_offence(group_id), port=port, cfg=cfg, config=config)
    outcome = await service.enforce(
        _offence(group_id), port=port, cfg=cfg, config=config
    )
    # a refusal would refuse the kick too: admins are asked instead
    assert outcome.action == "notify"
    assert port.actions() == ["recall", "recall", "mute"]
    case = await Case.get(id=outcome.case.id)  # type: ignore[union-attr]
    assert not case.recalled and "bot is not an admin" in case.problems


async def test_raid_new_member_first_strike_mutes(outbox, group_id) -> None:
    from plugins.rules import service

    config = make_config(group_id)
    port = FakePort()
    outcome = await service.enforce(
        _offence(group_id, raid_new_member=True),
        port=port, cfg=config.section("rules", group_id), config=config,
    )  # fmt: skip
    assert outcome.action == "mute" and outcome.count == 1
