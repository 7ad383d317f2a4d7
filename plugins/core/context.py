"""``Ctx``: who, where, in which language and through which port, for one event.

Handlers take ``ctx: Ctx`` and get a :class:`Context`; events that are not
messages from a supported adapter skip the handler.
"""

from __future__ import annotations

from typing import Annotated, Any, NoReturn

from nonebot import get_driver
from nonebot.adapters import Bot, Event
from nonebot.exception import FinishedException, SkippedException
from nonebot.params import Depends

from adapters import EventInfo, Port, Quoted, event_info, qualify
from adapters.base import message_id_of

from .bots import port_of, v11_platform
from .config import GroupProfile, LinliConfig, store
from .i18n import t
from .identity import Household, Role, parse_household
from .permissions import role_of


class Context:
    # a plain class, not a dataclass: NoneBot builds a pydantic schema of a
    # dependency's type, and pydantic cannot describe a Bot field.
    def __init__(
        self, bot: Bot, event: Event, info: EventInfo, port: Port, config: LinliConfig
    ) -> None:
        self.bot = bot
        self.event = event
        self.info = info
        self.port = port
        self.config = config
        self._role: Role | None = None

    @property
    def group(self) -> str | None:
        return self.info.group

    @property
    def user(self) -> str:
        return self.info.user

    @property
    def profile(self) -> GroupProfile:
        return self.config.group(self.group) if self.group else GroupProfile()

    @property
    def locale(self) -> str:
        return self.config.locale_of(self.group)

    @property
    def mentioned(self) -> list[str]:
        """The members @-mentioned in the message, the bot itself left out."""
        me = qualify(self.info.platform, self.info.self_id)
        return [user for user in self.info.mentions if user != me]

    async def replied(self) -> Quoted | None:
        """The message this one replies to (quotes): its id, its sender (when
        the platform says) and its text ("" when the platform does not give it);
        None when the message is not a reply."""
        return self.info.quoted

    @property
    def household(self) -> Household | None:
        return parse_household(
            self.info.display_name, self.config.core.household_pattern
        )

    def t(self, key: str, /, **values: Any) -> str:
        return t(self.locale, key, **values)

    def section(self, name: str) -> Any:
        return self.config.section(name, self.group)

    async def role(self) -> Role:
        if self._role is None:
            superusers = set(get_driver().config.superusers)
            self._role = await role_of(self.info, self.port, self.config, superusers)
        return self._role

    async def send(self, message: Any) -> str | None:
        """Reply in the chat the event came from; the id of the message sent,
        where the platform says it (OneBot's dict, Telegram's Message).

        The reply goes through the send queue, within the group's and the
        account's budgets like everything linli sends; an identical reply still
        waiting there is sent once."""
        from . import queue_if_started

        bot, event = self.bot, self.event

        async def deliver(_port: Port) -> str | None:
            return message_id_of(await bot.send(event, message))

        queue = queue_if_started()
        if queue is None:  # before start-up (a CLI, a unit test without core)
            return await deliver(self.port)
        target = self.group or self.user
        text = message if isinstance(message, str) else _plain(message)
        group = self.group

        async def instead(port: Port) -> str | None:
            # the event's account went away before the reply left (another
            # account took over the group): said as a message through it
            if group is not None:
                return await port.send_group(group, text)
            return await port.send_private(target, text)

        return await queue.reply(
            target,
            deliver,
            key=str(message),
            private=self.group is None,
            port=self.port,
            fallback=instead,
        )

    async def finish(self, message: Any = None) -> NoReturn:
        """Reply (if there is something to say) and end the handler."""
        if message is not None:
            await self.send(message)
        raise FinishedException

    async def require(self, needed: Role) -> Role:
        """Stop the handler with a polite refusal unless the sender has ``needed``."""
        role = await self.role()
        if role < needed:
            await self.finish(self.t("core.denied", role=self.t(needed.key)))
        return role


def _plain(message: Any) -> str:
    extract = getattr(message, "extract_plain_text", None)
    return extract() if callable(extract) else str(message)


def context_of(bot: Bot, event: Event, info: EventInfo | None = None) -> Context:
    """The context of a message event; SkippedException if linli cannot read it."""
    if info is None:
        info = event_info(bot, event, v11_platform=v11_platform(bot))
    if info is None:
        raise SkippedException
    return Context(
        bot=bot, event=event, info=info, port=port_of(bot), config=store.current
    )


async def get_context(bot: Bot, event: Event) -> Context:
    return context_of(bot, event)


Ctx = Annotated[Context, Depends(get_context)]
