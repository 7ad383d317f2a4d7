"""The platform port: what a linli feature may ask of a chat platform.

Features speak in platform-qualified ids (``qq:123``, ``wx:abc@chatroom``,
``tg:-100123``) and plain text; an implementation per adapter turns that into
the platform's calls. When a platform cannot do something the port raises
:class:`NotSupported`; when the platform refuses or the network fails it
raises :class:`PlatformError`. Callers handle both (fall back, notify, retry).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Literal, Protocol, runtime_checkable


class Capability(StrEnum):
    SEND_GROUP = "send_group"
    SEND_PRIVATE = "send_private"
    MENTION = "mention"
    RECALL = "recall"
    MUTE = "mute"
    UNMUTE = "unmute"
    KICK = "kick"
    MEMBER_INFO = "member_info"
    MEMBER_ROLE = "member_role"
    JOIN_REQUESTS = "join_requests"
    UPLOAD_FILE = "upload_file"
    REACT = "react"  # an emoji reaction on a member's message ("counted")
    # the platform reports members joining and leaving (group_increase …);
    # where it does not, core watches the member list (plugins/core/memberwatch)
    JOIN_EVENTS = "join_events"
    MEMBER_LIST = "member_list"  # the ids of a group's members, in one call


class PortError(Exception):
    """Base of what the port raises."""


class NotSupported(PortError):
    def __init__(self, capability: Capability, platform: str):
        self.capability = capability
        self.platform = platform
        super().__init__(f"{platform} cannot {capability.value}")


class PlatformError(PortError):
    """The platform refused or could not be reached.

    ``retryable`` is true for network failures and rate limits: trying later may
    work. It is false for refusals such as "the bot is not an admin".
    """

    def __init__(self, action: str, reason: str, *, retryable: bool = False):
        self.action = action
        self.reason = reason
        self.retryable = retryable
        super().__init__(f"{action} failed: {reason}")


class NoEffect(PlatformError):
    """The platform answered ok but nothing happened (the member is still in
    the group, not muted…): a refusal all the same. ``kind`` names what did
    not happen, for the words shown to people: ``kick``, ``mute``, ``unmute``."""

    def __init__(self, action: str, reason: str, *, kind: str):
        super().__init__(action, reason)
        self.kind = kind


PlatformRole = Literal["owner", "admin", "member"]


@dataclass(frozen=True)
class MemberInfo:
    user: str
    nickname: str
    card: str
    role: PlatformRole | None

    @property
    def display_name(self) -> str:
        return self.card or self.nickname


# linli's names for message segment kinds, whatever the adapter calls them
SegmentKind = Literal[
    "text", "image", "face", "mention", "mention_all", "reply", "card", "forward",
    "file", "voice", "video", "other",
]  # fmt: skip


@dataclass(frozen=True)
class Segment:
    kind: SegmentKind
    raw_type: str
    data: dict[str, Any]


@dataclass(frozen=True)
class Quoted:
    """The message a member replied to (quoted): its id, its sender when the
    platform says (qualified id), and its text ("" when it does not)."""

    message_id: str
    user: str | None
    text: str = ""


@dataclass(frozen=True)
class EventInfo:
    """Who said what where, in linli's terms, for any adapter's message event."""

    platform: str
    self_id: str
    user: str
    group: str | None
    message_id: str | None
    display_name: str
    sender_role: PlatformRole | None
    to_me: bool
    text: str = ""
    segments: tuple[Segment, ...] = ()
    quoted: Quoted | None = None
    # the sender's @username where the platform has them (Telegram: "" for a
    # member who has none); None on platforms without usernames
    username: str | None = None

    @property
    def kinds(self) -> frozenset[str]:
        return frozenset(seg.kind for seg in self.segments)

    @property
    def mentions(self) -> tuple[str, ...]:
        """Qualified ids of the members mentioned (``@``)."""
        return tuple(
            qualify(self.platform, seg.data["user"])
            for seg in self.segments
            if seg.kind == "mention"
        )

    @property
    def mentions_all(self) -> bool:
        return "mention_all" in self.kinds

    @property
    def images(self) -> tuple[str, ...]:
        """URLs (or file ids) of the images in the message."""
        return tuple(
            str(seg.data.get("url") or seg.data.get("file") or seg.data.get("file_id"))
            for seg in self.segments
            if seg.kind == "image"
        )

    @property
    def from_self(self) -> bool:
        return self.user == qualify(self.platform, self.self_id)


@dataclass(frozen=True)
class MemberChange:
    """Someone joined or left a group."""

    platform: str
    self_id: str
    group: str
    user: str
    operator: str | None
    joined: bool
    kicked: bool = False


@dataclass(frozen=True)
class JoinRequest:
    """Someone asks to join a group; answer with ``port.answer_join``."""

    platform: str
    self_id: str
    group: str
    user: str
    comment: str
    flag: str
    sub_type: str


Mention = str | Sequence[str] | None
"""Who a message mentions: one qualified user id, several, or nobody."""


def mentioned(mention: Mention) -> tuple[str, ...]:
    if mention is None:
        return ()
    if isinstance(mention, str):
        return (mention,)
    return tuple(mention)


def qualify(platform: str, raw: str | int) -> str:
    return f"{platform}:{raw}"


def split_id(qualified: str) -> tuple[str, str]:
    platform, sep, raw = qualified.partition(":")
    if not sep or not raw:
        raise ValueError(f"not a platform-qualified id: {qualified!r}")
    return platform, raw


@runtime_checkable
class Port(Protocol):
    platform: str
    capabilities: frozenset[Capability]

    def can(self, capability: Capability) -> bool: ...

    async def send_group(
        self,
        group: str,
        text: str,
        *,
        mention: Mention = None,
        reply_to: str | None = None,
    ) -> str | None: ...

    async def send_private(self, user: str, text: str) -> str | None: ...

    async def recall(self, message_id: str, *, group: str | None = None) -> None: ...

    async def mute(self, group: str, user: str, seconds: int) -> None: ...

    async def unmute(self, group: str, user: str) -> None: ...

    async def kick(self, group: str, user: str, *, block: bool = False) -> None: ...

    async def member(self, group: str, user: str) -> MemberInfo: ...

    async def member_ids(self, group: str) -> frozenset[str]:
        """The qualified ids of everyone in ``group`` now."""
        ...

    async def answer_join(
        self, request: JoinRequest, approve: bool, reason: str = ""
    ) -> None: ...

    async def upload_file(
        self, path: str, name: str, *, group: str | None = None, user: str | None = None
    ) -> None: ...

    async def react(self, group: str, message_id: str) -> None:
        """Put an "ok" reaction on message ``message_id`` of ``group``."""
        ...

    async def image_bytes(
        self, segment: Segment, *, limit: int, timeout: float
    ) -> bytes | None:
        """The content of an incoming image segment: at most ``limit`` bytes,
        within ``timeout`` seconds; None when it is bigger, slower, gone, or the
        platform cannot give it (logged, never raised)."""
        ...


async def acknowledge(port: Port, group: str | None, message_id: str | None) -> bool:
    """React "ok" to a member's message that did something (a join, a ballot, a
    confirmation), when the platform can; True when the reaction was made.

    The reaction is a courtesy on top of what was done: a platform that cannot
    react (NotSupported) or refuses (PlatformError) is logged, never raised, and
    the caller falls back to its text (e.g. the list re-posted sooner).
    """
    if group is None or message_id is None or not port.can(Capability.REACT):
        return False
    try:
        await port.react(group, message_id)
    except NotSupported:
        return False
    except PlatformError as exc:
        from nonebot import logger

        logger.warning(f"no reaction on message {message_id} in {group}: {exc}")
        return False
    return True
