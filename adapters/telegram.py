"""Telegram through NoneBot's own adapter (nonebot-adapter-telegram).

mute = restrictChatMember with an until_date, kick = banChatMember +
unbanChatMember, recall = deleteMessage, role = getChatMember's status,
react = setMessageReaction.
Chat ids are 64-bit negatives (``tg:-1001234567890``).
"""

from __future__ import annotations

import time
from typing import Any

import anyio
from nonebot import logger
from nonebot.adapters.telegram import Bot, Event, Message
from nonebot.adapters.telegram.event import (
    ChatJoinRequestEvent,
    GroupMessageEvent,
    LeftChatMemberEvent,
    MessageEvent,
    NewChatMemberEvent,
    PrivateMessageEvent,
)
from nonebot.adapters.telegram.message import Entity, File, Reply
from nonebot.adapters.telegram.model import ChatPermissions, ReactionTypeEmoji, User

from .base import BasePort, message_id_of
from .download import download
from .port import (
    Capability,
    EventInfo,
    JoinRequest,
    MemberChange,
    MemberInfo,
    Mention,
    NotSupported,
    PlatformRole,
    Quoted,
    Segment,
    SegmentKind,
    mentioned,
    qualify,
)

PLATFORM = "tg"
# the Bot API has no call that lists a group's members (getChatAdministrators
# lists the admins only); joins come as new_chat_members
CAPABILITIES = frozenset(Capability) - {Capability.MEMBER_LIST}
_ROLES: dict[str, PlatformRole] = {
    "creator": "owner",
    "administrator": "admin",
    "member": "member",
    "restricted": "member",
}
_SILENT = ChatPermissions(
    can_send_messages=False,
    can_send_audios=False,
    can_send_documents=False,
    can_send_photos=False,
    can_send_videos=False,
    can_send_video_notes=False,
    can_send_voice_notes=False,
    can_send_polls=False,
    can_send_other_messages=False,
    can_add_web_page_previews=False,
)
_SPEAK = ChatPermissions(
    can_send_messages=True,
    can_send_audios=True,
    can_send_documents=True,
    can_send_photos=True,
    can_send_videos=True,
    can_send_video_notes=True,
    can_send_voice_notes=True,
    can_send_polls=True,
    can_send_other_messages=True,
    can_add_web_page_previews=True,
)
# restrictChatMember: "If user is restricted for more than 366 days or less than
# 30 seconds from the current time, they are considered to be restricted
# forever". The 30 s count on Telegram's clock, when the call arrives: a short
# mute is sent as at least _MIN_MUTE, plus _MUTE_MARGIN for clock skew, the send
# queue and the network, so it never lands under the 30 s line.
_MIN_MUTE = 30
_MUTE_MARGIN = 15
# Bot API ids: supergroups and channels are "-100…", basic groups other
# negatives. What an event said (chat.type) wins over the id's shape; an unknown
# chat counts as a supergroup unless its id says otherwise, since a wrong "basic
# group" would make the rules ladder skip the mute for a harsher step.
_SUPERGROUP_PREFIX = "-100"
chat_types: dict[int, str] = {}


def _seen(chat: Any) -> None:
    """Remember a chat's type ("group", "supergroup", …) from an event."""
    if getattr(chat, "id", None) is not None and getattr(chat, "type", None):
        chat_types[int(chat.id)] = str(chat.type)


def is_basic_group(chat: int) -> bool:
    """A basic group ("group"), where restrictChatMember does not work: the Bot
    API restricts "a user in a supergroup" only."""
    kind = chat_types.get(chat)
    if kind is not None:
        return kind == "group"
    return chat < 0 and not str(chat).startswith(_SUPERGROUP_PREFIX)


# an "ok" reaction: 👌 is one of the emoji Telegram allows as a reaction
_OK = [ReactionTypeEmoji(emoji="👌")]


