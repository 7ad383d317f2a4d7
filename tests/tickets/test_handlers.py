"""The commands and the 【问题】 hook through NoneBot (nonebug) and core's
router: replies, permissions, usage lines, and what is handed to the send
queue."""

from __future__ import annotations

import itertools
import re

import pytest
from nonebot.adapters.onebot.v11 import Message, MessageSegment
from nonebug import App

from tests.helpers import (
    Capture,
    expect_reply,
    group_message,
    private_message,
    routed,
    v11_bot,
)

_estates = itertools.count(1)


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch, override_config) -> list:
    """A config with a fresh estate and the clock always running; the messages
    the handlers hand to the send queue."""
    from plugins.tickets import resident, staff

    outbox: list = []
    override_config(
        tickets={
            "estate": f"handlers-{next(_estates)}-{id(outbox)}",
            "service_hours": {"start": "00:00", "end": "24:00"},
        }
    )
    monkeypatch.setattr(resident, "deliver", outbox.extend)
    monkeypatch.setattr(staff, "deliver", outbox.extend)
    return outbox


async def _report(app: App, text: str = "/报修 3栋2单元楼道灯坏了 13812345678") -> int:
    replies: list[str] = []
    await expect_reply(
        app, "tickets", group_message(text), Capture(lambda s: "已收到" in s, replies)
    )
    return int(re.search(r"#(\d{4})", replies[-1]).group(1))


async def test_report_replies_with_the_number_and_sends_the_card(
    app: App, sent: list
) -> None:
    n = await _report(app)
    assert n == 1
    [card] = sent
    assert card.target == "qq:2000" and "13812345678" in card.text
    assert "3栋2单元" in card.text and "张三" in card.text


async def test_free_format_report_in_a_residents_group(app: App, sent: list) -> None:
    replies: list[str] = []
    event = group_message("【问题】3栋1单元 + 垃圾桶满了没人清 + 13912345678", user=43)
    await expect_reply(
        app, "tickets", event, Capture(lambda s: "#0001" in s and "保洁" in s, replies)
    )
    assert "139" not in replies[-1]
    assert any("13912345678" in o.text for o in sent)


async def test_private_report_and_empty_report(app: App, sent: list) -> None:
    await expect_reply(
        app,
        "tickets",
        private_message("/report 楼道灯坏了", user=44),
        Capture(lambda s: "#0001" in s),
    )
    from plugins.core import t

    await expect_reply(
        app, "tickets", group_message("/报修"), t("zh-CN", "tickets.usage.report")
    )


async def test_staff_commands_are_refused_to_residents(app: App, sent: list) -> None:
    from plugins.core import t

    await _report(app)
    denied = t("zh-CN", "core.denied", role=t("zh-CN", "core.role.staff"))
    await expect_reply(app, "tickets", group_message("/接单 1"), denied)
    await expect_reply(app, "tickets", group_message("/工单 统计"), denied)


async def test_the_staff_loop_through_the_router(app: App, sent: list) -> None:
    from plugins.core import t

    n = await _report(app)
    sent.clear()
    await expect_reply(
        app,
        "tickets",
        group_message(f"/接单 {n}", group=2000, user=7, card="李师傅"),
        Capture(lambda s: s.startswith("已受理 #0001") and "李师傅" in s),
    )
    [notice] = sent
    assert (notice.target, notice.mention) == ("qq:1000", "qq:42")

    event = group_message(f"/派单 {n} ", group=2000, user=7)
    message = Message(f"/派单 {n} ") + MessageSegment.at(8)
    event.message = event.original_message = message
    sent.clear()
    await expect_reply(app, "tickets", event, Capture(lambda s: "已把 #0001 派给" in s))
    assert [o.mention for o in sent if o.target == "qq:2000"] == ["qq:8"]

    await expect_reply(
        app,
        "tickets",
        group_message("/进展", group=2000, user=7),
        t("zh-CN", "tickets.usage.progress"),
    )
    await expect_reply(
        app,
        "tickets",
        group_message(f"/挂起 {n} 等配件 2h", group=2000, user=7),
        Capture(lambda s: "已挂起" in s and "预计" in s),
    )
    await expect_reply(
        app,
        "tickets",
        group_message(f"/进展 {n} 配件到了", group=2000, user=7),
        Capture(lambda s: "已记录" in s),
    )
    sent.clear()
    await expect_reply(
        app,
        "tickets",
        group_message(f"/完成 {n} 已更换灯泡", group=2000, user=7),
        Capture(lambda s: "已请报告人评价" in s),
    )
    assert any("/评价 1" in o.text for o in sent)
    await expect_reply(
        app, "tickets", group_message(f"/评价 {n} 9"), t("zh-CN", "tickets.usage.rate")
    )
    await expect_reply(
        app,
        "tickets",
        group_message(f"/评价 {n} 5 很快"),
        Capture(lambda s: s.startswith("谢谢")),
    )
    await expect_reply(
        app,
        "tickets",
        group_message(f"/工单 {n}", user=50),
        Capture(lambda s: "已评价" in s and "13812345678" not in s),
    )
    await expect_reply(
        app,
        "tickets",
        group_message("/工单 统计 本周", group=2000, user=7),
        Capture(lambda s: s.startswith("【工单统计】本周") and "工单 1 件" in s),
    )
    await expect_reply(
        app, "tickets", group_message("/我的工单"), Capture(lambda s: "#0001" in s)
    )


