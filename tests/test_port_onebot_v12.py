"""adapters.onebot_v12.OneBotV12Port against a nonebug fake v12 bot.

The fake bot is a real v12 ``Bot`` (with ``impl`` and ``platform``) whose
adapter's ``_call_api`` is answered by ``ctx.should_call_api``.

ComWeChat's answers are shaped as ComWeChatBotClient's action handlers make
them: JustUndertaker/ComWeChatBotClient wechatbot_client/action_manager/manager.py
(send_message → ``data: None``; get_group_member_info → ``user_name`` and
``user_displayname: ""``; wx.get_groupmember_nickname → the 群昵称 as ``data``,
``data: None`` in older versions; upload_file → ``{"file_id": …}``).
"""

from __future__ import annotations

import pytest
from nonebot.adapters.onebot.v12 import (
    Adapter,
    Bot,
    IAmTired,
    LogicError,
    Message,
    MessageSegment,
    NetworkError,
)
from nonebug import App

from tests.events import v12_group_message

BOT_ID = "wxid_bot"
MANAGER = "JustUndertaker/ComWeChatBotClient wechatbot_client/action_manager/manager.py"


@pytest.fixture(autouse=True)
def _no_cached_names():
    from adapters.onebot_v12 import group_names

    group_names.clear()
    yield
    group_names.clear()


def _bot(ctx, *, impl: str = "ComWechat", platform: str = "wechat") -> Bot:
    import nonebot

    adapter = nonebot.get_adapter(Adapter)
    return ctx.create_bot(
        base=Bot, adapter=adapter, self_id=BOT_ID, impl=impl, platform=platform
    )


def _port(bot: Bot):
    from adapters.onebot_v12 import OneBotV12Port

    return OneBotV12Port(bot)


# ---- sending -------------------------------------------------------------


async def test_send_group_keeps_string_ids(app: App) -> None:
    async with app.test_api() as ctx:
        port = _port(_bot(ctx, impl="walle-q", platform="qq"))
        ctx.should_call_api(
            "send_message",
            {
                "detail_type": "group",
                "group_id": "777@chatroom",
                "message": Message("大家好"),
            },
            result={"message_id": "m1", "time": 1700000000.0},
        )
        assert await port.send_group("qq:777@chatroom", "大家好") == "m1"


async def test_comwechat_send_answers_no_message_id_and_is_delivered(
    app: App,
) -> None:
    """ComWeChat's send_message answers ``ActionResponse(status="ok", retcode=0,
    data=None)`` (manager.py, _send_group_msg / _send_private_msg): delivered,
    with no message id; the port reports None, not a failure."""
    async with app.test_api() as ctx:
        port = _port(_bot(ctx))
        ctx.should_call_api(
            "send_message",
            {
                "detail_type": "group",
                "group_id": "777@chatroom",
                "message": Message("大家好"),
            },
            result=None,
        )
        ctx.should_call_api(
            "send_message",
            {"detail_type": "private", "user_id": "wxid_a", "message": Message("你好")},
            result=None,
        )
        assert await port.send_group("wx:777@chatroom", "大家好") is None
        assert await port.send_private("wx:wxid_a", "你好") is None


async def test_comwechat_reply_is_sent_as_plain_text(app: App) -> None:
    """ComWeChat has no handler for a ``reply`` segment: send_message answers
    failed 10005 "不支持的消息段:reply" (manager.py, SEGMENT_HANDLER). The port
    sends the text (and mentions) without it."""
    async with app.test_api() as ctx:
        port = _port(_bot(ctx))
        expected = MessageSegment.mention("wxid_a") + " " + "已记下"
        ctx.should_call_api(
            "send_message",
            {"detail_type": "group", "group_id": "777@chatroom", "message": expected},
            result=None,
        )
        sent = await port.send_group(
            "wx:777@chatroom", "已记下", mention="wx:wxid_a", reply_to="m9"
        )
        assert sent is None


