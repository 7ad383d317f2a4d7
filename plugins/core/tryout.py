"""The terminal try-out (``python bot.py --console``): who you are and what you see.

nonebot-adapter-console gives one chat, its channel ``general``, and one person,
``user``: linli makes that person the admin of the try-out group (so every
feature can be tried), and greets them with how to start and how to quit.
The try-out keeps its own database (``bot.py`` points it at ``data/console/``),
so nothing it does reaches the real groups.
"""

from __future__ import annotations

from nonebot import logger
from nonebot.adapters import Bot

from adapters import PortError

from .bots import port_of
from .config import store
from .i18n import t
from .settings import load_settings

PLATFORM = "console"
GROUP = "console:general"
"""The console adapter's one channel, ``general``, as a linli group id."""


def is_tryout(platform: str) -> bool:
    return platform == PLATFORM


async def welcome(bot: Bot) -> None:
    """Say hello in the try-out group when the terminal's bot connects."""
    try:
        port = port_of(bot)
    except NotImplementedError:
        return
    if not is_tryout(port.platform):
        return
    text = t(
        store.current.locale_of(GROUP),
        "core.tryout.welcome",
        data=str(load_settings().data_dir),
    )
    try:
        await port.send_group(GROUP, text)
    except PortError:
        logger.exception("could not greet the try-out")
