"""adapters.onebot_v11.OneBotV11Port against a nonebug fake v11 bot.

Each test asserts the exact OneBot v11 action and parameters the port sends,
and how the port maps results and failures back to linli's terms.
"""

from __future__ import annotations

import time

import pytest
from nonebot.adapters.onebot.v11 import (
    ActionFailed,
    Adapter,
    ApiNotAvailable,
    Bot,
    Message,
    MessageSegment,
    NetworkError,
)
from nonebug import App

from tests.events import SELF_ID, group_message, private_message


def _bot(ctx) -> Bot:
    import nonebot

    adapter = nonebot.get_adapter(Adapter)
    return ctx.create_bot(base=Bot, adapter=adapter, self_id=SELF_ID)


def _port(bot: Bot, platform: str = "qq"):
    from adapters.onebot_v11 import OneBotV11Port

    return OneBotV11Port(bot, platform)


# ---- sending -------------------------------------------------------------


async def test_send_group_plain_text(app: App) -> None:
    async with app.test_api() as ctx:
        port = _port(_bot(ctx))
        ctx.should_call_api(
            "send_group_msg",
            {"group_id": 1000, "message": Message("大家好")},
            result={"message_id": 321},
        )
        assert await port.send_group("qq:1000", "大家好") == "321"


async def test_send_group_with_mention(app: App) -> None:
    async with app.test_api() as ctx:
        port = _port(_bot(ctx))
        expected = MessageSegment.at(42) + " " + "请补充门牌号"
        ctx.should_call_api(
            "send_group_msg",
            {"group_id": 1000, "message": expected},
            result={"message_id": 5},
        )
        assert await port.send_group("qq:1000", "请补充门牌号", mention="qq:42") == "5"


async def test_send_group_without_message_id_in_result(app: App) -> None:
    async with app.test_api() as ctx:
        port = _port(_bot(ctx))
        ctx.should_call_api(
            "send_group_msg",
            {"group_id": 1000, "message": Message("hi")},
            result=None,
        )
        assert await port.send_group("qq:1000", "hi") is None


async def test_send_private(app: App) -> None:
    async with app.test_api() as ctx:
        port = _port(_bot(ctx))
        ctx.should_call_api(
            "send_private_msg",
            {"user_id": 42, "message": Message("你好")},
            result={"message_id": 9},
        )
        assert await port.send_private("qq:42", "你好") == "9"


async def test_recall_sends_int_message_id(app: App) -> None:
    async with app.test_api() as ctx:
        port = _port(_bot(ctx))
        ctx.should_call_api("delete_msg", {"message_id": 123456}, result=None)
        await port.recall("123456", group="qq:1000")


# ---- moderation ----------------------------------------------------------


# NapCat's member info (OB11Construct.groupMember, packages/napcat-onebot/
# helper/data.ts): shut_up_timestamp is the member's shutUpTime, the unix time
# the mute ends (0: not muted).
def _napcat_member(user_id: int, shut_up_timestamp: int = 0) -> dict:
    return {
        "group_id": 1000, "user_id": user_id, "nickname": "路人甲", "card": "",
        "sex": "unknown", "age": 0, "area": "", "level": "1", "qq_level": 0,
        "join_time": 1700000000, "last_sent_time": 1700000500,
        "title_expire_time": 0, "unfriendly": False, "card_changeable": True,
        "is_robot": False, "shut_up_timestamp": shut_up_timestamp,
        "role": "member", "title": "",
    }  # fmt: skip


# NapCat over WebSocket turns what _handle throws into status failed, retcode
# 1200, the error as message and wording (OneBotAction.websocketHandle,
# packages/napcat-onebot/action/OneBotAction.ts); GetGroupMemberInfo.ts throws
# "群(…)成员…不存在" for someone not in the group.
def _napcat_no_member(user_id: int) -> ActionFailed:
    text = f"群(1000)成员{user_id}不存在"
    return ActionFailed(
        status="failed", retcode=1200, data=None, message=text, wording=text,
        echo="1", stream="normal-action",
    )  # fmt: skip


# Lagrange.OneBot's get_group_member_info for someone not in the group:
# OneBotResult(null, -1, "failed") (Lagrange.OneBot/Core/Operation/Info/
# GetGroupMemberInfoOperation.cs)
LAGRANGE_NO_MEMBER = ActionFailed(status="failed", retcode=-1, data=None, echo="1")


def _member_info(ctx, user_id: int, **answer) -> None:
    ctx.should_call_api(
        "get_group_member_info",
        {"group_id": 1000, "user_id": user_id, "no_cache": True},
        **answer,
    )


