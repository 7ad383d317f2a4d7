"""adapters.telegram: TelegramPort and the event translation, against a stub bot.

The stub records the adapter's API calls as nonebot-adapter-telegram's ``API``
methods name them (nonebot/adapters/telegram/api.py: ``restrict_chat_member``
with ``chat_id, user_id, permissions, until_date``).
"""

from __future__ import annotations

import time
from typing import Any

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
