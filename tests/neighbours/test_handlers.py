"""The commands through NoneBot (nonebug): exact replies."""

from __future__ import annotations

import pytest
from nonebug import App

from tests.helpers import (
    PrivateQueue,
    group_message,
    new_group_id,
    routed,
    router,
    v11_bot,
)

ADDED = (
    "已登记 #{n}（{kind}）。解决后请发 /互助 关闭 {n}；邻居可发 /互助 联系 {n} 内容 "
    "私信你。14天后未关闭会自动过期。"
)
FOOTER = "私信发布人：/互助 联系 编号 内容；发布人关闭：/互助 关闭 编号"


@pytest.fixture
def queue(monkeypatch: pytest.MonkeyPatch) -> PrivateQueue:
    from plugins.neighbours import service

    fake = PrivateQueue()
    monkeypatch.setattr(service, "send_queue", lambda: fake)
    return fake


async def _say(
    app: App, text: str, reply: str, group: int, user: int = 42, **sender
) -> None:
    async with routed(app, "neighbours") as ctx:
        event = group_message(text, group=group, user=user, **sender)
        ctx.receive_event(v11_bot(ctx), event)
        ctx.should_call_send(event, reply, result=None)
        ctx.should_finished(router())


async def test_post_list_and_close(app: App) -> None:
    group = new_group_id()
    empty = (
        "本群现在没有进行中的互助事项。发 /互助 求助 内容 或 /互助 提供 内容 登记一条。"
    )
    await _say(app, "/互助", empty, group)
    await _say(
        app,
        "/互助 求助 谁家有多余的婴儿车？可借给邻居临时使用",
        ADDED.format(n=1, kind="求助"),
        group,
    )
    await _say(
        app,
        "/互助 提供 周末有空，可帮老人代购蔬菜 电话13812345678",
        ADDED.format(n=2, kind="提供"),
        group,
        user=43,
        card="5-101 李四",
    )
    await _say(app, "/失物 黑色雨伞 3栋大堂", ADDED.format(n=3, kind="失物"), group)
    await _say(app, "/found 一串钥匙 南门", ADDED.format(n=4, kind="招领"), group)
    listing = (
        "【邻里互助】本群进行中的事项（新的在前）：\n"
        "求助\n#1 谁家有多余的婴儿车？可借给邻居临时使用（3-2-201 张三）\n"
        "提供\n#2 周末有空，可帮老人代购蔬菜 电话138****5678（5-101 李四）\n"
        "失物\n#3 黑色雨伞 3栋大堂（3-2-201 张三）\n"
        "招领\n#4 一串钥匙 南门（3-2-201 张三）\n" + FOOTER
    )
    await _say(app, "/互助 列表", listing, group)
    await _say(app, "/neighbours list", listing, group)

    # not the poster, not staff: a polite refusal
    await _say(
        app, "/互助 关闭 2", "只有发布人、物业或管理员可以关闭 #2。", group, user=44
    )
    await _say(
        app,
        "/互助 结束 2",
        "#2（提供）已关闭：周末有空，可帮老人代购蔬菜 电话138****5678",
        group,
        user=43,
    )
    await _say(app, "/互助 关闭 2", "#2 已关闭。", group, user=43)
    await _say(app, "/互助 关闭 9", "本群没有 #9。", group)
    await _say(app, "/互助 关闭", "请写上编号，例如：/互助 关闭 3", group)
    # a group admin closes anyone's
    await _say(
        app,
        "/互助 关闭 #1",
        "#1（求助）已关闭：谁家有多余的婴儿车？可借给邻居临时使用",
        group,
        user=45,
        role="admin",
    )
    # a YAML admin (qq:500) too
    closed = "#3（失物）已关闭：黑色雨伞 3栋大堂"
    await _say(app, "/neighbours close 3", closed, group, user=500)


