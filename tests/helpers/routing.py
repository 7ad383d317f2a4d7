"""nonebug on core's one message matcher, with the routing limited to some features.

async with routed(app, "rules") as ctx:
    ctx.receive_event(bot, event)
    ctx.should_call_send(event, text, result=None)
    ctx.should_finished(router())
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from nonebug import App

from tests.helpers.bots import v11_bot


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