class TelegramPort(BasePort):
    def __init__(self, bot: Bot):
        self.bot = bot
        self.platform = PLATFORM
        self.capabilities = CAPABILITIES

    def _chat(self, qualified: str) -> int:
        return int(self._raw(qualified))

    async def send_group(
        self,
        group: str,
        text: str,
        *,
        mention: Mention = None,
        reply_to: str | None = None,
    ) -> str | None:
        return await self._send(self._chat(group), text, mention, reply_to)

    async def send_private(self, user: str, text: str) -> str | None:
        return await self._send(self._chat(user), text, None, None)

    async def _send(
        self, chat: int, text: str, mention: Mention, reply_to: str | None
    ) -> str | None:
        message = Message()
        for user in mentioned(mention):
            uid = self._chat(user)
            name = await self._name(chat, uid)
            who = User(id=uid, is_bot=False, first_name=name)
            message += Entity.text_mention(f"@{name}", who) + Entity.text(" ")
        message += Entity.text(text)
        if reply_to is not None:
            message += Reply.reply(int(reply_to))
        result = await self._call(
            "sendMessage", lambda: self.bot.send_to(chat_id=chat, message=message)
        )
        return message_id_of(result)

    async def _name(self, chat: int, user: int) -> str:
        try:
            member = await self.bot.get_chat_member(chat_id=chat, user_id=user)
        except Exception:
            return str(user)
        u = member.user
        return " ".join(filter(None, [u.first_name, u.last_name])) or str(user)

    async def recall(self, message_id: str, *, group: str | None = None) -> None:
        if group is None:
            raise ValueError("Telegram needs the chat of the message to delete it")
        chat, mid = self._chat(group), int(message_id)
        await self._call(
            "deleteMessage",
            lambda: self.bot.delete_message(chat_id=chat, message_id=mid),
        )

    async def react(self, group: str, message_id: str) -> None:
        """setMessageReaction (nonebot-adapter-telegram's API.set_message_reaction:
        chat_id, message_id, reaction=[ReactionTypeEmoji], is_big)."""
        chat, mid = self._chat(group), int(message_id)
        await self._call(
            "setMessageReaction",
            lambda: self.bot.set_message_reaction(
                chat_id=chat, message_id=mid, reaction=_OK
            ),
        )

    async def mute(self, group: str, user: str, seconds: int) -> None:
        """restrictChatMember, in supergroups only: NotSupported in a basic group
        (the rules ladder then falls back to its harsher step)."""
        chat, uid = self._chat(group), self._chat(user)
        if is_basic_group(chat):
            raise NotSupported(Capability.MUTE, self.platform)
        until = int(time.time()) + max(seconds, _MIN_MUTE) + _MUTE_MARGIN
        await self._call(
            "restrictChatMember",
            lambda: self.bot.restrict_chat_member(
                chat_id=chat, user_id=uid, permissions=_SILENT, until_date=until
            ),
        )

    async def unmute(self, group: str, user: str) -> None:
        chat, uid = self._chat(group), self._chat(user)
        if is_basic_group(chat):
            raise NotSupported(Capability.UNMUTE, self.platform)
        await self._call(
            "restrictChatMember",
            lambda: self.bot.restrict_chat_member(
                chat_id=chat, user_id=uid, permissions=_SPEAK
            ),
        )

    async def kick(self, group: str, user: str, *, block: bool = False) -> None:
        """Ban, then (unless ``block``) unban at once so that they may rejoin."""
        chat, uid = self._chat(group), self._chat(user)
        await self._call(
            "banChatMember",
            lambda: self.bot.ban_chat_member(chat_id=chat, user_id=uid),
        )
        if not block:
            await self._call(
                "unbanChatMember",
                lambda: self.bot.unban_chat_member(
                    chat_id=chat, user_id=uid, only_if_banned=True
                ),
            )

    async def member(self, group: str, user: str) -> MemberInfo:
        chat, uid = self._chat(group), self._chat(user)
        member = await self._call(
            "getChatMember",
            lambda: self.bot.get_chat_member(chat_id=chat, user_id=uid),
        )
        u = member.user
        name = " ".join(filter(None, [u.first_name, u.last_name]))
        return MemberInfo(
            user=user,
            nickname=u.username or name,
            card=name,
            role=_ROLES.get(member.status),
        )

    async def answer_join(
        self, request: JoinRequest, approve: bool, reason: str = ""
    ) -> None:
        chat, uid = self._chat(request.group), self._chat(request.user)
        if approve:
            await self._call(
                "approveChatJoinRequest",
                lambda: self.bot.approve_chat_join_request(chat_id=chat, user_id=uid),
            )
        else:
            await self._call(
                "declineChatJoinRequest",
                lambda: self.bot.decline_chat_join_request(chat_id=chat, user_id=uid),
            )

    async def image_bytes(
        self, segment: Segment, *, limit: int, timeout: float
    ) -> bytes | None:
        """A photo (its largest size: nonebot-adapter-telegram's message.py
        keeps ``photo[-1]["file_id"]`` as the segment's ``file``): getFile,
        then the Bot API's download URL ``<api_server>file/bot<token>/<path>``.
        The Bot API says bots may download files of up to 20 MB."""
        file_id = segment.data.get("file")
        if not isinstance(file_id, str) or not file_id:
            return None
        started = time.monotonic()
        try:
            with anyio.fail_after(timeout):
                found = await self.bot.get_file(file_id=file_id)
        except Exception as exc:  # ActionFailed, NetworkError, TimeoutError
            logger.warning(f"getFile {file_id}: {exc!r}")
            return None
        path = getattr(found, "file_path", None)
        if not path:
            return None
        size = getattr(found, "file_size", None)
        if isinstance(size, int) and size > limit:
            logger.info(f"getFile {file_id}: {size} bytes, over the limit of {limit}")
            return None
        config = self.bot.bot_config
        url = f"{config.api_server}file/bot{config.token}/{path}"
        left = max(0.1, timeout - (time.monotonic() - started))
        return await download(url, limit=limit, timeout=left)

    async def upload_file(
        self, path: str, name: str, *, group: str | None = None, user: str | None = None
    ) -> None:
        target = group or user
        if target is None:
            raise ValueError("upload_file needs a group or a user")
        chat = self._chat(target)
        content = await anyio.Path(path).read_bytes()
        await self._call(
            "sendDocument",
            lambda: self.bot.send_document(chat_id=chat, document=(name, content)),
        )


