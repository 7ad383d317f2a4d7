"""Whom a moderation command is about: an @mention, a Telegram @username, a
number, or the sender of the message the command replies to.

The events are shaped like the real implementations' and go through the
adapters' own reply handling (nonebot-adapter-onebot's ``_check_reply``):

- NapCat (OneBot v11) sends a reply as ``{"type": "reply", "data": {"id": …}}``
  with at most the quoted ``text`` besides, never its sender
  (NapNeko/NapCatQQ packages/napcat-onebot/api/msg.ts, ``replyElement``);
  nonebot-adapter-onebot asks ``get_msg`` (v11/bot.py ``_check_reply``), which
  NapCat answers with the OB11 message, ``sender`` included
  (packages/napcat-onebot/action/msg/GetMsg.ts). linli makes no call of its own.
- ComWeChatBotClient (OneBot v12) builds a quote as
  ``MessageSegment.reply(message_id=svrid, user_id=fromusr) + text``
  (wechatbot_client/com_wechat/message.py, ``handle_quote``): the sender is in
  the segment; v12 has no action to fetch a message.
- Telegram's reply_to_message carries ``from`` (tests/test_port_telegram.py and
  the e2e step in tests/e2e/test_telegram.py).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from nonebot.adapters.onebot.v11 import MessageSegment
from nonebug import App

from tests.helpers import group_message, routed, router, v11_bot, v12_bot
from tests.helpers.events import v12_group_message
from tests.rules.fakes import looked_up

_users = itertools.count(47100)


async def _next_case_id() -> int:
    from plugins.rules.models import Case

    last = await Case.all().order_by("-id").first()
    return (last.id if last else 0) + 1


def _napcat_get_msg(message_id: int, user: int, text: str) -> dict:
    """NapCat's get_msg answer (GetMsg.ts ReturnSchema: time, message_type,
    message_id, real_id, message_seq, sender, message, raw_message, font,
    group_id, user_id)."""
    return {
        "time": 1764700000,
        "message_type": "group",
        "message_id": message_id,
        "real_id": message_id,
        "message_seq": message_id,
        "sender": {"user_id": user, "nickname": "推广", "card": "", "role": "member"},
        "message": [{"type": "text", "data": {"text": text}}],
        "raw_message": text,
        "font": 14,
        "group_id": 1000,
        "user_id": user,
    }


def _napcat_reply(text: str, quoted_id: int, *, at: int | None = None, **kw):
    """A NapCat group message replying to ``quoted_id``: the reply segment
    first (msg.ts ``replyElement``), then, as QQ clients add it, an @ of the
    quoted sender (nonebot-adapter-onebot's ``_check_reply`` removes that @
    when it follows the reply), then the text."""
    event = group_message(text, **kw)
    original = MessageSegment.reply(quoted_id)
    if at is not None:
        original += MessageSegment.at(at) + " "
    event.original_message = original + event.message
    event.message = event.original_message.copy()
    return event


async def test_mute_as_a_reply_mutes_the_quoted_sender(app: App, outbox) -> None:
    """``/禁言 10m`` written as a reply: the target is the quoted message's
    sender (from NapCat's get_msg, asked by the adapter), and 10m stays the
    duration."""
    from nonebot.adapters.onebot.v11.bot import _check_reply

    from plugins.core import t

    member = next(_users)
    async with routed(app, "rules") as ctx:
        bot = v11_bot(ctx)
        case = await _next_case_id()
        event = _napcat_reply("/禁言 10m", 5101, role="admin")
        ctx.should_call_api(
            "get_msg", {"message_id": 5101}, _napcat_get_msg(5101, member, "广告")
        )
        await _check_reply(bot, event)
        ctx.receive_event(bot, event)
        ctx.should_call_api(
            "set_group_ban", {"group_id": 1000, "user_id": member, "duration": 600}
        )
        looked_up(ctx, member, muted_for=600)
        text = t(
            "zh-CN", "rules.cmd.muted", name=str(member), duration="10分钟", case=case
        )
        ctx.should_call_send(event, text, result=None)
        ctx.should_finished(router())


async def test_warn_and_kick_as_replies_with_the_clients_at(app: App, outbox) -> None:
    """The QQ client's own @ of the quoted sender names the same member; the
    reason after it is the warning's reason. ``/踢`` as a bare reply kicks."""
    from nonebot.adapters.onebot.v11.bot import _check_reply

    from plugins.core import t

    member = next(_users)
    async with routed(app, "rules") as ctx:
        bot = v11_bot(ctx)
        case = await _next_case_id()
        event = _napcat_reply("/警告 刷屏", 5102, at=member, role="admin")
        ctx.should_call_api(
            "get_msg", {"message_id": 5102}, _napcat_get_msg(5102, member, "刷屏")
        )
        await _check_reply(bot, event)
        assert event.message.extract_plain_text() == "/警告 刷屏"
        ctx.receive_event(bot, event)
        notice = t(
            "zh-CN", "rules.notice.warn", name=str(member), reason="刷屏", count=1,
            case=case, window="30天",
        )  # fmt: skip
        ctx.should_call_send(event, notice, result=None)
        ctx.should_finished(router())
    async with routed(app, "rules") as ctx:
        bot = v11_bot(ctx)
        case = await _next_case_id()
        event = _napcat_reply("/踢", 5103, role="owner")
        ctx.should_call_api(
            "get_msg", {"message_id": 5103}, _napcat_get_msg(5103, member, "再发")
        )
        await _check_reply(bot, event)
        ctx.receive_event(bot, event)
        ctx.should_call_api(
            "set_group_kick",
            {"group_id": 1000, "user_id": member, "reject_add_request": False},
        )
        looked_up(ctx, member, gone=True)
        text = t("zh-CN", "rules.cmd.kicked", name=str(member), case=case)
        ctx.should_call_send(event, text, result=None)
        ctx.should_finished(router())


async def test_an_explicit_member_wins_over_the_reply(app: App, outbox) -> None:
    """A number written after the command names the member even in a reply
    (the quoted sender is only the target when nobody is named)."""
    from nonebot.adapters.onebot.v11.bot import _check_reply

    from plugins.core import t

    quoted, named = next(_users), next(_users)
    async with routed(app, "rules") as ctx:
        bot = v11_bot(ctx)
        event = _napcat_reply(f"/解禁 {named}", 5104, role="admin")
        ctx.should_call_api(
            "get_msg", {"message_id": 5104}, _napcat_get_msg(5104, quoted, "hi")
        )
        await _check_reply(bot, event)
        ctx.receive_event(bot, event)
        ctx.should_call_api(
            "set_group_ban", {"group_id": 1000, "user_id": named, "duration": 0}
        )
        looked_up(ctx, named, muted_for=0)
        text = t("zh-CN", "rules.cmd.unmuted", name=str(named))
        ctx.should_call_send(event, text, result=None)
        ctx.should_finished(router())


async def test_a_reply_to_linli_itself_names_nobody(app: App, outbox) -> None:
    from nonebot.adapters.onebot.v11.bot import _check_reply

    from plugins.core import t
    from tests.helpers.events import SELF_ID

    async with routed(app, "rules") as ctx:
        bot = v11_bot(ctx)
        event = _napcat_reply("/警告", 5106, role="admin")
        answer = _napcat_get_msg(5106, int(SELF_ID), "【群规】…")
        ctx.should_call_api("get_msg", {"message_id": 5106}, answer)
        await _check_reply(bot, event)
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, t("zh-CN", "rules.cmd.usage.warn"), result=None)
        ctx.should_finished(router())


