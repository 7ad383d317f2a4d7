"""One NoneBot matcher for every feature's commands and free-text hooks.

NoneBot checks the permission and the rule of every message matcher for every
message, and each check solves its dependencies in new anyio tasks: about 1 ms
of CPU per ``on_command`` on these machines (``bench/throughput.py``). With one
matcher per command linli spent ~110 ms on each ordinary group message. So the
features register their commands and hooks here, and core's single matcher
runs them in order:

1. hooks with ``order`` below :data:`COMMANDS` (the rules guard, order 1);
2. the command, found by NoneBot's own command parser (``state["_prefix"]``);
3. the other hooks in ``order`` (``+1`` 20, bare numbers 30, ``1`` 35, faq 90).

A hook returns ``True`` when it handled the message, which ends the routing
(and NoneBot's propagation); a command always ends it. ``ctx.finish`` (or any
``FinishedException``) ends a handler early.

A feature's section switch is applied here, for every command and hook of the
plugin: where its section (the YAML section named like the plugin) says
``enabled: false`` — for the group, or globally in a private chat — its
commands and hooks are skipped as if they did not exist, and the message goes
on to the others. The one override: ``@command(..., enabled=check)`` or
``@hook(order, enabled=check)`` decides instead (``check(ctx) -> bool``; e.g.
``lambda ctx: True`` for a command that must answer even where the feature is
off). Plugins do not test ``enabled`` themselves.
"""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass

from nonebot import logger
from nonebot.adapters import Message
from nonebot.consts import CMD_ARG_KEY, CMD_KEY
from nonebot.exception import FinishedException
from nonebot.rule import command as nonebot_command

from .context import Context

CommandHandler = Callable[[Context, Message], Awaitable[None]]
HookHandler = Callable[[Context], Awaitable[bool]]
Enabled = Callable[[Context], bool]

COMMANDS = 10
"""Where the commands run among the hooks."""


@dataclass(frozen=True)
class Command:
    names: tuple[str, ...]
    handler: CommandHandler
    plugin: str
    enabled: Enabled | None = None


@dataclass(frozen=True)
class Hook:
    order: int
    handler: HookHandler
    plugin: str
    enabled: Enabled | None = None


def section_enabled(plugin: str, ctx: Context) -> bool:
    """The ``enabled`` of the plugin's section where the message came from
    (True for a plugin without a section or without that key)."""
    sections = ctx.config.sections
    if plugin not in sections:
        return True
    return bool(getattr(ctx.section(plugin), "enabled", True))


def _plugin_of(func: Callable) -> str:
    """``plugins.tickets.staff`` → ``tickets``."""
    parts = func.__module__.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "plugins" else parts[0]


class Router:
    def __init__(self) -> None:
        self._commands: dict[tuple[str, ...], Command] = {}
        self._hooks: list[Hook] = []
        self._only: frozenset[str] | None = None

    def command(
        self, name: str, *aliases: str, enabled: Enabled | None = None
    ) -> Callable[[CommandHandler], CommandHandler]:
        """Register ``handler(ctx, args)`` for ``/name`` and its aliases."""

        def register(handler: CommandHandler) -> CommandHandler:
            names = (name, *aliases)
            entry = Command(names, handler, _plugin_of(handler), enabled)
            for each in names:
                key = (each,)
                if key in self._commands:
                    raise ValueError(f"command /{each} is registered twice")
                self._commands[key] = entry
            # NoneBot's parser learns the names: it fills state["_prefix"]
            nonebot_command(*names)
            return handler

        return register

    def hook(
        self, order: int, *, enabled: Enabled | None = None
    ) -> Callable[[HookHandler], HookHandler]:
        """Register ``handler(ctx) -> handled`` to see every message, by order."""
        if order == COMMANDS:
            raise ValueError(f"order {COMMANDS} is where the commands run")

        def register(handler: HookHandler) -> HookHandler:
            self._hooks.append(Hook(order, handler, _plugin_of(handler), enabled))
            self._hooks.sort(key=lambda hook: hook.order)
            return handler

        return register

    def commands(self) -> list[Command]:
        return list({id(c): c for c in self._commands.values()}.values())

    @contextlib.contextmanager
    def only(self, *plugins: str) -> Iterator[None]:
        """Route to these plugins alone (tests of one feature); none: to all."""
        previous, self._only = self._only, frozenset(plugins) or None
        try:
            yield
        finally:
            self._only = previous

    def _allowed(self, plugin: str) -> bool:
        return self._only is None or plugin in self._only

    def _on(self, entry: Command | Hook, ctx: Context) -> bool:
        """Routed to here: the plugin is in play and its feature is on."""
        if not self._allowed(entry.plugin):
            return False
        if entry.enabled is not None:
            return entry.enabled(ctx)
        return section_enabled(entry.plugin, ctx)

    def _command_for(self, ctx: Context, prefix: dict) -> Command | None:
        found = self._commands.get(prefix.get(CMD_KEY) or ())
        if found is None or not self._on(found, ctx):
            return None
        return found

    async def route(self, ctx: Context, prefix: dict) -> bool:
        """Run the message through the hooks and the command; ``True`` if handled."""
        command = self._command_for(ctx, prefix)
        commands_done = False
        for hook in self._hooks:
            if hook.order > COMMANDS and not commands_done:
                commands_done = True
                if command is not None:
                    await self._run_command(command, ctx, prefix)
                    return True
            if self._on(hook, ctx) and await self._run_hook(hook, ctx):
                return True
        if not commands_done and command is not None:
            await self._run_command(command, ctx, prefix)
            return True
        return False

    async def _run_command(self, command: Command, ctx: Context, prefix: dict) -> None:
        args = prefix.get(CMD_ARG_KEY)
        if args is None:
            args = ctx.event.get_message().__class__()
        try:
            await command.handler(ctx, args)
        except FinishedException:
            pass
        except Exception:
            logger.exception(f"/{command.names[0]} failed")
            with contextlib.suppress(Exception):  # the platform may be the problem
                await ctx.send(ctx.t("core.failed"))

    async def _run_hook(self, hook: Hook, ctx: Context) -> bool:
        try:
            return await hook.handler(ctx)
        except FinishedException:
            return True
        except Exception:
            logger.exception(f"{hook.plugin} hook {hook.handler.__name__} failed")
            return False


ROUTER = Router()
command = ROUTER.command
hook = ROUTER.hook
