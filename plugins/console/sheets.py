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
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from nonebot import logger, require
from tortoise.functions import Count, Sum

require("plugins.signup")
require("plugins.vote")
from plugins.core import Role, audit, mask_private, t  # noqa: E402
from plugins.core.config import LinliConfig  # noqa: E402
from plugins.signup import export as signup_export  # noqa: E402
from plugins.signup import posting  # noqa: E402
from plugins.signup import service as signups  # noqa: E402
from plugins.signup.models import IN, OPEN, Entry, Sheet  # noqa: E402
from plugins.signup.render import entry_line, render_remind, render_sheet  # noqa: E402
from plugins.tickets.env import now_utc  # noqa: E402
from plugins.tickets.render import when  # noqa: E402
from plugins.vote import cli as vote_export  # noqa: E402
from plugins.vote import render as vote_render  # noqa: E402
from plugins.vote import service as votes  # noqa: E402
from plugins.vote.config import VoteConfig  # noqa: E402
from plugins.vote.models import Total, Vote  # noqa: E402
from plugins.vote.tally import area_text, percent, shares  # noqa: E402

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
    one_page,
    page_asked,
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
    state = request.query_params.get("state", "")
    return page_asked(request), state if state in STATES else ""


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
    env, scope, locale = env_scope(session)
    page, state = _listing(request)
    size = auth.section(env.config).page_size
    query = _seen(Sheet.all(), env.config, scope)
    if state:
        query = query.filter(status=state)
    sheets, total, pages = await one_page(query, page, size, "-created_at", "-id")
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
            pages=pages,
            state=state,
            states=STATES,
        )
    )


@router.get("/signups/{sheet_id}")
async def _signup(sheet_id: int, request: Request) -> Response:
    now = now_utc()
    session = await signed_in(request, now)
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
    await checked_form(request, session)
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


# --------------------------------------------------------------------------
# 投票
# --------------------------------------------------------------------------


def _vote_section(config: LinliConfig, vote: Vote) -> VoteConfig:
    return config.section("vote", vote.group)  # type: ignore[return-value]


def _manages_vote(session: Session, config: LinliConfig, vote: Vote) -> bool:
    """``/投票 结束``: the vote's creator, or ``vote.who_can_create`` and up."""
    needed = _vote_section(config, vote).creator_role
    return session.user == vote.created_by or session.role >= needed


async def _vote(config: LinliConfig, scope: Scope, vote_id: int) -> Vote | None:
    vote = await Vote.get_or_none(id=vote_id)
    if vote is None or not scope.sees_group(config, vote.group):
        return None
    return vote


def _hidden(vote: Vote) -> bool:
    """Results kept back until the vote closes (as ``/投票 结果`` keeps them)."""
    return vote.hide_results and vote.is_open


@router.get("/votes")
async def _votes(request: Request) -> Response:
    now = now_utc()
    session = await signed_in(request, now)
    env, scope, locale = env_scope(session)
    page, state = _listing(request)
    size = auth.section(env.config).page_size
    query = _seen(Vote.all(), env.config, scope)
    if state:
        query = query.filter(status=state)
    found, total, pages = await one_page(query, page, size, "-created_at", "-id")
    voters = dict(
        await Total.filter(vote_id__in=[v.id for v in found], option=0).values_list(
            "vote_id", "count"
        )
    )
    rows = [
        {
            "vote": v,
            "group": _group_name(env.config, v.group),
            "voters": voters.get(v.id, 0),
            "unit": vote_render.unit(v, locale),
            "deadline": when(v.deadline, locale, env.tz),
        }
        for v in found
    ]
    return html(
        render(
            "votes.html",
            locale,
            **frame(session, "votes"),
            rows=rows,
            total=total,
            page_no=page,
            pages=pages,
            state=state,
            states=STATES,
        )
    )


def _thresholds(data: votes.Results, locale: str) -> list[dict]:
    """Art. 278's four tests as table rows (areas in m², exact)."""
    if data.decision is None:
        return []
    out = []
    for th in data.decision.thresholds:
        if th.area:
            part = t(locale, "vote.area", area=area_text(th.part))
            whole = t(locale, "vote.area", area=area_text(th.whole))
        else:
            part, whole = str(th.part), str(th.whole)
        known = th.met is not None
        out.append(
            {
                "name": th.name,
                "part": part,
                "whole": whole if known else "—",
                "percent": percent(th.part, th.whole) if known else "—",
                "rule": th.rule.label,
                "met": th.met,
            }
        )
    return out


async def _ballots(vote: Vote, locale: str, tz: ZoneInfo) -> list[dict]:
    """Who chose what, for a named vote only, names masked as in the group."""
    if vote.anonymous or _hidden(vote):
        return []
    return [
        {
            "household": b.household or "",
            "name": mask_private(b.name or ""),
            "choices": vote_render.choices_text(vote, b.choices, locale),
            "at": when(b.cast_at, locale, tz),
        }
        for b in await votes.ballots(vote)
    ]


