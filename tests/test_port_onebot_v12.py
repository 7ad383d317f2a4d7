"""adapters.onebot_v12.OneBotV12Port against a nonebug fake v12 bot.

The fake bot is a real v12 ``Bot`` (with ``impl`` and ``platform``) whose
adapter's ``_call_api`` is answered by ``ctx.should_call_api``.
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
        port = _port(_bot(ctx))
        ctx.should_call_api(
            "send_message",
            {
                "detail_type": "group",
                "group_id": "777@chatroom",
                "message": Message("大家好"),
            },
            result={"message_id": "m1", "time": 1700000000.0},
        )
        assert await port.send_group("wx:777@chatroom", "大家好") == "m1"


async def test_send_group_with_mention(app: App) -> None:
    async with app.test_api() as ctx:
        port = _port(_bot(ctx))
        expected = MessageSegment.mention("wxid_a") + " " + "请补充门牌号"
        ctx.should_call_api(
            "send_message",
            {"detail_type": "group", "group_id": "777@chatroom", "message": expected},
            result={"message_id": "m2"},
        )
        sent = await port.send_group(
            "wx:777@chatroom", "请补充门牌号", mention="wx:wxid_a"
        )
        assert sent == "m2"


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
        port = _port(_bot(ctx))
        ctx.should_call_api(
            "send_message",
            {"detail_type": "private", "user_id": "wxid_a", "message": Message("你好")},
            result={"message_id": "m3"},
        )
        assert await port.send_private("wx:wxid_a", "你好") == "m3"


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


async def test_member_maps_user_name_and_displayname(app: App) -> None:
    async with app.test_api() as ctx:
        port = _port(_bot(ctx))
        ctx.should_call_api(
            "get_group_member_info",
            {"group_id": "777@chatroom", "user_id": "wxid_a"},
            result={
                "user_id": "wxid_a",
                "user_name": "阿张",
                "user_displayname": "3-2-201 张三",
            },
        )
        member = await port.member("wx:777@chatroom", "wx:wxid_a")
    assert member.user == "wx:wxid_a"
    assert member.nickname == "阿张"
    assert member.card == "3-2-201 张三"
    assert member.role is None
    assert member.display_name == "3-2-201 张三"


async def test_member_without_displayname_falls_back_to_user_name(app: App) -> None:
    async with app.test_api() as ctx:
        port = _port(_bot(ctx))
        ctx.should_call_api(
            "get_group_member_info",
            {"group_id": "777@chatroom", "user_id": "wxid_a"},
            result={"user_id": "wxid_a", "user_name": "阿张", "user_displayname": ""},
        )
        member = await port.member("wx:777@chatroom", "wx:wxid_a")
    assert member.card == ""
    assert member.display_name == "阿张"


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
    }
    async with app.test_api() as ctx:
        port = port_for(_bot(ctx))
        assert isinstance(port, OneBotV12Port)
        wechat = (standard - {Capability.RECALL}) | {Capability.KICK}
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
