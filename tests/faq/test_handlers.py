"""faq's hook and command through NoneBot (nonebug), asserting every reply exactly."""

from __future__ import annotations

import re

import pytest
from nonebot.adapters.onebot.v11 import Message, MessageSegment
from nonebug import App

from tests.helpers import (
    SELF_ID,
    Like,
    group_message,
    new_group_id,
    private_message,
    routed,
    router,
    section_config,
    v11_bot,
    v12_bot,
    v12_group_message,
    zh,
)

pytestmark = pytest.mark.usefixtures("faq_config")


def _answer(key: str) -> str:
    section = section_config("faq", shipped=True)
    keys = [e.id for e in section.entries]
    return section.entries[keys.index(key)].answer.strip()


def _with(message: Message, **kwargs):
    event = group_message("x", **kwargs)
    event.message = event.original_message = message
    event.raw_message = str(message)
    return event


async def test_a_default_question_is_answered_and_a_chat_is_not(app: App) -> None:
    group = new_group_id()
    async with routed(app, "faq") as ctx:
        bot = v11_bot(ctx)
        event = group_message("请问物业电话是多少？", group=group)
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, _answer("物业电话"), result={"message_id": 1})
        ctx.should_finished(router())
        ctx.receive_event(bot, group_message("今天天气真好", group=group))
        ctx.receive_event(bot, group_message("收到", group=group))


async def test_cooldown_points_to_the_earlier_answer(app: App) -> None:
    group = new_group_id()
    async with routed(app, "faq") as ctx:
        bot = v11_bot(ctx)
        first = group_message("健身房几点开门？", group=group, user=51)
        ctx.receive_event(bot, first)
        ctx.should_call_send(first, _answer("健身房"), result={"message_id": 9001})
        ctx.should_finished(router())
        second = group_message("健身房开放时间是几点", group=group, user=52)
        ctx.receive_event(bot, second)
        ctx.should_call_api(
            "send_group_msg",
            {
                "group_id": group,
                "message": MessageSegment.reply(9001)
                + MessageSegment.text(zh("faq.cooldown.pointer")),
            },
            result={"message_id": 9002},
        )
        ctx.should_finished(router())
        ctx.receive_event(bot, group_message("健身房几点开？", group=group, user=53))


async def test_stickers_images_cards_commands_and_own_messages_are_ignored(
    app: App,
) -> None:
    group = new_group_id()
    question = "物业电话是多少？"
    async with routed(app, "faq") as ctx:
        bot = v11_bot(ctx)
        ctx.receive_event(
            bot,
            _with(
                MessageSegment.text(question) + MessageSegment.image("a.jpg"),
                group=group,
            ),
        )
        ctx.receive_event(
            bot,
            _with(MessageSegment.text(question) + MessageSegment.face(14), group=group),
        )
        ctx.receive_event(
            bot,
            _with(Message(MessageSegment("json", {"data": question})), group=group),
        )
        ctx.receive_event(
            bot, _with(Message(MessageSegment("forward", {"id": "1"})), group=group)
        )
        ctx.receive_event(bot, group_message("／物业电话是多少", group=group))
        ctx.receive_event(bot, group_message(question, group=group, user=int(SELF_ID)))
        # and the same text alone is answered
        event = group_message(question, group=group)
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, _answer("物业电话"), result={"message_id": 2})
        ctx.should_finished(router())


async def test_staff_group_is_not_answered_but_private_chat_is(app: App) -> None:
    async with routed(app, "faq") as ctx:
        bot = v11_bot(ctx)
        ctx.receive_event(bot, group_message("停车费多少钱？", group=2000, user=61))
        event = private_message("停车费多少钱？", user=62)
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, _answer("停车费"), result={"message_id": 3})
        ctx.should_finished(router())


