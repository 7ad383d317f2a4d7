"""rules: group rules enforced with a warn → mute → kick ladder.

Matchers only: the guard (a core hook on every group message, order 1), the
join and leave notices, join requests, and the nickname job. The commands are
in commands.py.
"""

from __future__ import annotations

from nonebot import get_driver, logger, on_notice, on_request, require
from nonebot.adapters import Bot, Event
from nonebot.plugin import PluginMetadata

require("plugins.core")
from adapters import Port, join_request, member_changes  # noqa: E402
from adapters.port import MemberChange  # noqa: E402
from plugins.core import (  # noqa: E402
    Context,
    hook,
    job_handler,
    on_member_change,
    port_for_group,
    register_models,
    store,
)
from plugins.core.bots import port_of, v11_platform  # noqa: E402

from . import commands, config, joins, learning  # noqa: E402, F401  (config registers)
from .guard import GUARD  # noqa: E402

register_models("rules", "plugins.rules")

__plugin_meta__ = PluginMetadata(
    name="rules",
    description="群规：违规检测与 警告 → 禁言 → 移出 的处理阶梯",
    usage="/群规 (/rules), /申诉 (/appeal); 管理员: /警告 /禁言 /解禁 /踢 "
    "/警告记录 /清除警告 /撤销 /举报 /误判",
    type="application",
    supported_adapters={"~onebot.v11", "~onebot.v12"},
    extra={"linli": {"section": "rules", "help": "rules.help", "manage": "admin"}},
)


@get_driver().on_startup
async def _learned() -> None:
    """The learned signal's model, from the database (after core opened it)."""
    try:
        await learning.load(learning.estate_of(store.current, None))
    except Exception:  # the bot must start even so: the seeds alone then
        logger.exception("rules: could not load the learned signal")


@hook(1)
async def _guard(ctx: Context) -> bool:
    """Every group message, before any command: a violation ends it here."""
    return await GUARD.judge(ctx.info, ctx.port, ctx.config, ctx.role)


members = on_notice(priority=1, block=False)


@members.handle()
async def _members(bot: Bot, event: Event) -> None:
    """Each member who joined or left (several at once on Telegram), in order."""
    for change in member_changes(bot, event, v11_platform=v11_platform(bot)):
        await _member_change(change, port_of(bot))


@on_member_change
async def _member_change(change: MemberChange, port: Port) -> None:
    """A join or leave: from the platform's event, or (WeChat through
    ComWeChat, which sends none) from core's comparison of member lists."""
    current = store.current
    cfg = current.section("rules", change.group)
    if not cfg.enabled:
        return
    try:
        if change.joined:
            await joins.member_joined(change, port, cfg, current)
        else:
            await joins.member_left(change)
    except Exception:
        logger.exception(f"rules: could not handle {change}")


requests = on_request(priority=1, block=False)


@requests.handle()
async def _requests(bot: Bot, event: Event) -> None:
    request = join_request(bot, event, v11_platform=v11_platform(bot))
    if request is None:
        return
    current = store.current
    cfg = current.section("rules", request.group)
    if not cfg.enabled:
        return
    try:
        await joins.join_request(request, port_of(bot), cfg, current)
    except Exception:
        logger.exception(f"rules: could not handle {request}")


@job_handler("rules.nickname")
async def _nickname(payload: dict) -> None:
    group, user = payload["group"], payload["user"]
    current = store.current
    cfg = current.section("rules", group)
    # no bot online: PlatformError (retryable), the scheduler tries again later
    port = port_for_group(group)
    await joins.check_nickname(port, group, user, cfg, current)
