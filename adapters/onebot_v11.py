"""OneBot v11 (NapCat, Lagrange, go-cqhttp and v11 bridges for WeChat/Telegram)."""

from __future__ import annotations

from weakref import WeakKeyDictionary

from nonebot.adapters.onebot.v11 import (
    ActionFailed,
    Bot,
    Event,
    GroupDecreaseNoticeEvent,
    GroupIncreaseNoticeEvent,
    GroupMessageEvent,
    GroupRequestEvent,
    Message,
    MessageEvent,
    MessageSegment,
)

from .base import BasePort, message_id_of, number_or_text
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

CAPABILITIES = frozenset(Capability)  # NapCat, Lagrange, go-cqhttp do all
# REACT is an extension: NapCat's set_msg_emoji_like(message_id, emoji_id[, set])
# (packages/napcat-onebot/action/msg/SetMsgEmojiLike.ts), which Lagrange.OneBot
# also answers (Core/Operation/Message/SetMsgEmojiLikeOperation.cs); older
# Lagrange only has set_group_reaction(group_id, message_id, code, is_add)
# (Core/Operation/Group/SetGroupReactionOperation.cs); go-cqhttp has neither.
# Which one a connection answers is learnt on its first reaction.
OK_FACE = 124  # QQ system face 124, "/OK" (QQ's face_config.json)
_REACTIONS = ("set_msg_emoji_like", "set_group_reaction")
# bot → the reaction action it answers, "" when it answers neither
_reaction_action: WeakKeyDictionary[Bot, str] = WeakKeyDictionary()
# "no such action": 1404 in OneBot v11 and NapCat, 404 in Lagrange.OneBot
_UNKNOWN_ACTION = {404, 1404}
_ROLES: dict[str, PlatformRole] = {
    "owner": "owner",
    "admin": "admin",
    "member": "member",
}


class OneBotV11Port(BasePort):
    def __init__(self, bot: Bot, platform: str = "qq"):
        self.bot = bot
        self.platform = platform
        self.capabilities = CAPABILITIES
        if _reaction_action.get(bot) == "":
            self.capabilities = CAPABILITIES - {Capability.REACT}

    async def send_group(
        self,
        group: str,
        text: str,
        *,
        mention: Mention = None,
        reply_to: str | None = None,
    ) -> str | None:
        message = Message()
        if reply_to is not None:
            message += MessageSegment.reply(number_or_text(reply_to))
        for user in mentioned(mention):
            message += MessageSegment.at(number_or_text(self._raw(user))) + " "
        message += text
        group_id = number_or_text(self._raw(group))
        result = await self._call(
            "send_group_msg",
            lambda: self.bot.send_group_msg(group_id=group_id, message=message),
        )
        return message_id_of(result)

    async def send_private(self, user: str, text: str) -> str | None:
        user_id = number_or_text(self._raw(user))
        result = await self._call(
            "send_private_msg",
            lambda: self.bot.send_private_msg(user_id=user_id, message=Message(text)),
        )
        return message_id_of(result)

    async def recall(self, message_id: str, *, group: str | None = None) -> None:
        mid = number_or_text(message_id)
        await self._call("delete_msg", lambda: self.bot.delete_msg(message_id=mid))

    async def mute(self, group: str, user: str, seconds: int) -> None:
        g, u = number_or_text(self._raw(group)), number_or_text(self._raw(user))
        await self._call(
            "set_group_ban",
            lambda: self.bot.set_group_ban(group_id=g, user_id=u, duration=seconds),
        )

    async def unmute(self, group: str, user: str) -> None:
        await self.mute(group, user, 0)

    async def kick(self, group: str, user: str, *, block: bool = False) -> None:
        g, u = number_or_text(self._raw(group)), number_or_text(self._raw(user))
        await self._call(
            "set_group_kick",
            lambda: self.bot.set_group_kick(
                group_id=g, user_id=u, reject_add_request=block
            ),
        )

    async def member(self, group: str, user: str) -> MemberInfo:
        g, u = number_or_text(self._raw(group)), number_or_text(self._raw(user))
        info = await self._call(
            "get_group_member_info",
            lambda: self.bot.get_group_member_info(
                group_id=g, user_id=u, no_cache=False
            ),
        )
        return MemberInfo(
            user=user,
            nickname=str(info.get("nickname") or ""),
            card=str(info.get("card") or ""),
            role=_ROLES.get(str(info.get("role") or "")),
        )

    async def member_ids(self, group: str) -> frozenset[str]:
        """OneBot v11 get_group_member_list: a list of member objects, each with
        user_id (NapCat: packages/napcat-onebot/action/group/GetGroupMemberList.ts)."""
        g = number_or_text(self._raw(group))
        members = await self._call(
            "get_group_member_list",
            lambda: self.bot.get_group_member_list(group_id=g, no_cache=True),
        )
        return frozenset(
            qualify(self.platform, str(m["user_id"]))
            for m in members or ()
            if isinstance(m, dict) and m.get("user_id") is not None
        )

    async def answer_join(
        self, request: JoinRequest, approve: bool, reason: str = ""
    ) -> None:
        await self._call(
            "set_group_add_request",
            lambda: self.bot.set_group_add_request(
                flag=request.flag,
                sub_type=request.sub_type,
                approve=approve,
                reason=reason,
            ),
        )

    async def react(self, group: str, message_id: str) -> None:
        """An "OK" face on the message; NotSupported when the implementation
        has no reaction action (go-cqhttp), learnt once per connection."""
        self._need(Capability.REACT)
        g, mid = number_or_text(self._raw(group)), number_or_text(message_id)
        params = {
            "set_msg_emoji_like": {"message_id": mid, "emoji_id": OK_FACE},
            "set_group_reaction": {
                "group_id": g,
                "message_id": mid,
                "code": str(OK_FACE),
                "is_add": True,
            },
        }
        known = _reaction_action.get(self.bot)
        for action in (known,) if known else _REACTIONS:
            try:
                await self._call(
                    action, lambda a=action: self.bot.call_api(a, **params[a])
                )
            except PlatformError as exc:
                if _unknown_action(exc.__cause__) and not known:
                    continue
                raise
            _reaction_action[self.bot] = action
            return
        _reaction_action[self.bot] = ""
        self.capabilities = CAPABILITIES - {Capability.REACT}
        raise NotSupported(Capability.REACT, self.platform)

    async def upload_file(
        self, path: str, name: str, *, group: str | None = None, user: str | None = None
    ) -> None:
        """Put a file into a group's files, or send it to a user (NapCat, go-cqhttp)."""
        if group is not None:
            g = number_or_text(self._raw(group))
            await self._call(
                "upload_group_file",
                lambda: self.bot.upload_group_file(group_id=g, file=path, name=name),
            )
        elif user is not None:
            u = number_or_text(self._raw(user))
            await self._call(
                "upload_private_file",
                lambda: self.bot.upload_private_file(user_id=u, file=path, name=name),
            )
        else:
            raise ValueError("upload_file needs a group or a user")