@pytest.fixture
def no_wait(monkeypatch: pytest.MonkeyPatch) -> None:
    import adapters.onebot_v11 as v11

    monkeypatch.setattr(v11, "VERIFY_DELAY", 0)


async def test_mute_is_verified_by_shut_up_timestamp(app: App) -> None:
    """NapCat's set_group_ban answers null data (SetGroupBan.ts); the port then
    reads get_group_member_info (no_cache) and finds the mute's end ahead."""
    async with app.test_api() as ctx:
        port = _port(_bot(ctx))
        ctx.should_call_api(
            "set_group_ban",
            {"group_id": 1000, "user_id": 42, "duration": 600},
            result=None,
        )
        until = int(time.time()) + 600
        _member_info(ctx, 42, result=_napcat_member(42, until))
        await port.mute("qq:1000", "qq:42", 600)


async def test_mute_that_did_not_happen_is_a_refusal(app: App, no_wait) -> None:
    """Ok without effect (no admin rights): shut_up_timestamp stays 0 after
    the bounded retries; the port raises PlatformError as for a refusal."""
    from adapters import PlatformError

    async with app.test_api() as ctx:
        port = _port(_bot(ctx))
        ctx.should_call_api(
            "set_group_ban",
            {"group_id": 1000, "user_id": 42, "duration": 600},
            result=None,
        )
        for _ in range(3):
            _member_info(ctx, 42, result=_napcat_member(42, 0))
        with pytest.raises(PlatformError) as err:
            await port.mute("qq:1000", "qq:42", 600)
    assert err.value.action == "set_group_ban"
    assert err.value.reason == "answered ok, but the member is not muted"
    assert not err.value.retryable


async def test_mute_seen_on_the_second_look(app: App, no_wait) -> None:
    """NapCat's member cache may lag a moment: a second look finds the mute."""
    async with app.test_api() as ctx:
        port = _port(_bot(ctx))
        ctx.should_call_api(
            "set_group_ban",
            {"group_id": 1000, "user_id": 42, "duration": 60},
            result=None,
        )
        _member_info(ctx, 42, result=_napcat_member(42, 0))
        _member_info(ctx, 42, result=_napcat_member(42, int(time.time()) + 60))
        await port.mute("qq:1000", "qq:42", 60)


async def test_unmute_is_ban_of_zero_seconds(app: App) -> None:
    async with app.test_api() as ctx:
        port = _port(_bot(ctx))
        ctx.should_call_api(
            "set_group_ban",
            {"group_id": 1000, "user_id": 42, "duration": 0},
            result=None,
        )
        _member_info(ctx, 42, result=_napcat_member(42, 0))
        await port.unmute("qq:1000", "qq:42")


async def test_unmute_that_did_not_happen_is_a_refusal(app: App, no_wait) -> None:
    from adapters import PlatformError

    async with app.test_api() as ctx:
        port = _port(_bot(ctx))
        ctx.should_call_api(
            "set_group_ban",
            {"group_id": 1000, "user_id": 42, "duration": 0},
            result=None,
        )
        until = int(time.time()) + 3600
        for _ in range(3):
            _member_info(ctx, 42, result=_napcat_member(42, until))
        with pytest.raises(PlatformError) as err:
            await port.unmute("qq:1000", "qq:42")
    assert err.value.reason == "answered ok, but the member is still muted"


async def test_lagrange_mute_is_taken_at_its_word(app: App) -> None:
    """Lagrange.OneBot's member info has no shut_up_timestamp
    (Lagrange.OneBot/Core/Entity/OneBotGroupMember.cs): nothing to check
    against, so one look and the ok stands."""
    lagrange_member = {
        "group_id": 1000, "user_id": 42, "nickname": "路人甲", "card": "",
        "sex": "", "age": 0, "area": "", "join_time": 1700000000,
        "last_sent_time": 1700000500, "level": "1", "role": "member",
        "unfriendly": False, "title": "", "title_expire_time": 0,
        "card_changeable": False,
    }  # fmt: skip
    async with app.test_api() as ctx:
        port = _port(_bot(ctx))
        ctx.should_call_api(
            "set_group_ban",
            {"group_id": 1000, "user_id": 42, "duration": 600},
            result=None,
        )
        _member_info(ctx, 42, result=lagrange_member)
        await port.mute("qq:1000", "qq:42", 600)


