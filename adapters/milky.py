"""QQ over the Milky protocol (Lagrange V2 and other current QQ implementations),
through nonebot-adapter-milky.

The implementation is an HTTP server: linli calls ``POST /api/<action>`` and
reads events from the ``/event`` WebSocket (nonebot-adapter-milky's forward
connection, ``MILKY_CLIENTS``). Ids are QQ numbers, qualified ``qq:`` as over
OneBot v11, so a group keeps its id whichever protocol its bot speaks.

mute = set_group_member_mute (0 s unmutes), kick = kick_group_member, recall =
recall_group_message / recall_private_message, role = the ``group_member`` of
every group message (and get_group_member_info), react =
send_group_message_reaction with QQ face 124 ("OK"), files =
upload_group_file / upload_private_file (``base64://``, so that the
implementation need not share linli's disk). An action the implementation does
not have (HTTP 404, Milky's "API 不存在") is NotSupported, and the port stops
offering it for that connection.

Message ids: Milky numbers messages per conversation (``message_seq``; Lagrange
V2 takes a group message's ``Sequence``, Lagrange.Milky/Utility/
EntityConvert.Message.cs), so two groups have messages with the same number.
linli's ids must tell them apart (core drops a (bot, message id) it has seen as
a replay), so a Milky message id is ``<scene>:<peer>:<seq>``, e.g.
``group:1000:5001``; the port also takes a bare ``5001`` with the group given.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar
from weakref import WeakKeyDictionary

import anyio
from nonebot.adapters.milky import Bot, Event, Message, MessageSegment
from nonebot.adapters.milky.event import (
    FriendMessageEvent,
    GroupInvitedJoinRequestEvent,
    GroupJoinRequestEvent,
    GroupMemberDecreaseEvent,
    GroupMemberIncreaseEvent,
    GroupMessageEvent,
    MessageEvent,
    MessageRecallEvent,
)
from nonebot.adapters.milky.exception import (
    ActionFailed,
    ApiNotAvailable,
    InvalidAccessToken,
    NetworkError,
    UnsupportedApi,
)

from .base import _RATE_LIMIT, BasePort
from .port import (
    Capability,
    EventInfo,
    JoinRequest,
    MemberChange,
    MemberInfo,
    Mention,
    NotSupported,
    PlatformError,
    PlatformRole,
    Quoted,
    Segment,
    SegmentKind,
    mentioned,
    qualify,
)

T = TypeVar("T")

PLATFORM = "qq"  # the same QQ numbers as OneBot v11's default platform
# Milky 1.x has an API for every capability (SaltifyDev/milky
# protocol/src/ir/api/{message,group,file}.ts); what an implementation lacks
# answers HTTP 404 and is dropped for its connection (_missing)
CAPABILITIES = frozenset(Capability)
OK_FACE = "124"  # QQ system face 124, "/OK", as v11's reactions
_ROLES: dict[str, PlatformRole] = {
    "owner": "owner",
    "admin": "admin",
    "member": "member",
}
# bot → the capabilities its implementation answered 404 for
_missing: WeakKeyDictionary[Bot, set[Capability]] = WeakKeyDictionary()
# Milky: retcode -403 "未处于登录状态" (guide/communication.md): may pass
_NOT_LOGGED_IN = -403


def message_id(scene: str, peer: int | str, seq: int | str) -> str:
    """linli's id of Milky message ``seq`` of conversation ``peer``."""
    return f"{scene}:{peer}:{seq}"


def parse_message_id(value: str) -> tuple[str | None, int | None, int]:
    """(scene, peer, seq) of a :func:`message_id`; (None, None, seq) for a
    bare sequence number."""
    parts = value.split(":")
    if len(parts) == 3 and parts[1].lstrip("-").isdigit() and parts[2].isdigit():
        return parts[0], int(parts[1]), int(parts[2])
    if value.isdigit():
        return None, None, int(value)
    raise ValueError(f"not a Milky message id: {value!r}")


