"""notices' service on the test database: targeting, cap, publishing, reminders,
list and cancel. (Confirmations are in test_confirmations.py.)"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from tests.notices.conftest import TZ, Estate, FakeSend


def _cmd(text: str, now: datetime):
    from plugins.notices.parsing import parse_command

    return parse_command(text, now)


async def _create(estate: Estate, text: str, now: datetime, **kw):
    from plugins.notices import service

    kw.setdefault("actor", "qq:500")
    kw.setdefault("origin", estate.g(1))
    kw.setdefault("estate_admin", True)
    return await service.create(_cmd(text, now), config=estate.config, now=now, **kw)


async def test_targets_by_tag_and_building(estate: Estate, send: FakeSend) -> None:
    from plugins.notices import service

    now = datetime.now(TZ)
    elderly = await _create(estate, "#老年 标题：健康讲座\n地点：活动室", now)
    assert elderly.groups == [estate.g(1), estate.g(3)]
    five = await _create(estate, "@5栋 电梯保养", now, origin=estate.g(4))
    assert five.groups == [estate.g(2)]
    both = await _create(estate, "@3 #年轻家庭 亲子活动", now, origin=estate.g(4))
    assert both.groups == [estate.g(1), estate.g(2)]
    here = await _create(estate, "垃圾分类宣传", now)
    assert here.groups == [estate.g(1)]
    none = await _create(estate, "#不存在 测试", now)
    assert none.error == "notices.no_targets"

    result = await service.publish(elderly.notice.id, send, estate.config, now)
    assert sorted(result.sent) == [estate.g(1), estate.g(3)]
    assert send.to(estate.g(3)) == ["【通知】健康讲座\n地点：活动室"]


async def test_english_group_gets_its_own_template(
    estate: Estate, send: FakeSend
) -> None:
    from plugins.notices import service

    now = datetime.now(TZ)
    created = await _create(estate, "#expat title: Water tasting\nplace: Hall", now)
    await service.publish(created.notice.id, send, estate.config, now)
    assert send.to(estate.g(5)) == ["[Notice] Water tasting\nPlace: Hall"]


async def test_only_estate_admins_post_to_other_groups(estate: Estate) -> None:
    now = datetime.now(TZ)
    other = await _create(
        estate, "#年轻家庭 亲子活动", now, actor="qq:77", estate_admin=False
    )
    assert other.error == "notices.denied_other_groups"
    own = await _create(estate, "亲子活动", now, actor="qq:77", estate_admin=False)
    assert own.error is None and own.groups == [estate.g(1)]
    lost = await _create(estate, "亲子活动", now, origin=None)
    assert lost.error == "notices.need_group"


async def test_weekly_cap_and_its_override(estate: Estate) -> None:
    from plugins.notices import service
    from plugins.notices.models import Delivery

    now = datetime.now(TZ)
    for n in range(3):
        assert (await _create(estate, f"活动 {n}", now)).error is None
    capped = await _create(estate, "第四条", now)
    assert (capped.error, capped.capped, capped.cap) == (
        "notices.capped",
        [estate.g(1)],
        3,
    )
    urgent = await _create(estate, "紧急 电梯故障", now)
    assert urgent.error is None and urgent.notice.urgent
    assert not (await Delivery.get(notice_id=urgent.notice.id)).counts
    # a tag call: posted where there is room, the capped group reported
    partly = await _create(estate, "#老年 健康讲座", now)
    assert partly.groups == [estate.g(3)] and partly.capped == [estate.g(1)]
    # a week later there is room again; a scheduled one books its week
    later = now + timedelta(days=8)
    assert not await service.cap_reached(estate.g(1), later, 3, timedelta(days=7))
    booked = await _create(estate, "定时 8天 活动", now)
    assert booked.error is None
    assert not await service.cap_reached(estate.g(1), later, 2, timedelta(days=7))
    assert await service.cap_reached(estate.g(1), later, 1, timedelta(days=7))
    # cancelling gives the place back
    await service.cancel_notice(booked.notice, actor="qq:500", group=None, now=now)
    assert not await service.cap_reached(estate.g(1), later, 1, timedelta(days=7))


async def test_cap_is_per_group_and_configurable() -> None:
    from tests.notices.conftest import make_estate

    estate = make_estate("  weekly_cap: 1\n")
    now = datetime.now(TZ)
    assert (await _create(estate, "第一条", now)).error is None
    assert (await _create(estate, "第二条", now)).error == "notices.capped"
    assert (await _create(estate, "第二条", now, origin=estate.g(2))).error is None


async def test_emergency_goes_to_every_estate_group_at_once(
    estate: Estate, send: FakeSend
) -> None:
    from plugins.notices import service

    now = datetime.now(TZ)
    for n in range(3):
        await _create(estate, f"活动 {n}", now, origin=estate.g(4))
    created = await _create(
        estate, "标题：紧急停水\n内容：水管爆裂，正在抢修", now, origin=estate.g(4)
    )
    assert created.emergency_word == "停水"
    # residents' and notice groups (the English one is residents' too), plus
    # the staff group it was sent from
    assert created.groups == [estate.g(n) for n in (1, 2, 3, 5, 4)]
    await service.publish(created.notice.id, send, estate.config, now)
    assert send.to(estate.g(2))[0].startswith("【紧急通知】紧急停水\n内容：水管爆裂")
    # with explicit targets an emergency stays where it was sent
    local = await _create(estate, "@5栋 明天停电", now)
    assert local.groups == [estate.g(2)] and local.notice.urgent


async def test_publish_failures_are_retried_only_where_needed(
    estate: Estate, send: FakeSend
) -> None:
    from adapters import PlatformError
    from plugins.notices import service

    now = datetime.now(TZ)
    created = await _create(estate, "#老年 @5栋 讲座", now)
    send.fail = {
        estate.g(1): PlatformError("send_group_msg", "bot kicked"),
        estate.g(2): PlatformError("send_group_msg", "rate limit", retryable=True),
    }
    first = await service.publish(created.notice.id, send, estate.config, now)
    assert (first.sent, first.failed, first.pending) == (
        [estate.g(3)],
        [estate.g(1)],
        [estate.g(2)],
    )
    assert not await service.sent_once(created.notice.id)
    send.fail = {}
    again = await service.publish(created.notice.id, send, estate.config, now)
    assert again.sent == [estate.g(2)]
    assert await service.sent_once(created.notice.id)
    assert [g for g, _ in send.sent] == [estate.g(3), estate.g(2)]


async def test_scheduled_notice_with_reminders(estate: Estate, send: FakeSend) -> None:
    from plugins.core.models import Job
    from plugins.notices import service

    now = datetime(2030, 10, 26, 10, 0, tzinfo=TZ)
    created = await _create(
        estate,
        "定时 10月27日 09:00 标题：停水通知\n时间：10月28日 9:00-17:00\n内容：管道检修",
        now,
    )
    notice = created.notice
    assert notice.status == "scheduled" and notice.publish_at == datetime(
        2030, 10, 27, 9, 0, tzinfo=TZ
    )
    assert notice.event_at == datetime(2030, 10, 28, 9, 0, tzinfo=TZ)
    assert created.reminders == [
        datetime(2030, 10, 27, 20, 0, tzinfo=TZ),
        datetime(2030, 10, 28, 8, 0, tzinfo=TZ),
    ]
    keys = await Job.filter(kind__in=["notices.publish", "notices.remind"]).values_list(
        "key", "due_at"
    )
    mine = {k: d for k, d in keys if k and k.split(":")[2] == str(notice.id)}
    assert mine == {
        f"notices:publish:{notice.id}": notice.publish_at,
        f"notices:remind:{notice.id}:0": created.reminders[0],
        f"notices:remind:{notice.id}:1": created.reminders[1],
    }

    with pytest.raises(service.NotPublishedYet):
        await service.remind(notice.id, 0, send, estate.config, created.reminders[0])
    at = notice.publish_at
    await service.publish(notice.id, send, estate.config, at)
    # 停水 is an emergency word: every residents' and notice group
    assert {g for g, _ in send.sent} == {estate.g(n) for n in (1, 2, 3, 5)}
    first = send.to(estate.g(1))[0]
    assert first.startswith("【紧急通知】停水通知\n时间：10月28日 9:00-17:00\n")
    assert first.endswith("收到请回复 1 确认（10月30日 09:00 前）。")  # a 停水 type

    send.sent.clear()
    evening = created.reminders[0]
    await service.remind(notice.id, 0, send, estate.config, evening)
    await service.remind(notice.id, 0, send, estate.config, evening)  # once only
    texts = send.to(estate.g(1))
    assert len(texts) == 1 and len(send.sent) == 4
    assert texts[0].startswith("【通知提醒】停水通知\n")
    assert "距开始还有 13小时。" in texts[0]
    # a reminder that comes after the start (bot was down) is not sent
    send.sent.clear()
    late = notice.event_at + timedelta(minutes=5)
    await service.remind(notice.id, 1, send, estate.config, late)
    assert send.sent == []


async def test_list_and_cancel(estate: Estate, send: FakeSend) -> None:
    from plugins.core.models import Job
    from plugins.notices import service

    now = datetime.now(TZ)
    posted = await _create(estate, "确认 垃圾分类检查", now)
    await service.publish(posted.notice.id, send, estate.config, now)
    later = await _create(
        estate,
        f"定时 2天 标题：体检\n时间：{(now + timedelta(days=3)):%m月%d日} 9:00",
        now,
    )
    items = await service.listing(estate.g(1), False, now, 10)
    assert [i.notice.id for i in items] == [later.notice.id, posted.notice.id]
    assert items[0].reminders_left == len(later.reminders) > 0
    assert items[1].notice.confirm and items[1].households == 0
    assert await service.listing(estate.g(2), False, now, 10) == []

    left = await service.cancel_notice(
        later.notice, actor="qq:500", group=estate.g(1), now=now
    )
    assert left == len(later.reminders)  # reminders that will not come
    assert not await Job.filter(
        key=service.publish_key(later.notice.id), status="pending"
    ).exists()
    assert (
        await service.cancel_notice(
            later.notice, actor="qq:500", group=estate.g(1), now=now
        )
        is None
    )
    assert (await service.publish(later.notice.id, send, estate.config, now)).sent == []
    assert [
        i.notice.id for i in await service.listing(estate.g(1), False, now, 10)
    ] == [posted.notice.id]
    # scope: another group's admin cannot see it, an estate admin can
    assert await service.find(posted.notice.id, estate.g(2), False) is None
    assert await service.find(posted.notice.id, estate.g(2), True) is not None


async def test_every_notice_is_audited(estate: Estate) -> None:
    from plugins.core.models import AuditEntry

    now = datetime.now(TZ)
    created = await _create(estate, "#老年 讲座", now)
    entry = await AuditEntry.get(target=f"notice:{created.notice.id}")
    assert (entry.actor, entry.action, entry.group) == (
        "qq:500",
        "notices.publish",
        estate.g(1),
    )
    assert entry.details["groups"] == [estate.g(1), estate.g(3)]


async def test_crash_between_send_and_record(estate: Estate, send: FakeSend) -> None:
    """A post claimed by a process that died: re-sent only once the claim is
    stale; reminders wait for pending posts and include "sending" ones."""
    from plugins.notices import service
    from plugins.notices.models import Delivery

    now = datetime.now(TZ)
    event = now + timedelta(days=2)
    created = await _create(
        estate, f"#老年 标题：讲座\n时间：{event.isoformat(timespec='minutes')}", now
    )
    nid = created.notice.id
    assert created.reminders
    g1, g3 = estate.g(1), estate.g(3)
    # g1's post was being sent when the process died; g3's is still pending
    await Delivery.filter(notice_id=nid, group=g1).update(
        status="sending", claimed_at=service.utc(now)
    )
    await service.publish(nid, send, estate.config, now)
    assert [g for g, _ in send.sent] == [g3]  # a fresh claim is left alone
    await Delivery.filter(notice_id=nid, group=g3).update(status="pending")
    with pytest.raises(service.NotPublishedYet):
        await service.remind(nid, 0, send, estate.config, now)
    await Delivery.filter(notice_id=nid, group=g3).update(status="sent")
    send.sent.clear()
    await service.remind(nid, 0, send, estate.config, now)
    assert sorted(g for g, _ in send.sent) == [g1, g3]
    send.sent.clear()
    stale = now + service.STALE_CLAIM + timedelta(seconds=1)
    await service.publish(nid, send, estate.config, stale)
    assert [g for g, _ in send.sent] == [g1]
    assert await service.sent_once(nid)


async def test_local_times_compare_right_in_the_database(estate: Estate) -> None:
    """Times in the estate's zone (+08:00) against rows stored in UTC."""
    from plugins.notices import service

    now = datetime.now(TZ)
    assert (await _create(estate, "一条", now)).error is None
    week = timedelta(days=7)
    minute = timedelta(minutes=1)
    assert await service.cap_reached(estate.g(1), now + week - minute, 1, week)
    assert not await service.cap_reached(estate.g(1), now + week + minute, 1, week)
    assert await service.cap_reached(estate.g(1), now - week + minute, 1, week)
    assert not await service.cap_reached(estate.g(1), now - week - minute, 1, week)
