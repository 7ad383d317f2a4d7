"""The terminal, through nonebot-adapter-console: try linli without a chat account.

The console's channels are groups (``console:general``), its users are members
(``console:console``). It can send and recall; it cannot mute or kick.
"""

from __future__ import annotations

from nonebot.adapters.console import Bot, Message, MessageEvent
from nonechat.model import DIRECT

from .base import BasePort
from .port import (
    Capability,
    EventInfo,
    MemberInfo,
    Mention,
    Segment,
    mentioned,
    qualify,
)

PLATFORM = "console"
CAPABILITIES = frozenset(
    {
        Capability.SEND_GROUP,
        Capability.SEND_PRIVATE,
        Capability.RECALL,
        Capability.MEMBER_INFO,
    }
)


class ConsolePort(BasePort):
    def __init__(self, bot: Bot):
        self.bot = bot
        self.platform = PLATFORM
        self.capabilities = CAPABILITIES

    async def send_group(
        self,
        group: str,
        text: str,
        *,
        mention: Mention = None,
        reply_to: str | None = None,
    ) -> str | None:
        names = " ".join(f"@{self._raw(user)}" for user in mentioned(mention))
        text = f"{names} {text}" if names else text
        channel = self._raw(group)
        result = await self._call(
            "send_msg", lambda: self.bot.send_message(channel, Message(text))
        )
        return str(result.message_id)

    async def send_private(self, user: str, text: str) -> str | None:
        uid = self._raw(user)
        result = await self._call(
            "send_msg", lambda: self.bot.send_private_message(uid, Message(text))
        )
        return str(result.message_id)

    async def recall(self, message_id: str, *, group: str | None = None) -> None:
        channel = self._raw(group) if group else DIRECT.id
        await self._call(
            "recall_msg", lambda: self.bot.recall_message(message_id, channel)
        )

    async def mute(self, group: str, user: str, seconds: int) -> None:
        self._need(Capability.MUTE)

    async def unmute(self, group: str, user: str) -> None:
        self._need(Capability.UNMUTE)

    async def kick(self, group: str, user: str, *, block: bool = False) -> None:
        self._need(Capability.KICK)

    async def image_bytes(
        self, segment: Segment, *, limit: int, timeout: float
    ) -> bytes | None:
        """The terminal sends text only: there is never an image to fetch."""
        return None

    async def member(self, group: str, user: str) -> MemberInfo:
        found = await self._call("get_user", lambda: self.bot.get_user(self._raw(user)))
        return MemberInfo(user=user, nickname=found.nickname, card="", role=None)


def event_info(bot: Bot, event: MessageEvent) -> EventInfo:
    direct = event.channel.id == DIRECT.id or event.channel.id.startswith("private:")
    message = event.original_message
    text = message.extract_plain_text()
    return EventInfo(
        platform=PLATFORM,
        self_id=str(bot.self_id),
        user=qualify(PLATFORM, event.user.id),
        group=None if direct else qualify(PLATFORM, event.channel.id),
        message_id=str(event.message_id),
        display_name=event.user.nickname,
        sender_role=None,
        to_me=event.to_me,
        text=text,
        segments=(Segment("text", "text", {"text": text}),),
    )
