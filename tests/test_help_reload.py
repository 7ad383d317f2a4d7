"""/help and /reload through NoneBot, asserting the exact replies."""

from __future__ import annotations

import shutil
from pathlib import Path

from nonebug import App

from tests.helpers import group_message, v11_bot


def _features() -> list[tuple[str, str]]:
    """(name, who manages it) of every loaded plugin with help texts, core
    first, then by name; a new plugin needs no edit here."""
    import nonebot

    found = []
    for plugin in nonebot.get_loaded_plugins():
        meta = plugin.metadata
        linli = (meta.extra or {}).get("linli") if meta else None
        if linli and "help" in linli:
            found.append((plugin.name, linli.get("manage", "staff")))
    return sorted(found, key=lambda f: (f[0] != "core", f[0]))


def _help_text(locale: str, role: str = "resident") -> str:
    """The header, then each enabled feature (core first, then by name): its
    resident lines, and its manage line (if any) for those who may manage it;
    a feature with neither for this member is left out."""
    from plugins.core import t

    blocks = []
    for name, managed_by in _features():
        resident = t(locale, f"{name}.help.resident")
        lines = [resident] if resident else []
        manages = role == "admin" or (role == "staff" and managed_by == "staff")
        manage = t(locale, f"{name}.help.manage")
        if manages and manage:
            lines.append(manage)
        if not lines:  # a staff-only feature (the console), for a resident
            continue
        title = t(locale, f"{name}.help.name")
        blocks.append(t(locale, "core.help.block", name=title, lines="\n".join(lines)))
    return t(locale, "core.help.header") + "\n" + "\n".join(blocks)


async def test_help_lists_core_commands_in_group_language(app: App) -> None:
    async with app.test_matcher() as ctx:
        bot = v11_bot(ctx)
        event = group_message("/帮助")
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, _help_text("zh-CN"), result=None)
        ctx.should_finished()

    async with app.test_matcher() as ctx:
        bot = v11_bot(ctx)
        event = group_message("／help", group=3000)
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, _help_text("en"), result=None)
        ctx.should_finished()


def test_a_residents_help_is_short_and_has_no_staff_commands() -> None:
    text = _help_text("zh-CN")
    assert len(text.splitlines()) <= 15
    for staff_only in ("/重载", "/接龙 结束", "/接单", "/警告", "/问答 添加"):
        assert staff_only not in text
    assert "/重载" in _help_text("zh-CN", "admin")
    staff = _help_text("zh-CN", "staff")
    assert "/接单" in staff and "/警告" not in staff


async def test_help_shows_what_this_member_may_manage(app: App) -> None:
    async with app.test_matcher() as ctx:
        bot = v11_bot(ctx)
        admin = group_message("/帮助", role="admin")  # the group's QQ admin
        ctx.receive_event(bot, admin)
        ctx.should_call_send(admin, _help_text("zh-CN", "admin"), result=None)
        ctx.should_finished()

    async with app.test_matcher() as ctx:
        bot = v11_bot(ctx)
        staff = group_message("/帮助", group=2000, user=8)  # the staff group
        ctx.receive_event(bot, staff)
        ctx.should_call_send(staff, _help_text("zh-CN", "staff"), result=None)
        ctx.should_finished()


async def test_help_on_one_feature_by_its_name_or_a_command(app: App) -> None:
    from plugins.core import t

    asked = [
        ("/帮助 接龙", 1000, "signup"),
        ("/帮助 报修", 1000, "tickets"),  # a command of the feature
        ("/帮助 /投票", 1000, "vote"),
        ("/help signup", 3000, "signup"),
        ("/help Repairs", 3000, "tickets"),
    ]
    for text, group, feature in asked:
        locale = "en" if group == 3000 else "zh-CN"
        async with app.test_matcher() as ctx:
            bot = v11_bot(ctx)
            event = group_message(text, group=group)
            ctx.receive_event(bot, event)
            ctx.should_call_send(event, t(locale, f"{feature}.help.usage"), result=None)
            ctx.should_finished()

    async with app.test_matcher() as ctx:
        bot = v11_bot(ctx)
        event = group_message("/帮助 打麻将")
        ctx.receive_event(bot, event)
        names = "、".join(t("zh-CN", f"{name}.help.name") for name, _ in _features())
        unknown = t("zh-CN", "core.help.unknown", asked="打麻将", names=names)
        ctx.should_call_send(event, unknown, result=None)
        ctx.should_finished()


async def test_replayed_message_is_handled_once(app: App) -> None:
    async with app.test_matcher() as ctx:
        bot = v11_bot(ctx)
        first = group_message("/help", message_id=777001)
        ctx.receive_event(bot, first)
        ctx.should_call_send(first, _help_text("zh-CN"), result=None)
        replay = group_message("/help", message_id=777001)
        ctx.receive_event(bot, replay)  # nothing sent a second time
        other = group_message("/help", message_id=777002)
        ctx.receive_event(bot, other)
        ctx.should_call_send(other, _help_text("zh-CN"), result=None)
        # the same id in another group is another message (Telegram and Milky
        # number messages per chat)
        elsewhere = group_message("/help", message_id=777001, group=1000002)
        ctx.receive_event(bot, elsewhere)
        ctx.should_call_send(elsewhere, _help_text("zh-CN"), result=None)


async def test_reload_refused_to_resident_and_to_admin_of_resident_group(
    app: App,
) -> None:
    from plugins.core import t

    async with app.test_matcher() as ctx:
        bot = v11_bot(ctx)
        event = group_message("/重载", role="member")
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, t("zh-CN", "core.reload.denied"), result=None)
        ctx.should_finished()

    async with app.test_matcher() as ctx:
        bot = v11_bot(ctx)
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
            bot = v11_bot(ctx)
            event = group_message("/reload", group=2000, role="admin", user=7)
            ctx.receive_event(bot, event)
            error = (
                f"{work}:{line} [core.scheduler.poll_seconds]: "
                "must be more than 0 (got -1)"
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
            bot = v11_bot(ctx)
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
        bot = v11_bot(ctx)
        event = group_message("/help", message_id=778001)
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, _help_text("zh-CN"), result=None)
        ctx.should_finished()
