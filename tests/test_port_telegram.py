"""adapters.telegram: TelegramPort and the event translation, against a stub bot.

The stub records the adapter's API calls as nonebot-adapter-telegram's ``API``
methods name them (nonebot/adapters/telegram/api.py: ``restrict_chat_member``
with ``chat_id, user_id, permissions, until_date``).
"""

from __future__ import annotations

import time
from typing import Any

import pytest

GROUP = "tg:-1001000"
USER = "tg:42"


class StubBot:
    """Answers every API method with True and records ``(method, kwargs)``."""

    self_id = "123456"

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []

    def __getattr__(self, method: str):
        async def call(**kwargs: Any) -> Any:
            self.calls.append((method, kwargs))
            return True

        return call


def _port(bot: StubBot):
    from adapters.telegram import TelegramPort

    return TelegramPort(bot)  # type: ignore[arg-type]


# ---- mute: restrictChatMember's until_date --------------------------------


async def test_a_short_mute_is_not_sent_as_forever() -> None:
    """Bot API, restrictChatMember: until_date is "Date when restrictions will be
    lifted for the user, unix time. If user is restricted for more than 366 days
    or less than 30 seconds from the current time, they are considered to be
    restricted forever" (core.telegram.org/bots/api#restrictchatmember, as
    quoted by teloxide-core's RestrictChatMember docs). A 10-second mute must
    land past the 30 s line with room to spare: at least 45 s ahead."""
    bot = StubBot()
    before = int(time.time())
    await _port(bot).mute(GROUP, USER, 10)
    ((method, params),) = bot.calls
    assert method == "restrict_chat_member"
    assert params["chat_id"] == -1001000 and params["user_id"] == 42
    assert params["until_date"] - before >= 45
    assert params["until_date"] - int(time.time()) < 366 * 86400


async def test_an_hour_mute_is_sent_about_an_hour_ahead() -> None:
    """Same Bot API text: a 1-hour mute is well inside 30 s … 366 days, sent as
    now + 3600 s (plus the small safety margin, never less)."""
    bot = StubBot()
    before = int(time.time())
    await _port(bot).mute(GROUP, USER, 3600)
    ((_, params),) = bot.calls
    ahead = params["until_date"] - before
    assert 3600 <= ahead <= 3600 + 60
    assert params["permissions"].can_send_messages is False


# ---- mute needs a supergroup ----------------------------------------------


@pytest.fixture(autouse=True)
def _no_chat_types():
    from adapters.telegram import chat_types

    chat_types.clear()
    yield
    chat_types.clear()


async def test_mute_in_a_basic_group_is_not_supported() -> None:
    """Bot API, restrictChatMember: "Use this method to restrict a user in a
    supergroup" (as quoted by teloxide-core/telbot-types docs); TDLib's
    ChatMemberStatusRestricted: "Not supported in basic groups and channels".
    A basic group (chat.type "group", a plain negative id; supergroups are
    -100…, handbook.tmat.me/en/chats/id) gets NotSupported, and nothing is
    sent, so that the rules ladder falls back to its next step."""
    from adapters import NotSupported
    from adapters.telegram import chat_types

    bot = StubBot()
    port = _port(bot)
    with pytest.raises(NotSupported):
        await port.mute("tg:-4001234", USER, 600)  # basic group by its id
    chat_types[-1001000] = "group"  # an event said so: the type wins
    with pytest.raises(NotSupported):
        await port.mute(GROUP, USER, 600)
    with pytest.raises(NotSupported):
        await port.unmute(GROUP, USER)
    assert bot.calls == []
    chat_types[-1001000] = "supergroup"
    await port.mute(GROUP, USER, 600)
    assert [m for m, _ in bot.calls] == ["restrict_chat_member"]


async def test_a_basic_group_message_records_its_chat_type() -> None:
    """Chat.type is "group" for a basic group (Bot API, Chat): a message from
    one is remembered, and mute there is NotSupported even for a -100 id."""
    from adapters import NotSupported
    from adapters.telegram import event_info

    event = _parse(
        _message(text="hi", chat={"id": -1001000, "type": "group", "title": "3栋"})
    )
    assert event_info(StubBot(), event) is not None  # type: ignore[arg-type]
    with pytest.raises(NotSupported):
        await _port(StubBot()).mute(GROUP, USER, 600)


