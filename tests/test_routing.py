"""core's router: the order of hooks and commands, fall-through, failures."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from nonebot.adapters.onebot.v11 import Message
from nonebot.consts import CMD_ARG_KEY, CMD_KEY
from nonebot.exception import FinishedException


def _router(calls: list[str]):
    from plugins.core.routing import Router

    router = Router()

    def hook(order: int, handled: bool = False, name: str | None = None):
        async def handler(ctx) -> bool:
            calls.append(name or f"hook{order}")
            return handled

        handler.__module__ = "plugins.demo"
        router.hook(order)(handler)

    return router, hook


def _ctx(sections: dict | None = None, **values):
    """A context whose YAML has ``sections`` (name → {"enabled": …})."""
    sent: list[str] = []
    sections = {
        name: SimpleNamespace(**fields) for name, fields in (sections or {}).items()
    }

    async def send(text: str) -> None:
        sent.append(text)

    return SimpleNamespace(
        group="qq:1",
        event=None,
        sent=sent,
        send=send,
        t=lambda key: key,
        config=SimpleNamespace(sections=sections),
        section=lambda name: sections[name],
        **values,
    )


def _prefix(name: str | None, arg: str = "") -> dict:
    if name is None:
        return {CMD_KEY: None, CMD_ARG_KEY: None}
    return {CMD_KEY: (name,), CMD_ARG_KEY: Message(arg)}


async def test_hooks_before_the_command_then_the_command_ends_it(app) -> None:
    calls: list[str] = []
    router, hook = _router(calls)
    hook(90)
    hook(1)
    hook(20)

    async def demo(ctx, args) -> None:
        calls.append(f"cmd:{args.extract_plain_text()}")

    demo.__module__ = "plugins.demo"
    router.command("演示", "demo")(demo)

    assert await router.route(_ctx(), _prefix("demo", "x")) is True
    assert calls == ["hook1", "cmd:x"]


async def test_no_command_runs_every_hook_in_order_until_one_handles(app) -> None:
    calls: list[str] = []
    router, hook = _router(calls)
    hook(35, handled=True)
    hook(1)
    hook(20)
    hook(90)
    assert await router.route(_ctx(), _prefix(None)) is True
    assert calls == ["hook1", "hook20", "hook35"]

    calls.clear()
    router2, hook2 = _router(calls)
    hook2(1)
    assert await router2.route(_ctx(), _prefix(None)) is False
    assert calls == ["hook1"]


async def test_an_early_hook_that_handles_stops_the_command(app) -> None:
    calls: list[str] = []
    router, hook = _router(calls)
    hook(1, handled=True, name="guard")

    async def demo(ctx, args) -> None:
        calls.append("cmd")

    demo.__module__ = "plugins.demo"
    router.command("演示二")(demo)
    assert await router.route(_ctx(), _prefix("演示二")) is True
    assert calls == ["guard"]


async def test_a_disabled_command_falls_through_to_the_later_hooks(app) -> None:
    calls: list[str] = []
    router, hook = _router(calls)
    hook(90, handled=True, name="faq")

    async def demo(ctx, args) -> None:
        calls.append("cmd")

    demo.__module__ = "plugins.demo"
    router.command("演示三", enabled=lambda ctx: ctx.on)(demo)
    assert await router.route(_ctx(on=False), _prefix("演示三")) is True
    assert calls == ["faq"]
    calls.clear()
    assert await router.route(_ctx(on=True), _prefix("演示三")) is True
    assert calls == ["cmd"]


async def test_a_section_switched_off_hides_its_commands_and_hooks(app) -> None:
    """``enabled: false`` in the plugin's section: the router skips every
    command and hook of that plugin; the ``enabled=`` override decides alone."""
    calls: list[str] = []
    router, hook = _router(calls)
    hook(20, handled=True, name="demo-hook")

    async def demo(ctx, args) -> None:
        calls.append("cmd")

    async def always(ctx, args) -> None:
        calls.append("always")

    async def other(ctx) -> bool:
        calls.append("other-hook")
        return True

    demo.__module__ = always.__module__ = "plugins.demo"
    other.__module__ = "plugins.other"
    router.command("演示四")(demo)
    router.command("演示五", enabled=lambda ctx: True)(always)
    router.hook(90)(other)

    off = {"demo": {"enabled": False}}
    assert await router.route(_ctx(off), _prefix("演示四")) is True
    assert calls == ["other-hook"]  # neither the command nor demo's hook
    calls.clear()
    assert await router.route(_ctx(off), _prefix("演示五")) is True
    assert calls == ["always"]  # the override
    calls.clear()
    on = {"demo": {"enabled": True}}
    assert await router.route(_ctx(on), _prefix(None)) is True
    assert calls == ["demo-hook"]
    calls.clear()
    # a section without the key, or no section at all: on
    assert await router.route(_ctx({"demo": {}}), _prefix("演示四")) is True
    assert calls == ["cmd"]


async def test_failures_are_logged_and_finish_ends_a_handler(app) -> None:
    calls: list[str] = []
    router, hook = _router(calls)

    async def broken(ctx) -> bool:
        calls.append("broken")
        raise RuntimeError("boom")

    async def finishing(ctx) -> bool:
        calls.append("finishing")
        raise FinishedException

    broken.__module__ = finishing.__module__ = "plugins.demo"
    router.hook(20)(broken)
    router.hook(30)(finishing)
    hook(90)
    # a broken hook does not stop the others; a finished one handled the message
    assert await router.route(_ctx(), _prefix(None)) is True
    assert calls == ["broken", "finishing"]

    async def failing(ctx, args) -> None:
        raise RuntimeError("boom")

    failing.__module__ = "plugins.demo"
    router.command("演示四")(failing)
    calls.clear()
    ctx = _ctx()
    assert await router.route(ctx, _prefix("演示四")) is True
    assert calls == []
    assert ctx.sent == ["core.failed"]  # the resident is told, not left waiting


async def test_only_limits_the_routing_to_some_plugins(app) -> None:
    calls: list[str] = []
    router, hook = _router(calls)
    hook(20)

    async def other(ctx) -> bool:
        calls.append("other")
        return False

    other.__module__ = "plugins.other"
    router.hook(30)(other)
    with router.only("other"):
        await router.route(_ctx(), _prefix(None))
    assert calls == ["other"]
    calls.clear()
    await router.route(_ctx(), _prefix(None))
    assert calls == ["hook20", "other"]


async def test_a_name_registered_twice_is_refused(app) -> None:
    from plugins.core.routing import COMMANDS, Router

    router = Router()

    async def one(ctx, args) -> None: ...

    router.command("演示五", "same")(one)
    with pytest.raises(ValueError, match="/same"):
        router.command("演示六", "same")(one)
    with pytest.raises(ValueError):
        router.hook(COMMANDS)


async def test_every_feature_registers_on_the_router_not_as_matchers(app) -> None:
    """Only core's router (and notice/request matchers) may see messages."""
    from nonebot.matcher import matchers

    from plugins.core import router
    from plugins.core.routing import ROUTER

    message_matchers = [
        m for group in matchers.values() for m in group if m.type in ("message", "")
    ]
    assert message_matchers == [router]
    names = {name for c in ROUTER.commands() for name in c.names}
    for expected in ("help", "群规", "问答", "接龙", "投票", "报修", "接单", "通知"):
        assert expected in names
