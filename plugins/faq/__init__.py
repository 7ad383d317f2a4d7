"""faq: answers to residents' frequent questions, taught in YAML or in chat."""

import re

from nonebot import get_driver, require
from nonebot.adapters import Message
from nonebot.plugin import PluginMetadata

require("plugins.core")
from adapters import NotSupported, PlatformError  # noqa: E402
from plugins.core import (  # noqa: E402
    Context,
    Role,
    command,
    format_time,
    hook,
    register_models,
    store,
)

from . import config  # noqa: E402, F401  (registers the section)
from .config import FaqConfig  # noqa: E402
from .entries import Actor, FaqError, history, split_questions  # noqa: E402
from .service import Asked, Reply, faq  # noqa: E402

register_models("faq", "plugins.faq")
store.on_change(lambda _config: faq.forget_indexes())
# the unanswered questions counted in memory are written before the database closes
get_driver().on_shutdown(faq.flush_unanswered)

__plugin_meta__ = PluginMetadata(
    name="faq",
    description="常见问题自动回答 / answers to frequent questions",
    usage="/问答 添加 问题 | 答案, /问答 列表, /问答 未答 (/faq add|list|unanswered)",
    type="application",
    supported_adapters={"~onebot.v11", "~onebot.v12"},
    extra={"linli": {"section": "faq", "help": "faq.help"}},
)

# what a message may hold and still be a question (not stickers, images, cards…)
_TEXT_KINDS = frozenset({"text", "mention", "mention_all", "reply"})
_SUBCOMMANDS = {
    "添加": "add", "新增": "add", "add": "add",
    "删除": "delete", "delete": "delete", "del": "delete", "remove": "delete",
    "修改": "edit", "编辑": "edit", "edit": "edit",
    "列表": "list", "list": "list",
    "历史": "history", "history": "history",
    "撤销": "undo", "undo": "undo",
    "未答": "unanswered", "unanswered": "unanswered",
    "归入": "attach", "attach": "attach",
}  # fmt: skip
LIST_LIMIT = 20


def _may_answer(ctx: Context, section: FaqConfig) -> bool:
    info = ctx.info
    if info.from_self:
        return False
    if not info.kinds <= _TEXT_KINDS:
        return False
    text = info.text.strip()
    if not text or text.startswith(("/", "／")):
        return False
    if ctx.group is None:
        return section.private
    return ctx.profile.role in section.group_roles


@hook(90)
async def _ask(ctx: Context) -> bool:
    """A resident's question: answered (and the routing ends) or left alone."""
    section: FaqConfig = ctx.section("faq")
    if not _may_answer(ctx, section):
        return False
    asked = Asked(
        text=ctx.info.text,
        user=ctx.user,
        group=ctx.group,
        tags=tuple(ctx.profile.tags),
        name=ctx.info.display_name,
        group_name=ctx.profile.name or ctx.t("faq.this_group"),
        to_me=ctx.info.to_me,
        locale=ctx.locale,
        timezone=ctx.config.core.timezone,
    )
    reply = await faq.respond(section, asked)
    if reply is None:
        return False
    await _send_reply(ctx, reply)
    return True


async def _send_reply(ctx: Context, reply: Reply) -> None:
    if reply.kind == "answer" and reply.entry is not None:
        # the message id, for the cooldown pointer
        faq.note_sent(ctx.group, reply.entry, await ctx.send(reply.text))
    elif reply.kind == "pointer":
        if reply.reply_to is not None and ctx.group is not None:
            try:
                await ctx.port.send_group(
                    ctx.group, ctx.t("faq.cooldown.pointer"), reply_to=reply.reply_to
                )
                return
            except (NotSupported, PlatformError):
                pass  # say it in words instead
        await ctx.send(ctx.t("faq.cooldown.recent"))
    elif reply.kind == "suggest":
        lines = [ctx.t("faq.suggest.header")]
        lines += [
            ctx.t("faq.suggest.item", n=n, question=entry.title)
            for n, entry in enumerate(reply.choices, 1)
        ]
        lines.append(ctx.t("faq.suggest.footer"))
        await ctx.send("\n".join(lines))
    elif reply.kind == "fault":
        await ctx.send(reply.text or ctx.t("faq.fault.hint"))
    elif reply.kind == "unknown":
        await ctx.send(ctx.t("faq.unknown"))


def _actor(ctx: Context) -> Actor:
    return Actor(user=ctx.user, name=ctx.info.display_name, group=ctx.group)


def _preview(text: str, size: int = 24) -> str:
    line = " ".join(text.split())
    return line if len(line) <= size else line[: size - 1] + "…"


@command("问答", "faq")
async def _admin(ctx: Context, args: Message) -> None:
    await ctx.require(Role.STAFF)
    text = args.extract_plain_text().strip()
    parts = re.split(r"\s+", text, maxsplit=1)
    sub = _SUBCOMMANDS.get(parts[0].lower()) if parts[0] else None
    rest = parts[1].strip() if len(parts) > 1 else ""
    if sub is None:
        await ctx.finish(ctx.t("faq.help.usage"))
    section: FaqConfig = ctx.section("faq")
    try:
        reply = await _run(ctx, section, sub, rest)
    except FaqError as exc:
        reply = ctx.t(exc.key, **exc.values)
    await ctx.finish(reply)


