"""nonebug on core's one message matcher, with the routing limited to some features.

async with routed(app, "rules") as ctx:
    ctx.receive_event(bot, event)
    ctx.should_call_send(event, text, result=None)
    ctx.should_finished(router())

await expect_reply(app, "rules", event, text)  # the same, in one line
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from nonebug import App

from tests.helpers.bots import v11_bot, v12_bot


def router():
    """Core's message matcher (every feature's commands and hooks run in it)."""
    from plugins.core import router as matcher

    return matcher


@asynccontextmanager
async def routed(app: App, *plugins: str) -> AsyncIterator:
    """``app.test_matcher`` on the router; only ``plugins`` see the messages
    (all of them when none is named)."""
    from plugins.core.routing import ROUTER

    with ROUTER.only(*plugins):
        async with app.test_matcher(router()) as ctx:
            yield ctx


async def handled(app: App, event, plugin: str) -> bool:
    """Whether ``plugin``'s commands and hooks take ``event`` (a hook that
    returns False leaves the message to the later features)."""
    from plugins.core.context import get_context
    from plugins.core.routing import ROUTER

    async with app.test_api() as ctx:
        context = await get_context(v11_bot(ctx), event)
        with ROUTER.only(plugin):
            return await ROUTER.route(context, {})


async def expect_reply(app: App, plugin: str, event, reply) -> None:
    """``event`` routed to ``plugin`` alone (by a v11 or v12 bot, as the event
    is) gets exactly one reply, ``reply`` (a text, a Capture or a Like), and
    the router is done."""
    from nonebot.adapters.onebot import v12

    async with routed(app, plugin) as ctx:
        bot = v12_bot(ctx) if isinstance(event, v12.Event) else v11_bot(ctx)
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, reply, result=None)
        ctx.should_finished(router())


async def expect_reaction(app: App, plugin: str, event, *, refused: bool = False):
    """``event`` routed to ``plugin`` alone gets NapCat's "OK" reaction
    (``set_msg_emoji_like`` with face 124) and no reply. With ``refused``,
    NapCat answers as it does when the reaction fails: retcode 200 and the
    error's message (NapNeko/NapCatQQ packages/napcat-onebot/action/msg/
    SetMsgEmojiLike.ts)."""
    from nonebot.adapters.onebot.v11 import ActionFailed

    answer = (
        {"exception": ActionFailed(
            status="failed", retcode=200, data=None, message="msg not found"
        )}
        if refused
        else {"result": None}
    )  # fmt: skip
    async with routed(app, plugin) as ctx:
        ctx.receive_event(v11_bot(ctx), event)
        ctx.should_call_api(
            "set_msg_emoji_like",
            {"message_id": event.message_id, "emoji_id": 124},
            **answer,
        )
        ctx.should_finished(router())