async def test_reply_segment_kept_on_other_implementations(app: App) -> None:
    async with app.test_api() as ctx:
        port = _port(_bot(ctx, impl="walle-q", platform="qq"))
        expected = MessageSegment.reply("m9") + "已记下"
        ctx.should_call_api(
            "send_message",
            {"detail_type": "group", "group_id": "1000", "message": expected},
            result={"message_id": "m10"},
        )
        assert await port.send_group("qq:1000", "已记下", reply_to="m9") == "m10"


async def test_send_group_with_mention(app: App) -> None:
    async with app.test_api() as ctx:
        port = _port(_bot(ctx))
        expected = MessageSegment.mention("wxid_a") + " " + "请补充门牌号"
        ctx.should_call_api(
            "send_message",
            {"detail_type": "group", "group_id": "777@chatroom", "message": expected},
            result=None,  # ComWeChat: data None (manager.py, _send_group_msg)
        )
        sent = await port.send_group(
            "wx:777@chatroom", "请补充门牌号", mention="wx:wxid_a"
        )
        assert sent is None


async def test_send_group_without_message_id_in_result(app: App) -> None:
    async with app.test_api() as ctx:
        port = _port(_bot(ctx))
        ctx.should_call_api(
            "send_message",
            {
                "detail_type": "group",
                "group_id": "777@chatroom",
                "message": Message("hi"),
            },
            result=None,
        )
        assert await port.send_group("wx:777@chatroom", "hi") is None


async def test_send_private(app: App) -> None:
    async with app.test_api() as ctx:
        port = _port(_bot(ctx, impl="walle-q", platform="qq"))
        ctx.should_call_api(
            "send_message",
            {"detail_type": "private", "user_id": "42", "message": Message("你好")},
            result={"message_id": "m3"},
        )
        assert await port.send_private("qq:42", "你好") == "m3"


async def test_recall_is_delete_message(app: App) -> None:
    async with app.test_api() as ctx:
        port = _port(_bot(ctx, impl="Walle-Q", platform="qq"))
        ctx.should_call_api("delete_message", {"message_id": "m1"}, result=None)
        await port.recall("m1", group="qq:777")


async def test_wechat_cannot_recall(app: App) -> None:
    from adapters import Capability, NotSupported

    async with app.test_api() as ctx:
        port = _port(_bot(ctx))
        assert not port.can(Capability.RECALL)
        with pytest.raises(NotSupported):
            await port.recall("m1", group="wx:777@chatroom")


# ---- member info ---------------------------------------------------------


def _member_info(user: str, name: str) -> dict:
    """ComWeChat's get_group_member_info data (manager.py): the global
    nickname in user_name, user_displayname always ""."""
    return {
        "user_id": user,
        "user_name": name,
        "user_displayname": "",
        "user_remark": "",
        "wx.avatar": "",
        "wx.wx_number": "",
        "wx.nation": "",
        "wx.province": "",
        "wx.city": "",
        "wx.remark": "",
        "wx.signatrue": "",
        "wx.v3": "",
    }


async def test_member_card_is_the_group_nickname(app: App) -> None:
    """get_group_member_info has no 群昵称 (user_displayname ""), so the card
    comes from wx.get_groupmember_nickname, whose data is the string
    (manager.py, get_groupmember_nickname)."""
    async with app.test_api() as ctx:
        port = _port(_bot(ctx))
        ctx.should_call_api(
            "get_group_member_info",
            {"group_id": "777@chatroom", "user_id": "wxid_a"},
            result=_member_info("wxid_a", "阿张"),
        )
        ctx.should_call_api(
            "wx.get_groupmember_nickname",
            {"group_id": "777@chatroom", "user_id": "wxid_a"},
            result="3-2-201 张三",
        )
        member = await port.member("wx:777@chatroom", "wx:wxid_a")
    assert member.user == "wx:wxid_a"
    assert member.nickname == "阿张"
    assert member.card == "3-2-201 张三"
    assert member.role is None
    assert member.display_name == "3-2-201 张三"


