"""The console's HTTP routes under /console, on NoneBot's own FastAPI app.

Every page but the sign-in ones needs a live session (``http.signed_in``);
every POST checks the session's CSRF token and, when the browser says where the
form came from (``Origin``), that it came from this site. A ticket outside
the session's scope is "not found", whatever its number.
"""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from nonebot import logger

from plugins.core import Role, audit, store, t
from plugins.tickets.env import Env, now_utc
from plugins.tickets.models import Subscriber, Ticket, TicketEvent
from plugins.tickets.render import event_text, number, status_name, when, where
from plugins.tickets.states import allowed_actions

from . import actions, auth, kpi, tables
from .auth import COOKIE, LOGINS, LinkProblem, Scope
from .http import (
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
    same_origin,
    signed_in,
    take_flash,
)
from .models import Session
from .pages import render, stylesheet

nav("tickets")
nav("kpi")


def _secure(request: Request) -> bool:
    base = auth.section(store.current).base_url
    return request.url.scheme == "https" or base.startswith("https://")


# --------------------------------------------------------------------------
# signing in and out
# --------------------------------------------------------------------------


@router.get("/static/console.css")
async def _css() -> Response:
    return Response(
        stylesheet(),
        media_type="text/css",
        headers={"Cache-Control": "public, max-age=3600"},
    )


@router.get("")
@router.get("/")
async def _home(request: Request) -> Response:
    await signed_in(request, now_utc())
    return RedirectResponse(f"{PREFIX}/tickets", status_code=303)


@router.get("/login/{token}")
async def _login_page(token: str) -> Response:
    """The link's page: a button, so that a chat app's link preview (which
    fetches the address) does not use the link up."""
    found = await auth.peek_link(token, now_utc())
    if isinstance(found, LinkProblem):
        return problem(f"console.problem.link_{found.value}", 410)
    return html(render("login.html", found.locale, name=found.name))


@router.post("/login/{token}")
async def _login(token: str, request: Request) -> Response:
    config = store.current
    cfg = auth.section(config)
    address = request.client.host if request.client else "?"
    window = cfg.login_window.total_seconds()
    if not LOGINS.allow(address, cfg.login_attempts, window):
        logger.warning(f"console: too many sign-in attempts from {address}")
        return problem("console.problem.too_many", 429)
    if not same_origin(request):
        return problem("console.problem.csrf", 403)
    result = await auth.redeem(config, token, now_utc())
    if isinstance(result, LinkProblem):
        return problem(f"console.problem.link_{result.value}", 410)
    session, raw = result
    await audit(session.user, "console.login", role=Role(session.role).name)
    response = RedirectResponse(f"{PREFIX}/tickets", status_code=303)
    response.set_cookie(
        COOKIE,
        await auth.cookie_value(raw),
        max_age=int(cfg.session_lifetime.total_seconds()),
        path=PREFIX,
        httponly=True,
        samesite="lax",
        secure=_secure(request),
    )
    return response


@router.post("/logout")
async def _logout(request: Request) -> Response:
    session = await signed_in(request, now_utc())
    await checked_form(request, session)
    await Session.filter(id=session.id).delete()
    response = problem("console.problem.signed_out", 200, session.locale)
    response.delete_cookie(COOKIE, path=PREFIX)
    return response


@router.post("/lang")
async def _lang(request: Request) -> Response:
    session = await signed_in(request, now_utc())
    form = await checked_form(request, session)
    if form.get("locale") in {"zh-CN", "en"}:
        await Session.filter(id=session.id).update(locale=form["locale"])
    back = form.get("back", "")
    if not back.startswith(f"{PREFIX}/") or back.startswith("//"):
        back = f"{PREFIX}/tickets"
    return RedirectResponse(back, status_code=303)


# --------------------------------------------------------------------------
# 工单
# --------------------------------------------------------------------------


