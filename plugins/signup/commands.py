"""The handlers behind ``/接龙`` and the free-text joins: thin glue between the
event (``Ctx``), the parsers, the service and the texts.
"""

from __future__ import annotations

import contextlib
import os
from datetime import datetime
from zoneinfo import ZoneInfo

from nonebot import logger

from adapters import Capability, NotSupported, PlatformError
from adapters.port import acknowledge
from plugins.core import Role, audit, compact, send_queue
from plugins.core.context import Context
from plugins.core.settings import load_settings

from . import posting, service
from .config import SignupConfig
from .export import export, xlsx_available
from .models import OPEN, Entry, Sheet
from .parsing import (
    Command,
    FieldKinds,
    ParseError,
    Pasted,
    PlainJoin,
    household_key,
    parse_command,
    parse_create,
    parse_entry,
)
from .render import Style, render_ask_which, render_index, render_sheet
from .service import Ambiguous, Member, SignupError


def config(ctx: Context) -> SignupConfig:
    return ctx.section("signup")


def style(ctx: Context) -> Style:
    return posting.style_for(ctx.group, ctx.config)


def kinds(ctx: Context) -> FieldKinds:
    cfg = config(ctx)
    return FieldKinds(
        count=cfg.count_fields,
        household=tuple(cfg.household_fields),
        household_pattern=ctx.config.core.household_pattern,
        private=tuple(cfg.private_fields),
    )


def member(ctx: Context) -> Member:
    shown = ctx.info.display_name
    household, name = household_key(shown, ctx.config.core.household_pattern)
    if household is None and ctx.household is not None:
        household = ctx.household.key
    return Member(ctx.user, shown, household, name or shown)


def _error_text(ctx: Context, exc: SignupError | ParseError) -> str:
    if isinstance(exc, Ambiguous):
        return render_ask_which(exc.sheets, style(ctx), exc.values["example"])
    text = ctx.t(exc.key, **exc.values)
    if isinstance(exc, ParseError):
        text += "\n" + ctx.t("signup.usage")
    return text


async def dispatch(ctx: Context, raw: str) -> str | None:
    """``/接龙 …``: the reply text (None: nothing to say now)."""
    if ctx.group is None:
        return ctx.t("signup.error.group_only")
    command = parse_command(raw)
    handler = _HANDLERS[command.kind]
    try:
        return await handler(ctx, command)
    except (SignupError, ParseError) as exc:
        return _error_text(ctx, exc)


# --------------------------------------------------------------------------
# the sub-commands
# --------------------------------------------------------------------------


async def _usage(ctx: Context, command: Command) -> str:
    return ctx.t("signup.usage")


async def _list(ctx: Context, command: Command) -> str:
    sheets = await service.open_sheets(ctx.group or "")
    if not sheets:
        return ctx.t("signup.none_open") + "\n" + ctx.t("signup.usage")
    views = [await service.view(s) for s in sheets]
    return render_index(views, style(ctx))


async def _show(ctx: Context, command: Command) -> str:
    group = ctx.group or ""
    if command.number is None:
        sheets = await service.open_sheets(group)
        if len(sheets) != 1:
            return await _list(ctx, command)
        sheet = sheets[0]
    else:
        sheet = await service.sheet_by_number(group, command.number)
    return render_sheet(await service.view(sheet), style(ctx))


async def _create(ctx: Context, command: Command) -> str:
    cfg = config(ctx)
    await ctx.require(Role[cfg.who_can_create.upper()])
    now = datetime.now(ZoneInfo(ctx.config.core.timezone))
    spec = parse_create(command.text, now)
    sheet = await service.create_sheet(
        ctx.group or "",
        member(ctx),
        spec,
        default_fields=cfg.default_fields,
        per_household=cfg.per_household,
        max_open=cfg.max_open,
        remind_before=cfg.remind_before,
    )
    view = await service.view(sheet)
    await posting.posted(sheet.id, view.sheet.version)
    return render_sheet(view, style(ctx))


