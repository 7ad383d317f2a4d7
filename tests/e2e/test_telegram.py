"""linli on Telegram: the real NoneBot Telegram adapter against a fake Bot API."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.helpers import E2E_CONFIG, FakeTelegram, LinliProcess
from tests.shipped import section_text


@pytest.fixture
async def telegram() -> AsyncIterator[FakeTelegram]:
    server = FakeTelegram()
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


async def test_help_over_telegram(
    linli_process: LinliProcess, telegram: FakeTelegram
) -> None:
    linli_process.env = {"TELEGRAM_BOTS": telegram.bots_env()}
    await linli_process.start()
    try:
        telegram.group_message("/help", chat=-1001000, user=42)
        call = await telegram.expect("sendMessage")
        assert call.params["chat_id"] == -1001000
        assert call.params["text"].startswith("【帮助】")
    finally:
        await linli_process.stop()
        print(linli_process.log()[-3000:])


async def test_the_faq_cooldown_pointer_replies_over_telegram(
    linli_process: LinliProcess, telegram: FakeTelegram
) -> None:
    """Asked again within the cooldown, the FAQ replies to its earlier answer.

    nonebot-adapter-telegram's ``Bot.send`` returns the sent ``Message`` model
    (nonebot/adapters/telegram/bot.py, ``send_to`` → ``send_message``), not
    OneBot's ``{"message_id": …}`` dict: its ``message_id`` is what the pointer
    replies to (``reply_parameters`` of sendMessage, Bot API 7.0)."""
    linli_process.config_text = E2E_CONFIG + "\n" + section_text("faq")
    linli_process.env = {"TELEGRAM_BOTS": telegram.bots_env()}
    await linli_process.start()
    try:
        telegram.group_message("物业电话是多少？", chat=-1001000, user=42)
        answer = await telegram.expect(
            "sendMessage", where=lambda c: "【物业电话】" in c.params["text"]
        )
        telegram.group_message("物业电话是多少", chat=-1001000, user=43)
        pointer = await telegram.expect(
            "sendMessage", where=lambda c: "reply_parameters" in c.params
        )
        reply_to = pointer.params["reply_parameters"]["message_id"]
        assert reply_to == answer.result["message_id"]
    finally:
        await linli_process.stop()
        print(linli_process.log()[-3000:])


RULES_CONFIG = """
core:
  admins: ["tg:500"]
  scheduler:
    poll_seconds: 0.2
    retry_base_seconds: 0.5
groups:
  "tg:-1001000":
    name: 3栋业主群
    role: residents
rules:
  notices:
    per_group: 50
"""


def _welcomes(telegram: FakeTelegram) -> set[int]:
    """The users the welcomes mention (their text_mention entities)."""
    return {
        entity["user"]["id"]
        for call in telegram.calls
        if call.method == "sendMessage" and "欢迎加入" in call.params["text"]
        for entity in call.params.get("entities") or []
        if entity.get("type") == "text_mention"
    }


async def test_three_members_added_at_once_are_each_welcomed(
    linli_process: LinliProcess, telegram: FakeTelegram
) -> None:
    """Bot API, Message.new_chat_members: "New members that were added to the
    group or supergroup" — an array of User (as quoted by simbot's and
    paperplane's Message docs). One service message adding three members gives
    three joins, so three welcomes, each mentioning its member."""
    linli_process.config_text = RULES_CONFIG
    linli_process.env = {"TELEGRAM_BOTS": telegram.bots_env()}
    await linli_process.start()
    try:
        telegram.members_added([101, 102, 103], chat=-1001000)
        await telegram.expect(
            "sendMessage", where=lambda c: len(_welcomes(telegram)) == 3
        )
        assert _welcomes(telegram) == {101, 102, 103}
    finally:
        await linli_process.stop()
        print(linli_process.log()[-3000:])


def _utf16(text: str) -> int:
    """A length as the Bot API counts entity offsets: UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


async def test_moderation_targets_over_telegram(
    linli_process: LinliProcess, telegram: FakeTelegram
) -> None:
    """Whom /禁言 is about on Telegram, through the real adapter:

    - a reply: Message.reply_to_message, with its ``from`` (Bot API);
    - ``@username``: a "mention" entity, no user id (Bot API MessageEntity),
      found among the members linli saw write;
    - a member without username: a "text_mention" entity with its ``user``,
      whose name is no argument (10m is the duration);
    - an @username nobody used: a translated line, nobody restricted."""
    import time
    from pathlib import Path

    import yaml

    locale = Path(__file__).parents[2] / "plugins/rules/locales/zh-CN.yaml"
    lines = yaml.safe_load(locale.read_text(encoding="utf-8"))["rules"]["cmd"]
    linli_process.config_text = RULES_CONFIG
    linli_process.env = {"TELEGRAM_BOTS": telegram.bots_env()}
    await linli_process.start()

    def restricted(user: int):
        return lambda c: c.params.get("user_id") == user

    try:
        telegram.group_message("大家好", user=42, username="Zhang_San")
        quoted = telegram.group_message("明天停水吗", user=43, name="李梅")
        telegram.group_message("/禁言 10m", user=500, name="物业 王", reply_to=quoted)
        call = await telegram.expect("restrictChatMember", where=restricted(43))
        assert call.params["until_date"] - time.time() >= 590

        text = "/禁言 @zhang_san 10m 刷屏"
        at = text.index("@")
        mention = {"type": "mention", "offset": at, "length": _utf16("@zhang_san")}
        telegram.group_message(text, user=500, name="物业 王", entities=[mention])
        call = await telegram.expect("restrictChatMember", where=restricted(42))
        assert call.params["until_date"] - time.time() >= 590

        text = "/禁言 赵六 10m"
        named = {
            "type": "text_mention", "offset": text.index("赵六"), "length": 2,
            "user": {"id": 44, "is_bot": False, "first_name": "赵六"},
        }  # fmt: skip
        telegram.group_message(text, user=500, name="物业 王", entities=[named])
        call = await telegram.expect("restrictChatMember", where=restricted(44))
        assert call.params["until_date"] - time.time() >= 590

        text = "/禁言 @nobody_here 10m"
        unknown = {"type": "mention", "offset": text.index("@"), "length": 12}
        telegram.group_message(text, user=500, name="物业 王", entities=[unknown])
        line = lines["unknown_username"].format(username="nobody_here")
        await telegram.expect("sendMessage", where=lambda c: c.params["text"] == line)
        assert not [c for c in telegram.calls if c.params.get("user_id") == 500]
    finally:
        await linli_process.stop()
        print(
            "\n".join(x for x in linli_process.log().splitlines() if "DEBUG" not in x)[
                -6000:
            ]
        )
