"""The console try-out adapter as a linli platform."""

from __future__ import annotations

from datetime import datetime


def _event(channel_id: str, text: str):
    from nonebot.adapters.console import Message, MessageEvent
    from nonechat.model import Channel, User

    return MessageEvent(
        time=datetime.now(),
        self_id="robot",
        message_id="m1",
        user=User("console", nickname="3-2-201 张三"),
        channel=Channel(channel_id, "通用", "默认聊天频道"),
        message=Message(text),
    ).convert()


def test_console_channel_is_a_group_and_direct_is_private() -> None:
    from adapters.console import event_info

    class FakeBot:
        self_id = "robot"

    info = event_info(FakeBot(), _event("general", "/帮助"))  # type: ignore[arg-type]
    assert (info.platform, info.group, info.user) == (
        "console",
        "console:general",
        "console:console",
    )
    assert info.text == "/帮助"
    assert info.display_name == "3-2-201 张三"
    direct = event_info(FakeBot(), _event("_direct", "hi"))  # type: ignore[arg-type]
    assert direct.group is None


async def test_console_cannot_mute_or_kick() -> None:
    import pytest

    from adapters import Capability, NotSupported
    from adapters.console import ConsolePort

    port = ConsolePort(bot=None)  # type: ignore[arg-type]
    assert not port.can(Capability.MUTE)
    with pytest.raises(NotSupported):
        await port.mute("console:general", "console:console", 60)
    with pytest.raises(NotSupported):
        await port.kick("console:general", "console:console")


async def test_the_tryout_person_is_the_admin_of_the_tryout_group() -> None:
    """In ``python bot.py --console`` every feature can be tried: the one
    person there is an admin, whatever the YAML lists; a QQ member with the
    same id is still a resident."""
    from adapters import EventInfo
    from adapters.console import ConsolePort
    from plugins.core import Role, store
    from plugins.core.permissions import role_of

    def info(platform: str) -> EventInfo:
        return EventInfo(
            platform=platform,
            self_id="robot",
            user=f"{platform}:user",
            group=f"{platform}:general",
            message_id="1",
            display_name="User",
            sender_role=None,
            to_me=False,
        )

    port = ConsolePort(bot=None)  # type: ignore[arg-type]
    assert await role_of(info("console"), port, store.current, set()) == Role.ADMIN
    assert await role_of(info("qq"), port, store.current, set()) == Role.RESIDENT