# ---- new_chat_members: one join each ---------------------------------------


def _message(**fields: Any) -> dict[str, Any]:
    return {
        "message_id": 77,
        "date": int(time.time()),
        "chat": {"id": -1001000, "type": "supergroup", "title": "3栋业主群"},
        "from": {"id": 9, "is_bot": False, "first_name": "管理员"},
        **fields,
    }


def _parse(message: dict[str, Any]):
    from nonebot.adapters.telegram import Event

    return Event.parse_event({"update_id": 1, "message": message})


def _three_added():
    return _parse(
        _message(
            new_chat_members=[
                {"id": uid, "is_bot": False, "first_name": f"user{uid}"}
                for uid in (101, 102, 103)
            ]
        )
    )


def test_three_members_added_at_once_are_three_joins() -> None:
    """Bot API, Message.new_chat_members: "Array of User … New members that were
    added to the group or supergroup" (as quoted by simbot's and paperplane's
    Message docs). Each member added is its own join."""
    from adapters.telegram import member_changes

    event = _three_added()
    changes = member_changes(StubBot(), event)  # type: ignore[arg-type]
    assert [c.user for c in changes] == ["tg:101", "tg:102", "tg:103"]
    assert all(c.joined and not c.kicked for c in changes)
    assert {c.group for c in changes} == {GROUP}
    assert {c.operator for c in changes} == {"tg:9"}


async def test_the_adapter_hands_the_notice_on_whole(monkeypatch) -> None:
    """nonebot-adapter-telegram's Adapter parses an update into one event and
    awaits ``bot.handle_event(event)`` (nonebot/adapters/telegram/adapter.py);
    the notice reaches the handlers once, all members in it: rules takes each
    from ``adapters.member_changes`` (e2e: each of three is welcomed)."""
    import nonebot.adapters.telegram.bot as adapter_bot
    from nonebot.adapters.telegram import Bot

    import adapters.telegram  # noqa: F401  (linli's port leaves the Bot alone)

    seen: list[list[int]] = []

    async def handled(bot, event) -> None:
        seen.append([u.id for u in event.new_chat_members])

    # nonebot/adapters/telegram/bot.py: Bot.handle_event checks "to me" on
    # message events, then awaits nonebot.message.handle_event
    assert Bot.handle_event.__module__ == "nonebot.adapters.telegram.bot"
    monkeypatch.setattr(adapter_bot, "handle_event", handled)
    await Bot.handle_event(object(), _three_added())  # type: ignore[arg-type]
    assert seen == [[101, 102, 103]]


# ---- command arguments leave out the members they name -------------------


def test_a_text_mention_name_is_not_a_command_argument() -> None:
    """Bot API, MessageEntity: type "text_mention" is "for users without
    usernames", with ``user`` the mentioned User; nonebot-adapter-telegram
    keeps it as an Entity whose text is the name, and Entity.is_text() is True
    (nonebot/adapters/telegram/message.py), so extract_plain_text() kept "张三"
    before "10m" and /禁言's duration parse failed (NoneBot's TrieRule also
    joins the text segments right after the command into one string,
    nonebot/rule.py ``TrieRule.get_value``). The rules commands read their
    arguments from the message as written, without the name
    (plugins/rules/commands.py ``written_arguments``); the adapter's Bot is not
    patched, and the mention stays in what the port reports."""
    from adapters.telegram import event_info
    from plugins.rules.commands import written_arguments

    text = "/禁言 张三 10m"
    event = _parse(
        _message(
            text=text,
            entities=[
                {"type": "bot_command", "offset": 0, "length": 3},
                {
                    "type": "text_mention",
                    "offset": 4,
                    "length": 2,
                    "user": {"id": 42, "is_bot": False, "first_name": "张三"},
                },
            ],
        )
    )
    assert "张三" in event.get_message().extract_plain_text()  # as the adapter has it
    info = event_info(StubBot(), event)  # type: ignore[arg-type]
    assert info is not None and info.mentions == ("tg:42",)
    assert written_arguments(info) == ("10m", ())


