"""OneBot v12 (ComWeChatBotClient for WeChat, and other v12 implementations).

The standard has no mute and no member role; vendor extensions fill gaps where
the implementation is known (``bot.impl`` / ``bot.platform``).
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary

from nonebot import logger
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
from .download import answered
from .port import (
    Capability,
    EventInfo,
    MemberChange,
    MemberInfo,
    Mention,
    NotSupported,
    PlatformError,
    Quoted,
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
        Capability.MEMBER_LIST,
        Capability.JOIN_EVENTS,
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
# Standard actions an implementation is known to handle beyond _STANDARD:
# ComWeChatBotClient takes upload_file (url, path or data) and sends the file
# with a ``file`` segment of the file_id it answers.
EXTRA: dict[tuple[str, str], frozenset[Capability]] = {
    ("wechat", "ComWechat"): frozenset({Capability.UPLOAD_FILE}),
}
# Where a member's name in a group (WeChat's 群昵称, which holds the household,
# e.g. "3-2-201 张三") comes from: ComWeChat's message events carry no name and
# its get_group_member_info has only the global nickname (user_name, with
# user_displayname always ""); wx.get_groupmember_nickname(group_id, user_id)
# answers the 群昵称 as data (some versions: ok with data null).
GROUP_NAME_ACTION: dict[tuple[str, str], str] = {
    ("wechat", "ComWechat"): "wx.get_groupmember_nickname",
}
# Implementations that refuse a ``reply`` segment (ComWeChat answers failed,
# "不支持的消息段:reply"): they get plain text.
NO_REPLY: frozenset[tuple[str, str]] = frozenset({("wechat", "ComWechat")})
# Implementations that define group_member_increase/decrease but never emit
# them: ComWeChatBotClient's message handler makes no notice of a join
# (wechatbot_client/com_wechat/message.py); core watches the member list there.
NO_JOIN_EVENTS: frozenset[tuple[str, str]] = frozenset({("wechat", "ComWechat")})
# What a platform cannot do whatever the implementation: WeChat does not let a
# bot take back other members' messages.
PLATFORM_LACKS: dict[str, frozenset[Capability]] = {
    "wechat": frozenset({Capability.RECALL}),
}


# Ask, don't assume: OneBot v12's get_supported_actions lists the action names
# an implementation answers (ComWeChatBotClient: its standard and "wx."
# actions, wechatbot_client/action_manager/check.py). Read once per connection
# (learn_actions); the tables above are the fallback for those that do not say.
ACTION_OF: dict[Capability, str] = {
    Capability.SEND_GROUP: "send_message",
    Capability.SEND_PRIVATE: "send_message",
    Capability.RECALL: "delete_message",
    Capability.MEMBER_INFO: "get_group_member_info",
    Capability.MEMBER_LIST: "get_group_member_list",
    Capability.UPLOAD_FILE: "upload_file",
}
# Removing members, as the WeChat implementations name it: ComWeChat's
# wx.delete_groupmember in its docs and wx.kick_groupmember in its code, both
# (group_id, user_list).
KICK_ACTIONS: dict[str, Params] = {
    name: (lambda group, user: {"group_id": group, "user_list": [user]})
    for name in ("wx.delete_groupmember", "wx.kick_groupmember")
}
NAME_ACTIONS = ("wx.get_groupmember_nickname",)
_supported: WeakKeyDictionary[Bot, frozenset[str]] = WeakKeyDictionary()
ASK_TIMEOUT = 10.0  # seconds; an implementation that does not answer: fallback


async def learn_actions(bot: Bot) -> frozenset[str] | None:
    """Ask a freshly connected bot what it answers; None when it does not say
    (the fallback tables apply)."""
    try:
        answer = await asyncio.wait_for(
            bot.call_api("get_supported_actions"), ASK_TIMEOUT
        )
    except Exception as exc:  # not implemented, refused, timed out
        logger.info(
            f"{bot.self_id} does not list its actions ({exc!r}): fallback table"
        )
        return None
    if not isinstance(answer, list) or not all(isinstance(a, str) for a in answer):
        return None
    actions = frozenset(answer)
    _supported[bot] = actions
    logger.info(f"{bot.self_id} ({bot.impl}) answers {len(actions)} actions")
    return actions


def capabilities_of(
    platform: str, impl: str, actions: frozenset[str] | None = None
) -> frozenset[Capability]:
    lacks = PLATFORM_LACKS.get(platform, frozenset())
    if (platform, impl) in NO_JOIN_EVENTS:
        lacks |= {Capability.JOIN_EVENTS}
    if actions is not None:  # what the implementation said it answers
        found = {c for c, action in ACTION_OF.items() if action in actions}
        found |= {Capability.MENTION, Capability.JOIN_EVENTS}
        if any(name in actions for name in KICK_ACTIONS):
            found.add(Capability.KICK)
        return frozenset(found) - lacks
    vendor = frozenset(VENDOR.get((platform, impl), {}))
    extra = EXTRA.get((platform, impl), frozenset())
    return (_STANDARD | vendor | extra) - lacks


def vendor_of(
    platform: str, impl: str, actions: frozenset[str] | None
) -> dict[Capability, tuple[str, Params]]:
    if actions is None:
        return VENDOR.get((platform, impl), {})
    kick = next((name for name in KICK_ACTIONS if name in actions), None)
    return {Capability.KICK: (kick, KICK_ACTIONS[kick])} if kick else {}


def name_action_of(
    platform: str, impl: str, actions: frozenset[str] | None
) -> str | None:
    if actions is None:
        return GROUP_NAME_ACTION.get((platform, impl))
    return next((name for name in NAME_ACTIONS if name in actions), None)


def prefix_for(platform: str) -> str:
    return PLATFORM_PREFIX.get(platform, platform)


class TtlCache:
    """A small LRU dict whose entries expire: at most ``maxsize`` entries, each
    for ``ttl`` seconds (or its own)."""

    def __init__(
        self,
        maxsize: int,
        ttl: float,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.maxsize = maxsize
        self.ttl = ttl
        self.clock = clock
        self._items: OrderedDict[Hashable, tuple[float, Any]] = OrderedDict()

    def get(self, key: Hashable) -> Any | None:
        found = self._items.get(key)
        if found is None:
            return None
        expires, value = found
        if expires <= self.clock():
            del self._items[key]
            return None
        self._items.move_to_end(key)
        return value

    def put(self, key: Hashable, value: Any, ttl: float | None = None) -> None:
        expires = self.clock() + (self.ttl if ttl is None else ttl)
        self._items[key] = (expires, value)
        self._items.move_to_end(key)
        while len(self._items) > self.maxsize:
            self._items.popitem(last=False)

    def clear(self) -> None:
        self._items.clear()

    def __len__(self) -> int:
        return len(self._items)


# group names by (bot self id, qualified group, qualified user); "" when the
# platform could not say (kept shorter, so a hiccup is retried soon)
NAME_TTL = 600.0
NAME_MISS_TTL = 60.0
NAME_TIMEOUT = 3.0  # seconds a message waits for its sender's name at most
group_names = TtlCache(maxsize=4096, ttl=NAME_TTL)


class OneBotV12Port(BasePort):
    def __init__(self, bot: Bot):
        self.bot = bot
        self.platform = prefix_for(bot.platform)
        actions = _supported.get(bot)
        self.vendor = vendor_of(bot.platform, bot.impl, actions)
        self.capabilities = capabilities_of(bot.platform, bot.impl, actions)
        self.name_action = name_action_of(bot.platform, bot.impl, actions)
        self.plain_text = (bot.platform, bot.impl) in NO_REPLY

    async def send_group(
        self,
        group: str,
        text: str,
        *,
        mention: Mention = None,
        reply_to: str | None = None,
    ) -> str | None:
        message = Message()
        if reply_to is not None and not self.plain_text:
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
        card = str(info.get("user_displayname") or "")
        if not card and self.name_action is not None:
            try:
                card = await asyncio.wait_for(self._group_name(g, u), NAME_TIMEOUT)
            except Exception as exc:
                logger.debug(f"no group name of {user} in {group}: {exc!r}")
            if card:
                group_names.put((self.bot.self_id, group, user), card)
        return MemberInfo(
            user=user,
            nickname=str(info.get("user_name") or ""),
            card=card,
            role=None,
        )

    async def member_ids(self, group: str) -> frozenset[str]:
        """get_group_member_list: a list of {user_id, user_name, user_displayname
        …} (ComWeChatBotClient: wechatbot_client/action_manager/manager.py)."""
        g = self._raw(group)
        members = await self._call(
            "get_group_member_list",
            lambda: self.bot.get_group_member_list(group_id=g),
        )
        return frozenset(
            qualify(self.platform, str(m["user_id"]))
            for m in members or ()
            if isinstance(m, dict) and m.get("user_id") is not None
        )

    async def display_name(self, group: str, user: str, fallback: str) -> str:
        """The member's name in the group (WeChat's 群昵称) where the event has
        none: from the implementation's vendor action, else its user_name;
        cached for NAME_TTL. ``fallback`` when the platform cannot say (a
        timeout, a refusal): logged at debug, never raised."""
        if self.name_action is None:
            return fallback
        key = (self.bot.self_id, group, user)
        cached = group_names.get(key)
        if cached is not None:
            return cached or fallback
        try:
            name = await asyncio.wait_for(
                self._name_or_nickname(self._raw(group), self._raw(user)),
                NAME_TIMEOUT,
            )
        except Exception as exc:
            logger.debug(f"no group name of {user} in {group}: {exc!r}")
            group_names.put(key, "", ttl=NAME_MISS_TTL)
            return fallback
        group_names.put(key, name)
        return name or fallback

    async def _group_name(self, group_id: str, user_id: str) -> str:
        """The 群昵称, or "" (unset, or a version answering data null)."""
        action = self.name_action or ""
        data = await self._call(
            action,
            lambda: self.bot.call_api(action, group_id=group_id, user_id=user_id),
        )
        return data.strip() if isinstance(data, str) else ""

    async def _name_or_nickname(self, group_id: str, user_id: str) -> str:
        try:
            name = await self._group_name(group_id, user_id)
        except PlatformError as exc:  # e.g. failed 35000 where the name is unset
            logger.debug(f"{self.name_action} failed, trying user_name: {exc}")
            name = ""
        if name:
            return name
        info = await self._call(
            "get_group_member_info",
            lambda: self.bot.get_group_member_info(group_id=group_id, user_id=user_id),
        )
        return str((info or {}).get("user_name") or "").strip()

    async def upload_file(
        self, path: str, name: str, *, group: str | None = None, user: str | None = None
    ) -> None:
        """Send a file to a group or a user: upload_file with the content itself
        (``type: "data"``, base64 on the wire, so linli and the implementation
        need not share a disk), then send_message with a ``file`` segment."""
        self._need(Capability.UPLOAD_FILE)
        if group is not None:
            target: dict[str, Any] = {
                "detail_type": "group",
                "group_id": self._raw(group),
            }
        elif user is not None:
            target = {"detail_type": "private", "user_id": self._raw(user)}
        else:
            raise ValueError("upload_file needs a group or a user")
        data = await asyncio.to_thread(Path(path).read_bytes)
        uploaded = await self._call(
            "upload_file",
            lambda: self.bot.upload_file(type="data", name=name, data=data),
        )
        file_id = str((uploaded or {}).get("file_id") or "")
        if not file_id:
            raise PlatformError("upload_file", "no file_id in the answer")
        message = Message(MessageSegment.file(file_id))
        await self._call(
            "send_message", lambda: self.bot.send_message(**target, message=message)
        )

    async def image_bytes(
        self, segment: Segment, *, limit: int, timeout: float
    ) -> bytes | None:
        """An incoming image: OneBot v12's image segment has only ``file_id``;
        ``get_file`` with ``type: "url"`` answers a URL to download, or the
        bytes themselves: ComWeChatBotClient's get_file reads the file for
        every type but ``path`` (its ``if type == "url": pass`` falls through
        to ``data``, wechatbot_client/action_manager/manager.py), which the
        JSON carries as base64."""
        file_id = segment.data.get("file_id")
        if not file_id:
            return None
        started = time.monotonic()
        try:
            async with asyncio.timeout(timeout):
                found = await self.bot.get_file(file_id=str(file_id), type="url")
        except Exception as exc:  # ActionFailed, NetworkError, TimeoutError
            logger.warning(f"get_file {file_id}: {exc!r}")
            return None
        return await answered(
            found, "data", limit=limit, started=started, timeout=timeout
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
    user = qualify(platform, event.user_id)
    # the event has no name: the group name fetched before (port.display_name)
    name = group_names.get((bot.self_id, group, user)) if group else None
    return EventInfo(
        platform=platform,
        self_id=str(event.self.user_id),
        user=user,
        group=group,
        message_id=str(event.message_id),
        display_name=name or str(event.user_id),
        sender_role=None,
        to_me=event.to_me,
        text=message.extract_plain_text(),
        segments=segments(message),
        quoted=quoted(event, platform),
    )


def quoted(event: MessageEvent, platform: str) -> Quoted | None:
    """The replied-to message from the ``reply`` segment (OneBot v12: data
    ``message_id`` and optional ``user_id``, read by nonebot-adapter-onebot into
    ``event.reply``); v12 has no action to fetch its text."""
    reply = event.reply
    if reply is not None:
        user = reply.user_id
        return Quoted(
            message_id=str(reply.message_id),
            user=qualify(platform, user) if user else None,
        )
    for seg in event.original_message:
        if seg.type == "reply" and seg.data.get("message_id"):
            user = seg.data.get("user_id")
            return Quoted(
                message_id=str(seg.data["message_id"]),
                user=qualify(platform, user) if user else None,
            )
    return None


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
