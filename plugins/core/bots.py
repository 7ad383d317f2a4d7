"""Which connected bot speaks for a group, and its port."""

from __future__ import annotations

import nonebot
from nonebot.adapters import Bot

from adapters import PlatformError, Port, port_for, split_id
from adapters.port import Capability

from .config import store

_group_bot: dict[str, str] = {}


def v11_platform(bot: Bot) -> str:
    core = store.current.core if store.loaded else None
    if core is None:
        return "qq"
    return core.bots.get(str(bot.self_id), core.onebot_v11_platform)


def port_of(bot: Bot) -> Port:
    return port_for(bot, v11_platform=v11_platform(bot))


def remember(group: str, bot: Bot) -> None:
    """Note that ``bot`` receives this group's messages (so it can speak there)."""
    _group_bot[group] = bot.self_id


def port_for_group(group: str) -> Port:
    """The port of a connected bot for ``group``; PlatformError if none is online."""
    bots = nonebot.get_bots()
    self_id = _group_bot.get(group)
    if self_id is not None and self_id in bots:
        return port_of(bots[self_id])
    platform, _ = split_id(group)
    for bot in bots.values():
        try:
            port = port_of(bot)
        except NotImplementedError:
            continue
        if port.platform == platform:
            return port
    raise PlatformError(
        "find_bot", f"no bot of platform {platform!r} is connected", retryable=True
    )


def port_for_user(user: str) -> Port:
    platform, _ = split_id(user)
    for bot in nonebot.get_bots().values():
        try:
            port = port_of(bot)
        except NotImplementedError:
            continue
        if port.platform == platform and port.can(Capability.SEND_PRIVATE):
            return port
    raise PlatformError(
        "find_bot", f"no bot of platform {platform!r} is connected", retryable=True
    )