async def _join(ctx: Context, command: Command) -> str | None:
    group, count = ctx.group or "", command.count
    try:
        sheet = await service.pick_open(group, command.number)
    except SignupError as exc:
        # "/接龙 + 2" with no sheet 2 but one sheet open: 2 people
        number = command.number
        if exc.key != "signup.error.not_found" or number is None or count:
            raise
        if not 1 <= number <= config(ctx).max_count:
            raise
        sheet = await service.pick_open(group, None)
        count = number
    return await join_sheet(ctx, sheet, command.text, count)


async def _leave(ctx: Context, command: Command) -> str:
    group = ctx.group or ""
    if command.number is not None:
        sheet = await service.sheet_by_number(group, command.number)
    else:
        sheet = await _my_sheet(group, ctx.user)
    change = await service.withdraw(sheet.id, ctx.user)
    await after_change(ctx, change)
    return ctx.t("signup.left", title=sheet.title)


async def _my_sheet(group: str, user: str) -> Sheet:
    """The sheet a bare ``/接龙 退出`` means: the open one (else closed) I am on."""
    mine = await Entry.filter(user=user, sheet__group=group).prefetch_related("sheet")
    sheets = sorted(
        {e.sheet.id: e.sheet for e in mine}.values(), key=lambda s: s.number
    )
    candidates = [s for s in sheets if s.status == OPEN] or sheets
    if not candidates:
        raise SignupError("signup.error.not_in_any")
    if len(candidates) > 1:
        raise Ambiguous(candidates)
    return candidates[0]


async def _may_manage(ctx: Context, sheet: Sheet) -> None:
    """The sheet's creator, or an admin (else a polite refusal and stop)."""
    if ctx.user != sheet.creator:
        await ctx.require(Role.ADMIN)


async def _close(ctx: Context, command: Command) -> str:
    group = ctx.group or ""
    if command.number is not None:
        sheet = await service.sheet_by_number(group, command.number)
    else:
        sheet = await service.pick_open(group, None)
    await _may_manage(ctx, sheet)
    closed = await service.close(sheet.id, ctx.user)
    if not closed.now:
        return ctx.t("signup.error.closed", title=sheet.title)
    view = await service.view(sheet)
    await posting.posted(sheet.id, view.sheet.version, final=True)
    return render_sheet(view, style(ctx))


async def _remove(ctx: Context, command: Command) -> str:
    sheet = await service.sheet_by_number(ctx.group or "", command.number or 0)
    await _may_manage(ctx, sheet)
    change = await service.remove(sheet.id, command.position or 0, ctx.user)
    await after_change(ctx, change)
    assert change.entry is not None
    return ctx.t(
        "signup.removed",
        position=command.position,
        name=change.entry.name,
        title=sheet.title,
    )


async def _export(ctx: Context, command: Command) -> str:
    group = ctx.group or ""
    if command.number is not None:
        sheet = await service.sheet_by_number(group, command.number)
    else:
        sheet = await service.pick_open(group, None)
    await _may_manage(ctx, sheet)
    hint = ctx.t("signup.export.cli", group=sheet.group, number=sheet.number)
    if not ctx.port.can(Capability.UPLOAD_FILE):
        return ctx.t("signup.export.no_upload") + "\n" + hint
    cfg = config(ctx)
    fmt = "xlsx" if cfg.export_format == "xlsx" and xlsx_available() else "csv"
    folder = load_settings().data_dir / "exports"
    folder.mkdir(parents=True, exist_ok=True)
    name = f"接龙{sheet.number}-{sheet.title[:20]}.{fmt}".replace("/", "_")
    path = folder / f"signup-{sheet.id}-{ctx.info.message_id or 'x'}.{fmt}"
    export(
        await service.view(sheet, full=True),
        path,
        fmt,
        ctx.locale,
        ctx.config.core.timezone,
        count_fields=cfg.count_fields,
        household_fields=cfg.household_fields,
    )
    try:
        await ctx.port.upload_file(str(path.resolve()), name, user=ctx.user)
    except NotSupported:
        return ctx.t("signup.export.no_upload") + "\n" + hint
    except PlatformError as exc:
        logger.warning(f"signup: export of sheet {sheet.id} not uploaded: {exc}")
        return ctx.t("signup.export.failed") + "\n" + hint
    finally:
        with contextlib.suppress(OSError):
            os.unlink(path)  # a small local file
    await audit(
        ctx.user, "signup.export", group=group, target=f"sheet:{sheet.id}", format=fmt
    )
    return ctx.t("signup.export.sent", title=sheet.title)


