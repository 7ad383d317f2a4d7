"""adapters.milky: MilkyPort and the event translation, with the real
nonebot-adapter-milky Bot and only its HTTP call replaced.

``Wire`` stands for ``Adapter.call_http`` (nonebot/adapters/milky/adapter.py):
it receives what the adapter would POST to ``/api/<action>``, cleaned and
JSON-encoded the same way (``clean_params``, ``DataclassEncoder``), and answers
with the ``data`` of a Milky response. So the parameters asserted here are the
JSON bodies a Milky implementation receives.

Events are parsed by the adapter's own ``Adapter.json_to_event`` from payloads
shaped like Lagrange V2's (LagrangeDev/LagrangeV2 Lagrange.Milky/: Entity/Event/
EventBase.cs ``time``, ``self_id``, ``event_type``, ``data``; Utility/
EntityConvert.Message.cs: a group message's ``peer_id`` is the group,
``message_seq`` its ``Sequence``, with the ``group`` and ``group_member``
entities, filled by Utility/EntityConvert.Misc.cs with "" for what QQ does not
say; Utility/EntityConvert.Segment.cs for the segments) and by the Milky spec
(SaltifyDev/milky protocol/src/ir/common.ts, ``IncomingMessage``,
``IncomingSegment``).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from typing import Any

import pytest

SELF = 10000
GROUP = "qq:1000"


class Wire:
    """Records ``(action, body)`` and answers from ``answers`` (a value, a
    callable of the body, or an exception to raise)."""

    def __init__(self, **answers: Any) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.answers = answers

    async def call_http(self, info: Any, action: str, params: Any = None) -> Any:
        from nonebot.adapters.milky.model import ModelBase
        from nonebot.adapters.milky.utils import clean_params
        from nonebot.utils import DataclassEncoder

        data = clean_params(params or {})
        data = {
            k: v.dict_() if isinstance(v, ModelBase) else v for k, v in data.items()
        }
        body = json.loads(json.dumps(data, cls=DataclassEncoder))
        self.calls.append((action, body))
        answer = self.answers.get(action, {})
        if isinstance(answer, Exception):
            raise answer
        if callable(answer):
            answer = answer(body)
        return answer


def _bot(wire: Wire):
    from nonebot.adapters.milky import Adapter, Bot
    from nonebot.adapters.milky.config import ClientInfo

    adapter = object.__new__(Adapter)  # no driver: only call_http is used
    adapter.call_http = wire.call_http  # type: ignore[method-assign]
    return Bot(adapter, str(SELF), ClientInfo(host="127.0.0.1", port=3000))


def _port(wire: Wire):
    from adapters import port_for

    return port_for(_bot(wire))


def _sent(seq: int = 7001) -> Callable[[dict[str, Any]], dict[str, Any]]:
    return lambda body: {"message_seq": seq, "time": 1733212800}


def _member(user: int, *, card: str = "", role: str = "member") -> dict[str, Any]:
    """Lagrange.Milky/Entity/GroupMember.cs as EntityConvert.Misc.cs fills it."""
    return {
        "user_id": user,
        "nickname": f"nick{user}",
        "sex": "unknown",
        "group_id": 1000,
        "card": card,
        "title": "",
        "level": 1,
        "role": role,
        "join_time": 1700000000,
        "last_sent_time": 1733212800,
        "shut_up_end_time": 0,
    }


def _group_message(
    segments: list[dict[str, Any]],
    *,
    group: int = 1000,
    seq: int = 5001,
    user: int = 42,
    card: str = "3-2-201 张三",
    role: str = "member",
) -> dict[str, Any]:
    return {
        "time": 1733212800,
        "self_id": SELF,
        "event_type": "message_receive",
        "data": {
            "message_scene": "group",
            "peer_id": group,
            "message_seq": seq,
            "sender_id": user,
            "time": 1733212800,
            "segments": segments,
            "group": {  # Lagrange.Milky/Entity/Group.cs
                "group_id": group,
                "group_name": "3栋业主群",
                "member_count": 300,
                "max_member_count": 500,
                "remark": "",
                "created_time": 1600000000,
                "description": "",
                "question": "",
                "announcement": "",
            },
            "group_member": _member(user, card=card, role=role),
        },
    }


def _text(text: str) -> dict[str, Any]:
    return {"type": "text", "data": {"text": text}}


def _event(payload: dict[str, Any]):
    from nonebot.adapters.milky import Adapter

    event = Adapter.json_to_event(json.loads(json.dumps(payload)))
    assert event is not None
    return event


def _info(event, wire: Wire | None = None):
    from adapters import event_info

    return event_info(_bot(wire or Wire()), event)


# ---- ids and event_info ----------------------------------------------------


def test_a_group_message_has_the_same_qq_ids_as_over_onebot_v11() -> None:
    """A QQ group is ``qq:<group number>`` and a member ``qq:<QQ number>``
    whichever protocol the bot speaks; the name is the group card, the role is
    ``group_member.role``; mentions (``mention``: ``user_id``, ``name``) and
    images (``resource_id``, ``temp_url``) are linli's."""
    event = _event(
        _group_message(
            [
                _text("看这里 "),
                {"type": "mention", "data": {"user_id": 77, "name": "李四"}},
                {
                    "type": "image",
                    "data": {
                        "resource_id": "res-1",
                        "temp_url": "https://multimedia.nt.qq.com.cn/download?x=1",
                        "width": 640,
                        "height": 480,
                        "summary": "[图片]",
                        "sub_type": "normal",
                    },
                },
            ],
            role="admin",
        )
    )
    info = _info(event)
    assert info is not None
    assert (info.platform, info.group, info.user) == ("qq", GROUP, "qq:42")
    assert info.self_id == str(SELF)
    assert info.display_name == "3-2-201 张三"
    assert info.sender_role == "admin"
    assert info.text == "看这里 "
    assert info.mentions == ("qq:77",)
    assert info.images == ("https://multimedia.nt.qq.com.cn/download?x=1",)
    assert info.message_id == "group:1000:5001"
    assert not info.to_me


