"""A fake platform port and a recording outbox for the rules service tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class FakePort:
    """Records every platform call; ``fail`` maps an action to an exception."""

    platform: str = "qq"
    capabilities: frozenset = field(default_factory=lambda: _all())
    fail: dict[str, Exception] = field(default_factory=dict)
    calls: list[tuple[str, tuple[Any, ...]]] = field(default_factory=list)
    members: dict[tuple[str, str], Any] = field(default_factory=dict)

    def can(self, capability) -> bool:
        return capability in self.capabilities

    def _do(self, action: str, *args: Any) -> None:
        self.calls.append((action, args))
        if action in self.fail:
            raise self.fail[action]

    def actions(self) -> list[str]:
        return [a for a, _ in self.calls]

    async def send_group(self, group, text, *, mention=None, reply_to=None):
        self._do("send_group", group, text, mention)
        return "1"

    async def send_private(self, user, text):
        self._do("send_private", user, text)
        return "1"

    async def recall(self, message_id, *, group=None):
        self._do("recall", message_id)

    async def mute(self, group, user, seconds):
        self._do("mute", group, user, seconds)

    async def unmute(self, group, user):
        self._do("unmute", group, user)

    async def kick(self, group, user, *, block=False):
        self._do("kick", group, user, block)

    async def member(self, group, user):
        self._do("member", group, user)
        return self.members[(group, user)]

    async def answer_join(self, request, approve, reason=""):
        self._do("answer_join", request.user, approve, reason)

    async def upload_file(self, path, name, *, group=None, user=None):
        self._do("upload_file", path)


def _all() -> frozenset:
    from adapters import Capability

    return frozenset(Capability)


@dataclass
class RecordingOutbox:
    sent: list[tuple[str, str, str, str | None]] = field(default_factory=list)

    def group(self, group: str, text: str, *, mention: str | None = None) -> None:
        self.sent.append(("group", group, text, mention))

    def private(
        self, user: str, text: str, *, fallback_group: str | None = None
    ) -> None:
        self.sent.append(("private", user, text, fallback_group))

    def to(self, target: str) -> list[str]:
        return [text for _, where, text, _ in self.sent if where == target]


def looked_up(
    ctx: Any, user: int, *, group: int = 1000, gone: bool = False, muted_for=None
) -> None:
    """The member-info look the OneBot v11 port takes after a kick or a mute
    (get_group_member_info, no_cache), answered as NapCat does: its error for
    someone not in the group (``gone``), else the member with
    shut_up_timestamp ``muted_for`` seconds ahead (0: not muted).
    NapCat: packages/napcat-onebot/action/group/GetGroupMemberInfo.ts,
    helper/data.ts (OB11Construct.groupMember), action/OneBotAction.ts."""
    import time

    from nonebot.adapters.onebot.v11 import ActionFailed

    params = {"group_id": group, "user_id": user, "no_cache": True}
    if gone:
        text = f"群({group})成员{user}不存在"
        failed = ActionFailed(
            status="failed", retcode=1200, data=None, message=text, wording=text
        )
        ctx.should_call_api("get_group_member_info", params, exception=failed)
        return
    until = int(time.time()) + muted_for if muted_for else 0
    ctx.should_call_api(
        "get_group_member_info", params, result=napcat_member(group, user, until)
    )


def napcat_member(group: int, user: int, shut_up_timestamp: int = 0) -> dict:
    return {
        "group_id": group, "user_id": user, "nickname": "路人甲", "card": "",
        "sex": "unknown", "age": 0, "area": "", "level": "1", "qq_level": 0,
        "join_time": 1700000000, "last_sent_time": 1700000500,
        "title_expire_time": 0, "unfriendly": False, "card_changeable": True,
        "is_robot": False, "shut_up_timestamp": shut_up_timestamp,
        "role": "member", "title": "",
    }  # fmt: skip
