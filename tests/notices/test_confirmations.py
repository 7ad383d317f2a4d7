"""Confirmations counted per person and per household, coverage per building,
and the rate-limited reminder that names unconfirmed households."""

from __future__ import annotations

from datetime import datetime, timedelta

from tests.notices.conftest import TZ, Estate, FakeSend


async def _published(estate: Estate, text: str, now: datetime, send: FakeSend):
    from plugins.notices import service
    from plugins.notices.models import Notice
    from plugins.notices.parsing import parse_command

    created = await service.create(
        parse_command(text, now),
        actor="qq:500",
        origin=estate.g(1),
        config=estate.config,
        now=now,
        estate_admin=True,
    )
    assert created.error is None, created.error
    await service.publish(created.notice.id, send, estate.config, now)
    return await Notice.get(id=created.notice.id)  # as the handlers load it


async def _member(group: str, user: str, name: str, household: str | None) -> None:
    from plugins.core.models import KnownMember

    await KnownMember.create(
        group=group, user=user, display_name=name, household=household
    )


async def test_confirmations_per_person_and_household(
    estate: Estate, send: FakeSend
) -> None:
    from plugins.notices import service

    now = datetime.now(TZ)
    notice = await _published(estate, "#老年 @5栋 确认 燃气安全检查", now, send)
    g1, g2, g3 = estate.g(1), estate.g(2), estate.g(3)
    assert (await service.open_notice(g1, now)).id == notice.id
    # known households: 3 in building 3, 2 in building 5 (one seen in two groups)
    members = [
        (g1, "qq:1", "3-2-201 张三", "3-2-201"),
        (g1, "qq:2", "3-2-201 李梅", "3-2-201"),
        (g1, "qq:3", "3-1-101 王五", "3-1-101"),
        (g3, "qq:4", "3-1-102 赵六", "3-1-102"),
        (g2, "qq:5", "5-101 孙七", "5-101"),
        (g2, "qq:6", "5-102 周八", "5-102"),
        (g3, "qq:6", "5-102 周八", "5-102"),
        (g1, "qq:7", "阿姨", None),
    ]
    for member in members:
        await _member(*member)
    assert await service.confirm(notice, g1, "qq:1", "3-2-201", "3-2-201 张三")
    assert await service.confirm(notice, g1, "qq:2", "3-2-201", "3-2-201 李梅")
    assert not await service.confirm(notice, g1, "qq:1", "3-2-201", "3-2-201 张三")
    assert await service.confirm(notice, g2, "qq:5", "5-101", "5-101 孙七")
    assert await service.confirm(notice, g1, "qq:7", None, "阿姨")

    cov = await service.coverage(notice)
    assert (cov.people, cov.households, cov.known, cov.no_household) == (4, 2, 5, 1)
    assert cov.buildings == [("3", 1, 3), ("5", 1, 2)]


async def test_confirmation_window_and_state(estate: Estate, send: FakeSend) -> None:
    from plugins.notices import service

    now = datetime.now(TZ)
    plain = await _published(estate, "普通通知", now, send)
    assert await service.open_notice(estate.g(1), now) is None
    notice = await _published(estate, "确认 入户抄表", now, send)
    assert plain.id != notice.id
    assert (await service.open_notice(estate.g(1), now)).id == notice.id
    assert service.is_open(notice, estate.g(1), now)
    assert not service.is_open(notice, estate.g(2), now)  # not sent there
    after = now + timedelta(days=3, seconds=1)  # confirm_window: 3d
    assert await service.open_notice(estate.g(1), after) is None
    await service.cancel_notice(notice, actor="qq:500", group=None, now=now)
    assert await service.open_notice(estate.g(1), now) is None


async def test_type_default_asks_for_confirmation(
    estate: Estate, send: FakeSend
) -> None:
    from plugins.core import format_time

    now = datetime.now(TZ)
    notice = await _published(estate, "@3栋 入户燃气检查", now, send)
    assert notice.confirm and notice.notice_type == "入户检查"
    until = format_time(now + timedelta(days=3), "zh-CN", TZ)
    assert send.to(estate.g(1))[0].endswith(f"收到请回复 1 确认（{until} 前）。")


async def test_nudge_names_unconfirmed_households_within_limits(
    send: FakeSend,
) -> None:
    from plugins.notices import service
    from tests.notices.conftest import make_estate

    estate = make_estate("  nudge_max_mentions: 2\n  nudge_every: 6h\n")
    now = datetime.now(TZ)
    notice = await _published(estate, "确认 停车证年审", now, send)
    g1 = estate.g(1)
    for n, name in enumerate(["3-1-101 甲", "3-1-102 乙 13812345678", "3-1-103 丙"]):
        await _member(g1, f"qq:{n + 10}", name, name.split()[0])
    await _member(g1, "qq:13", "3-1-101 甲的家人", "3-1-101")
    await _member(g1, "qq:14", "3-1-104 丁", "3-1-104")
    await service.confirm(notice, g1, "qq:10", "3-1-101", "3-1-101 甲")
    send.sent.clear()

    result = await service.nudge(
        notice, actor="qq:500", group=g1, send=send, config=estate.config, now=now
    )
    assert (result.error, result.households, result.messages) == (None, 3, 2)
    assert send.to(g1) == [
        "【提醒】《停车证年审》还没有确认，请看到后回复 1：\n"
        "@3-1-102 乙 138****5678 @3-1-103 丙",
        "【提醒】《停车证年审》还没有确认，请看到后回复 1：\n@3-1-104 丁",
    ]
    soon = await service.nudge(
        notice,
        actor="qq:500",
        group=g1,
        send=send,
        config=estate.config,
        now=now + timedelta(hours=5),
    )
    assert soon.error == "notices.nudge.too_soon" and soon.last is not None
    for user, household in (("qq:11", "3-1-102"), ("qq:12", "3-1-103")):
        await service.confirm(notice, g1, user, household, household)
    await service.confirm(notice, g1, "qq:14", "3-1-104", "3-1-104 丁")
    nobody = await service.nudge(
        notice,
        actor="qq:500",
        group=g1,
        send=send,
        config=estate.config,
        now=now + timedelta(hours=7),
    )
    assert nobody.error == "notices.nudge.nobody"


async def test_nudge_off_and_not_confirmable(send: FakeSend) -> None:
    from plugins.notices import service
    from tests.notices.conftest import make_estate

    estate = make_estate('  nudge: "off"\n')
    now = datetime.now(TZ)
    notice = await _published(estate, "确认 停车证年审", now, send)
    plain = await _published(estate, "普通通知", now, send)
    kw = {"actor": "qq:500", "group": estate.g(1), "send": send, "now": now}
    off = await service.nudge(notice, config=estate.config, **kw)
    assert off.error == "notices.nudge.off"
    estate2 = make_estate()
    plain_result = await service.nudge(plain, config=estate2.config, **kw)
    assert plain_result.error == "notices.not_confirmable"