def _unknown_action(exc: BaseException | None) -> bool:
    return isinstance(exc, ActionFailed) and exc.info.get("retcode") in _UNKNOWN_ACTION


_KINDS: dict[str, SegmentKind] = {
    "text": "text",
    "image": "image",
    "face": "face",
    "mface": "face",
    "dice": "face",
    "rps": "face",
    "reply": "reply",
    "json": "card",
    "xml": "card",
    "share": "card",
    "contact": "card",
    "location": "card",
    "music": "card",
    "miniapp": "card",
    "forward": "forward",
    "node": "forward",
    "file": "file",
    "record": "voice",
    "video": "video",
}


def segments(message: Message) -> tuple[Segment, ...]:
    out = []
    for seg in message:
        if seg.type == "at":
            qq = str(seg.data.get("qq", ""))
            if qq == "all":
                out.append(Segment("mention_all", "at", dict(seg.data)))
            else:
                out.append(Segment("mention", "at", {**seg.data, "user": qq}))
            continue
        out.append(Segment(_KINDS.get(seg.type, "other"), seg.type, dict(seg.data)))
    return tuple(out)


def event_info(event: MessageEvent, platform: str) -> EventInfo:
    sender = event.sender
    group = None
    role = None
    if isinstance(event, GroupMessageEvent):
        group = qualify(platform, event.group_id)
        role = _ROLES.get(sender.role or "")
    message = event.original_message
    return EventInfo(
        platform=platform,
        self_id=str(event.self_id),
        user=qualify(platform, event.user_id),
        group=group,
        message_id=str(event.message_id),
        display_name=sender.card or sender.nickname or str(event.user_id),
        sender_role=role,
        to_me=event.to_me,
        text=message.extract_plain_text(),
        segments=segments(message),
        quoted=quoted(event, platform),
    )


def quoted(event: MessageEvent, platform: str) -> Quoted | None:
    """The replied-to message: nonebot-adapter-onebot fetches it with
    ``get_msg`` (v11/bot.py ``_check_reply``) into ``event.reply``; when that
    call failed only the ``reply`` segment's id is known."""
    reply = event.reply
    if reply is not None:
        sender = reply.sender.user_id
        return Quoted(
            message_id=str(reply.message_id),
            user=qualify(platform, sender) if sender is not None else None,
            text=reply.message.extract_plain_text(),
        )
    for seg in event.original_message:
        if seg.type == "reply" and seg.data.get("id") is not None:
            return Quoted(message_id=str(seg.data["id"]), user=None)
    return None


def member_change(event: Event, platform: str) -> MemberChange | None:
    if isinstance(event, GroupIncreaseNoticeEvent | GroupDecreaseNoticeEvent):
        joined = isinstance(event, GroupIncreaseNoticeEvent)
        operator = event.operator_id
        return MemberChange(
            platform=platform,
            self_id=str(event.self_id),
            group=qualify(platform, event.group_id),
            user=qualify(platform, event.user_id),
            operator=qualify(platform, operator) if operator else None,
            joined=joined,
            kicked=not joined and event.sub_type in {"kick", "kick_me"},
        )
    return None


def join_request(event: Event, platform: str) -> JoinRequest | None:
    if isinstance(event, GroupRequestEvent) and event.sub_type == "add":
        return JoinRequest(
            platform=platform,
            self_id=str(event.self_id),
            group=qualify(platform, event.group_id),
            user=qualify(platform, event.user_id),
            comment=event.comment or "",
            flag=event.flag,
            sub_type=event.sub_type,
        )
    return None
