"""Residents' words stay out of the log; who and where stay in."""

from __future__ import annotations


def test_onebot_and_telegram_message_lines_lose_their_text() -> None:
    from bot import redact

    line = (
        "OneBot V11 10000 | [message.group.normal]: Message 7 from 42@[群:1000] "
        "'/投票 #5 2 13812345678'"
    )
    assert redact(line) == (
        "OneBot V11 10000 | [message.group.normal]: Message 7 from 42@[群:1000] "
        "'[text hidden]'"
    )
    tg = (
        "Telegram 123 | [message.group]: Message 5000 from 42@[Chat -1001000]: "
        "我的电话 13812345678"
    )
    assert redact(tg) == (
        "Telegram 123 | [message.group]: Message 5000 from 42@[Chat -1001000]: "
        "[text hidden]"
    )
