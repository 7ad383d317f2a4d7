"""The platform port and its implementations: the only place that imports
``nonebot.adapters.*``. Features call :func:`port_for` and :func:`event_info`.
"""

from __future__ import annotations

from collections.abc import Iterable

from nonebot.adapters import Bot, Event
from nonebot.adapters import console as con
from nonebot.adapters import milky as mk
from nonebot.adapters import telegram as tg
from nonebot.adapters.onebot import v11, v12
from nonebot.adapters.telegram.event import MessageEvent as TgMessageEvent

from . import console, milky, onebot_v11, onebot_v12, telegram
from .port import (
    Capability,
    EventInfo,
    JoinRequest,
    MemberChange,
    MemberInfo,
    Mention,
    NoEffect,
    NotSupported,
    PlatformError,
    Port,
    PortError,
    Quoted,
    qualify,
    split_id,
)

__all__ = [
    "Capability",
    "EventInfo",
    "JoinRequest",
    "MemberChange",
    "MemberInfo",
    "Mention",
    "NoEffect",
    "NotSupported",
    "PlatformError",
    "Port",
    "PortError",
    "Quoted",
    "capability_table",
    "command_after_quote",
    "event_info",
    "join_request",
    "member_changes",
    "on_connect",
    "port_for",
    "qualify",
    "split_id",
]


def port_for(bot: Bot, *, v11_platform: str = "qq") -> Port:
    """The port of ``bot``; ``v11_platform`` is the id prefix of a v11 bot."""
    if isinstance(bot, v11.Bot):
        return onebot_v11.OneBotV11Port(bot, v11_platform)
    if isinstance(bot, v12.Bot):
        return onebot_v12.OneBotV12Port(bot)
    if isinstance(bot, tg.Bot):
        return telegram.TelegramPort(bot)
    if isinstance(bot, mk.Bot):
        return milky.MilkyPort(bot)
    if isinstance(bot, con.Bot):
        return console.ConsolePort(bot)
    raise NotImplementedError(f"no linli port for adapter {bot.adapter.get_name()}")


_MENTIONS = {"at", "mention"}  # v11, v12


def command_after_quote(event: Event, starts: Iterable[str]) -> None:
    """A command sent as a reply, whose quoted message the adapter could not
    resolve: nonebot-adapter-onebot then leaves the ``reply`` segment first
    (v11 when ``get_msg`` fails, v11/bot.py ``_check_reply``; v12 when the
    segment has no user_id), usually followed by the client's @ of the quoted
    sender, and NoneBot sees no command at all — the admin got no answer.
    Here the reply segment leaves the command's message (``original_message``
    keeps it, so the quote is still known) and the @ goes after the text,
    where it names the target. Only for OneBot messages that are commands."""
    if not isinstance(event, v11.MessageEvent | v12.MessageEvent):
        return
    message = event.message
    if not message or message[0].type != "reply":
        return
    rest = message[1:]
    mentions = []
    while rest and rest[0].type in _MENTIONS:
        mentions.append(rest.pop(0))
    while rest and rest[0].is_text() and not str(rest[0]).strip():
        rest.pop(0)
    if not rest or not rest[0].is_text():
        return
    if not str(rest[0]).lstrip().startswith(tuple(starts)):
        return
    for segment in mentions:
        rest.append(segment)
    event.message = rest


async def on_connect(bot: Bot) -> None:
    """What a port learns once per connection: a OneBot v12 implementation's
    actions (get_supported_actions), from which its capabilities are built."""
    if isinstance(bot, v12.Bot):
        await onebot_v12.learn_actions(bot)


def event_info(bot: Bot, event: Event, *, v11_platform: str = "qq") -> EventInfo | None:
    """linli's view of a message event; None for events that are not messages."""
    if isinstance(event, v11.MessageEvent):
        return onebot_v11.event_info(event, v11_platform)
    if isinstance(event, v12.MessageEvent) and isinstance(bot, v12.Bot):
        return onebot_v12.event_info(event, bot)
    if isinstance(event, TgMessageEvent) and isinstance(bot, tg.Bot):
        return telegram.event_info(bot, event)
    if isinstance(event, mk.MessageEvent) and isinstance(bot, mk.Bot):
        return milky.event_info(bot, event)
    if isinstance(event, con.MessageEvent) and isinstance(bot, con.Bot):
        return console.event_info(bot, event)
    return None


def member_changes(
    bot: Bot, event: Event, *, v11_platform: str = "qq"
) -> tuple[MemberChange, ...]:
    """The joins or the leave of a notice in linli's terms, one per member
    (a Telegram notice may add several); empty for other events."""
    if isinstance(bot, tg.Bot):
        return telegram.member_changes(bot, event)
    if isinstance(bot, mk.Bot):
        return milky.member_changes(bot, event)
    if isinstance(event, v11.Event):
        change = onebot_v11.member_change(event, v11_platform)
    elif isinstance(event, v12.Event) and isinstance(bot, v12.Bot):
        change = onebot_v12.member_change(event, bot)
    else:
        change = None
    return () if change is None else (change,)


def join_request(
    bot: Bot, event: Event, *, v11_platform: str = "qq"
) -> JoinRequest | None:
    """A request to join a group; None for other events (and on OneBot v12)."""
    if isinstance(event, v11.Event):
        return onebot_v11.join_request(event, v11_platform)
    if isinstance(bot, tg.Bot):
        return telegram.join_request(bot, event)
    if isinstance(bot, mk.Bot):
        return milky.join_request(bot, event)
    return None


def capability_table() -> dict[str, frozenset[Capability]]:
    """What each known adapter/platform can do, for docs and /help."""
    table = {
        "OneBot v11": onebot_v11.CAPABILITIES,
        "Milky (QQ)": milky.CAPABILITIES,
        "Telegram": telegram.CAPABILITIES,
        "Console (try-out)": console.CAPABILITIES,
    }
    table["OneBot v12 (standard)"] = onebot_v12._STANDARD
    for platform, impl in onebot_v12.VENDOR:
        table[f"OneBot v12 {platform}/{impl}"] = onebot_v12.capabilities_of(
            platform, impl
        )
    return table
