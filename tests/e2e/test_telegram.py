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