async def test_warns_as_a_reply_on_comwechat(app: App, outbox, override_config) -> None:
    """ComWeChat's quote: ``reply(message_id=svrid, user_id=fromusr)`` and the
    text (message.py ``handle_quote``); nonebot-adapter-onebot v12 reads the
    segment into ``event.reply``. ``/警告记录`` as a reply is that member's
    record, not the group's list."""
    from nonebot.adapters.onebot.v12 import MessageSegment as V12Segment
    from nonebot.adapters.onebot.v12.bot import _check_reply

    from plugins.core import t

    override_config(core={"admins": ["qq:500", "wx:wxid_admin"]})
    async with routed(app, "rules") as ctx:
        bot = v12_bot(ctx)
        event = v12_group_message("/警告记录", user="wxid_admin", card="物业 王")
        event.original_message = (
            V12Segment.reply("4419251937623", user_id="wxid_quoted") + event.message
        )
        event.message = event.original_message.copy()
        _check_reply(bot, event)
        ctx.receive_event(bot, event)
        text = t("zh-CN", "rules.cmd.warns_none", name="wxid_quoted", window="30天")
        ctx.should_call_send(event, text, result=None)
        ctx.should_finished(router())


# ---- find_target on its own: Telegram usernames ---------------------------


@dataclass
class _Ctx:
    """What find_target reads of a Context."""

    info: object
    quoted: object = None
    mentioned: list[str] = field(default_factory=list)

    @property
    def group(self):
        return self.info.group  # type: ignore[attr-defined]

    @property
    def user(self):
        return self.info.user  # type: ignore[attr-defined]

    async def replied(self):
        return self.quoted