def test_the_same_sequence_number_in_two_groups_is_two_messages() -> None:
    """Milky numbers messages per conversation (``message_seq``; Lagrange V2
    uses the group message's own Sequence): message 5001 of one group and 5001
    of another must not look like one message replayed (core drops a
    (bot, message id) pair it has seen)."""
    a = _info(_event(_group_message([_text("+1")], group=1000, seq=5001)))
    b = _info(_event(_group_message([_text("+1")], group=2000, seq=5001)))
    assert a is not None and b is not None
    assert a.message_id != b.message_id


def test_a_name_falls_back_to_the_nickname() -> None:
    info = _info(_event(_group_message([_text("hi")], card="")))
    assert info is not None and info.display_name == "nick42"


async def test_at_the_bot_is_addressed_to_it() -> None:
    """nonebot-adapter-milky's ``_check_at_me`` (bot.py) takes a leading
    ``mention`` of the bot's own number as addressing it; linli's text is the
    rest and the mention stays among the segments (ctx.mentioned drops the
    bot itself)."""
    from nonebot.adapters.milky.bot import _check_at_me

    event = _event(
        _group_message(
            [{"type": "mention", "data": {"user_id": SELF}}, _text(" 物业电话多少")]
        )
    )
    bot = _bot(Wire())
    _check_at_me(bot, event)
    info = _info(event)
    assert info is not None and info.to_me
    assert info.text.strip() == "物业电话多少"
    assert info.mentions == (f"qq:{SELF}",)


def test_mention_all() -> None:
    info = _info(_event(_group_message([{"type": "mention_all", "data": {}}])))
    assert info is not None and info.mentions_all


async def test_a_friend_message_is_private_and_addressed() -> None:
    from nonebot.adapters.milky.bot import _check_at_me

    payload = {
        "time": 1733212800,
        "self_id": SELF,
        "event_type": "message_receive",
        "data": {
            "message_scene": "friend",
            "peer_id": 42,
            "message_seq": 7,
            "sender_id": 42,
            "time": 1733212800,
            "segments": [_text("/报修 水管漏了")],
            "friend": {
                "user_id": 42,
                "nickname": "张三",
                "sex": "male",
                "qid": "",
                "remark": "",
                "category": {"category_id": 0, "category_name": "我的好友"},
            },
        },
    }
    event = _event(payload)
    _check_at_me(_bot(Wire()), event)
    info = _info(event)
    assert info is not None
    assert info.group is None and info.user == "qq:42"
    assert info.to_me and info.display_name == "张三"
    assert info.message_id == "friend:42:7"


