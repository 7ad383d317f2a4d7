"""console (物业工作台): the staff's web pages, served by linli itself.

``/工作台`` (``/console``) from staff or an admin, in a staff group or a
private chat, answers privately with a one-time link; the pages (``views``)
live under ``/console`` on NoneBot's own FastAPI app, the same port as the
OneBot WebSocket. The buttons call tickets' service functions (``actions``).
"""

from __future__ import annotations

from nonebot import get_driver, logger, require
from nonebot.adapters import Message
from nonebot.drivers import ASGIMixin
from nonebot.plugin import PluginMetadata

require("plugins.core")
require("plugins.tickets")
from plugins.core import (  # noqa: E402
    Context,
    Role,
    audit,
    command,
    register_models,
    send_queue,
)
from plugins.core.models import KnownMember  # noqa: E402
from plugins.tickets.env import now_utc  # noqa: E402

# config registers the section; each page module adds its routes and nav link
from . import (  # noqa: E402, F401
    auth,
    config,
    config_pages,
    faq_pages,
    notices_pages,
    rules_pages,
    sheets,
)
from .http import Refused, refusal  # noqa: E402
from .views import PREFIX, router  # noqa: E402

register_models("console", "plugins.console")

__plugin_meta__ = PluginMetadata(
    name="console",
    description="物业工作台: the staff's web console (tickets, KPIs)",
    usage="/工作台 (/console) — 工作人员在工作群或私聊里发送，私信收到登录链接",
    type="application",
    supported_adapters={"~onebot.v11", "~onebot.v12"},
    extra={"linli": {"section": "console", "help": "console.help"}},
)

driver = get_driver()
if isinstance(driver, ASGIMixin):  # not in the terminal try-out (no server)
    driver.server_app.include_router(router)
    driver.server_app.add_exception_handler(Refused, refusal)


def base_url(section: config.ConsoleConfig) -> str:
    """Where staff open the console: ``console.base_url``, else this process."""
    if section.base_url:
        return section.base_url.rstrip("/")
    host, port = str(driver.config.host), int(driver.config.port)
    shown = {"0.0.0.0": "127.0.0.1", "::": "[::1]"}.get(host, host)
    if ":" in shown and not shown.startswith("["):
        shown = f"[{shown}]"
    return f"http://{shown}:{port}"


async def _name(ctx: Context) -> str:
    if ctx.info.display_name:
        return ctx.info.display_name
    known = await KnownMember.filter(user=ctx.user).order_by("-last_seen").first()
    return known.display_name if known else ""


@command("工作台", "console")
async def _console(ctx: Context, args: Message) -> None:
    role = await ctx.role()
    if role < Role.STAFF:
        await ctx.finish(ctx.t("console.refused.resident"))
    if ctx.group is not None and ctx.profile.role != "staff":
        # a link is personal: never in a residents' group
        await ctx.finish(ctx.t("console.refused.group"))
    if not isinstance(driver, ASGIMixin):
        await ctx.finish(ctx.t("console.refused.no_server"))
    section = auth.section(ctx.config)
    scope = await auth.scope_for(ctx.config, ctx.user, role, ctx.group)
    token = await auth.issue_link(
        ctx.config,
        user=ctx.user,
        name=await _name(ctx),
        role=role,
        scope=scope,
        locale=ctx.locale,
        now=now_utc(),
    )
    minutes = max(1, round(section.link_lifetime.total_seconds() / 60))
    text = ctx.t(
        "console.link",
        url=f"{base_url(section)}{PREFIX}/login/{token}",
        minutes=minutes,
    )
    await audit(ctx.user, "console.link", group=ctx.group, role=role.name)
    if ctx.group is None:
        await ctx.finish(text)
    try:
        await send_queue().send_private(ctx.user, text)
    except Exception as exc:  # not a friend, a platform without private chats …
        logger.warning(f"console: could not send {ctx.user} their link: {exc}")
        await ctx.finish(ctx.t("console.private_failed"))
    await ctx.finish(ctx.t("console.sent"))