async def test_member_without_group_nickname_falls_back_to_user_name(
    app: App,
) -> None:
    """Older ComWeChat answers wx.get_groupmember_nickname ok with data None
    (manager.py, an earlier get_groupmember_nickname)."""
    async with app.test_api() as ctx:
        port = _port(_bot(ctx))
        ctx.should_call_api(
            "get_group_member_info",
            {"group_id": "777@chatroom", "user_id": "wxid_a"},
            result=_member_info("wxid_a", "阿张"),
        )
        ctx.should_call_api(
            "wx.get_groupmember_nickname",
            {"group_id": "777@chatroom", "user_id": "wxid_a"},
            result=None,
        )
        member = await port.member("wx:777@chatroom", "wx:wxid_a")
    assert member.card == ""
    assert member.display_name == "阿张"


async def test_member_on_another_impl_reads_user_displayname(app: App) -> None:
    async with app.test_api() as ctx:
        port = _port(_bot(ctx, impl="walle-q", platform="qq"))
        ctx.should_call_api(
            "get_group_member_info",
            {"group_id": "1000", "user_id": "42"},
            result={"user_id": "42", "user_name": "阿张", "user_displayname": "张三"},
        )
        member = await port.member("qq:1000", "qq:42")
    assert member.card == "张三"


# ---- the sender's group name (群昵称) --------------------------------------


async def test_display_name_is_the_group_nickname_and_cached(app: App) -> None:
    """ComWeChat's message events carry no name (event has user_id only); the
    port asks wx.get_groupmember_nickname(group_id, user_id), whose data is
    the 群昵称 (manager.py, get_groupmember_nickname), once: later messages
    and event_info use the cached name."""
    from adapters import event_info

    async with app.test_api() as ctx:
        bot = _bot(ctx)
        port = _port(bot)
        ctx.should_call_api(
            "wx.get_groupmember_nickname",
            {"group_id": "777@chatroom", "user_id": "wxid_a"},
            result="3-2-201 张三",
        )
        name = await port.display_name("wx:777@chatroom", "wx:wxid_a", "wxid_a")
        assert name == "3-2-201 张三"
        # cached: no second call (nonebug fails on an unexpected one)
        again = await _port(bot).display_name("wx:777@chatroom", "wx:wxid_a", "x")
        assert again == "3-2-201 张三"
        event = v12_group_message("+1", group="777@chatroom", user="wxid_a")
        assert event_info(bot, event).display_name == "3-2-201 张三"
        other = v12_group_message("+1", group="777@chatroom", user="wxid_b")
        assert event_info(bot, other).display_name == "wxid_b"


async def test_display_name_data_null_falls_back_to_user_name(app: App) -> None:
    """Older ComWeChat: ok with data None (manager.py, an earlier
    get_groupmember_nickname); the name is get_group_member_info's user_name."""
    async with app.test_api() as ctx:
        port = _port(_bot(ctx))
        ctx.should_call_api(
            "wx.get_groupmember_nickname",
            {"group_id": "777@chatroom", "user_id": "wxid_a"},
            result=None,
        )
        ctx.should_call_api(
            "get_group_member_info",
            {"group_id": "777@chatroom", "user_id": "wxid_a"},
            result=_member_info("wxid_a", "阿张"),
        )
        name = await port.display_name("wx:777@chatroom", "wx:wxid_a", "wxid_a")
    assert name == "阿张"


async def test_display_name_refused_then_user_name(app: App) -> None:
    """A version answering failed 35000 "操作失败" when the 群昵称 is unset
    (manager.py, an earlier get_groupmember_nickname): user_name instead."""
    async with app.test_api() as ctx:
        port = _port(_bot(ctx))
        ctx.should_call_api(
            "wx.get_groupmember_nickname",
            {"group_id": "777@chatroom", "user_id": "wxid_a"},
            exception=LogicError("failed", 35000, "操作失败", None),
        )
        ctx.should_call_api(
            "get_group_member_info",
            {"group_id": "777@chatroom", "user_id": "wxid_a"},
            result=_member_info("wxid_a", "阿张"),
        )
        name = await port.display_name("wx:777@chatroom", "wx:wxid_a", "wxid_a")
    assert name == "阿张"