def test_a_temporary_session_message_is_left_out() -> None:
    """``temp`` messages: the adapter's Bot.send would answer them with
    send_group_message to the sender's number, so linli does not take them."""
    payload = _group_message([_text("hi")])
    payload["data"]["message_scene"] = "temp"
    del payload["data"]["group_member"]
    assert _info(_event(payload)) is None


async def test_the_quoted_message_comes_from_get_message() -> None:
    """A ``reply`` segment (Lagrange V2 sends only ``message_seq``:
    EntityConvert.Segment.cs ReplyIncomingSegment) makes the adapter fetch the
    message with get_message (bot.py ``_check_reply``); its sender and text
    are the Quoted."""
    from nonebot.adapters.milky.bot import _check_reply

    original = _group_message([_text("卖房 www.haohuo888.com")], seq=4999, user=66)
    wire = Wire(get_message=lambda body: {"message": original["data"]})
    event = _event(
        _group_message([{"type": "reply", "data": {"message_seq": 4999}}, _text("?")])
    )
    await _check_reply(_bot(wire), event)
    assert wire.calls == [
        (
            "get_message",
            {"message_scene": "group", "peer_id": 1000, "message_seq": 4999},
        )
    ]
    info = _info(event)
    assert info is not None and info.quoted is not None
    assert info.quoted.message_id == "group:1000:4999"
    assert info.quoted.user == "qq:66"
    assert info.quoted.text == "卖房 www.haohuo888.com"


async def test_the_quoted_message_from_the_segment_when_get_message_fails() -> None:
    """Milky 1.2's incoming ``reply`` segment carries ``sender_id``, ``time``
    and ``segments`` (common.ts IncomingSegment); when get_message fails
    the segment still says who was quoted and what."""
    from nonebot.adapters.milky.bot import _check_reply
    from nonebot.adapters.milky.exception import ActionFailed

    wire = Wire(get_message=ActionFailed(status="failed", retcode=-404, message="x"))
    reply = {
        "message_seq": 4999,
        "sender_id": 66,
        "time": 1733212000,
        "segments": [_text("原话")],
    }
    event = _event(_group_message([{"type": "reply", "data": reply}, _text("同意")]))
    await _check_reply(_bot(wire), event)
    info = _info(event)
    assert info is not None and info.quoted is not None
    assert (info.quoted.message_id, info.quoted.user, info.quoted.text) == (
        "group:1000:4999",
        "qq:66",
        "原话",
    )


async def test_a_reply_knows_the_id_of_what_it_sent() -> None:
    """nonebot-adapter-milky's Bot.send answers a group message with
    send_group_message to its peer and returns MessageResponse (message_seq,
    time; model/api.py); linli's replies read a ``message_id`` from it
    (adapters.base.message_id_of), which adapters.milky adds."""
    from adapters.base import message_id_of

    wire = Wire(send_group_message=_sent(7002), send_private_message=_sent(13))
    bot = _bot(wire)
    event = _event(_group_message([_text("物业电话是多少？")]))
    assert message_id_of(await bot.send(event, "0571-1234567")) == "group:1000:7002"
    assert wire.calls[0][0] == "send_group_message"
    assert wire.calls[0][1]["group_id"] == 1000


# ---- member changes and join requests --------------------------------------


def _notice(event_type: str, **data: Any) -> dict[str, Any]:
    return {"time": 1733212800, "self_id": SELF, "event_type": event_type, "data": data}


