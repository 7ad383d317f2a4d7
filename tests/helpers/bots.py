"""The bots of handler tests: nonebug's ``ctx.create_bot`` for each platform.

async with routed(app, "vote") as ctx:
    bot = v11_bot(ctx)  # QQ through NapCat (OneBot v11)
    bot = v12_bot(ctx)  # WeChat through ComWeChat (OneBot v12)

Their self ids match the events of tests/helpers/events.py.
"""

from __future__ import annotations

from typing import Any

from nonebot.adapters.onebot import v11, v12

from tests.helpers.events import SELF_ID, V12_SELF_ID


def v11_bot(ctx: Any, *, self_id: str = SELF_ID) -> v11.Bot:
    """A OneBot v11 bot (NapCat, QQ) in nonebug's context ``ctx``."""
    import nonebot

    return ctx.create_bot(
        base=v11.Bot, adapter=nonebot.get_adapter(v11.Adapter), self_id=self_id
    )


def v12_bot(
    ctx: Any,
    *,
    self_id: str = V12_SELF_ID,
    impl: str = "ComWechat",
    platform: str = "wechat",
) -> v12.Bot:
    """A OneBot v12 bot (ComWeChatBotClient, WeChat) in nonebug's context ``ctx``."""
    import nonebot

    return ctx.create_bot(
        base=v12.Bot,
        adapter=nonebot.get_adapter(v12.Adapter),
        self_id=self_id,
        impl=impl,
        platform=platform,
    )
