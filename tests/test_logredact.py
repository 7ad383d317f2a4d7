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


def test_the_routers_two_lines_per_message_are_dropped() -> None:
    from types import SimpleNamespace

    from bot import router_chatter

    def record(function: str, message: str, level: str = "INFO") -> dict:
        return {
            "function": function,
            "message": message,
            "level": SimpleNamespace(name=level),
        }

    router = "Matcher(type='message', module=plugins.core, lineno=142)"
    assert router_chatter(record("_run_matcher", f"Event will be handled by {router}"))
    assert router_chatter(record("simple_run", f"{router} running complete"))
    # another plugin's matcher, an error, or the event line itself stay
    other = "Matcher(type='notice', module=plugins.rules, lineno=49)"
    assert not router_chatter(record("simple_run", f"{other} running complete"))
    assert not router_chatter(record("_run_matcher", f"{router} failed", "ERROR"))
    assert not router_chatter(record("handle_event", "[message.group.normal] …"))
