"""邻里互助: neighbours ask for and offer help, report lost and found things.

``/互助 求助|提供 内容``, ``/失物 内容``, ``/招领 内容`` post a numbered item;
``/互助`` lists the open ones; ``/互助 关闭 3`` closes one (its poster, staff
or admins); ``/互助 联系 3 内容`` sends its poster a private message. Items
expire by the durable scheduler (service.py); a weekly digest is optional.
"""

from __future__ import annotations

from nonebot import get_driver, logger, require
from nonebot.adapters import Message
from nonebot.plugin import PluginMetadata

require("plugins.core")
from adapters import Capability, PortError  # noqa: E402
from plugins.core import (  # noqa: E402
    Context,
    Role,
    audit,
    command,
    format_duration,
    mask_private,
    register_models,
)

from . import config, service  # noqa: E402, F401  (config registers the section)
from .config import NeighboursConfig  # noqa: E402
from .models import Item  # noqa: E402

register_models("neighbours", "plugins.neighbours")

__plugin_meta__ = PluginMetadata(
    name="neighbours",
    description="邻里互助: neighbours ask for and offer help, lost and found",
    usage="/互助 求助|提供 内容 | /失物 … | /招领 … | /互助 | /互助 关闭|联系 编号",
    type="application",
    supported_adapters={"~onebot.v11", "~onebot.v12"},
    extra={"linli": {"section": "neighbours", "help": "neighbours.help"}},
)


@get_driver().on_startup
async def _plan_digests() -> None:
    """After core's start-up (the database is open): digests turned on while
    the bot was stopped start without waiting for the next item."""
    try:
        await service.plan_digests()
    except Exception:  # a digest must not keep linli from starting
        logger.exception("neighbours: could not plan the weekly digests")


# the first word after /互助 (/neighbours): what to do
ACTIONS = {
    "求助": "ask",
    "ask": "ask",
    "提供": "offer",
    "offer": "offer",
    "列表": "list",
    "list": "list",
    "关闭": "close",
    "结束": "close",
    "close": "close",
    "联系": "contact",
    "contact": "contact",
}


def _words(args: Message) -> list[str]:
    """The first word and the rest (a full-width space splits too)."""
    return args.extract_plain_text().replace("\u3000", " ").strip().split(None, 1)


def _number(word: str) -> int | None:
    word = word.strip().lstrip("#＃")
    return int(word) if word.isdigit() else None


@command("互助", "neighbours")
async def _neighbours(ctx: Context, args: Message) -> None:
    """/互助 [列表] | 求助 … | 提供 … | 关闭 N | 联系 N …"""
    if ctx.group is None:
        await ctx.finish(ctx.t("neighbours.group_only"))
    words = _words(args)
    action = ACTIONS.get(words[0].lower()) if words else "list"
    rest = words[1] if len(words) > 1 else ""
    if action == "list":
        await _list(ctx)
    elif action in ("ask", "offer"):
        await _post(ctx, action, rest)
    elif action == "close":
        await _close(ctx, rest)
    elif action == "contact":
        await _contact(ctx, rest)
    await ctx.finish(ctx.t("neighbours.usage"))


@command("失物", "lost")
async def _lost(ctx: Context, args: Message) -> None:
    """/失物 物品 地点: something lost."""
    await _post(ctx, "lost", args.extract_plain_text().strip())


@command("招领", "found")
async def _found(ctx: Context, args: Message) -> None:
    """/招领 物品 地点: something found."""
    await _post(ctx, "found", args.extract_plain_text().strip())