async def test_suggestion_then_number(app: App) -> None:
    group = new_group_id()
    async with routed(app, "faq") as ctx:
        bot = v11_bot(ctx)
        ask = group_message("门卡怎么弄？", group=group, user=71)
        ctx.receive_event(bot, ask)
        ctx.should_call_send(
            ask,
            "\n".join(
                [
                    zh("faq.suggest.header"),
                    zh("faq.suggest.item", n=1, question="门禁卡怎么办理"),
                    zh("faq.suggest.footer"),
                ]
            ),
            result={"message_id": 4},
        )
        ctx.should_finished(router())
        ctx.receive_event(bot, group_message("1", group=group, user=72))  # not theirs
        pick = group_message("1", group=group, user=71)
        ctx.receive_event(bot, pick)
        ctx.should_call_send(pick, _answer("门禁卡"), result={"message_id": 5})
        ctx.should_finished(router())


async def test_fault_hint_and_unknown_when_mentioned(app: App) -> None:
    group = new_group_id()
    async with routed(app, "faq") as ctx:
        bot = v11_bot(ctx)
        fault = group_message("3栋2单元楼道灯不亮了", group=group, user=81)
        ctx.receive_event(bot, fault)
        ctx.should_call_send(fault, zh("faq.fault.hint"), result={"message_id": 6})
        ctx.should_finished(router())
        mention = group_message("小区有几个门", group=group, user=82)
        mention.to_me = True
        ctx.receive_event(bot, mention)
        ctx.should_call_send(mention, zh("faq.unknown"), result={"message_id": 7})
        ctx.should_finished(router())


async def test_teach_answer_edit_undo_in_chat(app: App) -> None:
    group = new_group_id()
    admin = {"group": group, "user": 91, "role": "admin", "card": "物业 王经理"}
    added = Like(
        re.escape(zh("faq.added", key="KEY", question="桂花树什么时候打药")).replace(
            "KEY", r"\d+"
        )
    )
    async with routed(app, "faq") as ctx:
        bot = v11_bot(ctx)
        teach = group_message(
            "/问答 添加 桂花树什么时候打药 / 桂花树打药时间 | 每月 15 日上午。", **admin
        )
        ctx.receive_event(bot, teach)
        ctx.should_call_send(teach, added, result={"message_id": 10})
        ctx.should_finished(router())
    key = re.search(r"\d+", added.text)[0]

    async with routed(app, "faq") as ctx:
        bot = v11_bot(ctx)
        ask = group_message("桂花树什么时候打药？", group=group, user=92)
        ctx.receive_event(bot, ask)
        ctx.should_call_send(ask, "每月 15 日上午。", result={"message_id": 11})
        ctx.should_finished(router())
        edit = group_message(
            f"/问答 修改 {key} 改为每月 20 日上午，\n请关好窗。", **admin
        )
        ctx.receive_event(bot, edit)
        ctx.should_call_send(edit, zh("faq.edited", key=key), result={"message_id": 12})
        ctx.should_finished(router())

    other = new_group_id()  # past the cooldown of the first group
    async with routed(app, "faq") as ctx:
        bot = v11_bot(ctx)
        ask = group_message("桂花树打药时间？", group=other, user=93)
        ctx.receive_event(bot, ask)
        ctx.should_call_send(
            ask, "改为每月 20 日上午，\n请关好窗。", result={"message_id": 13}
        )
        ctx.should_finished(router())
        undo = group_message(f"/问答 撤销 {key}", **admin)
        ctx.receive_event(bot, undo)
        ctx.should_call_send(
            undo,
            zh("faq.undone", key=key, action=zh("faq.action.edit")),
            result={"message_id": 14},
        )
        ctx.should_finished(router())

    async with routed(app, "faq") as ctx:
        bot = v11_bot(ctx)
        ask = group_message("桂花树什么时候打药", group=new_group_id(), user=94)
        ctx.receive_event(bot, ask)
        ctx.should_call_send(ask, "每月 15 日上午。", result={"message_id": 15})
        ctx.should_finished(router())
        history = group_message(f"/问答 历史 {key}", **admin)
        ctx.receive_event(bot, history)
        ctx.should_call_send(
            history,
            Like(
                re.escape(zh("faq.history.header", key=key))
                + r"\n1\. .* 物业 王经理 添加 每月 15 日上午。"
                + r"\n2\. .* 物业 王经理 修改 改为每月 20 日上午， 请关好窗。"
                + re.escape(zh("faq.history.undone"))
                + r"\n3\. .* 物业 王经理 撤销 每月 15 日上午。"
            ),
            result={"message_id": 16},
        )
        ctx.should_finished(router())


