"""OneBot v12 (ComWeChatBotClient for WeChat, and other v12 implementations).

The standard has no mute and no member role; vendor extensions fill gaps where
the implementation is known (``bot.impl`` / ``bot.platform``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from nonebot.adapters.onebot.v12 import (
    Bot,
    Event,
    GroupMemberDecreaseEvent,
    GroupMemberIncreaseEvent,
    GroupMessageEvent,
    Message,
    MessageEvent,
    MessageSegment,
)

from .base import BasePort, message_id_of
from .port import (
    Capability,
    EventInfo,
    MemberChange,
    MemberInfo,
    Mention,
    NotSupported,
    Segment,
    SegmentKind,
    mentioned,
    qualify,
)

# OneBot v12 platform names → linli's id prefixes
PLATFORM_PREFIX = {"qq": "qq", "wechat": "wx", "telegram": "tg"}

_STANDARD = frozenset(
    {
        Capability.SEND_GROUP,
        Capability.SEND_PRIVATE,
        Capability.MENTION,
        Capability.RECALL,
        Capability.MEMBER_INFO,
    }
)
# Vendor extensions: (platform, impl) → {capability: (action, params builder)}.
# ComWeChatBotClient documents wx.delete_groupmember(group_id, user_list).
Params = Callable[[str, str], dict[str, Any]]
VENDOR: dict[tuple[str, str], dict[Capability, tuple[str, Params]]] = {
    ("wechat", "ComWechat"): {
        Capability.KICK: (
            "wx.delete_groupmember",
            lambda group, user: {"group_id": group, "user_list": [user]},
        ),
    },
}
# What a platform cannot do whatever the implementation: WeChat does not let a
# bot take back other members' messages.
PLATFORM_LACKS: dict[str, frozenset[Capability]] = {
    "wechat": frozenset({Capability.RECALL}),
}


def capabilities_of(platform: str, impl: str) -> frozenset[Capability]:
    vendor = frozenset(VENDOR.get((platform, impl), {}))
    return (_STANDARD | vendor) - PLATFORM_LACKS.get(platform, frozenset())


def prefix_for(platform: str) -> str:
    return PLATFORM_PREFIX.get(platform, platform)


class OneBotV12Port(BasePort):
    def __init__(self, bot: Bot):
        self.bot = bot
        self.platform = prefix_for(bot.platform)
        self.vendor = VENDOR.get((bot.platform, bot.impl), {})
        self.capabilities = capabilities_of(bot.platform, bot.impl)

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
            message += MessageSegment.reply(reply_to)
        for user in mentioned(mention):
            message += MessageSegment.mention(self._raw(user)) + " "
        message += text
        group_id = self._raw(group)
        result = await self._call(
            "send_message",
            lambda: self.bot.send_message(
                detail_type="group", group_id=group_id, message=message
            ),
        )
        return message_id_of(result)

    async def send_private(self, user: str, text: str) -> str | None:
        user_id = self._raw(user)
        result = await self._call(
            "send_message",
            lambda: self.bot.send_message(
                detail_type="private", user_id=user_id, message=Message(text)
            ),
        )
        return message_id_of(result)

    async def recall(self, message_id: str, *, group: str | None = None) -> None:
        self._need(Capability.RECALL)
        await self._call(
            "delete_message", lambda: self.bot.delete_message(message_id=message_id)
        )

    async def mute(self, group: str, user: str, seconds: int) -> None:
        await self._vendor(Capability.MUTE, group, user, duration=seconds)

    async def unmute(self, group: str, user: str) -> None:
        await self._vendor(Capability.UNMUTE, group, user)

    async def kick(self, group: str, user: str, *, block: bool = False) -> None:
        await self._vendor(Capability.KICK, group, user)

    async def member(self, group: str, user: str) -> MemberInfo:
        g, u = self._raw(group), self._raw(user)
        info = await self._call(
            "get_group_member_info",
            lambda: self.bot.get_group_member_info(group_id=g, user_id=u),
        )
        return MemberInfo(
            user=user,
            nickname=str(info.get("user_name") or ""),
            card=str(info.get("user_displayname") or ""),
            role=None,
        )

    async def _vendor(self, capability: Capability, group: str, user: str, **extra):
        found = self.vendor.get(capability)
        if found is None:
            raise NotSupported(capability, self.platform)
        action, build = found
        params = {**build(self._raw(group), self._raw(user)), **extra}
        await self._call(action, lambda: self.bot.call_api(action, **params))


_KINDS: dict[str, SegmentKind] = {
    "text": "text",
    "image": "image",
    "reply": "reply",
    "file": "file",
    "voice": "voice",
    "audio": "voice",
    "video": "video",
    "location": "card",
    "wx.emoji": "face",
    "wx.link": "card",
    "wx.app": "card",
}


def segments(message: Message) -> tuple[Segment, ...]:
    out = []
    for seg in message:
        if seg.type == "mention":
            user = str(seg.data.get("user_id", ""))
            out.append(Segment("mention", seg.type, {**seg.data, "user": user}))
        elif seg.type == "mention_all":
            out.append(Segment("mention_all", seg.type, dict(seg.data)))
        else:
            kind = _KINDS.get(seg.type, "other")
            out.append(Segment(kind, seg.type, dict(seg.data)))
    return tuple(out)


def event_info(event: MessageEvent, bot: Bot) -> EventInfo:
    platform = prefix_for(bot.platform)
    group = None
    if isinstance(event, GroupMessageEvent):
        group = qualify(platform, event.group_id)
    message = event.original_message
    return EventInfo(
        platform=platform,
        self_id=str(event.self.user_id),
        user=qualify(platform, event.user_id),
        group=group,
        message_id=str(event.message_id),
        display_name=str(event.user_id),
        sender_role=None,
        to_me=event.to_me,
        text=message.extract_plain_text(),
        segments=segments(message),
    )


def member_change(event: Event, bot: Bot) -> MemberChange | None:
    if isinstance(event, GroupMemberIncreaseEvent | GroupMemberDecreaseEvent):
        platform = prefix_for(bot.platform)
        joined = isinstance(event, GroupMemberIncreaseEvent)
        operator = event.operator_id
        return MemberChange(
            platform=platform,
            self_id=str(event.self.user_id),
            group=qualify(platform, event.group_id),
            user=qualify(platform, event.user_id),
            operator=qualify(platform, operator) if operator else None,
            joined=joined,
            kicked=not joined and event.sub_type == "kick",
        )
    return None
