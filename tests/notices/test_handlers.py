"""/通知, /确认 and the bare "1" through NoneBot (nonebug), exact replies."""

from __future__ import annotations

import re

import pytest
from nonebot.adapters.onebot.v11 import Message
from nonebug import App

from tests.helpers import (
    Like,
    expect_reaction,
    group_message,
    new_group_id,
    private_message,
    routed,
    router,
    v11_bot,
    zh,
)

CONFIG = """
core:
  admins: ["qq:500"]
  scheduler:
    poll_seconds: 0.2
groups:
  "qq:{b1}":
    name: 3栋业主群
    building: "3"
    tags: [3栋, 老年]
  "qq:{b2}":
    name: 5栋业主群
    building: "5"
  "qq:{b3}":
    name: 老年活动群
    role: notice
    tags: [老年]
"""


@pytest.fixture
def groups(override_config) -> tuple[int, int, int]:
    """Three fresh groups in a loaded config; the test config comes back after."""
    ids = (new_group_id(), new_group_id(), new_group_id())
    override_config(CONFIG.format(b1=ids[0], b2=ids[1], b3=ids[2]), base=None)
    return ids


def _post(ctx, group: int, text, mid: int = 1) -> None:
    message = text if isinstance(text, Like) else Message(text)
    ctx.should_call_api(
        "send_group_msg",
        {"group_id": group, "message": message},
        result={"message_id": mid},
    )


async def _next_id() -> int:
    from plugins.notices.models import Notice

    last = await Notice.all().order_by("-id").first()
    return (last.id if last else 0) + 1


def _posted(nid: int, count: int, *more: str) -> str:
    return "\n".join(
        [
            zh("notices.posted", id=nid, count=count),
            *more,
            zh("notices.cancel_hint", id=nid),
        ]
    )


async def test_resident_is_refused(app: App, groups) -> None:
    g1, _, _ = groups
    async with routed(app, "notices") as ctx:
        bot = v11_bot(ctx)
        event = group_message("/通知 明天停水", group=g1, user=42)
        ctx.receive_event(bot, event)
        ctx.should_call_send(
            event, zh("core.denied", role=zh("core.role.admin")), result=None
        )
        ctx.should_finished(router())


async def test_usage_and_malformed(app: App, groups) -> None:
    g1, _, _ = groups
    cases = [
        ("/通知", zh("notices.help.usage")),
        ("/通知 紧急", zh("notices.usage")),
        ("/通知 统计", zh("notices.bad_number")),
        ("/通知 定时 某天 停水", zh("notices.bad_time", text="某天 停水")),
        ("/通知 取消 999999", zh("notices.not_found", id=999999)),
        ("/通知 #没有这个标签 讲座", zh("notices.no_targets", targets="#没有这个标签")),
        ("/通知 @9栋 讲座", zh("notices.no_targets", targets="@9栋")),
    ]
    for text, reply in cases:
        async with routed(app, "notices") as ctx:
            bot = v11_bot(ctx)
            event = group_message(text, group=g1, user=500)
            ctx.receive_event(bot, event)
            ctx.should_call_send(event, reply, result=None)
            ctx.should_finished(router())


async def test_admin_posts_in_the_seed_format(app: App, groups) -> None:
    from plugins.core.models import Job
    from plugins.notices.service import publish_key

    g1, _, _ = groups
    text = (
        "/通知 标题：关于本周六社区义诊活动\n时间：另行通知\n"
        "地点：社区中心广场\n内容：免费血压、血糖检测，健康咨询\n联系人：李医生"
    )
    nid = await _next_id()
    async with routed(app, "notices") as ctx:
        bot = v11_bot(ctx)
        event = group_message(text, group=g1, user=500)
        ctx.receive_event(bot, event)
        _post(
            ctx,
            g1,
            "【通知】关于本周六社区义诊活动\n时间：另行通知\n"
            "地点：社区中心广场\n内容：免费血压、血糖检测，健康咨询\n联系人：李医生",
        )
        ctx.should_call_send(event, _posted(nid, 1), result=None)
        ctx.should_finished(router())
    # everything went out: the fallback job is cancelled
    assert not await Job.filter(key=publish_key(nid), status="pending").exists()


