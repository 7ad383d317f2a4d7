"""/help and /reload through NoneBot, asserting the exact replies."""

from __future__ import annotations

import shutil
from pathlib import Path

from nonebot.adapters.onebot.v11 import Adapter, Bot
from nonebug import App

from tests.events import SELF_ID, group_message


def _bot(ctx) -> Bot:
    import nonebot

    adapter = nonebot.get_adapter(Adapter)
    return ctx.create_bot(base=Bot, adapter=adapter, self_id=SELF_ID)


def _help_text(locale: str) -> str:
    """The header, then each loaded linli plugin's help (by plugin id), core first."""
    from nonebot import get_loaded_plugins

    from plugins.core import t

    keys = [
        p.metadata.extra["linli"]["help"]
        for p in sorted(get_loaded_plugins(), key=lambda p: p.id_)
        if p.metadata and (p.metadata.extra or {}).get("linli")
    ]
    assert "core.help.usage" in keys
    body = "\n\n".join(t(locale, key) for key in keys)
    return t(locale, "core.help.header") + "\n" + body


async def test_help_lists_core_commands_in_group_language(app: App) -> None:
    async with app.test_matcher() as ctx:
        bot = _bot(ctx)
        event = group_message("/帮助")
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, _help_text("zh-CN"), result=None)
        ctx.should_finished()

    async with app.test_matcher() as ctx:
        bot = _bot(ctx)
        event = group_message("／help", group=3000)
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, _help_text("en"), result=None)
        ctx.should_finished()


async def test_replayed_message_is_handled_once(app: App) -> None:
    async with app.test_matcher() as ctx:
        bot = _bot(ctx)
        first = group_message("/help", message_id=777001)
        ctx.receive_event(bot, first)
        ctx.should_call_send(first, _help_text("zh-CN"), result=None)
        replay = group_message("/help", message_id=777001)
        ctx.receive_event(bot, replay)  # nothing sent a second time
        other = group_message("/help", message_id=777002)
        ctx.receive_event(bot, other)
        ctx.should_call_send(other, _help_text("zh-CN"), result=None)


async def test_reload_refused_to_resident_and_to_admin_of_resident_group(
    app: App,
) -> None:
    from plugins.core import t

    async with app.test_matcher() as ctx:
        bot = _bot(ctx)
        event = group_message("/重载", role="member")
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, t("zh-CN", "core.reload.denied"), result=None)
        ctx.should_finished()

    async with app.test_matcher() as ctx:
        bot = _bot(ctx)
        event = group_message("/重载", role="admin", group=1000)
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, t("zh-CN", "core.reload.denied"), result=None)
        ctx.should_finished()


async def test_reload_by_staff_group_admin_keeps_last_good_config(
    app: App, tmp_path: Path
) -> None:
    from plugins.core import store, t

    good_path = store.current.path
    work = tmp_path / "linli.yaml"
    shutil.copy(good_path, work)
    store.load(work)
    try:
        work.write_text(
            work.read_text(encoding="utf-8").replace(
                "poll_seconds: 0.2", "poll_seconds: -1"
            ),
            encoding="utf-8",
        )
        line = next(
            i
            for i, text in enumerate(work.read_text().splitlines(), 1)
            if "poll_seconds" in text
        )
        async with app.test_matcher() as ctx:
            bot = _bot(ctx)
            event = group_message("/reload", group=2000, role="admin", user=7)
            ctx.receive_event(bot, event)
            error = (
                f"{work}:{line} [core.scheduler.poll_seconds]: "
                "Input should be greater than 0 (got -1)"
            )
            ctx.should_call_send(
                event, t("zh-CN", "core.reload.failed", error=error), result=None
            )
            ctx.should_finished()
        assert store.current.core.scheduler.poll_seconds == 0.2  # last good kept

        work.write_text(
            work.read_text(encoding="utf-8").replace(
                "poll_seconds: -1", "poll_seconds: 0.3"
            ),
            encoding="utf-8",
        )
        async with app.test_matcher() as ctx:
            bot = _bot(ctx)
            event = group_message("/reload", group=2000, role="admin", user=7)
            ctx.receive_event(bot, event)
            ctx.should_call_send(
                event, t("zh-CN", "core.reload.ok", groups=3), result=None
            )
            ctx.should_finished()
        assert store.current.core.scheduler.poll_seconds == 0.3
    finally:
        store.load(good_path)


async def test_a_database_hiccup_in_the_bookkeeping_still_answers(
    app: App, monkeypatch
) -> None:
    from plugins.core import members

    async def broken(*args, **kwargs) -> None:
        raise RuntimeError("database is locked")

    monkeypatch.setattr(members, "seen", broken)
    async with app.test_matcher() as ctx:
        bot = _bot(ctx)
        event = group_message("/help", message_id=778001)
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, _help_text("zh-CN"), result=None)
        ctx.should_finished()
