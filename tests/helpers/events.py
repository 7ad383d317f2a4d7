"""Fake OneBot events for handler tests (as NapCat / ComWeChat would send).

group_message("/投票 结果", group=1000, user=42, role="admin")  # QQ, OneBot v11
private_message("/接龙 导出 1", user=500)
v12_group_message("+1", group="777@chatroom", user="wxid_a")  # WeChat, v12
"""

from __future__ import annotations

import itertools
import time

from nonebot.adapters.onebot.v11 import (
    GroupMessageEvent,
    Message,
    MessageSegment,
    PrivateMessageEvent,
)
from nonebot.adapters.onebot.v11.event import Reply, Sender
from nonebot.adapters.onebot.v12 import GroupMessageEvent as V12GroupMessageEvent
from nonebot.adapters.onebot.v12 import Message as V12Message
from nonebot.adapters.onebot.v12.event import BotSelf

SELF_ID = "10000"  # the QQ bot's (v11_bot)
V12_SELF_ID = "wxid_bot"  # the WeChat bot's (v12_bot)
_ids = itertools.count(1)


def group_message(
    text: str,
    *,
    group: int = 1000,
    user: int = 42,
    card: str = "3-2-201 张三",
    role: str = "member",
    message_id: int | None = None,
    quote: tuple[int, int, str] | None = None,
) -> GroupMessageEvent:
    """``quote=(message_id, sender, text)`` makes it a reply to that message, as
    the adapter leaves it after fetching the quoted one with ``get_msg``
    (nonebot-adapter-onebot v11/bot.py ``_check_reply``): the ``reply`` segment
    stays in ``original_message``, ``event.reply`` holds the quoted message."""
    message = Message(text)
    original = message
    reply = None
    if quote is not None:
        quoted_id, quoted_user, quoted_text = quote
        original = MessageSegment.reply(quoted_id) + message
        reply = Reply(
            time=int(time.time()),
            message_type="group",
            message_id=quoted_id,
            real_id=quoted_id,
            sender=Sender(user_id=quoted_user, nickname="nick"),
            message=Message(quoted_text),
        )
    event = GroupMessageEvent(
        time=int(time.time()),
        self_id=int(SELF_ID),
        post_type="message",
        sub_type="normal",
        user_id=user,
        message_type="group",
        message_id=message_id if message_id is not None else next(_ids),
        message=message,
        original_message=original,
        raw_message=text,
        font=0,
        sender=Sender(user_id=user, nickname="nick", card=card, role=role),
        group_id=group,
        to_me=False,
    )
    event.reply = reply
    return event


def private_message(text: str, *, user: int = 42) -> PrivateMessageEvent:
    message = Message(text)
    return PrivateMessageEvent(
        time=int(time.time()),
        self_id=int(SELF_ID),
        post_type="message",
        sub_type="friend",
        user_id=user,
        message_type="private",
        message_id=next(_ids),
        message=message,
        original_message=message,
        raw_message=text,
        font=0,
        sender=Sender(user_id=user, nickname="nick"),
        to_me=True,
    )


def v12_group_message(
    text: str,
    *,
    group: str = "777@chatroom",
    user: str = "wxid_a",
    card: str | None = None,
) -> V12GroupMessageEvent:
    """A ComWeChat group message. Its events carry no name: linli asks
    ``wx.get_groupmember_nickname`` for the 群昵称 (expect that call), unless
    ``card`` is given, which puts the name in the port's cache beforehand."""
    from datetime import datetime

    if card is not None:
        from adapters.onebot_v12 import group_names

        group_names.put((V12_SELF_ID, f"wx:{group}", f"wx:{user}"), card)

    message = V12Message(text)
    return V12GroupMessageEvent(
        id=str(next(_ids)),
        time=datetime.now(),
        type="message",
        detail_type="group",
        sub_type="",
        self=BotSelf(platform="wechat", user_id=V12_SELF_ID),
        message_id=str(next(_ids)),
        message=message,
        original_message=message,
        alt_message=text,
        user_id=user,
        group_id=group,
        to_me=False,
    )