@pytest.mark.parametrize("block", [False, True])
async def test_kick_is_verified_by_the_member_being_gone(app: App, block) -> None:
    """NapCat's set_group_kick answers null whatever kickMember did
    (SetGroupKick.ts); the member info then answers NapCat's error for someone
    not in the group: the kick happened."""
    async with app.test_api() as ctx:
        port = _port(_bot(ctx))
        ctx.should_call_api(
            "set_group_kick",
            {"group_id": 1000, "user_id": 42, "reject_add_request": block},
            result=None,
        )
        _member_info(ctx, 42, exception=_napcat_no_member(42))
        await port.kick("qq:1000", "qq:42", block=block)


async def test_lagrange_kick_is_verified_too(app: App) -> None:
    """Lagrange.OneBot answers ok to set_group_kick and drops KickGroupMember's
    bool (SetGroupKickOperation.cs); its member info fails with -1 when the
    member is gone."""
    async with app.test_api() as ctx:
        port = _port(_bot(ctx))
        ctx.should_call_api(
            "set_group_kick",
            {"group_id": 1000, "user_id": 42, "reject_add_request": False},
            result=None,
        )
        _member_info(ctx, 42, exception=LAGRANGE_NO_MEMBER)
        await port.kick("qq:1000", "qq:42")


async def test_kick_that_did_not_happen_is_a_refusal(app: App, no_wait) -> None:
    """Without admin rights the member is still there on every look (three,
    a short while apart): PlatformError, not retryable, as for a refusal."""
    from adapters import PlatformError

    async with app.test_api() as ctx:
        port = _port(_bot(ctx))
        ctx.should_call_api(
            "set_group_kick",
            {"group_id": 1000, "user_id": 42, "reject_add_request": False},
            result=None,
        )
        for _ in range(3):
            _member_info(ctx, 42, result=_napcat_member(42))
        with pytest.raises(PlatformError) as err:
            await port.kick("qq:1000", "qq:42")
    assert err.value.action == "set_group_kick"
    assert err.value.reason == "answered ok, but the member is still in the group"
    assert not err.value.retryable


async def test_kick_seen_after_the_cache_caught_up(app: App, no_wait) -> None:
    async with app.test_api() as ctx:
        port = _port(_bot(ctx))
        ctx.should_call_api(
            "set_group_kick",
            {"group_id": 1000, "user_id": 42, "reject_add_request": False},
            result=None,
        )
        _member_info(ctx, 42, result=_napcat_member(42))
        _member_info(ctx, 42, exception=_napcat_no_member(42))
        await port.kick("qq:1000", "qq:42")


async def test_kick_unverifiable_over_the_network_keeps_the_ok(app: App) -> None:
    async with app.test_api() as ctx:
        port = _port(_bot(ctx))
        ctx.should_call_api(
            "set_group_kick",
            {"group_id": 1000, "user_id": 42, "reject_add_request": False},
            result=None,
        )
        _member_info(ctx, 42, exception=NetworkError("timeout"))
        await port.kick("qq:1000", "qq:42")


async def test_kick_refused_outright_is_not_verified(app: App) -> None:
    """A refusal (NapCat retcode 1200 with the kernel's errMsg) raises at once,
    with no member-info call after it."""
    from adapters import PlatformError

    refusal = ActionFailed(
        status="failed", retcode=1200, data=None, message="ERR_NOT_GROUP_ADMIN",
        wording="ERR_NOT_GROUP_ADMIN", echo="1",
    )  # fmt: skip
    async with app.test_api() as ctx:
        port = _port(_bot(ctx))
        ctx.should_call_api(
            "set_group_kick",
            {"group_id": 1000, "user_id": 42, "reject_add_request": False},
            exception=refusal,
        )
        with pytest.raises(PlatformError):
            await port.kick("qq:1000", "qq:42")


# ---- uploads -------------------------------------------------------------


@pytest.fixture
def export(tmp_path):
    path = tmp_path / "signup-1.csv"
    path.write_bytes("姓名,房号\n张三,3-2-201\n".encode())
    return path


def _b64(path) -> str:
    import base64

    return "base64://" + base64.b64encode(path.read_bytes()).decode("ascii")


async def test_upload_group_file_sends_the_content_as_base64(app: App, export) -> None:
    """NapCat resolves upload_group_file's ``file`` with uriToLocalFile, which
    decodes base64:// (packages/napcat-common/src/file.ts; action/go-cqhttp/
    UploadGroupFile.ts): the QQ program need not share linli's disk."""
    async with app.test_api() as ctx:
        port = _port(_bot(ctx))
        ctx.should_call_api(
            "upload_group_file",
            {"group_id": 1000, "file": _b64(export), "name": "接龙.csv"},
            result={"file_id": "/abc"},
        )
        await port.upload_file(str(export), "接龙.csv", group="qq:1000")