async def test_replies_without_content(app: App) -> None:
    group = new_group_id()
    await _say(
        app,
        "/互助 求助",
        "请写上需要什么帮助，例如：/互助 求助 谁家有多余的婴儿车？可借给邻居临时使用",
        group,
    )
    await _say(
        app, "/lost", "请写上丢了什么、在哪里，例如：/失物 黑色雨伞 3栋大堂", group
    )
    usage = (
        "用法：/互助 求助 内容、/互助 提供 内容、/失物 内容、/招领 内容；\n"
        "/互助 — 看进行中的事项；/互助 联系 编号 内容 — 私信发布人；"
        "/互助 关闭 编号 — 关闭。"
    )
    await _say(app, "/互助 卖 二手自行车", usage, group)
    await _say(app, "/招领 " + "长" * 201, "太长了，最多 200 个字。", group)


async def test_contact_sends_the_poster_a_private_message(
    app: App, queue: PrivateQueue
) -> None:
    group = new_group_id()
    await _say(app, "/互助 求助 婴儿车", ADDED.format(n=1, kind="求助"), group)
    await _say(
        app,
        "/互助 联系 1 我有婴儿车可以借，电话 13812345678",
        "已私信发布人（#1）：我有婴儿车可以借，电话 138****5678",
        group,
        user=43,
        card="5-101 李四",
    )
    assert queue.private == [
        (
            "qq:42",
            f"【邻里互助】qq:{group} 的邻居 5-101 李四 "
            "回复了你的 #1（求助：婴儿车）：\n"
            "我有婴儿车可以借，电话 13812345678\n"
            "解决后请在群里发 /互助 关闭 1。",
        )
    ]
    await _say(app, "/互助 联系 1 我自己", "#1 是你自己发布的。", group)
    await _say(
        app,
        "/互助 联系 1",
        "请写上编号和想说的话，例如：/互助 联系 3 我有婴儿车可以借",
        group,
        user=43,
    )
    await _say(app, "/互助 联系 5 有", "本群没有 #5。", group, user=43)
    await _say(app, "/互助 关闭 1", "#1（求助）已关闭：婴儿车", group)
    await _say(app, "/互助 联系 1 还要吗", "#1 已关闭。", group, user=43)
    assert len(queue.private) == 1


async def test_contact_says_so_when_the_message_fails(
    app: App, queue: PrivateQueue
) -> None:
    from adapters import PlatformError

    group = new_group_id()
    await _say(app, "/失物 雨伞", ADDED.format(n=1, kind="失物"), group)
    queue.fail = PlatformError("send_private", "not a friend")
    await _say(
        app,
        "/互助 联系 1 我捡到了",
        "私信没有发出去（对方可能不接收私信），请在群里直接 @ #1 的发布人。",
        group,
        user=43,
    )


async def test_contact_where_the_platform_cannot_send_privately(
    app: App, queue: PrivateQueue, monkeypatch: pytest.MonkeyPatch
) -> None:
    from adapters import onebot_v11

    group = new_group_id()
    await _say(app, "/失物 雨伞", ADDED.format(n=1, kind="失物"), group)
    monkeypatch.setattr(onebot_v11.OneBotV11Port, "can", lambda self, cap: False)
    await _say(
        app,
        "/互助 联系 1 我捡到了",
        "这个平台不能发私信，请在群里直接 @ #1 的发布人。",
        group,
        user=43,
    )
    assert queue.private == []


async def test_english_group(app: App, override_config) -> None:
    group = new_group_id()
    override_config(groups={f"qq:{group}": {"locale": "en"}})
    await _say(
        app,
        "/neighbours offer Free at weekends",
        "Posted as #1 (Offering). When it is done, send /neighbours close 1; "
        "neighbours can send /neighbours contact 1 text to message you privately. "
        "If not closed, it expires after 14d.",
        group,
    )


async def test_off_in_a_group(app: App, override_config) -> None:
    from tests.helpers import handled

    group = new_group_id()
    override_config(groups={f"qq:{group}": {"neighbours": {"enabled": False}}})
    assert not await handled(app, group_message("/互助", group=group), "neighbours")


async def test_help_names_the_feature(app: App) -> None:
    from tests.helpers import zh

    async with routed(app, "core", "neighbours") as ctx:
        event = group_message("/帮助 互助", group=new_group_id())
        ctx.receive_event(v11_bot(ctx), event)
        ctx.should_call_send(event, zh("neighbours.help.usage"), result=None)
        ctx.should_finished(router())
