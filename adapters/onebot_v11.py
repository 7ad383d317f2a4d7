"""OneBot v11 (NapCat, Lagrange, go-cqhttp and v11 bridges for WeChat/Telegram)."""

from __future__ import annotations

from typing import Any

from nonebot.adapters.onebot.v11 import (
    Bot,
    GroupMessageEvent,
    Message,
    MessageEvent,
    MessageSegment,
)

from .base import BasePort, number_or_text
from .port import Capability, EventInfo, MemberInfo, PlatformRole, qualify

CAPABILITIES = frozenset(Capability)
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

    async def send_group(
        self, group: str, text: str, *, mention: str | None = None
    ) -> str | None:
        message = Message()
        if mention is not None:
            message += MessageSegment.at(number_or_text(self._raw(mention))) + " "
        message += text
        group_id = number_or_text(self._raw(group))
        result = await self._call(
            "send_group_msg",
            lambda: self.bot.send_group_msg(group_id=group_id, message=message),
        )
        return _message_id(result)

    async def send_private(self, user: str, text: str) -> str | None:
        user_id = number_or_text(self._raw(user))
        result = await self._call(
            "send_private_msg",
            lambda: self.bot.send_private_msg(user_id=user_id, message=Message(text)),
        )
        return _message_id(result)

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


def _message_id(result: Any) -> str | None:
    if isinstance(result, dict) and result.get("message_id") is not None:
        return str(result["message_id"])
    return None


def event_info(event: MessageEvent, platform: str) -> EventInfo:
    sender = event.sender
    group = None
    role = None
    if isinstance(event, GroupMessageEvent):
        group = qualify(platform, event.group_id)
        role = _ROLES.get(sender.role or "")
    return EventInfo(
        platform=platform,
        self_id=str(event.self_id),
        user=qualify(platform, event.user_id),
        group=group,
        message_id=str(event.message_id),
        display_name=sender.card or sender.nickname or str(event.user_id),
        sender_role=role,
        to_me=event.to_me,
    )