async def test_call_by_tag_and_by_building(app: App, groups) -> None:
    g1, g2, g3 = groups
    nid = await _next_id()
    async with routed(app, "notices") as ctx:
        bot = v11_bot(ctx)
        event = group_message("/notice #老年 健康讲座", group=g2, user=500)
        ctx.receive_event(bot, event)
        _post(ctx, g1, "【通知】健康讲座")
        _post(ctx, g3, "【通知】健康讲座")
        ctx.should_call_send(event, _posted(nid, 2), result=None)
        ctx.should_finished(router())
    async with routed(app, "notices") as ctx:
        bot = v11_bot(ctx)
        event = group_message("/通知 @5栋 电梯保养\n明天上午", group=g1, user=500)
        ctx.receive_event(bot, event)
        _post(ctx, g2, "【通知】电梯保养\n内容：明天上午")
        ctx.should_call_send(event, _posted(nid + 1, 1), result=None)
        ctx.should_finished(router())


async def test_group_admin_cannot_call_other_groups(app: App, groups) -> None:
    g1, _, _ = groups
    async with routed(app, "notices") as ctx:
        bot = v11_bot(ctx)
        event = group_message("/通知 #老年 讲座", group=g1, user=43, role="admin")
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, zh("notices.denied_other_groups"), result=None)
        ctx.should_finished(router())


async def test_cap_then_urgent_override(app: App, groups) -> None:
    g1, _, _ = groups
    for n in range(3):
        nid = await _next_id()
        async with routed(app, "notices") as ctx:
            bot = v11_bot(ctx)
            event = group_message(f"/通知 活动{n}", group=g1, user=500)
            ctx.receive_event(bot, event)
            _post(ctx, g1, f"【通知】活动{n}")
            ctx.should_call_send(event, _posted(nid, 1), result=None)
            ctx.should_finished(router())
    async with routed(app, "notices") as ctx:
        bot = v11_bot(ctx)
        event = group_message("/通知 活动3", group=g1, user=500)
        ctx.receive_event(bot, event)
        capped = zh("notices.capped", cap=3, groups="3栋业主群")
        ctx.should_call_send(event, capped, result=None)
        ctx.should_finished(router())
    nid = await _next_id()
    async with routed(app, "notices") as ctx:
        bot = v11_bot(ctx)
        event = group_message("/通知 紧急 电梯困人，勿用2号梯", group=g1, user=500)
        ctx.receive_event(bot, event)
        _post(ctx, g1, "【紧急通知】电梯困人，勿用2号梯")
        ctx.should_call_send(event, _posted(nid, 1), result=None)
        ctx.should_finished(router())


CONFIRM_LINE = r"收到请回复 1 确认（\d+月\d+日 \d\d:\d\d 前）。"


async def test_reply_one_confirms_once_and_stats_count_households(
    app: App, groups
) -> None:
    g1, _, _ = groups
    nid = await _next_id()
    async with routed(app, "notices") as ctx:
        bot = v11_bot(ctx)
        # not a confirmation yet: nothing is open; it only makes 3-1-101 known
        early = group_message("1", group=g1, user=61, card="3-1-101 王五")
        ctx.receive_event(bot, early)  # no reply, the routing goes on
        event = group_message("/通知 确认 燃气检查", group=g1, user=500, card="物业")
        ctx.receive_event(bot, event)
        _post(ctx, g1, Like("【通知】燃气检查\n" + CONFIRM_LINE))
        hint = zh("notices.confirm_hint", id=nid)
        ctx.should_call_send(event, _posted(nid, 1, hint), result=None)
        ctx.should_finished(router())

    replies = [
        (71, "3-2-201 张三", "1"),
        (72, "3-2-201 李梅", "１"),
        (73, "5-101 孙七", "确认"),
        (74, "阿姨 13812345678", "1"),
    ]
    # each confirmation gets an "OK" reaction, not a message each (a notice
    # to 300 households stays within the group's send budget; where there are
    # no reactions the names go out as one line, tests/test_acks.py)
    for user, card, text in replies:
        event = group_message(text, group=g1, user=user, card=card)
        await expect_reaction(app, "notices", event)
    async with routed(app, "notices") as ctx:
        bot = v11_bot(ctx)
        again = group_message("1", group=g1, user=71, card="3-2-201 张三")
        ctx.receive_event(bot, again)  # already confirmed: no text, a reaction
        # NapCat's set_msg_emoji_like (packages/napcat-onebot/action/msg/
        # SetMsgEmojiLike.ts): face 124, "OK"
        ctx.should_call_api(
            "set_msg_emoji_like",
            {"message_id": again.message_id, "emoji_id": 124},
            result=None,
        )
        ctx.should_finished(router())
        other = group_message("1 楼的灯坏了", group=g1, user=75, card="3-3-301 钱")
        # not an exact "1": left to others (no reply; the stats below count 4)
        ctx.receive_event(bot, other)
        slash = group_message("/确认", group=g1, user=72, card="3-2-201 李梅")
        ctx.receive_event(bot, slash)
        ctx.should_call_send(slash, zh("notices.confirm.again"), result=None)
        ctx.should_finished(router())

    async with routed(app, "notices") as ctx:
        bot = v11_bot(ctx)
        event = group_message(f"/通知 统计 {nid}", group=g1, user=500, card="物业")
        ctx.receive_event(bot, event)
        stats = "\n".join(
            [
                zh("notices.stats.header", id=nid, title="燃气检查"),
                zh(
                    "notices.stats.total",
                    people=4,
                    households=2,
                    known=4,
                    percent="50%",
                ),
                zh(
                    "notices.stats.building",
                    building="3",
                    confirmed=1,
                    known=3,
                    percent="33%",
                ),
                zh(
                    "notices.stats.building",
                    building="5",
                    confirmed=1,
                    known=1,
                    percent="100%",
                ),
                zh("notices.stats.no_household", people=1),
            ]
        )
        ctx.should_call_send(event, stats, result=None)
        ctx.should_finished(router())