async def test_english_group(app: App, sent: list) -> None:
    await expect_reply(
        app,
        "tickets",
        group_message("/report the lift is broken", group=3000, user=45),
        Capture(lambda s: s.startswith("[Repair] Received: ticket #0001 (Lifts")),
    )


async def test_disabled_in_a_group(app: App, sent: list, override_config) -> None:
    """Tickets off in the group: neither the commands nor the free format answer
    (the router falls through, nothing is sent or handed to the queue)."""
    from plugins.core import store

    override_config(groups={"qq:1000": {"tickets": {"enabled": False}}})
    assert not store.current.section("tickets", "qq:1000").enabled
    for text in (
        "/报修 楼道灯坏了",
        "/工单 1",
        "/接单 1",
        "【问题】3栋1单元 + 垃圾桶满了没人清 + 13912345678",
    ):
        async with routed(app, "tickets") as ctx:
            bot = v11_bot(ctx)
            ctx.receive_event(bot, group_message(text))
    assert sent == []


async def test_free_format_is_not_taken_in_the_staff_group(
    app: App, sent: list
) -> None:
    async with routed(app, "tickets") as ctx:
        bot = v11_bot(ctx)
        event = group_message(
            "【问题】3栋1单元 + 垃圾桶满了没人清 + 13912345678", group=2000, user=7
        )
        ctx.receive_event(bot, event)
    assert sent == []


async def test_a_report_without_a_place_is_offered_to_staff_not_merged(
    app: App, sent: list
) -> None:
    """Seen by users: an English report about building 5 was merged into 3栋's
    #0001, and a report without a place into any lift ticket."""
    await _report(app, "/报修 电梯坏了")  # 3-2-201 in 3栋's group: #0001
    sent.clear()
    await expect_reply(
        app,
        "tickets",
        group_message(
            "/report the lift in building 5 is broken", group=3000, card="nick"
        ),
        Capture(
            lambda s: s.startswith("[Repair] Received: ticket #0002 (Lifts, Bldg 5")
        ),
    )
    [card] = sent
    assert card.target == "qq:2000" and "是不是" not in card.text
    sent.clear()
    await expect_reply(
        app,
        "tickets",
        group_message("/report the lift is broken", group=3000, user=46, card="nick"),
        Capture(lambda s: "ticket #0003" in s and "follow" not in s),
    )
    [card] = sent
    assert "是不是 #0002、#0001？" in card.text and "/合并 3 2" in card.text
    await expect_reply(
        app,
        "tickets",
        group_message("/合并 3 2", group=2000, user=7),
        Capture(lambda s: s.startswith("#0003 已合并到 #0002")),
    )


async def test_every_follower_in_the_group_is_mentioned(app: App, sent: list) -> None:
    await _report(app, "/报修 电梯坏了")
    await expect_reply(
        app,
        "tickets",
        group_message("/报修 电梯又停了", user=43, card="3-2-502 李四"),
        Capture(lambda s: "#0001" in s and "已为您关注" in s),
    )
    sent.clear()
    await expect_reply(
        app,
        "tickets",
        group_message("/接单 1", group=2000, user=7, card="李师傅"),
        Capture(lambda s: s.startswith("已受理 #0001")),
    )
    [notice] = sent
    assert (notice.target, notice.mention) == ("qq:1000", ("qq:42", "qq:43"))


async def test_ticket_history_is_in_the_groups_language(app: App, sent: list) -> None:
    """Seen by users: "时限提醒: acknowledge", "超时升级: acknowledge L2"."""
    from datetime import UTC, datetime

    from plugins.core import store
    from plugins.tickets.models import Ticket, TicketEvent

    await _report(app)
    estate = store.current.section("tickets").estate
    ticket = await Ticket.get(estate=estate, number=1)
    now = datetime.now(UTC)
    for action, note in (("nudge", "acknowledge"), ("escalate", "acknowledge L2")):
        await TicketEvent.create(
            ticket_id=ticket.id, at=now, actor="linli", action=action, note=note
        )

    def chinese(text: str) -> bool:
        return (
            "接单时限提醒" in text
            and "接单超时，升级到二级" in text
            and "acknowledge" not in text
            and "L2" not in text
        )

    def english(text: str) -> bool:
        return (
            "acknowledgement deadline reminder" in text
            and "acknowledgement overdue, escalated to level 2" in text
            and "L2" not in text
        )

    await expect_reply(
        app, "tickets", group_message("/工单 1", user=50), Capture(chinese)
    )
    await expect_reply(
        app,
        "tickets",
        group_message("/ticket 1", group=3000, user=51),
        Capture(english),
    )
