"""Which connected bot speaks for a group, and its port.

Every account that receives a group's messages is remembered for the group;
when several do, the one holding the group's speaker lease (speaker.py) is the
one the group's messages go through, the others are there to take over or to
act where the speaker has no rights (:func:`other_ports`)."""

from __future__ import annotations

import nonebot
from nonebot.adapters import Bot

from adapters import PlatformError, Port, port_for, split_id
from adapters.port import Capability

from .config import store

# group → the self ids of the accounts seen receiving its messages, in order
_group_bots: dict[str, dict[str, None]] = {}
_speaking: dict[str, str] = {}  # group → the self id of its speaker


def v11_platform(bot: Bot) -> str:
    core = store.current.core if store.loaded else None
    if core is None:
        return "qq"
    return core.bots.get(str(bot.self_id), core.onebot_v11_platform)


def port_of(bot: Bot) -> Port:
    return port_for(bot, v11_platform=v11_platform(bot))


def remember(group: str, bot: Bot) -> None:
    """Note that ``bot`` receives this group's messages (so it can speak there)."""
    seen = _group_bots.get(group)
    if seen is None:
        seen = _group_bots[group] = {}
    if bot.self_id not in seen:
        seen[bot.self_id] = None


def accounts_in(group: str) -> list[str]:
    """The self ids of the accounts seen in ``group`` (connected or not)."""
    return list(_group_bots.get(group, ()))


def known_groups() -> list[str]:
    return list(_group_bots)


def set_speaker(group: str, self_id: str | None) -> None:
    """The account that speaks for ``group`` now (speaker.py)."""
    if self_id is None:
        _speaking.pop(group, None)
    else:
        _speaking[group] = self_id


def other_ports(group: str, self_id: str) -> list[Port]:
    """The ports of the other connected accounts seen in ``group``."""
    bots = nonebot.get_bots()
    found = []
    for other in _group_bots.get(group, ()):
        if other != self_id and other in bots:
            try:
                found.append(port_of(bots[other]))
            except NotImplementedError:
                continue
    return found


def port_for_group(group: str) -> Port:
    """The port of a connected bot for ``group``, its speaker's when several
    are in it; PlatformError if none is online."""
    bots = nonebot.get_bots()
    speaker = _speaking.get(group)
    if speaker is not None and speaker in bots:
        return port_of(bots[speaker])
    for self_id in _group_bots.get(group, ()):
        if self_id in bots:
            return port_of(bots[self_id])
    platform, _ = split_id(group)
    # a group no account has had a message from yet: an account that speaks
    # somewhere first (the same one every time), then any of the platform
    speakers = [bots[s] for s in dict.fromkeys(_speaking.values()) if s in bots]
    for bot in (*speakers, *bots.values()):
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
