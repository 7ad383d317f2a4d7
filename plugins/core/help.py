"""``/帮助``: what this member may do here, short; ``/帮助 接龙`` for one feature.

A feature takes part by naming its help texts in its metadata,
``extra={"linli": {"section": "signup", "help": "signup.help"}}``, and
defining under that prefix in its locale files:

- ``name``     the feature's name (what ``/帮助 <name>`` is asked with);
- ``resident`` one or two lines: what a resident does with it (empty for a
  staff-only feature: residents do not see it in the list);
- ``manage``   one line for those who manage it (``"manage": "admin"`` in the
  metadata when that is admins only; staff by default), empty if nothing;
- ``usage``    every command, shown by ``/帮助 <name>``;
- ``tryout``   one example for the terminal try-out (``python bot.py --console``).
"""

from __future__ import annotations

from dataclasses import dataclass

from nonebot import get_loaded_plugins

from .context import Context
from .i18n import t
from .identity import Role
from .normalize import compact
from .routing import ROUTER
from .tryout import is_tryout

FIELDS = ("name", "resident", "manage", "usage", "tryout")
"""The texts every feature defines under its help prefix (tests check them)."""


@dataclass(frozen=True)
class Topic:
    plugin: str
    section: str | None
    prefix: str
    manage_role: Role


def topics() -> list[Topic]:
    """Every loaded feature with help texts; core first, then by plugin id."""
    found = []
    for plugin in get_loaded_plugins():
        meta = plugin.metadata
        linli = (meta.extra or {}).get("linli") if meta else None
        if not linli or "help" not in linli:
            continue
        manage = Role[str(linli.get("manage", "staff")).upper()]
        found.append(Topic(plugin.name, linli.get("section"), linli["help"], manage))
    return sorted(found, key=lambda t: (t.plugin != "core", t.plugin))


def _enabled(ctx: Context, topic: Topic) -> bool:
    if not topic.section or topic.section == "core":
        return True
    try:
        return bool(ctx.section(topic.section).enabled)
    except KeyError:
        return False


def _names(ctx: Context, topic: Topic) -> set[str]:
    """What a member may type after /帮助 to mean this feature."""
    names = {topic.plugin, topic.section or ""}
    for locale in ("zh-CN", "en", ctx.locale):
        names.add(t(locale, f"{topic.prefix}.name"))
    for command in ROUTER.commands():
        if command.plugin == topic.plugin:
            names.update(command.names)
    return {compact(name).lstrip("/／") for name in names if name}


def overview(ctx: Context, role: Role) -> str:
    """The short list: each enabled feature's resident lines, and the manage
    line where this member may manage it."""
    blocks = []
    for topic in topics():
        if not _enabled(ctx, topic):
            continue
        lines = [line] if (line := ctx.t(f"{topic.prefix}.resident")) else []
        manage = ctx.t(f"{topic.prefix}.manage")
        if manage and role >= topic.manage_role:
            lines.append(manage)
        if not lines:  # a staff-only feature, for a resident
            continue
        name = ctx.t(f"{topic.prefix}.name")
        blocks.append(ctx.t("core.help.block", name=name, lines="\n".join(lines)))
    text = ctx.t("core.help.header") + "\n" + "\n".join(blocks)
    if is_tryout(ctx.info.platform):
        tries = [
            ctx.t(f"{topic.prefix}.tryout")
            for topic in topics()
            if _enabled(ctx, topic) and ctx.t(f"{topic.prefix}.tryout")
        ]
        text += "\n\n" + ctx.t("core.tryout.help", lines="\n".join(tries))
    return text


def detail(ctx: Context, asked: str) -> str:
    """``/帮助 <feature>``: that feature's full usage, or what may be asked."""
    wanted = compact(asked).lstrip("/／")
    available = [topic for topic in topics() if _enabled(ctx, topic)]
    for topic in available:
        if wanted in _names(ctx, topic):
            return ctx.t(f"{topic.prefix}.usage")
    names = "、" if ctx.locale == "zh-CN" else ", "
    return ctx.t(
        "core.help.unknown",
        asked=asked.strip(),
        names=names.join(ctx.t(f"{topic.prefix}.name") for topic in available),
    )