_KINDS: dict[str, SegmentKind] = {
    "text": "text",
    "url": "text",
    "text_link": "text",
    "hashtag": "text",
    "bot_command": "text",
    "bold": "text",
    "italic": "text",
    "phone_number": "text",
    "email": "text",
    "photo": "image",
    "animation": "image",
    "sticker": "face",
    "dice": "face",
    "document": "file",
    "voice": "voice",
    "audio": "voice",
    "video": "video",
    "video_note": "video",
    "contact": "card",
    "location": "card",
    "venue": "card",
    "poll": "card",
    "reply": "reply",
}


def _segments(message: Message, forwarded: bool) -> tuple[Segment, ...]:
    out = []
    if forwarded:
        out.append(Segment("forward", "forward", {}))
    for seg in message:
        data: dict[str, Any] = dict(seg.data)
        if seg.type == "text_mention":
            who = data.get("user")
            uid = getattr(who, "id", None) or (who or {}).get("id")
            out.append(
                Segment(
                    "mention", seg.type, {"text": data.get("text"), "user": str(uid)}
                )
            )
        elif isinstance(seg, File):
            out.append(
                Segment(
                    _KINDS.get(seg.type, "file"), seg.type, {"file": data.get("file")}
                )
            )
        else:
            out.append(Segment(_KINDS.get(seg.type, "other"), seg.type, data))
    return tuple(out)


def _full_name(user: User) -> str:
    return " ".join(filter(None, [user.first_name, user.last_name])) or str(user.id)


def event_info(bot: Bot, event: MessageEvent) -> EventInfo | None:
    if not isinstance(event, GroupMessageEvent | PrivateMessageEvent):
        return None
    sender = event.from_
    _seen(event.chat)
    group = (
        qualify(PLATFORM, event.chat.id)
        if isinstance(event, GroupMessageEvent)
        else None
    )
    forwarded = bool(
        event.forward_from or event.forward_from_chat or event.forward_sender_name
    )
    message = event.original_message
    return EventInfo(
        platform=PLATFORM,
        self_id=str(bot.self_id),
        user=qualify(PLATFORM, sender.id),
        group=group,
        message_id=str(event.message_id),
        display_name=_full_name(sender),
        sender_role=None,
        to_me=event.is_tome(),
        text=message.extract_plain_text(),
        segments=_segments(message, forwarded),
        quoted=_quoted(event),
        username=sender.username or "",
    )


def _quoted(event: MessageEvent) -> Quoted | None:
    """The replied-to message: the Bot API's ``reply_to_message`` (a whole
    Message, sender and text included), parsed by nonebot-adapter-telegram into
    ``event.reply_to_message``.

    Only a member's message counts. In a forum supergroup every message of a
    topic "replies" to the topic's root, the service message about its creation
    (tdlib/telegram-bot-api#356); the adapter parses that one as a notice
    (ForumTopicCreatedEvent), not a MessageEvent, and it is no reply: a
    command written in a topic is not about whoever opened the topic.

    A message sent on behalf of a chat (an anonymous admin, a linked channel)
    has ``sender_chat``, and ``from`` is then "a fake sender user" (Bot API,
    Message.from): its sender is unknown, not that placeholder."""
    replied = event.reply_to_message
    if not isinstance(replied, MessageEvent):
        return None
    sender = getattr(replied, "from_", None)
    if getattr(replied, "sender_chat", None) is not None:
        sender = None
    message = getattr(replied, "original_message", None)
    return Quoted(
        message_id=str(replied.message_id),
        user=qualify(PLATFORM, sender.id) if sender is not None else None,
        text=message.extract_plain_text() if message is not None else "",
    )


def member_changes(bot: Bot, event: Event) -> tuple[MemberChange, ...]:
    """Every join or the leave of a notice: Message.new_chat_members is a list
    ("New members that were added to the group or supergroup", Bot API), one
    MemberChange per member added."""
    if isinstance(event, NewChatMemberEvent):
        users = list(event.new_chat_members)
    elif isinstance(event, LeftChatMemberEvent):
        users = [event.left_chat_member]
    else:
        return ()
    _seen(event.chat)
    operator = event.from_
    joined = isinstance(event, NewChatMemberEvent)
    return tuple(
        MemberChange(
            platform=PLATFORM,
            self_id=str(bot.self_id),
            group=qualify(PLATFORM, event.chat.id),
            user=qualify(PLATFORM, user.id),
            operator=qualify(PLATFORM, operator.id) if operator else None,
            joined=joined,
            kicked=not joined and operator is not None and operator.id != user.id,
        )
        for user in users
    )


def join_request(bot: Bot, event: Event) -> JoinRequest | None:
    if not isinstance(event, ChatJoinRequestEvent):
        return None
    _seen(event.chat)
    return JoinRequest(
        platform=PLATFORM,
        self_id=str(bot.self_id),
        group=qualify(PLATFORM, event.chat.id),
        user=qualify(PLATFORM, event.from_.id),
        comment=event.bio or "",
        flag=str(event.user_chat_id),
        sub_type="add",
    )