async def _post(ctx: Context, kind: str, text: str) -> None:
    if ctx.group is None:
        await ctx.finish(ctx.t("neighbours.group_only"))
    if not text:
        await ctx.finish(ctx.t(f"neighbours.empty_text.{kind}"))
    section: NeighboursConfig = ctx.section("neighbours")
    if len(text) > section.max_length:
        await ctx.finish(ctx.t("neighbours.too_long", limit=section.max_length))
    expire_after = section.expiry_of(kind)
    item = await service.post(
        ctx.group,
        ctx.user,
        ctx.info.display_name or "",
        kind,
        text,
        expire_after=expire_after,
    )
    await service.plan_digest(ctx.group)
    expiry = (
        ctx.t(
            "neighbours.expires_in",
            duration=format_duration(expire_after, ctx.locale),
        )
        if expire_after
        else ""
    )
    await ctx.finish(
        ctx.t(
            "neighbours.added",
            number=item.number,
            kind=ctx.t(f"neighbours.kind.{kind}"),
            expiry=expiry,
        )
    )


async def _list(ctx: Context) -> None:
    section: NeighboursConfig = ctx.section("neighbours")
    lists = await service.open_items(ctx.group, section.list_limit)
    if not lists:
        await ctx.finish(ctx.t("neighbours.empty"))
    header = ctx.t("neighbours.header")
    await ctx.finish(service.render_list(ctx.locale, header, lists))


async def _open_item(ctx: Context, word: str, usage_key: str) -> Item:
    """The open item ``word`` names, or a reply that ends the handler."""
    number = _number(word)
    if number is None:
        await ctx.finish(ctx.t(usage_key))
    item = await service.find(ctx.group, number)
    if item is None:
        await ctx.finish(ctx.t("neighbours.not_found", number=number))
    if item.status != "open":
        await ctx.finish(
            ctx.t(
                "neighbours.not_open",
                number=number,
                status=ctx.t(f"neighbours.status.{item.status}"),
            )
        )
    return item


async def _close(ctx: Context, rest: str) -> None:
    word = rest.split()[0] if rest else ""
    item = await _open_item(ctx, word, "neighbours.close_usage")
    staff = item.author != ctx.user and await ctx.role() >= Role.STAFF
    result = await service.close(ctx.group, item.number, ctx.user, may_close_any=staff)
    if result.outcome is service.Closed.DENIED:
        await ctx.finish(ctx.t("neighbours.close_denied", number=item.number))
    if result.outcome is not service.Closed.CLOSED:
        await ctx.finish(
            ctx.t(
                "neighbours.not_open",
                number=item.number,
                status=ctx.t(f"neighbours.status.{result.item.status}"),
            )
        )
    if staff:
        await audit(
            ctx.user,
            "neighbours.close",
            group=ctx.group,
            target=f"item:{item.id}",
            author=item.author,
            number=item.number,
        )
    await ctx.finish(
        ctx.t(
            "neighbours.closed",
            number=item.number,
            kind=ctx.t(f"neighbours.kind.{item.kind}"),
            text=mask_private(item.text),
        )
    )


async def _contact(ctx: Context, rest: str) -> None:
    parts = rest.split(None, 1)
    item = await _open_item(ctx, parts[0] if parts else "", "neighbours.contact_usage")
    message = parts[1].strip() if len(parts) > 1 else ""
    if not message:
        await ctx.finish(ctx.t("neighbours.contact_usage"))
    if item.author == ctx.user:
        await ctx.finish(ctx.t("neighbours.contact_self", number=item.number))
    section: NeighboursConfig = ctx.section("neighbours")
    if len(message) > section.max_length:
        await ctx.finish(ctx.t("neighbours.too_long", limit=section.max_length))
    if not ctx.port.can(Capability.SEND_PRIVATE):
        await ctx.finish(ctx.t("neighbours.no_private", number=item.number))
    text = ctx.t(
        "neighbours.contact_private",
        group=service.group_name(ctx.group),
        number=item.number,
        kind=ctx.t(f"neighbours.kind.{item.kind}"),
        text=item.text,
        name=ctx.info.display_name or ctx.user,
        message=message,
    )
    try:
        await service.send_private(item.author, text)
    except PortError:
        await ctx.finish(ctx.t("neighbours.contact_failed", number=item.number))
    await ctx.finish(
        ctx.t("neighbours.contacted", number=item.number, message=mask_private(message))
    )