def test_joins_and_leaves() -> None:
    """group_member_increase / group_member_decrease (common.ts); Lagrange V2
    sends operator_id null when nobody removed the member
    (EntityConvert.Event.cs: ``OperatorUin == 0 ? null``)."""
    from adapters import member_changes

    bot = _bot(Wire())
    (joined,) = member_changes(
        bot,
        _event(
            _notice(
                "group_member_increase",
                group_id=1000,
                user_id=88,
                operator_id=None,
                invitor_id=42,
            )
        ),
    )
    assert (joined.group, joined.user, joined.operator) == (GROUP, "qq:88", "qq:42")
    assert joined.joined and not joined.kicked
    (left,) = member_changes(
        bot,
        _event(
            _notice(
                "group_member_decrease", group_id=1000, user_id=88, operator_id=None
            )
        ),
    )
    assert not left.joined and not left.kicked and left.operator is None
    (kicked,) = member_changes(
        bot,
        _event(
            _notice("group_member_decrease", group_id=1000, user_id=88, operator_id=500)
        ),
    )
    assert kicked.kicked and kicked.operator == "qq:500"
    other = _event(
        _notice("group_mute", group_id=1000, user_id=88, operator_id=500, duration=60)
    )
    assert member_changes(bot, other) == ()


async def test_a_join_request_is_answered_with_its_notification() -> None:
    """group_join_request carries notification_seq and is_filtered; the answer
    is accept_group_request / reject_group_request with them and
    notification_type "join_request" (group.ts)."""
    from adapters import join_request

    wire = Wire()
    bot = _bot(wire)
    request = join_request(
        bot,
        _event(
            _notice(
                "group_join_request",
                group_id=1000,
                notification_seq=321,
                is_filtered=True,
                initiator_id=88,
                comment="问题：房号\n答案：3-2-201",
            )
        ),
    )
    assert request is not None
    assert (request.group, request.user) == (GROUP, "qq:88")
    assert request.comment.endswith("3-2-201")
    port = _port(wire)
    await port.answer_join(request, True)
    await port.answer_join(request, False, "请先登记房号")
    assert wire.calls == [
        (
            "accept_group_request",
            {
                "notification_seq": 321,
                "notification_type": "join_request",
                "group_id": 1000,
                "is_filtered": True,
            },
        ),
        (
            "reject_group_request",
            {
                "notification_seq": 321,
                "notification_type": "join_request",
                "group_id": 1000,
                "is_filtered": True,
                "reason": "请先登记房号",
            },
        ),
    ]


# ---- the port: what reaches the implementation -----------------------------


async def test_send_group_with_a_reply_and_a_mention() -> None:
    """send_group_message's ``message`` is a list of OutgoingSegment: reply
    (``message_seq``), mention (``user_id``), text (common.ts); the result's
    message_seq becomes linli's id."""
    wire = Wire(send_group_message=_sent(7001))
    port = _port(wire)
    sent = await port.send_group(
        GROUP, "请勿发广告", mention="qq:42", reply_to="group:1000:5001"
    )
    assert sent == "group:1000:7001"
    assert wire.calls == [
        (
            "send_group_message",
            {
                "group_id": 1000,
                "message": [
                    {"type": "reply", "data": {"message_seq": 5001}},
                    {"type": "mention", "data": {"user_id": 42}},
                    _text(" "),
                    _text("请勿发广告"),
                ],
            },
        )
    ]


async def test_send_private() -> None:
    wire = Wire(send_private_message=_sent(12))
    assert await _port(wire).send_private("qq:42", "您的报修已受理") == "friend:42:12"
    assert wire.calls == [
        ("send_private_message", {"user_id": 42, "message": [_text("您的报修已受理")]})
    ]


async def test_recall_group_and_private_messages() -> None:
    wire = Wire()
    port = _port(wire)
    await port.recall("group:1000:5001", group=GROUP)
    await port.recall("5002", group=GROUP)  # a bare number, its group given
    await port.recall("friend:42:7")
    assert wire.calls == [
        ("recall_group_message", {"group_id": 1000, "message_seq": 5001}),
        ("recall_group_message", {"group_id": 1000, "message_seq": 5002}),
        ("recall_private_message", {"user_id": 42, "message_seq": 7}),
    ]
    with pytest.raises(ValueError):
        await port.recall("group:2000:5001", group=GROUP)  # another group's message
    with pytest.raises(ValueError):
        await port.recall("5001")