async def test_upload_private_file_sends_the_content_as_base64(
    app: App, export
) -> None:
    """NapCat's upload_private_file goes through uriToLocalFile too
    (action/go-cqhttp/UploadPrivateFile.ts); base64 once taken, it stays."""
    async with app.test_api() as ctx:
        port = _port(_bot(ctx))
        ctx.should_call_api(
            "upload_private_file",
            {"user_id": 42, "file": _b64(export), "name": "接龙.csv"},
            result={"file_id": "/abc"},
        )
        ctx.should_call_api(
            "upload_private_file",
            {"user_id": 42, "file": _b64(export), "name": "接龙.csv"},
            result={"file_id": "/abd"},
        )
        await port.upload_file(str(export), "接龙.csv", user="qq:42")
        await port.upload_file(str(export), "接龙.csv", user="qq:42")


async def test_lagrange_refusing_base64_gets_the_path_from_then_on(
    app: App, export
) -> None:
    """Lagrange.OneBot opens ``file`` as a path (new FileEntity(path),
    Lagrange.OneBot/Core/Operation/File/UploadGroupFileOperation.cs); the
    FileStream's exception becomes OneBotResult(null, 200, "failed")
    (Core/Operation/OperationService.cs). The path is sent instead, and for
    that connection's later uploads straight away."""
    failed = ActionFailed(status="failed", retcode=200, data=None, echo="1")
    async with app.test_api() as ctx:
        port = _port(_bot(ctx))
        ctx.should_call_api(
            "upload_group_file",
            {"group_id": 1000, "file": _b64(export), "name": "接龙.csv"},
            exception=failed,
        )
        ctx.should_call_api(
            "upload_group_file",
            {"group_id": 1000, "file": str(export), "name": "接龙.csv"},
            result=None,
        )
        ctx.should_call_api(
            "upload_private_file",
            {"user_id": 42, "file": str(export), "name": "接龙.csv"},
            result=None,
        )
        await port.upload_file(str(export), "接龙.csv", group="qq:1000")
        await port.upload_file(str(export), "接龙.csv", user="qq:42")


async def test_upload_refused_either_way_raises_the_first_reason(
    app: App, export
) -> None:
    """NapCat on another machine refusing for its own reason: the path cannot
    work there either ("识别URL失败", file.ts); the base64 refusal is raised."""
    from adapters import PlatformError

    no_space = ActionFailed(
        status="failed", retcode=1200, data=None, message="空间不足",
        wording="空间不足", echo="1",
    )  # fmt: skip
    no_uri = ActionFailed(
        status="failed", retcode=1200, data=None, message="识别URL失败",
        wording="识别URL失败", echo="2",
    )  # fmt: skip
    async with app.test_api() as ctx:
        port = _port(_bot(ctx))
        ctx.should_call_api(
            "upload_group_file",
            {"group_id": 1000, "file": _b64(export), "name": "a.csv"},
            exception=no_space,
        )
        ctx.should_call_api(
            "upload_group_file",
            {"group_id": 1000, "file": str(export), "name": "a.csv"},
            exception=no_uri,
        )
        with pytest.raises(PlatformError) as err:
            await port.upload_file(str(export), "a.csv", group="qq:1000")
    assert "空间不足" in err.value.reason


async def test_upload_over_the_base64_limit_sends_the_path(
    app: App, export, monkeypatch: pytest.MonkeyPatch
) -> None:
    import adapters.onebot_v11 as v11

    monkeypatch.setattr(v11, "UPLOAD_BASE64_LIMIT", 8)
    async with app.test_api() as ctx:
        port = _port(_bot(ctx))
        ctx.should_call_api(
            "upload_group_file",
            {"group_id": 1000, "file": str(export), "name": "a.csv"},
            result=None,
        )
        await port.upload_file(str(export), "a.csv", group="qq:1000")


async def test_upload_rate_limited_is_not_retried_as_a_path(app: App, export) -> None:
    from adapters import PlatformError

    tired = ActionFailed(
        status="failed", retcode=1200, data=None, message="操作过于频繁"
    )
    async with app.test_api() as ctx:
        port = _port(_bot(ctx))
        ctx.should_call_api(
            "upload_group_file",
            {"group_id": 1000, "file": _b64(export), "name": "a.csv"},
            exception=tired,
        )
        with pytest.raises(PlatformError) as err:
            await port.upload_file(str(export), "a.csv", group="qq:1000")
    assert err.value.retryable