async def test_confirm_command_without_open_notice(app: App, groups) -> None:
    g1, _, _ = groups
    async with routed(app, "notices") as ctx:
        bot = v11_bot(ctx)
        event = group_message("/确认", group=g1, user=71)
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, zh("notices.confirm.none"), result=None)
        ctx.should_finished(router())


async def test_schedule_list_and_cancel(app: App, groups) -> None:
    g1, _, _ = groups
    nid = await _next_id()
    when = r"\d+月\d+日 \d\d:\d\d"
    async with routed(app, "notices") as ctx:
        bot = v11_bot(ctx)
        event = group_message("/通知 定时 2小时 楼道清理", group=g1, user=500)
        ctx.receive_event(bot, event)
        scheduled = Like(
            re.escape(zh("notices.scheduled", id=nid, when="WHEN", count=1)).replace(
                "WHEN", when
            )
            + "\n"
            + re.escape(zh("notices.cancel_hint", id=nid))
        )
        ctx.should_call_send(event, scheduled, result=None)
        ctx.should_finished(router())
    async with routed(app, "notices") as ctx:
        bot = v11_bot(ctx)
        event = group_message("/通知 列表", group=g1, user=500)
        ctx.receive_event(bot, event)
        state = zh("notices.list.scheduled", when="WHEN", groups=1)
        item = zh("notices.list.item", n=1, id=nid, title="楼道清理", state=state)
        listing = re.escape(zh("notices.list.header") + "\n" + item)
        ctx.should_call_send(event, Like(listing.replace("WHEN", when)), result=None)
        ctx.should_finished(router())
    async with routed(app, "notices") as ctx:
        bot = v11_bot(ctx)
        event = group_message(f"/通知 取消 {nid}", group=g1, user=500)
        ctx.receive_event(bot, event)
        done = zh("notices.cancelled", id=nid, title="楼道清理", reminders=0)
        ctx.should_call_send(event, done, result=None)
        again = group_message(f"/notice cancel {nid}", group=g1, user=500)
        ctx.receive_event(bot, again)
        ctx.should_call_send(
            again, zh("notices.already_cancelled", id=nid), result=None
        )
        empty = group_message("/通知 列表", group=g1, user=500)
        ctx.receive_event(bot, empty)
        ctx.should_call_send(empty, zh("notices.list.empty"), result=None)
        ctx.should_finished(router())


async def test_estate_admin_calls_groups_from_a_private_chat(app: App, groups) -> None:
    g1, _, g3 = groups
    nid = await _next_id()
    async with routed(app, "notices") as ctx:
        bot = v11_bot(ctx)
        event = private_message("/通知 #老年 重阳节敬老活动", user=500)
        ctx.receive_event(bot, event)
        _post(ctx, g1, "【通知】重阳节敬老活动")
        _post(ctx, g3, "【通知】重阳节敬老活动")
        ctx.should_call_send(event, _posted(nid, 2), result=None)
        ctx.should_finished(router())
    async with routed(app, "notices") as ctx:
        bot = v11_bot(ctx)
        event = private_message("/通知 没有说发到哪里", user=500)
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, zh("notices.need_group"), result=None)
        ctx.should_finished(router())