async def test_mute_unmute_kick() -> None:
    """set_group_member_mute(group_id, user_id, duration; 0 unmutes) and
    kick_group_member(group_id, user_id, reject_add_request) (group.ts)."""
    wire = Wire()
    port = _port(wire)
    await port.mute(GROUP, "qq:42", 600)
    await port.unmute(GROUP, "qq:42")
    await port.kick(GROUP, "qq:42")
    await port.kick(GROUP, "qq:43", block=True)
    assert wire.calls == [
        ("set_group_member_mute", {"group_id": 1000, "user_id": 42, "duration": 600}),
        ("set_group_member_mute", {"group_id": 1000, "user_id": 42, "duration": 0}),
        (
            "kick_group_member",
            {"group_id": 1000, "user_id": 42, "reject_add_request": False},
        ),
        (
            "kick_group_member",
            {"group_id": 1000, "user_id": 43, "reject_add_request": True},
        ),
    ]


async def test_react_with_the_ok_face() -> None:
    """send_group_message_reaction(group_id, message_seq, reaction,
    reaction_type, is_add) (group.ts); Lagrange V2 passes ``reaction`` to
    SetGroupReaction as the face id (SendGroupMessageReactionHandler.cs)."""
    wire = Wire()
    await _port(wire).react(GROUP, "group:1000:5001")
    assert wire.calls == [
        (
            "send_group_message_reaction",
            {
                "group_id": 1000,
                "message_seq": 5001,
                "reaction": "124",
                "reaction_type": "face",
                "is_add": True,
            },
        )
    ]


async def test_member_info_and_list() -> None:
    wire = Wire(
        get_group_member_info=lambda body: {
            "member": _member(body["user_id"], card="3-2-201 张三", role="owner")
        },
        get_group_member_list=lambda body: {
            "members": [_member(42), _member(43), _member(SELF, role="admin")]
        },
    )
    port = _port(wire)
    info = await port.member(GROUP, "qq:42")
    assert (info.user, info.card, info.nickname, info.role) == (
        "qq:42",
        "3-2-201 张三",
        "nick42",
        "owner",
    )
    assert await port.member_ids(GROUP) == {"qq:42", "qq:43", f"qq:{SELF}"}
    assert wire.calls[0] == (
        "get_group_member_info",
        {"group_id": 1000, "user_id": 42, "no_cache": False},
    )
    assert wire.calls[1] == (
        "get_group_member_list",
        {"group_id": 1000, "no_cache": True},
    )


async def test_a_file_goes_inline(tmp_path) -> None:
    """upload_group_file(group_id, file_uri, file_name) (file.ts) with the
    content as ``base64://``: the implementation may not share linli's disk."""
    path = tmp_path / "signup.csv"
    path.write_bytes("房号,姓名\n3-2-201,张三\n".encode())
    wire = Wire(upload_group_file={"file_id": "f1"})
    await _port(wire).upload_file(str(path), "接龙.csv", group=GROUP)
    ((action, body),) = wire.calls
    assert action == "upload_group_file"
    assert body["group_id"] == 1000 and body["file_name"] == "接龙.csv"
    assert body["file_uri"].startswith("base64://")
    assert base64.b64decode(body["file_uri"][9:]) == path.read_bytes()


# ---- errors ----------------------------------------------------------------


async def test_an_api_the_implementation_lacks_is_not_supported() -> None:
    """HTTP 404 ("请求的 API 不存在", guide/communication.md) is the adapter's
    UnsupportedApi: NotSupported, and the connection's port stops offering it,
    so features fall back instead of retrying."""
    from nonebot.adapters.milky.exception import UnsupportedApi

    from adapters import Capability, NotSupported

    wire = Wire(send_group_message_reaction=UnsupportedApi("404"))
    bot = _bot(wire)
    from adapters import port_for

    port = port_for(bot)
    with pytest.raises(NotSupported):
        await port.react(GROUP, "group:1000:5001")
    assert not port.can(Capability.REACT)
    assert not port_for(bot).can(Capability.REACT)
    with pytest.raises(NotSupported):
        await port_for(bot).react(GROUP, "group:1000:5002")
    assert len(wire.calls) == 1  # not asked again
    assert port_for(bot).can(Capability.MUTE)