def _tg_info(user: str, username: str | None, group: str = "tg:-1004700"):
    from adapters.port import EventInfo

    return EventInfo(
        platform="tg", self_id="123456", user=user, group=group, message_id="1",
        display_name="张三", sender_role=None, to_me=False, username=username,
    )  # fmt: skip


def _args(*segments):
    from nonebot.adapters.telegram.message import Entity, Message

    return Message([Entity(kind, {"text": text}) for kind, text in segments])


async def test_an_at_username_is_found_among_the_members_seen(app: App) -> None:
    """Bot API: "mention" (@username) carries no user id, so the member is
    looked up in what linli recorded when they wrote (core's members.seen
    stores the username, lower-cased, on their KnownMember); unknown names
    are said."""
    from plugins.core import members
    from plugins.rules.commands import find_target

    group, user = "tg:-1004700", f"tg:{next(_users)}"
    await members.seen(group, user, "张三", r"(?P<building>\d+)", "Zhang_San")
    admin = _Ctx(_tg_info("tg:500", "wang"))
    args = _args(("text", " "), ("mention", "@zhang_san"), ("text", " 10m 刷屏"))
    target = await find_target(admin, args)  # type: ignore[arg-type]
    assert (target.user, target.rest) == (user, "10m 刷屏")
    # found from another group too: Telegram ids are the same everywhere
    elsewhere = _Ctx(_tg_info("tg:500", "wang", group="tg:-1004799"))
    assert (await find_target(elsewhere, args)).user == user  # type: ignore[arg-type]
    unknown = _args(("text", " "), ("mention", "@nobody_here"), ("text", " 10m"))
    target = await find_target(admin, unknown)  # type: ignore[arg-type]
    assert target.user is None and target.unknown_username == "nobody_here"


async def test_a_changed_or_dropped_username_is_recorded(app: App) -> None:
    from plugins.core import members
    from plugins.core.models import KnownMember

    group, user = "tg:-1004700", f"tg:{next(_users)}"
    for username, stored in (("LiMei", "limei"), ("limei", "limei"), ("", None)):
        await members.seen(group, user, "李梅", r"(?P<building>\d+)", username)
        row = await KnownMember.get(group=group, user=user)
        assert row.username == stored


