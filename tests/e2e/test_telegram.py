"""linli on Telegram: the real NoneBot Telegram adapter against a fake Bot API."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.e2e.fake_telegram import FakeTelegram
from tests.e2e.harness import LinliProcess


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
