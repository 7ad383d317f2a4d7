"""The life of a ticket through the service, with explicit times."""

from __future__ import annotations

import asyncio

from tests.tickets.support import (
    RESIDENTS,
    STAFF,
    T0,
    make_env,
    minutes,
    resident,
    staff,
    texts,
)


async def _ticket(env, n: int):
    from plugins.tickets.models import Ticket

    return await Ticket.get(estate=env.section().estate, number=n)


async def test_report_gets_a_number_a_receipt_and_a_staff_card() -> None:
    from plugins.tickets import service

    env = make_env()
    out = await service.report(
        env, resident(), "3栋2单元楼道灯坏了，电话 138 1234 5678", now=T0
    )
    assert out.ok
    assert "#0001" in out.reply and "09:05" in out.reply  # acknowledge in 5 min
    assert "138" not in out.reply
    card = texts(out.outbox, STAFF)
    assert len(card) == 1
    assert "13812345678" in card[0] and "#0001" in card[0] and "/接单 1" in card[0]
    ticket = await _ticket(env, 1)
    assert (ticket.category, ticket.priority, ticket.status) == (
        "水电",
        "normal",
        "new",
    )
    assert (ticket.building, ticket.unit, ticket.room) == ("3", "2", None)
    assert ticket.contact == "13812345678"
    assert ticket.description == "3栋2单元楼道灯坏了"
    second = await service.report(env, resident("qq:43"), "5栋垃圾没人清", now=T0)
    assert "#0002" in second.reply


async def test_numbers_are_sequential_under_concurrent_reports() -> None:
    from plugins.tickets import service
    from plugins.tickets.models import Ticket

    env = make_env()
    await asyncio.gather(
        *(
            service.report(
                env, resident(f"qq:{500 + i}", household=None), f"问题{i}", now=T0
            )
            for i in range(8)
        )
    )
    numbers = await Ticket.filter(estate=env.section().estate).values_list(
        "number", flat=True
    )
    assert sorted(numbers) == list(range(1, 9))


async def test_report_at_night_is_due_next_morning_but_p1_pages_at_once() -> None:
    from plugins.tickets import service

    env = make_env()
    night = T0.replace(hour=23)
    normal = await service.report(env, resident(), "楼道灯坏了", now=night)
    assert "08:05" in normal.reply
    urgent = await service.report(
        env, resident("qq:44", household=("3", "1", "101")), "电梯困人了！", now=night
    )
    assert "值班" in urgent.reply
    ticket = await _ticket(env, 2)
    assert ticket.priority == "p1" and ticket.hours == "always"
    assert ticket.ack_due_at == night + minutes(1)
    pages = [o for o in urgent.outbox if o.private]
    assert [p.target for p in pages] == ["qq:900"]
    mentions = [o.mention for o in urgent.outbox if o.target == STAFF]
    assert mentions.count("qq:900") == 1  # the page; the card has no mention


async def test_same_problem_same_place_is_linked_and_followed() -> None:
    from plugins.tickets import service
    from plugins.tickets.models import Subscriber, Ticket

    env = make_env()
    await service.report(env, resident(), "电梯坏了", now=T0)  # 3-2-201
    other = resident("qq:43", name="3-2-502 李四", household=("3", "2", "502"))
    out = await service.report(env, other, "电梯又停了", now=T0 + minutes(10))
    assert "#0001" in out.reply and "关注" in out.reply
    assert any("共 2 人" in text for text in texts(out.outbox, STAFF))
    ticket = await _ticket(env, 1)
    assert await Subscriber.filter(ticket_id=ticket.id).count() == 2
    # another building's lift is another ticket
    far = resident("qq:45", household=("5", "1", "101"))
    out = await service.report(env, far, "电梯坏了", now=T0 + minutes(11))
    assert "#0002" in out.reply
    # after the window, a new ticket
    late = resident("qq:46", household=("3", "2", "301"))
    out = await service.report(env, late, "电梯坏了", now=T0 + minutes(60 * 25))
    assert "#0003" in out.reply
    assert await Ticket.filter(estate=env.section().estate).count() == 3
    # the reporter of the duplicate hears about changes too
    ack = await service.acknowledge(env, staff(), 1, now=T0 + minutes(12))
    [post] = ack.outbox  # one post in the group, mentioning both
    assert (post.target, post.mention) == (RESIDENTS, ("qq:42", "qq:43"))