_HANDLERS = {
    "usage": _usage,
    "list": _list,
    "show": _show,
    "create": _create,
    "join": _join,
    "leave": _leave,
    "close": _close,
    "remove": _remove,
    "export": _export,
}


# --------------------------------------------------------------------------
# joining, from the command or from free text
# --------------------------------------------------------------------------


async def join_sheet(
    ctx: Context,
    sheet: Sheet,
    text: str,
    count: int | None = None,
    *,
    pasted: bool = False,
) -> str | None:
    """Add or replace the sender's entry: an "ok" reaction on their message
    says at once that it counted (where the platform has reactions); the list
    follows, coalesced, sooner where there was no reaction."""
    cfg = config(ctx)
    data = parse_entry(text, sheet.field_names, kinds(ctx), name_first=pasted)
    if count is not None and data.count is None:
        data.count = count  # "+2": the service refuses more than max_count
    change = await service.join(
        sheet.id,
        member(ctx),
        data,
        max_count=cfg.max_count,
        max_entries=cfg.max_entries,
        name=data.name or None,
    )
    reacted = await acknowledge(ctx.port, ctx.group, ctx.info.message_id)
    await after_change(ctx, change, acknowledged=reacted)
    return None


async def after_change(
    ctx: Context, change: service.Change, *, acknowledged: bool = True
) -> None:
    """Re-post the list (at most once per ``repost_seconds``; a change nobody
    saw acknowledged within ``posting.UNACKNOWLEDGED_SECONDS``) and tell the
    promoted, with a mention."""
    group = change.sheet.group
    every = config(ctx).repost_seconds
    if not acknowledged:
        every = min(every, posting.UNACKNOWLEDGED_SECONDS)
    await posting.changed(change.sheet, every)
    for entry in change.promoted:
        text = ctx.t("signup.promoted", title=change.sheet.title)
        sent = send_queue().send_group(group, text, mention=entry.user)
        sent.add_done_callback(posting.log_failure)


async def join_free_text(
    ctx: Context, sheets: list[Sheet], pasted: Pasted | None, plain: PlainJoin | None
) -> str | None:
    """``+1`` / ``接龙 3-201 2人`` / a pasted list, to the ``sheets`` open here
    (one that closed meanwhile refuses the join in its transaction)."""
    try:
        if pasted is not None:
            sheet = _sheet_for_paste(sheets, pasted.title)
            if await _line_is_someone_elses(sheet, ctx.user, pasted.line):
                return ctx.t("signup.paste.not_new")
            return await join_sheet(ctx, sheet, pasted.line, pasted=True)
        assert plain is not None
        if len(sheets) > 1:
            raise Ambiguous(sheets)
        return await join_sheet(ctx, sheets[0], plain.text, plain.count)
    except (SignupError, ParseError) as exc:
        return _error_text(ctx, exc)


def _sheet_for_paste(sheets: list[Sheet], title: str) -> Sheet:
    if len(sheets) == 1:
        return sheets[0]
    wanted = compact(title)
    if wanted:
        same = [s for s in sheets if compact(s.title) == wanted]
        near = same or [
            s
            for s in sheets
            if compact(s.title) in wanted or wanted in compact(s.title)
        ]
        if len(near) == 1:
            return near[0]
    raise Ambiguous(sheets)


async def _line_is_someone_elses(sheet: Sheet, user: str, line: str) -> bool:
    """A paste whose last line is another member's entry: no new line was added."""
    wanted = compact(line)
    others = await Entry.filter(sheet_id=sheet.id).exclude(user=user)
    for entry in others:
        shown = compact(" ".join(filter(None, [entry.name, entry.household or ""])))
        reverse = compact(" ".join(filter(None, [entry.household or "", entry.name])))
        if wanted and wanted in {shown, reverse, compact(entry.name)}:
            return True
    return False