async def test_a_text_mention_and_a_reply_on_telegram(app: App) -> None:
    """text_mention: its user is in the mentions and its name is no argument;
    a reply (Telegram's reply_to_message.from) is the target when nobody is
    named."""
    from adapters.port import Quoted
    from plugins.rules.commands import find_target

    info = _tg_info("tg:500", "wang")
    named = _Ctx(info, mentioned=["tg:42"])
    args = _args(("text", " "), ("text_mention", "张三"), ("text", " 10m"))
    target = await find_target(named, args)  # type: ignore[arg-type]
    assert (target.user, target.rest) == ("tg:42", "10m")
    reply = _Ctx(info, quoted=Quoted("70", "tg:55", "广告"))
    target = await find_target(reply, _args(("text", " 10m")))  # type: ignore[arg-type]
    assert (target.user, target.rest) == ("tg:55", "10m")
    to_linli = _Ctx(info, quoted=Quoted("71", "tg:123456"))
    assert (await find_target(to_linli, _args(("text", " 10m")))).user is None  # type: ignore[arg-type]


async def test_a_reply_whose_sender_is_unknown_is_told(app: App) -> None:
    """A Telegram message sent on behalf of a chat (an anonymous admin) has no
    sender the port trusts (tests/test_port_telegram.py): the command says it
    cannot tell who wrote it rather than answering the usage line.

    (On OneBot the same happens when get_msg fails: see
    test_a_reply_nobody_can_resolve_is_told.)"""
    from adapters.port import Quoted
    from plugins.rules.commands import find_target

    anonymous = _Ctx(_tg_info("tg:500", "wang"), quoted=Quoted("72", None, "通知"))
    target = await find_target(anonymous, _args(("text", " 10m")))  # type: ignore[arg-type]
    assert target.user is None and target.unknown_reply


def _message_gone():
    """NapCat's get_msg for a message it no longer has (GetMsg.ts: throws
    "消息不存在", answered as a failed call, retcode 1200 by OneBotAction.ts)."""
    from nonebot.adapters.onebot.v11 import ActionFailed

    return ActionFailed(status="failed", retcode=1200, message="消息不存在")


async def test_a_reply_get_msg_cannot_resolve_still_works_by_the_clients_at(
    app: App, outbox
) -> None:
    """get_msg fails: nonebot-adapter-onebot leaves the reply segment (and the
    client's @) first, where NoneBot would see no command. core moves them
    aside (adapters.command_after_quote), so ``/禁言 10m`` mutes the member
    the QQ client @-ed for the quote."""
    from nonebot.adapters.onebot.v11.bot import _check_reply

    from plugins.core import t

    member = next(_users)
    async with routed(app, "rules") as ctx:
        bot = v11_bot(ctx)
        case = await _next_case_id()
        event = _napcat_reply("/禁言 10m", 5107, at=member, role="admin")
        ctx.should_call_api("get_msg", {"message_id": 5107}, exception=_message_gone())
        await _check_reply(bot, event)
        assert event.message[0].type == "reply"  # what the adapter leaves
        ctx.receive_event(bot, event)
        ctx.should_call_api(
            "set_group_ban", {"group_id": 1000, "user_id": member, "duration": 600}
        )
        looked_up(ctx, member, muted_for=600)
        text = t(
            "zh-CN", "rules.cmd.muted", name=str(member), duration="10分钟", case=case
        )
        ctx.should_call_send(event, text, result=None)
        ctx.should_finished(router())


async def test_a_reply_nobody_can_resolve_is_told(app: App, outbox) -> None:
    """No @ either: the admin is told linli cannot see whose message it was,
    instead of silence."""
    from nonebot.adapters.onebot.v11.bot import _check_reply

    from plugins.core import t

    async with routed(app, "rules") as ctx:
        bot = v11_bot(ctx)
        event = _napcat_reply("/踢", 5108, role="owner")
        ctx.should_call_api("get_msg", {"message_id": 5108}, exception=_message_gone())
        await _check_reply(bot, event)
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, t("zh-CN", "rules.cmd.unknown_reply"), result=None)
        ctx.should_finished(router())