async def test_display_name_failure_falls_back_and_never_raises(app: App) -> None:
    """Network failures on both calls: the event's name, and the miss is
    cached briefly (no call on the next message)."""
    async with app.test_api() as ctx:
        port = _port(_bot(ctx))
        ctx.should_call_api(
            "wx.get_groupmember_nickname",
            {"group_id": "777@chatroom", "user_id": "wxid_a"},
            exception=NetworkError("timeout"),
        )
        ctx.should_call_api(
            "get_group_member_info",
            {"group_id": "777@chatroom", "user_id": "wxid_a"},
            exception=NetworkError("timeout"),
        )
        name = await port.display_name("wx:777@chatroom", "wx:wxid_a", "wxid_a")
        assert name == "wxid_a"
        assert await port.display_name("wx:777@chatroom", "wx:wxid_a", "w") == "w"


async def test_display_name_timeout_falls_back(app: App, monkeypatch) -> None:
    import asyncio

    from adapters import onebot_v12

    monkeypatch.setattr(onebot_v12, "NAME_TIMEOUT", 0.05)
    async with app.test_api() as ctx:
        bot = _bot(ctx)
        port = _port(bot)

        async def hangs(api: str, **data):
            await asyncio.sleep(5)

        monkeypatch.setattr(bot, "call_api", hangs)
        name = await port.display_name("wx:777@chatroom", "wx:wxid_a", "wxid_a")
    assert name == "wxid_a"


async def test_display_name_elsewhere_is_the_events(app: App) -> None:
    """No vendor name action: no call, the event's name."""
    async with app.test_api() as ctx:
        port = _port(_bot(ctx, impl="walle-q", platform="qq"))
        assert await port.display_name("qq:1000", "qq:42", "阿张") == "阿张"


def test_ttl_cache_expires_and_is_bounded() -> None:
    from adapters.onebot_v12 import TtlCache

    now = [0.0]
    cache = TtlCache(maxsize=2, ttl=600, clock=lambda: now[0])
    cache.put("a", "A")
    cache.put("b", "B", ttl=60)
    assert cache.get("a") == "A"  # a is now the most recent
    cache.put("c", "C")  # evicts b, the least recently used
    assert cache.get("b") is None
    assert len(cache) == 2
    now[0] = 600.0
    assert cache.get("a") is None
    assert cache.get("c") is None


# ---- moderation: standard has none, vendors add some ----------------------


async def test_mute_and_unmute_not_supported_on_wechat(app: App) -> None:
    from adapters import Capability, NotSupported

    async with app.test_api() as ctx:
        port = _port(_bot(ctx))
        assert not port.can(Capability.MUTE)
        assert not port.can(Capability.UNMUTE)
        with pytest.raises(NotSupported) as caught:
            await port.mute("wx:777@chatroom", "wx:wxid_a", 600)
        assert caught.value.capability is Capability.MUTE
        assert caught.value.platform == "wx"
        with pytest.raises(NotSupported) as caught:
            await port.unmute("wx:777@chatroom", "wx:wxid_a")
        assert caught.value.capability is Capability.UNMUTE


@pytest.mark.parametrize(
    ("impl", "platform", "group"),
    [("ComWechat", "wechat", "wx:777@chatroom"), ("walle-q", "qq", "qq:1000")],
)
async def test_react_not_supported_on_v12(
    app: App, impl: str, platform: str, group: str
) -> None:
    """OneBot v12 has no reaction action, nor does ComWeChat's vendor set: the
    port says NotSupported without calling the platform, and acknowledge()
    falls back quietly."""
    from adapters import Capability, NotSupported
    from adapters.port import acknowledge

    async with app.test_api() as ctx:
        port = _port(_bot(ctx, impl=impl, platform=platform))
        assert not port.can(Capability.REACT)
        with pytest.raises(NotSupported) as caught:
            await port.react(group, "m1")
        assert caught.value.capability is Capability.REACT
        assert await acknowledge(port, group, "m1") is False


async def test_kick_on_comwechat_uses_vendor_action(app: App) -> None:
    from adapters import Capability

    async with app.test_api() as ctx:
        port = _port(_bot(ctx))
        assert port.can(Capability.KICK)
        ctx.should_call_api(
            "wx.delete_groupmember",
            {"group_id": "777@chatroom", "user_list": ["wxid_a"]},
            result=None,
        )
        await port.kick("wx:777@chatroom", "wx:wxid_a")