# ---- member info ---------------------------------------------------------


async def test_member_maps_card_nickname_and_role(app: App) -> None:
    async with app.test_api() as ctx:
        port = _port(_bot(ctx))
        ctx.should_call_api(
            "get_group_member_info",
            {"group_id": 1000, "user_id": 42, "no_cache": False},
            result={
                "group_id": 1000,
                "user_id": 42,
                "nickname": "nick",
                "card": "3-2-201 张三",
                "role": "admin",
            },
        )
        member = await port.member("qq:1000", "qq:42")
    assert member.user == "qq:42"
    assert member.nickname == "nick"
    assert member.card == "3-2-201 张三"
    assert member.role == "admin"
    assert member.display_name == "3-2-201 张三"


@pytest.mark.parametrize(
    ("raw_role", "role"),
    [("owner", "owner"), ("member", "member"), ("", None), (None, None)],
)
async def test_member_role_and_empty_card(app: App, raw_role, role) -> None:
    async with app.test_api() as ctx:
        port = _port(_bot(ctx))
        ctx.should_call_api(
            "get_group_member_info",
            {"group_id": 1000, "user_id": 42, "no_cache": False},
            result={"user_id": 42, "nickname": "nick", "card": "", "role": raw_role},
        )
        member = await port.member("qq:1000", "qq:42")
    assert member.role == role
    assert member.card == ""
    assert member.display_name == "nick"


# ---- capabilities and ids ------------------------------------------------


async def test_capabilities_cover_every_capability(app: App) -> None:
    from adapters import Capability, capability_table, port_for
    from adapters.onebot_v11 import OneBotV11Port

    async with app.test_api() as ctx:
        bot = _bot(ctx)
        port = port_for(bot)
        assert isinstance(port, OneBotV11Port)
        assert port.platform == "qq"
        assert port.capabilities == frozenset(Capability)
        assert all(port.can(capability) for capability in Capability)
        assert port_for(bot, v11_platform="wx").platform == "wx"
    assert capability_table()["OneBot v11"] == frozenset(Capability)


@pytest.mark.parametrize(
    "call",
    [
        lambda port: port.send_group("wx:1000", "hi"),
        lambda port: port.send_group("qq:1000", "hi", mention="wx:42"),
        lambda port: port.send_private("tg:42", "hi"),
        lambda port: port.mute("qq:1000", "wx:42", 60),
        lambda port: port.unmute("wx:1000", "qq:42"),
        lambda port: port.kick("wx:1000", "qq:42"),
        lambda port: port.member("qq:1000", "wx:42"),
        lambda port: port.send_group("1000", "no platform prefix"),
    ],
)
async def test_ids_of_another_platform_raise_value_error(app: App, call) -> None:
    async with app.test_api() as ctx:
        port = _port(_bot(ctx))
        with pytest.raises(ValueError):
            await call(port)
        # and nothing reached the platform (the context fails on leftovers
        # only; an unexpected call would fail in got_call_api)


async def test_platform_prefix_override_and_text_ids(app: App) -> None:
    async with app.test_api() as ctx:
        port = _port(_bot(ctx), "wx")
        ctx.should_call_api(
            "send_group_msg",
            {"group_id": 1000, "message": Message("hi")},
            result={"message_id": 1},
        )
        assert await port.send_group("wx:1000", "hi") == "1"
        # bridges that use string ids keep them as strings
        ctx.should_call_api(
            "send_group_msg",
            {
                "group_id": "abc@chatroom",
                "message": MessageSegment.at("wxid_a") + " " + "hi",
            },
            result=None,
        )
        await port.send_group("wx:abc@chatroom", "hi", mention="wx:wxid_a")
        with pytest.raises(ValueError):
            await port.send_group("qq:1000", "hi")


# ---- error mapping -------------------------------------------------------


async def test_refusal_is_a_platform_error_not_retryable(app: App) -> None:
    from adapters import PlatformError

    async with app.test_api() as ctx:
        port = _port(_bot(ctx))
        failure = ActionFailed(retcode=100, message="bot is not admin")
        ctx.should_call_api(
            "set_group_ban",
            {"group_id": 1000, "user_id": 42, "duration": 600},
            exception=failure,
        )
        with pytest.raises(PlatformError) as caught:
            await port.mute("qq:1000", "qq:42", 600)
    error = caught.value
    assert error.action == "set_group_ban"
    assert error.retryable is False
    assert "bot is not admin" in error.reason
    assert error.__cause__ is failure