@pytest.mark.parametrize(
    ("answer", "retryable"),
    [
        ({"status": "failed", "retcode": -404, "message": "群成员不存在"}, False),
        ({"status": "failed", "retcode": -403, "message": "未处于登录状态"}, True),
        ({"status": "failed", "retcode": -500, "message": "发送过于频繁"}, True),
    ],
)
async def test_a_refusal_is_a_platform_error(
    answer: dict[str, Any], retryable: bool
) -> None:
    """A ``"status": "failed"`` answer (retcode, message) is the adapter's
    ActionFailed: PlatformError with Milky's message; not logged in (-403) and
    rate-limit wordings may work later."""
    from nonebot.adapters.milky.exception import ActionFailed

    from adapters import PlatformError

    wire = Wire(set_group_member_mute=ActionFailed(**answer))
    with pytest.raises(PlatformError) as caught:
        await _port(wire).mute(GROUP, "qq:42", 60)
    assert caught.value.reason == answer["message"]
    assert caught.value.retryable is retryable


async def test_a_network_failure_is_retryable() -> None:
    from nonebot.adapters.milky.exception import NetworkError

    from adapters import PlatformError

    wire = Wire(send_group_message=NetworkError("HTTP request failed"))
    with pytest.raises(PlatformError) as caught:
        await _port(wire).send_group(GROUP, "hi")
    assert caught.value.retryable


def test_the_capability_table_has_milky() -> None:
    from adapters import Capability, capability_table

    assert capability_table()["Milky (QQ)"] == frozenset(Capability)
    assert _port(Wire()).platform == "qq"


# ---- bot.py: registration and the log --------------------------------------


def test_the_milky_adapter_is_registered_only_when_configured(monkeypatch) -> None:
    """MILKY_CLIENTS (environment or .env) is passed to NoneBot as
    ``milky_clients`` (nonebot-adapter-milky config.py) and is what registers
    the adapter; without it the adapter is not loaded."""
    from types import SimpleNamespace

    import bot

    monkeypatch.delenv("MILKY_CLIENTS", raising=False)
    assert "milky_clients" not in bot.init_options()
    clients = '[{"host": "127.0.0.1", "port": 3000, "access_token": "t"}]'
    monkeypatch.setenv("MILKY_CLIENTS", clients)
    options = bot.init_options()
    assert options["milky_clients"] == json.loads(clients)
    assert bot.milky_configured(SimpleNamespace(**options))
    assert not bot.milky_configured(SimpleNamespace())
    assert not bot.milky_configured(SimpleNamespace(milky_clients=[]))


def test_a_milky_message_line_loses_its_text() -> None:
    """nonebot-adapter-milky logs a message as ``[message:group]: Message
    <seq> from <user> in <group>: <text>`` (event.py, get_event_name and
    get_event_description); linli's log keeps who and where, not what."""
    from bot import HIDDEN, redact

    group = (
        "Milky 10000 | [message:group]: Message 5001 from 42 in 1000: 电话 13812345678"
    )
    assert redact(group) == (
        f"Milky 10000 | [message:group]: Message 5001 from 42 in 1000: {HIDDEN}"
    )
    friend = "Milky 10000 | [message:friend]: Message 7 from 42: 我住3-2-201\n第二行"
    assert (
        redact(friend) == f"Milky 10000 | [message:friend]: Message 7 from 42: {HIDDEN}"
    )


def test_the_milky_access_token_stays_out_of_the_log() -> None:
    """nonebot-adapter-milky sends the token in the event URL's query
    (config.py ``ws_url``) and logs that URL (adapter.py ``ws_connect``, also
    at ERROR on each failed connection); linli's log shows it masked."""
    from bot import hide_token

    line = (
        "Milky | Error while setup websocket to "
        "ws://127.0.0.1:3000/event?access_token=s3cr3t. Trying to reconnect..."
    )
    assert "s3cr3t" not in hide_token(line)
    assert "access_token=***" in hide_token(line)
    config = "Loaded Config: {'milky_clients': [{'port': 3000, 'access_token': 's3'}]}"
    assert hide_token(config).endswith("'access_token': '***'}]}")
    from types import SimpleNamespace

    from bot import scrub_token

    error = ValueError("401, url='ws://127.0.0.1:3000/event?access_token=s3cr3t'")
    record = {
        "message": "Milky | Error while setup websocket to ws://127.0.0.1:3000/"
        "event?access_token=s3cr3t. Trying to reconnect...",
        "exception": SimpleNamespace(type=ValueError, value=error, traceback=None),
    }
    scrub_token(record)
    assert "s3cr3t" not in record["message"] and record["exception"] is None
    assert "ValueError: 401" in record["message"]