@router.get("/votes/{vote_id}")
async def _vote_page(vote_id: int, request: Request) -> Response:
    now = now_utc()
    session = await signed_in(request, now)
    env, scope, locale = env_scope(session)
    vote = await _vote(env.config, scope, vote_id)
    if vote is None:
        return problem("console.problem.not_found", 404, locale)
    data = await votes.results(vote)
    ballots = await _ballots(vote, locale, env.tz)
    await audit(
        session.user,
        "console.view_vote",
        group=vote.group,
        target=f"vote:{vote.id}",
        number=vote.number,
        names=bool(ballots),
    )
    live = votes.is_live(vote, now)
    missing = (await votes.missing(vote)).count if live else None
    hidden = _hidden(vote)
    options = (
        []
        if hidden
        else shares(list(vote.options), data.counts, data.areas, data.voters)
    )
    manages = _manages_vote(session, env.config, vote)
    return html(
        render(
            "vote.html",
            locale,
            **frame(session, "votes"),
            vote=vote,
            data=data,
            group=_group_name(env.config, vote.group),
            unit=vote_render.unit(vote, locale),
            hidden=hidden,
            options=options,
            with_area=bool(vote.per_household and data.voters_area),
            area=lambda centi: t(locale, "vote.area", area=area_text(centi)),
            percent=percent,
            thresholds=[] if hidden else _thresholds(data, locale),
            ballots=ballots,
            missing=missing,
            deadline=when(vote.deadline, locale, env.tz),
            created=when(vote.created_at, locale, env.tz),
            closed_at=when(vote.closed_at, locale, env.tz),
            manages=manages,
            can_close=manages and vote.is_open,
            can_remind=manages and live,
            flash=await take_flash(session),
        )
    )


@router.get("/votes/{vote_id}/{what}.csv")
async def _vote_export(vote_id: int, what: str, request: Request) -> Response:
    """The CSV files of ``python manage.py vote export`` (the same rows):
    results (not while hidden) and, for a named vote, the ballots; for those
    who may close the vote, audited."""
    now = now_utc()
    session = await signed_in(request, now)
    env, scope, locale = env_scope(session)
    vote = await _vote(env.config, scope, vote_id)
    refused = (
        vote is None
        or what not in {"results", "ballots"}
        or not _manages_vote(session, env.config, vote)
        or (what == "results" and _hidden(vote))
        or (what == "ballots" and vote.anonymous)
    )
    if refused or vote is None:
        return problem("console.problem.not_found", 404, locale)
    if what == "results":
        table = vote_export.result_rows(await votes.results(vote), locale)
    else:
        found = await votes.ballots(vote)
        table = vote_export.ballot_rows(vote, found, env.tz, locale)
    await audit(
        session.user,
        "console.export",
        group=vote.group,
        target=f"vote:{vote.id}",
        format=what,
        rows=len(table) - 1,
    )
    stamp = now.astimezone(env.tz).strftime("%Y%m%d-%H%M")
    return _download(
        tables.as_csv(table), f"vote-{vote.number}-{what}-{stamp}.csv", "csv"
    )


@router.post("/votes/{vote_id}/{action}")
async def _vote_act(vote_id: int, action: str, request: Request) -> Response:
    now = now_utc()
    session = await signed_in(request, now)
    await checked_form(request, session)
    env, scope, locale = env_scope(session)
    vote = await _vote(env.config, scope, vote_id)
    if vote is None or action not in {"close", "remind"}:
        return problem("console.problem.not_found", 404, locale)
    back = f"{PREFIX}/votes/{vote.id}"
    section = _vote_section(env.config, vote)
    if not _manages_vote(session, env.config, vote):
        await leave_flash(session, _denied(locale, section.creator_role))
        return _back(back)
    group_locale = env.config.locale_of(vote.group)
    if action == "close":
        # /投票 结束: close (an anonymous vote's key is erased), post the results
        closed = await votes.close(vote.id, actor=session.user)
        if closed is None:
            await leave_flash(
                session, t(locale, "vote.error.closed", number=vote.number)
            )
            return _back(back)
        text = vote_render.results_text(await votes.results(closed), group_locale)
        await votes.claim_announcement(closed)
        _post(vote.group, text)
        flash = t(locale, "console.votes.closed_done", title=vote.title)
    else:
        # the reminder the vote.remind job posts
        if not votes.is_live(vote, now):
            await leave_flash(
                session, t(locale, "vote.error.closed", number=vote.number)
            )
            return _back(back)
        missing = await votes.missing(vote)
        if missing.count == 0:
            await leave_flash(session, t(locale, "console.votes.all_voted"))
            return _back(back)
        text, mention = vote_render.reminder(
            vote,
            missing,
            group_locale,
            env.tz,
            limit=section.remind_mentions,
            style=section.remind_style,
        )
        _post(vote.group, text, mention=mention or None)
        flash = t(locale, "console.votes.reminded", title=vote.title)
    await audit(
        session.user,
        "console.action",
        group=vote.group,
        target=f"vote:{vote.id}",
        button=f"vote.{action}",
    )
    await leave_flash(session, flash)
    return _back(back)