@pytest.mark.parametrize(
    "info",
    [
        {"retcode": 1200, "message": "发送消息过于频繁", "wording": "操作太频繁"},
        {"retcode": 100, "message": "rate limited, try later"},
        {"retcode": 100, "message": "Too Many Requests"},
        {"retcode": 100, "message": "账号被风控"},
    ],
)
async def test_rate_limit_is_retryable(app: App, info: dict) -> None:
    from adapters import PlatformError

    async with app.test_api() as ctx:
        port = _port(_bot(ctx))
        ctx.should_call_api(
            "send_group_msg",
            {"group_id": 1000, "message": Message("hi")},
            exception=ActionFailed(**info),
        )
        with pytest.raises(PlatformError) as caught:
            await port.send_group("qq:1000", "hi")
    assert caught.value.action == "send_group_msg"
    assert caught.value.retryable is True


async def test_refusal_mentioning_operate_is_not_retryable(app: App) -> None:
    from adapters import PlatformError

    async with app.test_api() as ctx:
        port = _port(_bot(ctx))
        ctx.should_call_api(
            "set_group_kick",
            {"group_id": 1000, "user_id": 42, "reject_add_request": False},
            exception=ActionFailed(
                retcode=100, message="cannot operate on the group owner"
            ),
        )
        with pytest.raises(PlatformError) as caught:
            await port.kick("qq:1000", "qq:42")
    assert caught.value.retryable is False


@pytest.mark.parametrize(
    "exception", [NetworkError("timeout"), NetworkError(), ApiNotAvailable()]
)
async def test_network_failure_is_retryable(app: App, exception) -> None:
    from adapters import PlatformError

    async with app.test_api() as ctx:
        port = _port(_bot(ctx))
        ctx.should_call_api("delete_msg", {"message_id": 7}, exception=exception)
        with pytest.raises(PlatformError) as caught:
            await port.recall("7")
    assert caught.value.action == "delete_msg"
    assert caught.value.retryable is True
    assert caught.value.reason


# ---- event info ----------------------------------------------------------


async def test_event_info_group_message(app: App) -> None:
    from adapters import EventInfo, event_info
    from adapters.port import Segment

    event = group_message(
        "/help", group=1000, user=42, card="3-2-201 张三", role="admin"
    )
    async with app.test_api() as ctx:
        info = event_info(_bot(ctx), event)
    assert info == EventInfo(
        platform="qq",
        self_id=SELF_ID,
        user="qq:42",
        group="qq:1000",
        message_id=str(event.message_id),
        display_name="3-2-201 张三",
        sender_role="admin",
        to_me=False,
        text="/help",
        segments=(Segment("text", "text", {"text": "/help"}),),
    )


async def test_event_info_segments_mentions_cards_and_images() -> None:
    from nonebot.adapters.onebot.v11 import Message, MessageSegment

    from adapters.onebot_v11 import event_info

    message = Message(
        [
            MessageSegment.at(7),
            MessageSegment.at("all"),
            MessageSegment.text(" 看这里 "),
            MessageSegment.image("https://img.example/1.jpg"),
            MessageSegment.json('{"app":"com.tencent.miniapp"}'),
        ]
    )
    event = group_message("x")
    event = event.model_copy(update={"message": message, "original_message": message})
    info = event_info(event, "qq")
    assert info.mentions == ("qq:7",)
    assert info.mentions_all
    assert info.kinds == {"mention", "mention_all", "text", "image", "card"}
    assert info.images == ("https://img.example/1.jpg",)
    assert info.text.strip() == "看这里"
    assert not info.from_self


async def test_event_info_group_message_without_card_uses_nickname() -> None:
    from adapters.onebot_v11 import event_info

    info = event_info(group_message("hi", card="", role="owner"), "qq")
    assert info.display_name == "nick"
    assert info.sender_role == "owner"


async def test_event_info_private_message(app: App) -> None:
    from adapters import event_info

    event = private_message("hello", user=42)
    async with app.test_api() as ctx:
        info = event_info(_bot(ctx), event)
    assert info is not None
    assert info.user == "qq:42"
    assert info.group is None
    assert info.sender_role is None
    assert info.display_name == "nick"
    assert info.to_me is True