async def test_residents_cannot_use_the_admin_commands(app: App) -> None:
    from plugins.core import t

    async with routed(app, "faq") as ctx:
        bot = v11_bot(ctx)
        event = group_message("/问答 添加 a | b", group=new_group_id(), role="member")
        ctx.receive_event(bot, event)
        ctx.should_call_send(
            event,
            t("zh-CN", "core.denied", role=t("zh-CN", "core.role.staff")),
            result=None,
        )
        ctx.should_finished(router())


async def test_malformed_commands_get_a_usage_line(app: App) -> None:
    admin = {"group": new_group_id(), "user": 95, "role": "admin"}
    async with routed(app, "faq") as ctx:
        bot = v11_bot(ctx)
        for text, key in [
            ("/问答 添加 只有问题没有答案", "faq.usage.add"),
            ("/faq edit", "faq.usage.edit"),
            ("/问答 修改 12", "faq.usage.edit"),
            ("/问答 删除", "faq.usage.delete"),
            ("/问答", "faq.help.usage"),
            ("/问答 删除 98765", "faq.not_found"),
        ]:
            event = group_message(text, **admin)
            ctx.receive_event(bot, event)
            ctx.should_call_send(event, zh(key, key="98765"), result=None)
            ctx.should_finished(router())


async def test_unanswered_list_and_entry_list(app: App) -> None:
    group = new_group_id()
    async with routed(app, "faq") as ctx:
        bot = v11_bot(ctx)
        for user, text in (
            (101, "电动车充电桩在哪里？"),
            (102, "请问电动车充电桩在哪里"),
        ):
            ctx.receive_event(bot, group_message(text, group=group, user=user))
        event = group_message("/问答 未答", group=group, user=103, role="admin")
        ctx.receive_event(bot, event)
        ctx.should_call_send(
            event,
            "\n".join(
                [
                    zh("faq.unanswered.header", days=30),
                    zh(
                        "faq.unanswered.item",
                        n=1,
                        text="请问电动车充电桩在哪里",
                        count=2,
                    ),
                    zh("faq.unanswered.footer"),
                ]
            ),
            result=None,
        )
        ctx.should_finished(router())
        listing = group_message(
            "/问答 列表 健身房", group=group, user=103, role="admin"
        )
        ctx.receive_event(bot, listing)
        ctx.should_call_send(
            listing,
            "\n".join(
                [
                    zh("faq.list.header_filtered", keyword="健身房", count=1),
                    zh(
                        "faq.list.item",
                        key="健身房",
                        question="健身房开放时间",
                        answer="【健身房】社区健身房开放时间：周一至周日 8:…",
                    ),
                ]
            ),
            result=None,
        )
        ctx.should_finished(router())


async def test_wechat_group_over_onebot_v12_is_answered(app: App) -> None:

    async with routed(app, "faq") as ctx:
        bot = v12_bot(ctx)
        room = f"{new_group_id()}@chatroom"
        event = v12_group_message("垃圾几点收？", group=room)
        ctx.receive_event(bot, event)
        # the 群昵称, which ComWeChat's events do not carry (its manager.py)
        ctx.should_call_api(
            "wx.get_groupmember_nickname",
            {"group_id": room, "user_id": "wxid_a"},
            result="3-2-201 张三",
        )
        ctx.should_call_send(event, _answer("垃圾分类"), result={"message_id": "m1"})
        ctx.should_finished(router())
