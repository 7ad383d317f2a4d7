"""OneBot v11 (NapCat, Lagrange, go-cqhttp and v11 bridges for WeChat/Telegram)."""

from __future__ import annotations

import asyncio
import base64
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary

from nonebot import logger
from nonebot.adapters.onebot.v11 import (
    ActionFailed,
    ApiNotAvailable,
    Bot,
    Event,
    GroupDecreaseNoticeEvent,
    GroupIncreaseNoticeEvent,
    GroupMessageEvent,
    GroupRequestEvent,
    Message,
    MessageEvent,
    MessageSegment,
    NetworkError,
)

from .base import BasePort, message_id_of, number_or_text
from .download import answered, download
from .port import (
    Capability,
    EventInfo,
    JoinRequest,
    MemberChange,
    MemberInfo,
    Mention,
    NoEffect,
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
# Kicks and mutes are checked after the call: NapCat's set_group_kick ignores
# what kickMember answered (packages/napcat-onebot/action/group/SetGroupKick.ts)
# and Lagrange.OneBot's set_group_kick / set_group_ban discard the bool of
# KickGroupMember / MuteGroupMember and answer ok
# (Lagrange.OneBot/Core/Operation/Group/SetGroupKickOperation.cs,
# SetGroupBanOperation.cs), with or without admin rights. The check is
# get_group_member_info with no_cache: NapCat then asks QQ afresh
# (getGroupMemberEx forced, packages/napcat-onebot/action/group/
# GetGroupMemberInfo.ts) and answers an error for someone not in the group, as
# Lagrange does (retcode -1, GetGroupMemberInfoOperation.cs). A few attempts a
# short while apart, for QQ's side to catch up.
VERIFY_ATTEMPTS = 3
VERIFY_DELAY = 1.0  # seconds between attempts
# Uploads send the file's content (base64://…), so the QQ program may run on
# another machine: NapCat's upload_group_file / upload_private_file resolve
# ``file`` with uriToLocalFile, which takes base64:// (packages/napcat-common/
# src/file.ts). Lagrange.OneBot opens ``file`` as a local path (new
# FileEntity(path), Lagrange.OneBot/Core/Operation/File/
# UploadGroupFileOperation.cs), as go-cqhttp does (PathExists, else
# FILE_NOT_FOUND): when base64 is refused the path is sent instead, and that
# connection gets paths from then on. Larger files always go as a path.
UPLOAD_BASE64_LIMIT = 16 * 1024 * 1024  # bytes, before encoding
# bot → "base64" or "path", what its uploads took
_upload_mode: WeakKeyDictionary[Bot, str] = WeakKeyDictionary()
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
        """set_group_ban, then the member's shut_up_timestamp must be in the
        future (0 or past for an unmute, ``seconds`` 0); PlatformError when it
        is not. An implementation whose member info has no shut_up_timestamp
        (Lagrange.OneBot's OneBotGroupMember) is taken at its word."""
        g, u = number_or_text(self._raw(group)), number_or_text(self._raw(user))
        await self._call(
            "set_group_ban",
            lambda: self.bot.set_group_ban(group_id=g, user_id=u, duration=seconds),
        )
        await self._verify(
            "set_group_ban",
            g,
            u,
            lambda info: _muted(info, seconds),
            "answered ok, but the member is still muted"
            if seconds == 0
            else "answered ok, but the member is not muted",
            "unmute" if seconds == 0 else "mute",
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
        await self._verify(
            "set_group_kick",
            g,
            u,
            lambda info: info is None or str(info.get("user_id", u)) != str(u),
            "answered ok, but the member is still in the group",
            "kick",
        )

    async def _verify(
        self,
        action: str,
        g: Any,
        u: Any,
        happened: Callable[[dict[str, Any] | None], bool | None],
        reason: str,
        kind: str,
    ) -> None:
        """Whether ``action`` took effect, from the member's info now (None:
        not in the group). ``happened`` answers True, False, or None when the
        info cannot tell. Not taking effect is a refusal: PlatformError, as
        when the platform says no. When the check itself cannot be made
        (network), the action's ok stands."""
        for attempt in range(VERIFY_ATTEMPTS):
            if attempt:
                await asyncio.sleep(VERIFY_DELAY)
            try:
                info = await self.bot.get_group_member_info(
                    group_id=g, user_id=u, no_cache=True
                )
            except ActionFailed:
                info = None  # "群(…)成员…不存在" (NapCat), "failed" (Lagrange)
            except (NetworkError, ApiNotAvailable) as exc:
                logger.warning(f"{action} of {u} in {g} not verified: {exc}")
                return
            verdict = happened(info if isinstance(info, dict) and info else None)
            if verdict is None or verdict:
                return
        raise NoEffect(action, reason, kind=kind)

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

    async def image_bytes(
        self, segment: Segment, *, limit: int, timeout: float
    ) -> bytes | None:
        """An incoming image: NapCat's image segment carries ``url`` (a
        download URL of QQ's servers), ``file`` (the file name), ``summary``,
        ``sub_type`` and ``file_size`` (packages/napcat-onebot/api/msg.ts,
        ``picElement``); Lagrange.OneBot's and go-cqhttp's carry ``url`` and
        ``file`` too. Without a URL, ``get_image`` with the ``file`` answers
        one (or, in NapCat, the content as ``base64``)."""
        url = segment.data.get("url")
        if isinstance(url, str) and url.startswith(("http://", "https://")):
            return await download(url, limit=limit, timeout=timeout)
        file = segment.data.get("file")
        if not file:
            return None
        started = time.monotonic()
        try:
            async with asyncio.timeout(timeout):
                found = await self.bot.call_api("get_image", file=str(file))
        except (TimeoutError, ActionFailed, NetworkError, ApiNotAvailable) as exc:
            logger.warning(f"get_image {file}: {exc!r}")
            return None
        return await answered(
            found, "base64", limit=limit, started=started, timeout=timeout
        )

    async def upload_file(
        self, path: str, name: str, *, group: str | None = None, user: str | None = None
    ) -> None:
        """Put a file into a group's files, or send it to a user: its content
        as ``base64://…`` (up to UPLOAD_BASE64_LIMIT), else, or where base64
        was refused (Lagrange.OneBot, go-cqhttp), ``path`` on the QQ program's
        disk."""
        if group is not None:
            action = "upload_group_file"
            target = {"group_id": number_or_text(self._raw(group))}
        elif user is not None:
            action = "upload_private_file"
            target = {"user_id": number_or_text(self._raw(user))}
        else:
            raise ValueError("upload_file needs a group or a user")

        async def upload(file: str) -> None:
            params = {**target, "file": file, "name": name}
            await self._call(action, lambda: self.bot.call_api(action, **params))

        mode = _upload_mode.get(self.bot)
        content = None
        if mode != "path":
            content = await asyncio.to_thread(_base64_of, path, UPLOAD_BASE64_LIMIT)
            if content is None:
                logger.warning(f"{path}: too big or unreadable, sent as a path")
        if content is None:
            await upload(path)
            return
        try:
            await upload(content)
        except PlatformError as exc:
            if mode == "base64" or exc.retryable:
                raise
            logger.info(f"{action} refused base64 ({exc.reason}): trying the path")
            try:
                await upload(path)
            except PlatformError:
                raise exc from None  # refused either way: the first reason
            _upload_mode[self.bot] = "path"
            return
        _upload_mode[self.bot] = "base64"


def _base64_of(path: str, limit: int) -> str | None:
    """``base64://`` and the file's content; None when it is over ``limit`` or
    linli cannot read it (the path may still mean something to the QQ program)."""
    file = Path(path)
    try:
        if file.stat().st_size > limit:
            return None
        content = file.read_bytes()
    except OSError:
        return None
    return "base64://" + base64.b64encode(content).decode("ascii")


def _muted(info: dict[str, Any] | None, seconds: int) -> bool | None:
    """Whether the member info shows the mute (``seconds`` > 0) or its lifting;
    None when it cannot tell (not in the group, no shut_up_timestamp)."""
    if info is None:
        return None
    try:
        until = int(info["shut_up_timestamp"])
    except (KeyError, TypeError, ValueError):
        return None
    now = time.time()
    return until > now if seconds > 0 else until <= now


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