async def test_event_info_platform_prefix_override(app: App) -> None:
    from adapters import event_info

    event = group_message("hi", group=1000, user=42)
    async with app.test_api() as ctx:
        info = event_info(_bot(ctx), event, v11_platform="wx")
    assert info is not None
    assert info.platform == "wx"
    assert info.group == "wx:1000"
    assert info.user == "wx:42"


async def test_send_group_mentions_several_members(app: App) -> None:
    from nonebot.adapters.onebot.v11 import Message, MessageSegment

    async with app.test_api() as ctx:
        port = _port(_bot(ctx))
        expected = (
            Message()
            + MessageSegment.at(7)
            + " "
            + MessageSegment.at(8)
            + " "
            + "请确认通知"
        )
        ctx.should_call_api(
            "send_group_msg",
            {"group_id": 1000, "message": expected},
            result={"message_id": 5},
        )
        assert (
            await port.send_group("qq:1000", "请确认通知", mention=["qq:7", "qq:8"])
            == "5"
        )


# ---- reactions -------------------------------------------------------------


async def test_react_is_napcat_set_msg_emoji_like_with_the_ok_face(app: App) -> None:
    """NapCat's action takes ``message_id`` and ``emoji_id`` (int or string) and an
    optional ``set`` (default true): NapNeko/NapCatQQ
    packages/napcat-onebot/action/msg/SetMsgEmojiLike.ts. Face 124 is "/OK"
    (koishijs/QFace assets/qq_emoji/face_config.json, QSid 124). Once a
    connection answered it, later reactions go straight to it."""
    async with app.test_api() as ctx:
        bot = _bot(ctx)
        ctx.should_call_api(
            "set_msg_emoji_like", {"message_id": 77, "emoji_id": 124}, result=None
        )
        await _port(bot).react("qq:1000", "77")
        ctx.should_call_api(
            "set_msg_emoji_like", {"message_id": 78, "emoji_id": 124}, result=None
        )
        await _port(bot).react("qq:1000", "78")


async def test_react_on_old_lagrange_falls_back_to_set_group_reaction(
    app: App,
) -> None:
    """Lagrange.OneBot answers an action it does not have with retcode 404,
    status "failed" (LagrangeDev/Lagrange.Core
    Lagrange.OneBot/Core/Operation/OperationService.cs); its own reaction is
    set_group_reaction(group_id, message_id, code: string, is_add)
    (Core/Operation/Group/SetGroupReactionOperation.cs,
    Core/Entity/Action/OneBotSetGroupReaction.cs). The connection then keeps it."""
    async with app.test_api() as ctx:
        bot = _bot(ctx)
        ctx.should_call_api(
            "set_msg_emoji_like",
            {"message_id": 77, "emoji_id": 124},
            exception=ActionFailed(status="failed", retcode=404, data=None),
        )
        ctx.should_call_api(
            "set_group_reaction",
            {"group_id": 1000, "message_id": 77, "code": "124", "is_add": True},
            result=None,
        )
        await _port(bot).react("qq:1000", "77")
        ctx.should_call_api(
            "set_group_reaction",
            {"group_id": 1000, "message_id": 78, "code": "124", "is_add": True},
            result=None,
        )
        await _port(bot).react("qq:1000", "78")


async def test_react_without_any_reaction_action_is_not_supported_once(
    app: App,
) -> None:
    """An implementation with neither action (go-cqhttp) answers both with the
    v11 "unsupported action" retcode 1404, as NapCat does for unknown actions
    (NapNeko/NapCatQQ src/onebot/network/websocket-client.ts): the port says
    NotSupported, and the connection's next ports no longer claim REACT."""
    from adapters import Capability, NotSupported

    unknown = {"status": "failed", "retcode": 1404, "data": None}
    async with app.test_api() as ctx:
        bot = _bot(ctx)
        ctx.should_call_api(
            "set_msg_emoji_like",
            {"message_id": 77, "emoji_id": 124},
            exception=ActionFailed(**unknown, message="不支持的Api set_msg_emoji_like"),
        )
        ctx.should_call_api(
            "set_group_reaction",
            {"group_id": 1000, "message_id": 77, "code": "124", "is_add": True},
            exception=ActionFailed(**unknown, message="不支持的Api set_group_reaction"),
        )
        with pytest.raises(NotSupported):
            await _port(bot).react("qq:1000", "77")
        again = _port(bot)
        assert not again.can(Capability.REACT)
        with pytest.raises(NotSupported):  # and nothing reaches the platform
            await again.react("qq:1000", "78")
    async with app.test_api() as ctx:  # another connection: asked again
        assert _port(_bot(ctx)).can(Capability.REACT)