def test_an_at_username_is_a_mention_entity_without_a_user() -> None:
    """Bot API, MessageEntity: type "mention" is "@username", and only
    "text_mention" carries ``user``. nonebot-adapter-telegram makes it
    Entity("mention", {"text": "@zhang_san"}); it names nobody in the port's
    mentions, and the rules commands take it as a username to look up."""
    from adapters.telegram import event_info
    from plugins.rules.commands import written_arguments

    text = "/禁言 @Zhang_San 10m 刷屏"
    event = _parse(
        _message(
            text=text,
            entities=[
                {"type": "bot_command", "offset": 0, "length": 3},
                {"type": "mention", "offset": 4, "length": 10},
            ],
        )
    )
    info = event_info(StubBot(), event)  # type: ignore[arg-type]
    assert info is not None and info.mentions == ()
    assert written_arguments(info) == ("10m 刷屏", ("Zhang_San",))


def test_the_senders_username_is_in_the_event_info() -> None:
    """Bot API, User.username: "Optional. User's or bot's username"; linli
    keeps it (to find "@name" later) and "" for a member without one."""
    from adapters.telegram import event_info

    named = _parse(
        _message(
            text="hi",
            **{"from": {"id": 9, "is_bot": False, "first_name": "管理员",
                        "username": "Guanli"}},
        )
    )  # fmt: skip
    info = event_info(StubBot(), named)  # type: ignore[arg-type]
    assert info is not None and info.username == "Guanli"
    info = event_info(StubBot(), _parse(_message(text="hi")))  # type: ignore[arg-type]
    assert info is not None and info.username == ""


# ---- the replied-to (quoted) message ----------------------------------------


def test_quoted_message_is_reply_to_message() -> None:
    """Bot API, Message.reply_to_message: "For replies in the same chat and
    message thread, the original message"; nonebot-adapter-telegram parses it
    into ``event.reply_to_message`` (nonebot/adapters/telegram/event.py)."""
    from adapters.port import Quoted
    from adapters.telegram import event_info

    event = _parse(
        _message(
            text="/举报",
            entities=[{"type": "bot_command", "offset": 0, "length": 3}],
            reply_to_message=_message(
                message_id=70,
                **{"from": {"id": 55, "is_bot": False, "first_name": "推广"}},
                text="加微信 abc123 领红包",
            ),
        )
    )
    info = event_info(StubBot(), event)  # type: ignore[arg-type]
    assert info is not None
    assert info.quoted == Quoted("70", "tg:55", "加微信 abc123 领红包")


def test_a_topic_message_replies_to_nobody() -> None:
    """In a forum supergroup each topic is a thread whose root "is a service
    message about forum topic creation" and every message of it is a reply to
    that root (levlam in tdlib/telegram-bot-api#356); the Bot API sends it as
    reply_to_message with forum_topic_created, which nonebot-adapter-telegram
    parses as ForumTopicCreatedEvent, a notice (nonebot/adapters/telegram/
    event.py). A command written in a topic is not a reply to its creator."""
    from adapters.telegram import event_info

    root = _message(
        message_id=5,
        message_thread_id=5,
        **{"from": {"id": 77, "is_bot": False, "first_name": "开帖人"}},
        forum_topic_created={"name": "停车", "icon_color": 7322096},
    )
    event = _parse(
        _message(
            text="/禁言 10m",
            message_thread_id=5,
            is_topic_message=True,
            entities=[{"type": "bot_command", "offset": 0, "length": 3}],
            reply_to_message=root,
        )
    )
    info = event_info(StubBot(), event)  # type: ignore[arg-type]
    assert info is not None and info.quoted is None


def test_a_reply_to_a_message_sent_as_a_chat_has_no_known_sender() -> None:
    """Bot API, Message.from: "For backward compatibility, this field contains
    a fake sender user in non-channel chats, if the message was sent on behalf
    of a chat"; sender_chat is then the chat (an anonymous admin:
    GroupAnonymousBot). The quoted sender is unknown, not that placeholder."""
    from adapters.telegram import event_info

    event = _parse(
        _message(
            text="/警告",
            entities=[{"type": "bot_command", "offset": 0, "length": 3}],
            reply_to_message=_message(
                message_id=71,
                **{"from": {"id": 1087968824, "is_bot": True,
                            "first_name": "Group", "username": "GroupAnonymousBot"}},
                sender_chat={"id": -1001000, "type": "supergroup", "title": "3栋"},
                text="通知",
            ),
        )
    )  # fmt: skip
    info = event_info(StubBot(), event)  # type: ignore[arg-type]
    assert info is not None and info.quoted is not None
    assert info.quoted.message_id == "71" and info.quoted.user is None
