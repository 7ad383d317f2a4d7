"""The 接龙 and 投票 pages: the sheets and votes of the groups a session sees.

The buttons do what the chat does, through the same functions: 结束 is
``/接龙 结束`` (``signup.service.close``, then the final list) and
``/投票 结束`` (``vote.service.close``, then the results); 提醒 posts the
reminder the deadline job would post (``render_remind`` / ``vote.render
.reminder``). Who may press them is who may in the chat: a sheet's creator or
an admin; a vote's creator or ``vote.who_can_create``. The group gets the very
text the command or the job would send, through core's send queue.

Names are shown as the group shows them (``signup.render.entry_line``, the
vote's ``mask_private``), so phone and ID numbers stay masked; an anonymous
vote shows its totals only. A sheet or vote of a group the session does not
see is "not found", as a ticket is.
"""

from __future__ import annotations

import asyncio

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from nonebot import logger, require
from tortoise.functions import Count, Sum

require("plugins.signup")
require("plugins.vote")
from plugins.core import Role, audit, t  # noqa: E402
from plugins.core.config import LinliConfig  # noqa: E402
from plugins.signup import export as signup_export  # noqa: E402
from plugins.signup import posting  # noqa: E402
from plugins.signup import service as signups  # noqa: E402
from plugins.signup.models import IN, OPEN, Entry, Sheet  # noqa: E402
from plugins.signup.render import entry_line, render_remind, render_sheet  # noqa: E402
from plugins.tickets.env import now_utc  # noqa: E402
from plugins.tickets.render import when  # noqa: E402

from . import actions, auth, tables  # noqa: E402
from .auth import Scope  # noqa: E402
from .http import (  # noqa: E402
    HEADERS,
    PREFIX,
    checked_form,
    env_scope,
    frame,
    html,
    leave_flash,
    nav,
    problem,
    router,
    signed_in,
    take_flash,
)
from .models import Session  # noqa: E402
from .pages import render  # noqa: E402

nav("signups")
nav("votes")

STATES = ("open", "closed")


# --------------------------------------------------------------------------
# shared
# --------------------------------------------------------------------------


def _seen(query, config: LinliConfig, scope: Scope):
    """Only the rows of the groups the session sees (superusers: every group,
    also one no longer in the YAML)."""
    return query if scope.everything else query.filter(group__in=scope.groups(config))


def _listing(request: Request) -> tuple[int, str]:
    """The page asked for (1, 2, …) and the state filter ("" for all)."""
    try:
        page = max(1, int(request.query_params.get("page", "1")))
    except ValueError:
        page = 1
    state = request.query_params.get("state", "")
    return page, state if state in STATES else ""


def _group_name(config: LinliConfig, group: str) -> str:
    return config.group(group).name or group


def _denied(locale: str, needed: Role) -> str:
    """The chat's refusal (``ctx.require``), as the page's flash."""
    return t(locale, "core.denied", role=t(locale, needed.key))


def _post(group: str, text: str, mention: str | list[str] | None = None) -> None:
    """Queue a message to the group as the chat would, through the handle the
    ticket buttons use (``actions.send_queue``): one place the console sends."""
    sent = actions.send_queue().send_group(group, text, mention=mention)

    def done(future: asyncio.Future) -> None:
        if not future.cancelled() and future.exception() is not None:
            logger.warning(f"console: not delivered to {group}: {future.exception()}")

    sent.add_done_callback(done)


def _download(body: bytes, name: str, kind: str) -> Response:
    disposition = {"Content-Disposition": f'attachment; filename="{name}"'}
    if kind == "csv":
        media = "text/csv; charset=utf-8"
    else:
        media = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(body, media_type=media, headers={**HEADERS, **disposition})


def _back(path: str) -> Response:
    return RedirectResponse(path, status_code=303)


# --------------------------------------------------------------------------
# 接龙
# --------------------------------------------------------------------------