async def test_the_whole_loop_reaches_the_reporter_masked() -> None:
    from plugins.tickets import service

    env = make_env()
    await service.report(env, resident(), "3栋2单元楼道灯坏了 13812345678", now=T0)

    out = await service.acknowledge(env, staff(), 1, now=T0 + minutes(3))
    assert "已受理 #0001" in out.reply
    [notice] = out.outbox
    assert (notice.target, notice.mention) == (RESIDENTS, "qq:42")
    assert "已受理" in notice.text and "李师傅" in notice.text

    out = await service.dispatch(env, staff(), 1, "qq:8", "张师傅", now=T0 + minutes(4))
    assert [o.mention for o in out.outbox if o.target == STAFF] == ["qq:8"]
    assert any("张师傅" in text for text in texts(out.outbox, RESIDENTS))

    out = await service.progress(
        env, staff(), 1, "已到场，师傅电话 13987654321", now=T0 + minutes(30)
    )
    [notice] = out.outbox
    assert "139****4321" in notice.text and "13987654321" not in notice.text

    out = await service.resolve(env, staff(), 1, "已更换灯泡", now=T0 + minutes(60))
    [notice] = out.outbox
    assert "/评价 1" in notice.text and "/未解决 1" in notice.text

    out = await service.rate(env, resident(), 1, 5, "很快", now=T0 + minutes(70))
    assert out.ok and "#0001" in out.reply and out.outbox == []
    ticket = await _ticket(env, 1)
    assert (ticket.status, ticket.rating) == ("rated", 5)
    assert ticket.first_response_at == T0 + minutes(3)


async def test_illegal_steps_are_refused_clearly() -> None:
    from plugins.tickets import service

    env = make_env()
    await service.report(env, resident(), "楼道灯坏了", now=T0)
    out = await service.rate(env, resident(), 1, 5, now=T0 + minutes(1))
    assert not out.ok and out.reply == "#0001 现在是「待受理」，不能评价。"
    await service.acknowledge(env, staff(), 1, now=T0 + minutes(2))
    out = await service.acknowledge(env, staff("qq:9"), 1, now=T0 + minutes(3))
    assert out.reply == "#0001 现在是「已受理」，不能接单。"
    out = await service.acknowledge(env, staff(), 99, now=T0)
    assert out.reply == "没有找到工单 #0099，请核对编号。"
    out = await service.rate(env, resident("qq:43"), 1, 5, now=T0 + minutes(3))
    assert not out.ok
    out = await service.transfer(env, staff(), 1, "快递", now=T0)
    assert "没有「快递」这个分类" in out.reply


async def test_low_rating_alerts_level_one() -> None:
    from plugins.tickets import service

    env = make_env()
    await service.report(env, resident(), "楼道灯坏了", now=T0)
    await service.resolve(env, staff(), 1, "已修好", now=T0 + minutes(5))
    out = await service.rate(env, resident(), 1, 2, "还是很暗", now=T0 + minutes(9))
    [alert] = out.outbox
    assert (alert.target, alert.mention) == (STAFF, "qq:600")
    assert "2 分" in alert.text and "还是很暗" in alert.text


async def test_reopen_within_the_grace_period_only() -> None:
    from plugins.tickets import service

    env = make_env()
    await service.report(env, resident(), "楼道灯坏了", now=T0)
    await service.acknowledge(env, staff(), 1, now=T0 + minutes(1))
    await service.resolve(env, staff(), 1, "已修好", now=T0 + minutes(5))
    out = await service.reopen(env, resident(), 1, "还是不亮", now=T0 + minutes(60))
    assert out.ok
    [alert] = out.outbox
    assert alert.mention == "qq:7" and "还是不亮" in alert.text
    ticket = await _ticket(env, 1)
    assert (ticket.status, ticket.reopen_count) == ("in_progress", 1)
    await service.resolve(env, staff(), 1, "换了线路", now=T0 + minutes(90))
    later = T0 + minutes(90) + minutes(60 * 24 * 8)
    out = await service.reopen(env, resident(), 1, now=later)
    assert not out.ok and "请重新报修" in out.reply
    out = await service.reopen(env, resident("qq:77"), 1, now=T0 + minutes(100))
    assert not out.ok


async def test_transfer_goes_back_to_new_for_the_other_team() -> None:
    from plugins.tickets import service

    env = make_env()
    await service.report(env, resident(), "楼道灯坏了", now=T0)
    await service.acknowledge(env, staff(), 1, now=T0 + minutes(1))
    out = await service.transfer(env, staff(), 1, "安保", now=T0 + minutes(2))
    assert out.ok and "安保" in out.reply
    assert any("#0001" in text for text in texts(out.outbox, STAFF))  # a new card
    ticket = await _ticket(env, 1)
    assert (ticket.category, ticket.status, ticket.assignee) == ("安保", "new", None)
    assert ticket.ack_due_at == T0 + minutes(7)


