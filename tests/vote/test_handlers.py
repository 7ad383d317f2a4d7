"""/投票 through NoneBot (nonebug): exact replies, in order."""

from __future__ import annotations

import pytest
from nonebug import App

from tests.helpers import (
    Capture,
    FakeQueue,
    expect_reaction,
    expect_reply,
    group_message,
    handled,
    new_group_id,
    private_message,
    routed,
    router,
    v11_bot,
)


@pytest.fixture
def queue(monkeypatch: pytest.MonkeyPatch) -> FakeQueue:
    import plugins.vote as vote_plugin

    fake = FakeQueue()
    monkeypatch.setattr(vote_plugin, "send_queue", lambda: fake)
    return fake


async def test_create_vote_by_number_change_and_results(app: App) -> None:
    g = new_group_id()
    await expect_reply(
        app,
        "vote",
        group_message(
            "/投票 小区绿化方案 方案A 方案B", group=g, user=500, role="admin"
        ),
        "【投票】#1 小区绿化方案\n1. 方案A\n2. 方案B\n"
        "单选 · 无截止时间（由发起人结束）\n直接回复选项号即可投票，例如：1",
    )
    # a bare number is acknowledged by NapCat's "OK" reaction, not a message
    # (packages/napcat-onebot/action/msg/SetMsgEmojiLike.ts): a busy vote
    # stays within the group's send budget
    await expect_reaction(app, "vote", group_message("2", group=g, user=42))
    await expect_reaction(app, "vote", group_message("１", group=g, user=42))
    await expect_reply(
        app,
        "vote",
        group_message("/投票 1 1", group=g, user=43),
        "已投票：#1 小区绿化方案 → 1. 方案A",
    )
    await expect_reply(  # there is no vote #2: "/投票 2" is option 2 of the open vote
        app,
        "vote",
        group_message("/投票 2", group=g, user=44),
        "已投票：#1 小区绿化方案 → 2. 方案B",
    )
    await expect_reply(
        app, "vote", group_message("/投票 1 1", group=g, user=44), _Any()
    )
    await expect_reply(
        app,
        "vote",
        group_message("/投票 结果", group=g, user=44),
        "【投票结果】#1 小区绿化方案（进行中）\n"
        "1. 方案A  3票 100.0% ██████████\n"
        "2. 方案B  0票 0.0% ░░░░░░░░░░\n"
        "参与：3 人",
    )
    await expect_reply(
        app,
        "vote",
        group_message("/投票 撤回", group=g, user=43),
        "已撤回你在 #1「小区绿化方案」的投票。",
    )
    await expect_reply(
        app,
        "vote",
        group_message("/投票 结束 1", group=g, user=500, role="admin"),
        "【投票结果】#1 小区绿化方案（已截止）\n"
        "1. 方案A  2票 100.0% ██████████\n"
        "2. 方案B  0票 0.0% ░░░░░░░░░░\n"
        "参与：2 人",
    )
    await expect_reply(
        app,
        "vote",
        group_message("/投票 1 2", group=g, user=45),
        "投票 #1 已经截止了。",
    )


async def test_residents_cannot_start_a_vote(app: App) -> None:
    from plugins.core import t

    denied = t("zh-CN", "core.denied", role=t("zh-CN", "core.role.staff"))
    await expect_reply(
        app, "vote", group_message("/投票 标题 A B", group=new_group_id()), denied
    )


async def test_usage_for_malformed_commands(app: App) -> None:
    from plugins.core import t

    g = new_group_id()
    await expect_reply(
        app,
        "vote",
        group_message("/投票 只有标题", group=g, role="admin"),
        t("zh-CN", "vote.usage.new"),
    )
    await expect_reply(
        app,
        "vote",
        group_message("/投票 结果", group=g),
        "现在没有进行中的投票。",
    )
    await expect_reply(
        app,
        "vote",
        group_message("/投票 9 1", group=g),
        "没有找到编号为 9 的投票。发送 /投票 列表 查看进行中的投票。",
    )


async def test_bare_numbers_only_with_exactly_one_open_vote(app: App) -> None:
    g = new_group_id()
    admin = {"group": g, "user": 500, "role": "admin"}
    assert not await handled(app, group_message("1", group=g), "vote")  # no vote open
    await expect_reply(
        app,
        "vote",
        group_message("/投票 一 A B", **admin),
        "【投票】#1 一\n1. A\n2. B\n单选 · 无截止时间（由发起人结束）\n"
        "直接回复选项号即可投票，例如：1",
    )
    # not an option of the open vote
    assert not await handled(app, group_message("3", group=g), "vote")
    assert not await handled(app, group_message("2楼漏水", group=g), "vote")
    await expect_reply(
        app,
        "vote",
        group_message("/投票 二 C D", **admin),
        "【投票】#2 二\n1. C\n2. D\n单选 · 无截止时间（由发起人结束）\n"
        "投票请发送：/投票 2 选项号",
    )
    # two votes open: a bare number is ambiguous; the member is told how to say
    # which (after the other features had their turn), not left in silence
    which = "现在有多个投票在进行，请写上编号，例如：/投票 1 选项号\n#1 一\n#2 二"
    await expect_reply(app, "vote", group_message("1", group=g), which)
    assert not await handled(app, group_message("3", group=g), "vote")  # no such option
    await expect_reply(
        app,
        "vote",
        group_message("/投票 撤回", group=g),
        which,
    )
    await expect_reply(
        app,
        "vote",
        group_message("/投票 列表", group=g),
        "【进行中的投票】\n#1 一（已有 0 人参与）\n#2 二（已有 0 人参与）\n"
        "投票：/投票 编号 选项号；看结果：/投票 结果 编号",
    )