@pytest.fixture
def learnt():
    """The actions learnt here are forgotten afterwards (nonebug may hand the
    next test a bot it already knows)."""
    from adapters import onebot_v12

    yield
    onebot_v12._supported.clear()


async def test_capabilities_come_from_get_supported_actions(app: App, learnt) -> None:
    """Asked at connect: the kick is whichever kick action it lists, the 群昵称
    action is used because it is listed, and nothing it does not list is
    claimed."""
    from adapters import Capability
    from adapters.onebot_v12 import learn_actions
    from tests.helpers.e2e import COMWECHAT_ACTIONS

    async with app.test_api() as ctx:
        bot = _bot(ctx)
        ctx.should_call_api("get_supported_actions", {}, result=COMWECHAT_ACTIONS)
        assert await learn_actions(bot) == frozenset(COMWECHAT_ACTIONS)
        port = _port(bot)
        assert port.can(Capability.KICK) and port.can(Capability.UPLOAD_FILE)
        assert port.can(Capability.MEMBER_LIST)
        assert not port.can(Capability.RECALL)  # no delete_message listed
        assert not port.can(Capability.JOIN_EVENTS)  # ComWeChat emits none
        assert port.name_action == "wx.get_groupmember_nickname"
        ctx.should_call_api(
            "wx.kick_groupmember",
            {"group_id": "777@chatroom", "user_list": ["wxid_a"]},
            result=None,
        )
        await port.kick("wx:777@chatroom", "wx:wxid_a")


async def test_an_implementation_that_lists_few_actions_gets_few(
    app: App, learnt
) -> None:
    from adapters import Capability
    from adapters.onebot_v12 import learn_actions

    async with app.test_api() as ctx:
        bot = _bot(ctx, impl="SomeOtherImpl", platform="qq")
        ctx.should_call_api(
            "get_supported_actions", {}, result=["send_message", "delete_message"]
        )
        await learn_actions(bot)
        port = _port(bot)
        assert port.can(Capability.RECALL) and port.can(Capability.SEND_GROUP)
        assert not port.can(Capability.KICK)
        assert not port.can(Capability.MEMBER_INFO)
        assert port.name_action is None


async def test_no_answer_to_get_supported_actions_keeps_the_table(
    app: App, learnt
) -> None:
    from adapters import Capability
    from adapters.onebot_v12 import capabilities_of, learn_actions

    async with app.test_api() as ctx:
        bot = _bot(ctx)
        ctx.should_call_api(
            "get_supported_actions",
            {},
            # ComWeChat's answer to an action it lacks (wechat/wechat.py)
            exception=LogicError("failed", 10002, "未实现的action", None),
        )
        assert await learn_actions(bot) is None
        port = _port(bot)
        assert port.capabilities == capabilities_of("wechat", "ComWechat")
        assert port.can(Capability.KICK)


async def test_kick_on_another_impl_not_supported(app: App) -> None:
    from adapters import Capability, NotSupported

    async with app.test_api() as ctx:
        port = _port(_bot(ctx, impl="SomeOtherImpl"))
        assert not port.can(Capability.KICK)
        with pytest.raises(NotSupported) as caught:
            await port.kick("wx:777@chatroom", "wx:wxid_a")
        assert caught.value.capability is Capability.KICK


async def test_capabilities(app: App) -> None:
    from adapters import Capability, capability_table, port_for
    from adapters.onebot_v12 import OneBotV12Port

    standard = {
        Capability.SEND_GROUP,
        Capability.SEND_PRIVATE,
        Capability.MENTION,
        Capability.RECALL,
        Capability.MEMBER_INFO,
        Capability.MEMBER_LIST,
        Capability.JOIN_EVENTS,
    }
    async with app.test_api() as ctx:
        port = port_for(_bot(ctx))
        assert isinstance(port, OneBotV12Port)
        # ComWeChat sends no join events: core reads its member lists instead
        wechat = (standard - {Capability.RECALL, Capability.JOIN_EVENTS}) | {
            Capability.KICK,
            Capability.UPLOAD_FILE,
        }
        assert port.capabilities == frozenset(wechat)
        assert not port.can(Capability.MEMBER_ROLE)
    table = capability_table()
    assert table["OneBot v12 (standard)"] == frozenset(standard)
    assert table["OneBot v12 wechat/ComWechat"] == frozenset(wechat)