class MilkyPort(BasePort):
    def __init__(self, bot: Bot):
        self.bot = bot
        self.platform = PLATFORM
        self.capabilities = CAPABILITIES - _missing.get(bot, set())

    def _uin(self, qualified: str) -> int:
        return int(self._raw(qualified))

    async def _api(
        self, action: str, capability: Capability, call: Callable[[], Awaitable[T]]
    ) -> T:
        """Call the implementation; its errors in the port's terms.

        nonebot-adapter-milky (utils.py ``raise_api_response``) raises
        UnsupportedApi for HTTP 404, InvalidAccessToken for 401 and
        ActionFailed for a ``"status": "failed"`` answer (its ``retcode`` and
        ``message`` in ``.info``)."""
        self._need(capability)
        try:
            return await call()
        except UnsupportedApi as exc:
            _missing.setdefault(self.bot, set()).add(capability)
            self.capabilities = self.capabilities - {capability}
            raise NotSupported(capability, self.platform) from exc
        except InvalidAccessToken as exc:
            raise PlatformError(
                action, "the Milky access token is wrong (HTTP 401)"
            ) from exc
        except ActionFailed as exc:
            info = exc.info
            reason = str(info.get("message") or info.get("retcode") or "failed")
            retryable = (
                info.get("retcode") == _NOT_LOGGED_IN
                or _RATE_LIMIT.search(reason) is not None
            )
            raise PlatformError(action, reason, retryable=retryable) from exc
        except (NetworkError, ApiNotAvailable) as exc:
            reason = getattr(exc, "msg", None) or type(exc).__name__
            raise PlatformError(action, str(reason), retryable=True) from exc

    async def send_group(
        self,
        group: str,
        text: str,
        *,
        mention: Mention = None,
        reply_to: str | None = None,
    ) -> str | None:
        gid = self._uin(group)
        message = Message()
        if reply_to is not None:
            message += MessageSegment.reply(self._seq(reply_to, "group", gid))
        for user in mentioned(mention):
            message += MessageSegment.mention(self._uin(user))
            message += MessageSegment.text(" ")
        message += MessageSegment.text(text)
        sent = await self._api(
            "send_group_message",
            Capability.SEND_GROUP,
            lambda: self.bot.send_group_message(group_id=gid, message=message),
        )
        return message_id("group", gid, sent.message_seq)

    async def send_private(self, user: str, text: str) -> str | None:
        uid = self._uin(user)
        sent = await self._api(
            "send_private_message",
            Capability.SEND_PRIVATE,
            lambda: self.bot.send_private_message(
                user_id=uid, message=MessageSegment.text(text)
            ),
        )
        return message_id("friend", uid, sent.message_seq)

    def _seq(self, mid: str, scene: str, peer: int) -> int:
        """The sequence number of ``mid``, a message of ``peer``."""
        got_scene, got_peer, seq = parse_message_id(mid)
        if got_peer is not None and (got_scene, got_peer) != (scene, peer):
            raise ValueError(f"message {mid!r} is not one of {scene} {peer}")
        return seq

    async def recall(self, message_id: str, *, group: str | None = None) -> None:
        scene, peer, seq = parse_message_id(message_id)
        if group is not None:
            gid = self._uin(group)
            seq = self._seq(message_id, "group", gid)
            scene, peer = "group", gid
        if peer is None:
            raise ValueError("Milky needs the group of a bare message number")
        if scene == "group":
            await self._api(
                "recall_group_message",
                Capability.RECALL,
                lambda: self.bot.recall_group_message(group_id=peer, message_seq=seq),
            )
        else:
            await self._api(
                "recall_private_message",
                Capability.RECALL,
                lambda: self.bot.recall_private_message(user_id=peer, message_seq=seq),
            )

    async def react(self, group: str, message_id: str) -> None:
        """send_group_message_reaction(group_id, message_seq, reaction) with the
        "OK" face (Milky group.ts; Lagrange V2's SendGroupMessageReactionHandler
        passes ``reaction`` to SetGroupReaction as a face id)."""
        gid = self._uin(group)
        seq = self._seq(message_id, "group", gid)
        await self._api(
            "send_group_message_reaction",
            Capability.REACT,
            lambda: self.bot.send_group_message_reaction(
                group_id=gid, message_seq=seq, reaction=OK_FACE
            ),
        )

    async def mute(self, group: str, user: str, seconds: int) -> None:
        await self._mute(group, user, seconds, Capability.MUTE)

    async def unmute(self, group: str, user: str) -> None:
        await self._mute(group, user, 0, Capability.UNMUTE)

    async def _mute(
        self, group: str, user: str, seconds: int, capability: Capability
    ) -> None:
        gid, uid = self._uin(group), self._uin(user)
        await self._api(
            "set_group_member_mute",
            capability,
            lambda: self.bot.set_group_member_mute(
                group_id=gid, user_id=uid, duration=max(0, int(seconds))
            ),
        )

    async def kick(self, group: str, user: str, *, block: bool = False) -> None:
        gid, uid = self._uin(group), self._uin(user)
        await self._api(
            "kick_group_member",
            Capability.KICK,
            lambda: self.bot.kick_group_member(
                group_id=gid, user_id=uid, reject_add_request=block
            ),
        )

    async def member(self, group: str, user: str) -> MemberInfo:
        gid, uid = self._uin(group), self._uin(user)
        info = await self._api(
            "get_group_member_info",
            Capability.MEMBER_INFO,
            lambda: self.bot.get_group_member_info(group_id=gid, user_id=uid),
        )
        return MemberInfo(
            user=user,
            nickname=info.nickname or "",
            card=info.card or "",
            role=_ROLES.get(info.role or ""),
        )

    async def member_ids(self, group: str) -> frozenset[str]:
        gid = self._uin(group)
        members = await self._api(
            "get_group_member_list",
            Capability.MEMBER_LIST,
            lambda: self.bot.get_group_member_list(group_id=gid, no_cache=True),
        )
        return frozenset(qualify(PLATFORM, m.user_id) for m in members)

    async def answer_join(
        self, request: JoinRequest, approve: bool, reason: str = ""
    ) -> None:
        """accept_group_request / reject_group_request with the request's
        notification_seq and type (Milky group.ts); :func:`join_request` keeps
        them in ``flag`` and ``sub_type``."""
        gid = self._uin(request.group)
        seq, _, filtered = request.flag.partition(":")
        params: dict[str, Any] = {
            "notification_seq": int(seq),
            "notification_type": request.sub_type,
            "group_id": gid,
            "is_filtered": filtered == "filtered",
        }
        if approve:
            await self._api(
                "accept_group_request",
                Capability.JOIN_REQUESTS,
                lambda: self.bot.accept_group_request(**params),
            )
        else:
            await self._api(
                "reject_group_request",
                Capability.JOIN_REQUESTS,
                lambda: self.bot.reject_group_request(**params, reason=reason or None),
            )

    async def upload_file(
        self, path: str, name: str, *, group: str | None = None, user: str | None = None
    ) -> None:
        """upload_group_file / upload_private_file with the content inline
        (``base64://``): the implementation may run on another machine or in a
        container, where linli's path means nothing."""
        if group is None and user is None:
            raise ValueError("upload_file needs a group or a user")
        self._need(Capability.UPLOAD_FILE)
        content = await anyio.Path(path).read_bytes()
        if group is not None:
            gid = self._uin(group)
            await self._api(
                "upload_group_file",
                Capability.UPLOAD_FILE,
                lambda: self.bot.upload_group_file(
                    group_id=gid, raw=content, file_name=name
                ),
            )
        else:
            assert user is not None
            uid = self._uin(user)
            await self._api(
                "upload_private_file",
                Capability.UPLOAD_FILE,
                lambda: self.bot.upload_private_file(
                    user_id=uid, raw=content, file_name=name
                ),
            )