def _manages_sheet(session: Session, sheet: Sheet) -> bool:
    """``/接龙 结束`` and ``导出``: the sheet's creator, or an admin."""
    return session.user == sheet.creator or session.role >= Role.ADMIN


async def _sheet(config: LinliConfig, scope: Scope, sheet_id: int) -> Sheet | None:
    sheet = await Sheet.get_or_none(id=sheet_id)
    if sheet is None or not scope.sees_group(config, sheet.group):
        return None
    return sheet


async def _sizes(sheets: list[Sheet]) -> dict[int, tuple[int, int, int]]:
    """Per sheet: (entries, places taken by entries in, places asked by all),
    in one query, as ``/接龙 列表`` counts them."""
    found: dict[int, list[int]] = {s.id: [0, 0, 0] for s in sheets}
    rows = (
        await Entry.filter(sheet_id__in=list(found))
        .annotate(n=Count("id"), places=Sum("count"))
        .group_by("sheet_id", "status")
        .values("sheet_id", "status", "n", "places")
    )
    for row in rows:
        size = found[row["sheet_id"]]
        size[0] += row["n"]
        size[2] += row["places"] or 0
        if row["status"] == IN:
            size[1] += row["places"] or 0
    return {k: (v[0], v[1], v[2]) for k, v in found.items()}


def _size(sheet: Sheet, entries: int, used: int, total: int, locale: str) -> str:
    if sheet.capacity is None:
        return t(locale, "signup.index.entries", entries=entries)
    taken = total if sheet.lottery else used
    return t(locale, "signup.index.places", used=taken, capacity=sheet.capacity)


