"""/工作台 in the chat: who gets a link, where, and how."""

from __future__ import annotations

import re

import pytest
from nonebug import App

from tests.console.client import Browser
from tests.console.support import app as asgi_app
from tests.helpers import (
    Capture,
    PrivateQueue,
    group_message,
    private_message,
    routed,
    router,
    v11_bot,
    zh,
)


@pytest.fixture
def queue(monkeypatch) -> PrivateQueue:
    import plugins.console as console

    fake = PrivateQueue()
    monkeypatch.setattr(console, "send_queue", lambda: fake)
    return fake


async def _say(app: App, event, reply) -> None:
    async with routed(app, "console") as ctx:
        ctx.receive_event(v11_bot(ctx), event)
        ctx.should_call_send(event, reply, result=None)
        ctx.should_finished(router())


def _token(text: str) -> str:
    found = re.search(r"/console/login/([\w-]+)", text)
    assert found, text
    return found.group(1)


async def test_staff_in_the_staff_group_get_the_link_privately(
    app: App, queue: PrivateQueue
) -> None:
    event = group_message("/工作台", group=2000, user=7, card="李师傅")
    await _say(app, event, zh("console.sent"))
    ((user, text),) = queue.private
    assert user == "qq:7" and "10" in text
    assert "http://127.0.0.1:" in text  # HOST:PORT of this process
    browser = Browser(asgi_app())
    assert (await browser.post(f"/console/login/{_token(text)}")).status == 303
    assert (await browser.get("/console/tickets")).status == 200


async def test_an_admin_in_a_private_chat_gets_it_there(
    app: App, queue: PrivateQueue, override_config
) -> None:
    override_config(console={"base_url": "https://wy.example.com/"})
    reply = Capture(lambda text: "https://wy.example.com/console/login/" in text)
    await _say(app, private_message("/console", user=500), reply)
    assert queue.private == []
    browser = Browser(asgi_app())
    assert (await browser.post(f"/console/login/{_token(reply.text)}")).status == 303
    reply = await browser.post(f"/console/login/{_token(reply.text)}")
    assert reply.status == 410  # once


async def test_residents_are_refused_politely(app: App, queue: PrivateQueue) -> None:
    await _say(
        app,
        group_message("/工作台", group=1000, user=42),
        zh("console.refused.resident"),
    )
    await _say(app, private_message("/工作台", user=42), zh("console.refused.resident"))
    assert queue.private == []


async def test_no_link_in_a_residents_group(app: App, queue: PrivateQueue) -> None:
    event = group_message("/工作台", group=1000, user=500)  # an admin
    await _say(app, event, zh("console.refused.group"))
    assert queue.private == []


async def test_when_the_private_message_fails(app: App, monkeypatch) -> None:
    import plugins.console as console
    from adapters import PlatformError

    fake = PrivateQueue(fail=PlatformError("send_private_msg", "not a friend"))
    monkeypatch.setattr(console, "send_queue", lambda: fake)
    event = group_message("/工作台", group=2000, user=7)
    await _say(app, event, zh("console.private_failed"))