# Milky's incoming segment types (SaltifyDev/milky protocol/src/ir/common.ts,
# IncomingSegment) in linli's kinds
_KINDS: dict[str, SegmentKind] = {
    "text": "text",
    "face": "face",
    "market_face": "face",
    "reply": "reply",
    "image": "image",
    "record": "voice",
    "video": "video",
    "file": "file",
    "forward": "forward",
    "light_app": "card",
    "xml": "card",
    "markdown": "text",
}


def segments(message: Message) -> tuple[Segment, ...]:
    out = []
    for seg in message:
        data: dict[str, Any] = dict(seg.data)
        if seg.type == "mention":
            out.append(
                Segment("mention", seg.type, {**data, "user": str(data["user_id"])})
            )
        elif seg.type == "mention_all":
            out.append(Segment("mention_all", seg.type, data))
        elif seg.type == "image":
            # an incoming image: resource_id and a temporary URL (temp_url),
            # which BasePort.image_bytes downloads
            data.setdefault("url", data.get("temp_url"))
            data.setdefault("file", data.get("resource_id"))
            out.append(Segment("image", seg.type, data))
        else:
            out.append(Segment(_KINDS.get(seg.type, "other"), seg.type, data))
    return tuple(out)


def event_info(bot: Bot, event: MessageEvent) -> EventInfo | None:
    """A group or friend message in linli's terms. Temporary-session messages
    (``temp``) are left out: nonebot-adapter-milky's Bot.send answers them with
    send_group_message to the sender's number (bot.py ``send``), which is not a
    group."""
    data = event.data
    if isinstance(event, GroupMessageEvent):
        group: str | None = qualify(PLATFORM, data.peer_id)
        member = data.group_member
        name = (member.card or member.nickname) if member is not None else ""
        role = _ROLES.get(member.role) if member is not None else None
    elif isinstance(event, FriendMessageEvent):
        group, role = None, None
        name = data.friend.nickname if data.friend is not None else ""
    else:
        return None
    message = event.original_message
    return EventInfo(
        platform=PLATFORM,
        self_id=str(event.self_id),
        user=qualify(PLATFORM, data.sender_id),
        group=group,
        message_id=message_id(data.message_scene, data.peer_id, data.message_seq),
        display_name=name or str(data.sender_id),
        sender_role=role,
        to_me=event.is_tome(),
        text=message.extract_plain_text(),
        segments=segments(message),
        quoted=quoted(event),
    )