@router.get("/tickets")
async def _tickets(request: Request) -> Response:
    now = now_utc()
    session = await signed_in(request, now)
    env, scope, locale = env_scope(session)
    f = tables.Filters.parse(request.query_params)
    size = auth.section(env.config).page_size
    rows, total = await tables.page(env, scope, f, size, locale, now)
    options = await tables.choices(env, scope)
    cfg = env.section()
    options["categories"] = [
        (c, cfg.label(c, locale)) for c, _ in options["categories"]
    ]
    pages = max(1, -(-total // size))
    statuses = [(s, status_name(s, locale)) for s in _STATUSES]
    return html(
        render(
            "tickets.html",
            locale,
            **frame(session, "tickets"),
            rows=rows,
            total=total,
            f=f,
            pages=pages,
            options=options,
            statuses=statuses,
            sorts=tables.SORTS,
            flash=await take_flash(session),
            can_publish=session.role >= Role.ADMIN,
            query=urlencode(f.query()),
            export_query=urlencode(f.query(page="")),
        )
    )


_STATUSES = [
    "new",
    "acknowledged",
    "dispatched",
    "in_progress",
    "paused",
    "resolved",
    "rated",
    "closed",
    "rejected",
    "merged",
]


@router.get("/tickets/export.{kind}")
async def _export(kind: str, request: Request) -> Response:
    now = now_utc()
    session = await signed_in(request, now)
    if kind not in {"csv", "xlsx"}:
        return problem("console.problem.not_found", 404, session.locale)
    env, scope, locale = env_scope(session)
    f = tables.Filters.parse(request.query_params)
    rows = await tables.export_rows(env, scope, f, locale, now)
    await audit(
        session.user,
        "console.export",
        target=kind,
        rows=len(rows) - 1,
        filters=f.query(page=""),
    )
    stamp = now.astimezone(env.tz).strftime("%Y%m%d-%H%M")
    name = f"tickets-{stamp}.{kind}"
    disposition = {"Content-Disposition": f'attachment; filename="{name}"'}
    if kind == "csv":
        body, media = tables.as_csv(rows), "text/csv; charset=utf-8"
    else:
        body = tables.as_xlsx(rows, t(locale, "console.nav.tickets"))
        media = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(body, media_type=media, headers={**HEADERS, **disposition})


@router.post("/tickets/publish")
async def _publish(request: Request) -> Response:
    """公示: the tracking table of the period, posted now in each residents'
    group the session sees, as the periodic 【工单公示】 post does (admins)."""
    now = now_utc()
    session = await signed_in(request, now)
    await checked_form(request, session)
    if session.role < Role.ADMIN:
        return problem("console.tickets.publish_denied", 403, session.locale)
    env, scope, locale = env_scope(session)
    posted = await actions.publish(env, session, scope, now)
    await leave_flash(session, t(locale, "console.tickets.published", count=posted))
    return RedirectResponse(f"{PREFIX}/tickets", status_code=303)


async def _visible_ticket(env: Env, scope: Scope, ticket_id: int) -> Ticket | None:
    return await Ticket.filter(tables.visible(env, scope), id=ticket_id).first()


@router.get("/tickets/{ticket_id}")
async def _ticket(ticket_id: int, request: Request) -> Response:
    now = now_utc()
    session = await signed_in(request, now)
    env, scope, locale = env_scope(session)
    ticket = await _visible_ticket(env, scope, ticket_id)
    if ticket is None:
        return problem("console.problem.not_found", 404, locale)
    # names, rooms and phone numbers are shown here: who looked is recorded
    await audit(
        session.user,
        "console.view_ticket",
        group=ticket.group,
        target=number(ticket.number),
        estate=ticket.estate,
    )
    cfg = env.section(ticket.group)
    tz = env.tz
    events = await TicketEvent.filter(ticket_id=ticket.id).order_by("at", "id")
    timeline = []
    for e in events:
        action, note = event_text(e, cfg, locale, True)
        timeline.append({"at": when(e.at, locale, tz), "action": action, "note": note})
    followers = await Subscriber.filter(ticket_id=ticket.id).order_by("id")
    row = tables.row(env, ticket, locale, now)
    can = [a for a in allowed_actions(ticket.status) if a in actions.ACTIONS]
    workers = await actions.workers(env, ticket) if "dispatch" in can else []
    return html(
        render(
            "ticket.html",
            locale,
            **frame(session, "tickets"),
            ticket=ticket,
            row=row,
            where=where(ticket, locale),
            created=when(ticket.created_at, locale, tz),
            ack_due=when(ticket.ack_due_at, locale, tz),
            resolve_due=when(ticket.resolve_due_at, locale, tz),
            timeline=timeline,
            followers=followers,
            actions=can,
            workers=workers,
            flash=await take_flash(session),
        )
    )


@router.post("/tickets/{ticket_id}/{action}")
async def _act(ticket_id: int, action: str, request: Request) -> Response:
    now = now_utc()
    session = await signed_in(request, now)
    form = await checked_form(request, session)
    env, scope = Env(store.current), Scope.from_json(session.scope)
    ticket = await _visible_ticket(env, scope, ticket_id)
    if ticket is None or action not in actions.ACTIONS:
        return problem("console.problem.not_found", 404, session.locale)
    outcome = await actions.run(env, session, scope, ticket, action, form, now)
    await leave_flash(session, outcome.reply)
    return RedirectResponse(f"{PREFIX}/tickets/{ticket.id}", status_code=303)


# --------------------------------------------------------------------------
# 数据
# --------------------------------------------------------------------------


@router.get("/kpi")
async def _kpi(request: Request) -> Response:
    now = now_utc()
    session = await signed_in(request, now)
    env, scope, locale = env_scope(session)
    period = request.query_params.get("period", "week")
    if period not in kpi.PERIODS:
        period = "week"
    try:
        back = min(120, max(0, int(request.query_params.get("back", "0"))))
    except ValueError:
        back = 0
    estate = request.query_params.get("estate", "")[:64]
    board = await kpi.board(env, scope, period, back, locale, estate, now)
    charts = [
        kpi.chart(
            board.history, metric, kind, t(locale, f"console.kpi.{metric}"), locale
        )
        for metric, kind in (
            ("count", "count"),
            ("response_median", "time"),
            ("breach_rate", "pct"),
            ("csat", "score"),
        )
    ]
    metrics = [
        {
            "key": metric,
            "now": kpi.shown(getattr(board.current, metric), kind, locale),
            "before": kpi.shown(getattr(board.previous, metric), kind, locale),
            "trend": kpi.trend(
                getattr(board.current, metric), getattr(board.previous, metric), better
            ),
        }
        for metric, kind, better in kpi.METRICS
    ]
    tz = env.tz
    return html(
        render(
            "kpi.html",
            locale,
            **frame(session, "kpi"),
            board=board,
            metrics=metrics,
            charts=charts,
            shown=kpi.shown,
            start=when(board.start, locale, tz),
            end=when(board.end, locale, tz),
            oldest=kpi.shown(board.oldest_open, "time", locale),
            estates=(await tables.choices(env, scope))["estates"],
            estate=estate,
        )
    )