async def test_react_refused_is_a_platform_error(app: App) -> None:
    """NapCat turns an error in the action into retcode 200 with its message,
    e.g. "msg not found" for an unknown message id
    (packages/napcat-onebot/action/msg/SetMsgEmojiLike.ts): a refusal, not
    "unsupported", so no fallback call is made."""
    from adapters import PlatformError

    async with app.test_api() as ctx:
        ctx.should_call_api(
            "set_msg_emoji_like",
            {"message_id": 77, "emoji_id": 124},
            exception=ActionFailed(
                status="failed", retcode=200, data=None, message="msg not found"
            ),
        )
        with pytest.raises(PlatformError) as caught:
            await _port(_bot(ctx)).react("qq:1000", "77")
    assert caught.value.action == "set_msg_emoji_like"
    assert caught.value.retryable is False


async def test_acknowledge_logs_a_refusal_and_never_raises(app: App) -> None:
    from adapters.port import acknowledge

    async with app.test_api() as ctx:
        port = _port(_bot(ctx))
        ctx.should_call_api(
            "set_msg_emoji_like",
            {"message_id": 77, "emoji_id": 124},
            exception=NetworkError("timeout"),
        )
        assert await acknowledge(port, "qq:1000", "77") is False
        ctx.should_call_api(
            "set_msg_emoji_like", {"message_id": 78, "emoji_id": 124}, result=None
        )
        assert await acknowledge(port, "qq:1000", "78") is True
        assert await acknowledge(port, "qq:1000", None) is False  # no call


# ---- the replied-to (quoted) message -------------------------------------


async def test_quoted_message_is_what_get_msg_answered(app: App) -> None:
    """A reply arrives as ``[{"type": "reply", "data": {"id": "…"}}, text…]``;
    nonebot-adapter-onebot calls ``get_msg`` (v11/bot.py ``_check_reply``), and
    NapCat answers an OB11Message: time, message_type, message_id, real_id,
    message_seq, sender {user_id, nickname, card, role}, message (array),
    raw_message, font, group_id, user_id (NapNeko/NapCatQQ
    packages/napcat-onebot/action/msg/GetMsg.ts). The quoted sender and text
    come from that answer."""
    from nonebot.adapters.onebot.v11.bot import _check_reply

    from adapters.onebot_v11 import event_info
    from adapters.port import Quoted

    event = group_message("/举报", group=1000, user=42, role="admin")
    event.original_message = MessageSegment.reply(5001) + event.message
    event.message = event.original_message.copy()
    napcat_get_msg = {
        "time": 1764700000,
        "message_type": "group",
        "message_id": 5001,
        "real_id": 5001,
        "message_seq": 812,
        "sender": {"user_id": 77, "nickname": "推广", "card": "", "role": "member"},
        "message": [{"type": "text", "data": {"text": "加微信 abc123 领红包"}}],
        "raw_message": "加微信 abc123 领红包",
        "font": 14,
        "group_id": 1000,
        "user_id": 77,
    }
    async with app.test_api() as ctx:
        bot = _bot(ctx)
        ctx.should_call_api("get_msg", {"message_id": 5001}, napcat_get_msg)
        await _check_reply(bot, event)
    info = event_info(event, "qq")
    assert info.quoted == Quoted("5001", "qq:77", "加微信 abc123 领红包")
    assert info.text == "/举报"


async def test_quoted_message_when_get_msg_failed_keeps_the_id(app: App) -> None:
    """NapCat throws "消息不存在" for a message it no longer has (GetMsg.ts);
    the adapter logs and leaves ``event.reply`` empty: only the id is known."""
    from nonebot.adapters.onebot.v11.bot import _check_reply

    from adapters.onebot_v11 import event_info
    from adapters.port import Quoted

    event = group_message("/举报")
    event.original_message = MessageSegment.reply(5002) + event.message
    event.message = event.original_message.copy()
    async with app.test_api() as ctx:
        bot = _bot(ctx)
        ctx.should_call_api(
            "get_msg",
            {"message_id": 5002},
            exception=ActionFailed(status="failed", retcode=200, message="消息不存在"),
        )
        await _check_reply(bot, event)
    assert event_info(event, "qq").quoted == Quoted("5002", None)


def test_a_message_that_quotes_nothing_has_no_quoted() -> None:
    from adapters.onebot_v11 import event_info

    assert event_info(group_message("hi"), "qq").quoted is None