async def _run(ctx: Context, section: FaqConfig, sub: str, rest: str) -> str:
    actor = _actor(ctx)
    if sub == "add":
        question, sep, answer = re.sub("｜", "|", rest).partition("|")
        questions = split_questions(question)
        if not sep or not questions or not answer.strip():
            return ctx.t("faq.usage.add")
        key = await faq.add(section, actor, questions, answer)
        return ctx.t("faq.added", key=key, question=questions[0])
    if sub == "list":
        return await _listing(ctx, section, rest)
    if sub == "unanswered":
        return await _unanswered(ctx, section)
    if sub == "attach":
        return await _attach(ctx, section, actor, rest)
    key, _, value = (rest + " ").partition(" ")
    key, value = key.strip(), value.strip()
    if not key:
        return ctx.t(f"faq.usage.{sub}")
    if sub == "edit":
        if not value:
            return ctx.t("faq.usage.edit")
        return ctx.t("faq.edited", key=await faq.edit(section, actor, key, value))
    if sub == "delete":
        return ctx.t("faq.deleted", key=await faq.delete(section, actor, key))
    if sub == "undo":
        change = await faq.undo(section, actor, key)
        action = ctx.t(f"faq.action.{change.action}")
        return ctx.t("faq.undone", key=key, action=action)
    return await _history(ctx, section, key)


def _everywhere(ctx: Context) -> bool:
    """Staff groups and private chats see every group's entries and questions."""
    return ctx.group is None or ctx.profile.role == "staff"


async def _listing(ctx: Context, section: FaqConfig, keyword: str) -> str:
    found = await faq.listing(
        section,
        group=None if _everywhere(ctx) else ctx.group,
        tags=tuple(ctx.profile.tags),
        keyword=keyword,
    )
    if not found:
        return ctx.t("faq.list.empty")
    if keyword:
        lines = [ctx.t("faq.list.header_filtered", keyword=keyword, count=len(found))]
    else:
        lines = [ctx.t("faq.list.header", count=len(found))]
    for entry in found[:LIST_LIMIT]:
        lines.append(
            ctx.t(
                "faq.list.item",
                key=entry.key,
                question=_preview(entry.title, 16),
                answer=_preview(entry.answer),
            )
        )
    if len(found) > LIST_LIMIT:
        lines.append(ctx.t("faq.list.more", shown=LIST_LIMIT))
    return "\n".join(lines)


async def _history(ctx: Context, section: FaqConfig, key: str) -> str:
    changes = await history(key, section)
    if not changes:
        return ctx.t("faq.history.empty", key=key)
    lines = [ctx.t("faq.history.header", key=key)]
    for n, change in enumerate(changes, 1):
        after = change.after or {}
        detail = _preview(after.get("answer") or "", 30)
        if change.action == "delete":
            detail = ""
        elif change.action in ("learn", "attach"):  # the question it gained
            detail = _preview((after.get("questions") or [""])[-1], 30)
        lines.append(
            ctx.t(
                "faq.history.item",
                n=n,
                time=format_time(change.at, ctx.locale, ctx.config.core.timezone),
                actor=change.actor_name or change.actor,
                action=ctx.t(f"faq.action.{change.action}"),
                detail=detail,
            )
            + (ctx.t("faq.history.undone") if change.undone else "")
        )
    return "\n".join(lines)


async def _attach(ctx: Context, section: FaqConfig, actor: Actor, rest: str) -> str:
    """/问答 归入 <未答编号> <编号>: an unanswered question joins an entry."""
    parts = rest.split()
    if len(parts) != 2 or not parts[0].isdigit():
        return ctx.t("faq.usage.attach")
    key, question = await faq.attach(
        section,
        actor,
        int(parts[0]),
        parts[1],
        group=None if _everywhere(ctx) else ctx.group,
    )
    return ctx.t("faq.attach.done", key=key, question=question)


async def _unanswered(ctx: Context, section: FaqConfig) -> str:
    everywhere = _everywhere(ctx)
    found = await faq.unanswered(section, group=None if everywhere else ctx.group)
    days = section.unanswered_days
    if not found:
        return ctx.t("faq.unanswered.empty", days=days)
    lines = [ctx.t("faq.unanswered.header", days=days)]
    for n, (sample, count, groups) in enumerate(found, 1):
        if everywhere and groups:
            names = ctx.t("faq.separator").join(
                ctx.config.group(g).name or g for g in groups[:3]
            )
            lines.append(
                ctx.t(
                    "faq.unanswered.item_where",
                    n=n,
                    text=sample,
                    count=count,
                    where=names,
                )
            )
        else:
            lines.append(ctx.t("faq.unanswered.item", n=n, text=sample, count=count))
    lines.append(ctx.t("faq.unanswered.footer"))
    return "\n".join(lines)