# ---- ids and platform prefixes -------------------------------------------


@pytest.mark.parametrize(
    ("platform", "prefix"),
    [("wechat", "wx"), ("telegram", "tg"), ("qq", "qq"), ("discord", "discord")],
)
async def test_platform_prefix(app: App, platform: str, prefix: str) -> None:
    async with app.test_api() as ctx:
        port = _port(_bot(ctx, impl="impl", platform=platform))
        assert port.platform == prefix


async def test_telegram_group_ids_stay_strings(app: App) -> None:
    async with app.test_api() as ctx:
        port = _port(_bot(ctx, impl="impl", platform="telegram"))
        ctx.should_call_api(
            "send_message",
            {"detail_type": "group", "group_id": "-100123", "message": Message("hi")},
            result={"message_id": "5"},
        )
        assert await port.send_group("tg:-100123", "hi") == "5"
        with pytest.raises(ValueError):
            await port.send_group("wx:777@chatroom", "hi")


@pytest.mark.parametrize(
    "call",
    [
        lambda port: port.send_group("qq:777@chatroom", "hi"),
        lambda port: port.send_group("wx:777@chatroom", "hi", mention="qq:42"),
        lambda port: port.send_private("tg:42", "hi"),
        lambda port: port.kick("wx:777@chatroom", "qq:42"),
        lambda port: port.member("qq:777@chatroom", "wx:wxid_a"),
        lambda port: port.send_private("wxid_a", "no platform prefix"),
    ],
)
async def test_ids_of_another_platform_raise_value_error(app: App, call) -> None:
    async with app.test_api() as ctx:
        port = _port(_bot(ctx))
        with pytest.raises(ValueError):
            await call(port)


# ---- error mapping -------------------------------------------------------


async def test_refusal_is_a_platform_error_not_retryable(app: App) -> None:
    from adapters import PlatformError

    async with app.test_api() as ctx:
        port = _port(_bot(ctx))
        failure = LogicError("failed", 35000, "not the group owner", None)
        ctx.should_call_api(
            "wx.delete_groupmember",
            {"group_id": "777@chatroom", "user_list": ["wxid_a"]},
            exception=failure,
        )
        with pytest.raises(PlatformError) as caught:
            await port.kick("wx:777@chatroom", "wx:wxid_a")
    assert caught.value.action == "wx.delete_groupmember"
    assert caught.value.retryable is False
    assert caught.value.__cause__ is failure


async def test_rate_limit_wording_is_retryable(app: App) -> None:
    from adapters import PlatformError

    async with app.test_api() as ctx:
        port = _port(_bot(ctx))
        ctx.should_call_api(
            "send_message",
            {
                "detail_type": "group",
                "group_id": "777@chatroom",
                "message": Message("hi"),
            },
            exception=LogicError("failed", 35000, "发送太频繁", None),
        )
        with pytest.raises(PlatformError) as caught:
            await port.send_group("wx:777@chatroom", "hi")
    assert caught.value.retryable is True


async def test_v12_i_am_tired_is_retryable(app: App) -> None:
    from adapters import PlatformError

    async with app.test_api() as ctx:
        port = _port(_bot(ctx))
        ctx.should_call_api(
            "send_message",
            {
                "detail_type": "group",
                "group_id": "777@chatroom",
                "message": Message("hi"),
            },
            exception=IAmTired("failed", 36000, "I am tired", None),
        )
        with pytest.raises(PlatformError) as caught:
            await port.send_group("wx:777@chatroom", "hi")
    assert caught.value.retryable is True