async def test_reject_and_merge_tell_the_reporters() -> None:
    from plugins.tickets import service
    from plugins.tickets.models import Subscriber

    env = make_env()
    await service.report(env, resident(), "楼道灯坏了", now=T0)
    await service.report(
        env,
        resident("qq:43", household=("3", "1", "101")),
        "3栋1单元101 水管漏水",
        now=T0,
    )
    out = await service.merge(env, staff(), 2, 1, now=T0 + minutes(2))
    assert out.ok
    [notice] = out.outbox
    assert notice.mention == "qq:43" and "#0001" in notice.text
    first = await _ticket(env, 1)
    assert await Subscriber.filter(ticket_id=first.id).count() == 2
    out = await service.merge(env, staff(), 1, 1, now=T0)
    assert not out.ok
    out = await service.reject(env, staff(), 1, "属于室内自修", now=T0 + minutes(3))
    assert len(out.outbox) == 1  # both followers are in one group: one post
    assert "属于室内自修" in out.outbox[0].text
    out = await service.merge(env, staff(), 2, 1, now=T0 + minutes(4))
    assert not out.ok


async def test_no_rating_closes_automatically() -> None:
    from plugins.tickets import service

    env = make_env()
    await service.report(env, resident(), "楼道灯坏了", now=T0)
    await service.resolve(env, staff(), 1, "已修好", now=T0 + minutes(5))
    ticket = await _ticket(env, 1)
    out = await service.auto_close(env, ticket.id, now=T0 + minutes(60 * 48 + 5))
    assert len(out) == 1 and "自动关闭" in out[0].text
    assert (await _ticket(env, 1)).status == "closed"
    assert await service.auto_close(env, ticket.id) == []  # runs once


async def test_private_report_back() -> None:
    from plugins.tickets import service

    env = make_env("  report_back: private")
    await service.report(env, resident(), "楼道灯坏了", now=T0)
    out = await service.acknowledge(env, staff(), 1, now=T0 + minutes(1))
    [notice] = out.outbox
    assert notice.private and notice.target == "qq:42"


async def test_show_and_lists_mask_outside_the_staff_group() -> None:
    from plugins.tickets import service

    env = make_env()
    await service.report(env, resident(), "楼道灯坏了 13812345678", now=T0)
    await service.acknowledge(env, staff(), 1, now=T0 + minutes(1))
    shown = await service.show(env, resident("qq:50"), 1, staff=False, now=T0)
    assert "已受理" in shown.reply and "13812345678" not in shown.reply
    full = await service.show(env, staff(), 1, staff=True, now=T0)
    assert "13812345678" in full.reply and "接单" in full.reply
    mine = await service.mine(env, resident())
    assert "#0001" in mine.reply
    empty = await service.mine(env, resident("qq:51"))
    assert "还没有" in empty.reply
    listing = await service.open_tickets(env, staff())
    assert "共 1 件" in listing.reply


async def test_images_are_kept_and_shown_to_staff() -> None:
    from plugins.tickets import service

    env = make_env()
    photo = "https://img.example/1.jpg"
    out = await service.report(env, resident(images=(photo,)), "楼道灯坏了", now=T0)
    [card] = texts(out.outbox, STAFF)
    assert "图片 1 张" in card and photo in card
    after = "https://img.example/done.jpg"
    await service.resolve(env, staff(images=(after,)), 1, "已更换", now=T0)
    assert (await _ticket(env, 1)).images == [photo, after]


async def test_without_a_staff_group_the_on_call_people_get_the_card() -> None:
    from plugins.tickets import service

    env = make_env()
    env.config.groups.pop(STAFF)
    out = await service.report(env, resident(), "楼道灯坏了", now=T0)
    assert [(o.target, o.private) for o in out.outbox] == [("qq:900", True)]


async def test_times_are_stored_in_utc() -> None:
    """SQLite compares stored times as text: every time must be stored in UTC."""
    from datetime import UTC

    from plugins.tickets import service
    from plugins.tickets.models import Ticket

    env = make_env()
    await service.report(env, resident(), "楼道灯坏了", now=T0)  # T0 is +08:00
    estate = env.section().estate
    limit = (T0 + minutes(10)).astimezone(UTC)
    assert await Ticket.filter(estate=estate, ack_due_at__lte=limit).count() == 1
    assert await Ticket.filter(estate=estate, created_at__lt=limit).count() == 1