async def test_household_replacement_tells_both_members(
    app: App, queue: FakeQueue
) -> None:
    g = new_group_id()
    await expect_reply(
        app,
        "vote",
        group_message("/投票 绿化 A B 每户一票", group=g, user=500, role="admin"),
        "【投票】#1 绿化\n1. A\n2. B\n单选 · 每户一票 · 无截止时间（由发起人结束）\n"
        "直接回复选项号即可投票，例如：1",
    )
    await expect_reaction(
        app, "vote", group_message("1", group=g, user=61, card="3-2-201 张三")
    )
    await expect_reply(
        app,
        "vote",
        group_message("2", group=g, user=62, card="3栋2单元201 李四"),
        "已投票：#1 绿化 → 2. B。本户（3-2-201）之前由 3-2-201 张三 投的票已被替换。",
    )
    assert queue.sent == [
        (
            f"qq:{g}",
            "您家（3-2-201）在投票 #1「绿化」中的票已被 3栋2单元201 李四 "
            "重新投为：2. B。每户只算一票，如有不同意见请家里商量后再投。",
            "qq:61",
        )
    ]
    await expect_reply(
        app,
        "vote",
        group_message("1", group=g, user=63, card="老王"),
        "抱歉，这个投票按户计票，我没能从你的群名片「老王」看出房号。"
        "请把群名片改成「楼栋-单元-房号 姓名」，例如：3-2-201 张三，改好后再投。",
    )


async def test_anonymous_ballot_in_the_group_is_taken_back(app: App) -> None:
    from plugins.vote.models import Vote

    g = new_group_id()
    async with routed(app, "vote") as ctx:
        bot = v11_bot(ctx)
        event = group_message(
            "/投票 评议 好 不好 匿名", group=g, user=500, role="admin"
        )
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, _Any(), result=None)
    vote = await Vote.get(group=f"qq:{g}", number=1)
    async with routed(app, "vote") as ctx:
        bot = v11_bot(ctx)
        event = group_message("2", group=g, user=71, message_id=880001)
        ctx.receive_event(bot, event)
        ctx.should_call_api("delete_msg", {"message_id": 880001}, result=None)
        ctx.should_call_send(
            event,
            f"已收到你的匿名投票（#1）。\n下次请私聊我发送「/投票 #{vote.id} 选项号」，"
            "这样群里的人看不到你的选择。",
            result=None,
        )
        ctx.should_finished(router())
    # in a private chat by #id: the voter alone sees the choice
    await expect_reply(
        app,
        "vote",
        private_message(f"/投票 #{vote.id} 1", user=71),
        "已收到你的匿名投票（#1），之前的选择已作废。\n"
        "你的选择：1. 好（只有你自己看得到这条私聊消息）",
    )
    await expect_reply(
        app,
        "vote",
        private_message(f"/投票 #{vote.id} 1", user=72),
        "我还没见过你在这个投票的群里发言，请先在群里说一句话，再私聊我投票。",
    )


async def test_english_group(app: App) -> None:
    from plugins.vote import service
    from plugins.vote.models import Vote

    capture = Capture()
    event = group_message("/vote new Garden A B until 2h", group=3000, role="admin")
    await expect_reply(app, "vote", event, capture)
    vote = await Vote.filter(group="qq:3000").order_by("-id").first()
    await service.close(vote.id)  # qq:3000 is shared with other tests
    lines = capture.text.splitlines()
    assert lines[0] == f"[Vote] #{vote.number} Garden"
    assert lines[1:3] == ["1. A", "2. B"]
    assert lines[3].startswith("one choice · closes ")
    assert lines[4] in (
        "Reply with the option number to vote, e.g. 1",
        f"To vote, send: /vote {vote.number} <option>",
    )


class _Any:
    def __eq__(self, other: object) -> bool:
        return True

    def __ne__(self, other: object) -> bool:
        return False

    __hash__ = None  # type: ignore[assignment]


async def test_private_list_and_results_by_id(app: App) -> None:
    from plugins.vote.models import Vote

    g = new_group_id()
    async with routed(app, "vote") as ctx:
        bot = v11_bot(ctx)
        event = group_message("/投票 评议 好 不好", group=g, user=500, role="admin")
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, _Any(), result=None)
    vote = await Vote.get(group=f"qq:{g}", number=1)
    await expect_reaction(app, "vote", group_message("2", group=g, user=81))
    await expect_reply(
        app,
        "vote",
        private_message("/投票", user=81),
        f"【进行中的投票】\n#{vote.id} 评议（qq:{g}，已有 1 人参与）\n"
        "投票：/投票 #编号 选项号；看结果：/投票 结果 #编号",
    )
    await expect_reply(
        app,
        "vote",
        private_message("/投票 1 1", user=81),  # the group number works in private
        "已改票：#1 评议 → 1. 好",
    )
    await expect_reply(
        app,
        "vote",
        private_message(f"/投票 结果 #{vote.id}", user=81),
        "【投票结果】#1 评议（进行中）\n1. 好  1票 100.0% ██████████\n"
        "2. 不好  0票 0.0% ░░░░░░░░░░\n参与：1 人",
    )
    await expect_reply(
        app,
        "vote",
        private_message("/投票 标题 A B", user=500),
        "请在群里发起或结束投票。",
    )