def quoted(event: MessageEvent) -> Quoted | None:
    """The replied-to message: nonebot-adapter-milky fetches it with
    get_message (bot.py ``_check_reply``) into ``event.reply``; when that call
    failed, the ``reply`` segment itself, which carries the sender and the
    content since Milky 1.2 (common.ts, IncomingSegment ``reply``)."""
    data = event.data
    scene, peer = data.message_scene, data.peer_id
    reply = event.reply
    if reply is not None:
        return Quoted(
            message_id=message_id(scene, peer, reply.message_seq),
            user=qualify(PLATFORM, reply.sender_id),
            text=reply.message.extract_plain_text(),
        )
    for seg in event.original_message:
        if seg.type == "reply" and seg.data.get("message_seq") is not None:
            sender = seg.data.get("sender_id")
            content = seg.data.get("segments")
            return Quoted(
                message_id=message_id(scene, peer, seg.data["message_seq"]),
                user=qualify(PLATFORM, sender) if sender else None,
                text=content.extract_plain_text()
                if isinstance(content, Message)
                else "",
            )
    return None


def member_changes(bot: Bot, event: Event) -> tuple[MemberChange, ...]:
    """group_member_increase / group_member_decrease (Milky common.ts, Event).
    A decrease names an operator only when an admin removed the member
    (Lagrange V2 sends null for a member who left, EntityConvert.Event.cs)."""
    if isinstance(event, GroupMemberIncreaseEvent):
        data = event.data
        operator = data.operator_id or data.invitor_id
        joined = True
    elif isinstance(event, GroupMemberDecreaseEvent):
        data = event.data
        operator = data.operator_id
        joined = False
    else:
        return ()
    return (
        MemberChange(
            platform=PLATFORM,
            self_id=str(event.self_id),
            group=qualify(PLATFORM, data.group_id),
            user=qualify(PLATFORM, data.user_id),
            operator=qualify(PLATFORM, operator) if operator else None,
            joined=joined,
            kicked=not joined and bool(operator) and operator != data.user_id,
        ),
    )


def join_request(bot: Bot, event: Event) -> JoinRequest | None:
    """group_join_request (someone asks) and group_invited_join_request (a
    member invites someone): ``flag`` is the notification_seq (":filtered"
    added for a request Milky says came from a risky account), ``sub_type``
    the notification_type accept/reject_group_request take back."""
    if isinstance(event, GroupJoinRequestEvent):
        data = event.data
        user, comment, kind = data.initiator_id, data.comment, "join_request"
        filtered = data.is_filtered
    elif isinstance(event, GroupInvitedJoinRequestEvent):
        data = event.data
        user, comment, kind = data.target_user_id, "", "invited_join_request"
        filtered = False
    else:
        return None
    flag = (
        f"{data.notification_seq}:filtered" if filtered else str(data.notification_seq)
    )
    return JoinRequest(
        platform=PLATFORM,
        self_id=str(event.self_id),
        group=qualify(PLATFORM, data.group_id),
        user=qualify(PLATFORM, user),
        comment=comment or "",
        flag=flag,
        sub_type=kind,
    )


def _conversation(event: Event) -> tuple[str, int] | None:
    """Where nonebot-adapter-milky's Bot.send answers ``event`` (bot.py
    ``send``: the friend for a private event, else the message's peer or the
    notice's group_id)."""
    if isinstance(event, MessageEvent | MessageRecallEvent):
        if event.is_private:
            return "friend", int(event.get_user_id())
        return "group", int(event.data.peer_id)
    if event.is_private:
        return "friend", int(event.get_user_id())
    group = getattr(event.data, "group_id", None)
    return ("group", int(group)) if group else None


_adapter_send = Bot.send


async def _send(self: Bot, event: Event, message: Any, **kwargs: Any) -> Any:
    """Bot.send, its MessageResponse (``message_seq``, ``time``) also given
    linli's ``message_id`` of the sent message: what core's replies read
    (adapters.base.message_id_of), e.g. for the FAQ's pointer to its answer."""
    result = await _adapter_send(self, event, message, **kwargs)
    where = _conversation(event)
    seq = getattr(result, "message_seq", None)
    if where is not None and seq is not None:
        result.message_id = message_id(where[0], where[1], seq)
    return result


if getattr(Bot.send, "__name__", "") != _send.__name__:
    Bot.send = _send  # type: ignore[method-assign]