async def test_network_failure_is_retryable(app: App) -> None:
    from adapters import PlatformError

    async with app.test_api() as ctx:
        port = _port(_bot(ctx, impl="Walle-Q", platform="qq"))
        ctx.should_call_api(
            "delete_message", {"message_id": "m1"}, exception=NetworkError("timeout")
        )
        with pytest.raises(PlatformError) as caught:
            await port.recall("m1")
    assert caught.value.action == "delete_message"
    assert caught.value.retryable is True


# ---- event info ----------------------------------------------------------


async def test_event_info_group_message(app: App) -> None:
    from adapters import event_info

    event = v12_group_message("hi", group="777@chatroom", user="wxid_a")
    async with app.test_api() as ctx:
        info = event_info(_bot(ctx), event)
    assert info is not None
    assert info.platform == "wx"
    assert info.self_id == BOT_ID
    assert info.group == "wx:777@chatroom"
    assert info.user == "wx:wxid_a"
    assert info.message_id == event.message_id
    assert info.sender_role is None


# ---- files ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "where"),
    [
        (
            {"group": "wx:777@chatroom"},
            {"detail_type": "group", "group_id": "777@chatroom"},
        ),
        ({"user": "wx:wxid_a"}, {"detail_type": "private", "user_id": "wxid_a"}),
    ],
)
async def test_upload_file_sends_the_content(app: App, tmp_path, target, where) -> None:
    """upload_file with ``type: "data"`` (the adapter sends bytes as base64), so
    ComWeChat need not see linli's disk; it answers ``{"file_id": …}`` and
    sends a ``file`` segment by its file_id (manager.py, upload_file and
    _send_file)."""
    from adapters import Capability

    path = tmp_path / "接龙1.csv"
    path.write_bytes("姓名,房号\n张三,3-2-201\n".encode())
    async with app.test_api() as ctx:
        port = _port(_bot(ctx))
        assert port.can(Capability.UPLOAD_FILE)
        ctx.should_call_api(
            "upload_file",
            {"type": "data", "name": "接龙1.csv", "data": path.read_bytes()},
            result={"file_id": "f-1"},
        )
        ctx.should_call_api(
            "send_message",
            {**where, "message": Message(MessageSegment.file("f-1"))},
            result=None,
        )
        await port.upload_file(str(path), "接龙1.csv", **target)


async def test_upload_file_not_supported_elsewhere(app: App, tmp_path) -> None:
    from adapters import NotSupported

    async with app.test_api() as ctx:
        port = _port(_bot(ctx, impl="SomeOtherImpl"))
        with pytest.raises(NotSupported):
            await port.upload_file(str(tmp_path / "x"), "x", user="wx:wxid_a")


# ---- the replied-to (quoted) message -------------------------------------


async def test_quoted_message_from_the_reply_segment(app: App) -> None:
    """OneBot v12's reply segment: ``{"type": "reply", "data": {"message_id":
    …, "user_id": …}}`` (user_id optional, onebot-12 spec message/segment);
    nonebot-adapter-onebot reads it into ``event.reply`` (v12/bot.py
    ``_check_reply``). v12 has no action that returns a message's text."""
    from nonebot.adapters.onebot.v12 import MessageSegment
    from nonebot.adapters.onebot.v12.bot import _check_reply

    from adapters import event_info
    from adapters.port import Quoted

    event = v12_group_message("/举报", group="777@chatroom", user="wxid_admin")
    event.original_message = MessageSegment.reply("m88", user_id="wxid_ad") + (
        event.message
    )
    event.message = event.original_message.copy()
    async with app.test_api() as ctx:
        bot = _bot(ctx)
        _check_reply(bot, event)
        info = event_info(bot, event)
    assert info is not None
    assert info.quoted == Quoted("m88", "wx:wxid_ad")


async def test_quoted_message_without_user_keeps_the_id(app: App) -> None:
    from nonebot.adapters.onebot.v12 import Message, MessageSegment

    from adapters import event_info
    from adapters.port import Quoted

    event = v12_group_message("/举报")
    event.original_message = Message(
        [MessageSegment("reply", {"message_id": "m89"})]
    ) + Message("/举报")
    async with app.test_api() as ctx:
        info = event_info(_bot(ctx), event)
    assert info is not None
    assert info.quoted == Quoted("m89", None)