@router.get("/signups")
async def _signups(request: Request) -> Response:
    now = now_utc()
    session = await signed_in(request, now)
    if session is None:
        return problem("console.problem.no_session", 401)
    env, scope, locale = env_scope(session)
    page, state = _listing(request)
    size = auth.section(env.config).page_size
    query = _seen(Sheet.all(), env.config, scope)
    if state:
        query = query.filter(status=state)
    total = await query.count()
    sheets = (
        await query.order_by("-created_at", "-id").offset((page - 1) * size).limit(size)
    )
    sizes = await _sizes(sheets)
    rows = [
        {
            "id": s.id,
            "group": _group_name(env.config, s.group),
            "number": s.number,
            "title": s.title,
            "size": _size(s, *sizes[s.id], locale),
            "state": s.status,
            "deadline": when(s.deadline, locale, env.tz),
        }
        for s in sheets
    ]
    return html(
        render(
            "signups.html",
            locale,
            **frame(session, "signups"),
            rows=rows,
            total=total,
            page_no=page,
            pages=max(1, -(-total // size)),
            state=state,
            states=STATES,
        )
    )


@router.get("/signups/{sheet_id}")
async def _signup(sheet_id: int, request: Request) -> Response:
    now = now_utc()
    session = await signed_in(request, now)
    if session is None:
        return problem("console.problem.no_session", 401)
    env, scope, locale = env_scope(session)
    sheet = await _sheet(env.config, scope, sheet_id)
    if sheet is None:
        return problem("console.problem.not_found", 404, locale)
    # the entries' names are shown here: who looked is recorded
    await audit(
        session.user,
        "console.view_signup",
        group=sheet.group,
        target=f"sheet:{sheet.id}",
        number=sheet.number,
    )
    view = await signups.view(sheet)
    style = posting.style_for(sheet.group, env.config)
    entries = []
    for n, entry in enumerate(view.entries, 1):
        # the line as the group's list shows it (masked), without its "n. "
        line = entry_line(n, entry, view.sheet, style, view).removeprefix(f"{n}. ")
        entries.append({"n": n, "status": entry.status, "line": line})
    manages = _manages_sheet(session, sheet)
    return html(
        render(
            "signup.html",
            locale,
            **frame(session, "signups"),
            sheet=view.sheet,
            group=_group_name(env.config, sheet.group),
            size=_size(sheet, len(view.entries), view.used, view.total, locale),
            left=view.left,
            deadline=when(sheet.deadline, locale, env.tz),
            created=when(sheet.created_at, locale, env.tz),
            closed_at=when(sheet.closed_at, locale, env.tz),
            entries=entries,
            manages=manages,
            can_close=manages and sheet.status == OPEN,
            can_remind=manages and sheet.status == OPEN and sheet.deadline is not None,
            flash=await take_flash(session),
        )
    )


@router.get("/signups/{sheet_id}/export.{kind}")
async def _signup_export(sheet_id: int, kind: str, request: Request) -> Response:
    """The list with every field whole (as ``/接龙 导出`` sends it privately):
    for the sheet's creator and admins only, and audited."""
    now = now_utc()
    session = await signed_in(request, now)
    if session is None:
        return problem("console.problem.no_session", 401)
    env, scope, locale = env_scope(session)
    sheet = await _sheet(env.config, scope, sheet_id)
    if sheet is None or kind not in {"csv", "xlsx"}:
        return problem("console.problem.not_found", 404, locale)
    if not _manages_sheet(session, sheet):
        return problem("console.problem.not_found", 404, locale)
    cfg = env.config.section("signup", sheet.group)
    table = signup_export.rows(
        await signups.view(sheet, full=True),
        locale,
        env.config.core.timezone,
        count_fields=cfg.count_fields,  # type: ignore[attr-defined]
        household_fields=cfg.household_fields,  # type: ignore[attr-defined]
    )
    await audit(
        session.user,
        "console.export",
        group=sheet.group,
        target=f"sheet:{sheet.id}",
        format=kind,
        rows=len(table) - 1,
    )
    stamp = now.astimezone(env.tz).strftime("%Y%m%d-%H%M")
    name = f"signup-{sheet.number}-{stamp}.{kind}"
    if kind == "csv":
        return _download(tables.as_csv(table), name, kind)
    return _download(tables.as_xlsx(table, sheet.title or "signup"), name, kind)


@router.post("/signups/{sheet_id}/{action}")
async def _signup_act(sheet_id: int, action: str, request: Request) -> Response:
    now = now_utc()
    session = await signed_in(request, now)
    if session is None:
        return problem("console.problem.no_session", 401)
    if await checked_form(request, session) is None:
        return problem("console.problem.csrf", 403, session.locale)
    env, scope, locale = env_scope(session)
    sheet = await _sheet(env.config, scope, sheet_id)
    if sheet is None or action not in {"close", "remind"}:
        return problem("console.problem.not_found", 404, locale)
    back = f"{PREFIX}/signups/{sheet.id}"
    if not _manages_sheet(session, sheet):
        await leave_flash(session, _denied(locale, Role.ADMIN))
        return _back(back)
    style = posting.style_for(sheet.group, env.config)
    if action == "close":
        # /接龙 结束: close (a lottery draws), then the final list in the group
        closed = await signups.close(sheet.id, session.user)
        if not closed.now:
            await leave_flash(
                session, t(locale, "signup.error.closed", title=sheet.title)
            )
            return _back(back)
        view = await signups.view(sheet)
        _post(sheet.group, render_sheet(view, style))
        await posting.posted(sheet.id, view.sheet.version, final=True)
        flash = t(locale, "console.signups.closed_done", title=sheet.title)
    else:
        # the reminder the deadline job posts (signup.remind)
        if sheet.status != OPEN or sheet.deadline is None:
            await leave_flash(session, t(locale, "console.signups.no_remind"))
            return _back(back)
        _post(sheet.group, render_remind(await signups.view(sheet), style))
        flash = t(locale, "console.signups.reminded", title=sheet.title)
    await audit(
        session.user,
        "console.action",
        group=sheet.group,
        target=f"sheet:{sheet.id}",
        button=f"signup.{action}",
    )
    await leave_flash(session, flash)
    return _back(back)
