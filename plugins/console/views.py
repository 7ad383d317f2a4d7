"""The console's HTTP routes under /console, on NoneBot's own FastAPI app.

Every page but the sign-in ones needs a live session (``_session``); every
POST checks the session's CSRF token and, when the browser says where the
form came from (``Origin``), that it came from this site. A ticket outside
the session's scope is "not found", whatever its number.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlencode, urlsplit

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from nonebot import logger

from plugins.core import Role, audit, store, t
from plugins.tickets.env import Env, now_utc
from plugins.tickets.models import Subscriber, Ticket, TicketEvent
from plugins.tickets.render import event_text, number, status_name, when, where
from plugins.tickets.states import allowed_actions

from . import actions, auth, kpi, tables
from .auth import COOKIE, LOGINS, LinkProblem, Scope
from .models import Session
from .pages import render, stylesheet

PREFIX = "/console"
router = APIRouter(prefix=PREFIX, include_in_schema=False)

HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self' data:; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
}


def _html(text: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(text, status_code=status, headers=HEADERS)


def _default_locale() -> str:
    return store.current.core.locale


def _problem(key: str, status: int, locale: str | None = None) -> HTMLResponse:
    """A refusal page: what happened and what to do (send /工作台 again)."""
    locale = locale or _default_locale()
    return _html(render("problem.html", locale, message_key=key), status)


async def _session(request: Request, now: datetime) -> Session | None:
    return await auth.session_of(store.current, request.cookies.get(COOKIE), now)


def _same_origin(request: Request) -> bool:
    origin = request.headers.get("origin")
    if not origin or origin == "null":
        return origin is None
    host = request.headers.get("host", "")
    return urlsplit(origin).netloc == host


async def _form(request: Request, session: Session) -> dict[str, str] | None:
    """The form's fields, or None when its CSRF token or origin is wrong."""
    form = await request.form()
    fields = {k: str(v) for k, v in form.items() if isinstance(v, str)}
    if not _same_origin(request) or not auth.csrf_ok(session, fields.get("csrf")):
        return None
    return fields


def _secure(request: Request) -> bool:
    base = auth.section(store.current).base_url
    return request.url.scheme == "https" or base.startswith("https://")


def _frame(session: Session, page: str, **values: Any) -> dict[str, Any]:
    return {
        "session": session,
        "role_key": Role(session.role).key,
        "page": page,
        "csrf": session.csrf,
        **values,
    }


def _where(session: Session) -> tuple[Env, Scope, str]:
    """The configuration now, what the session sees, and its language."""
    return Env(store.current), Scope.from_json(session.scope), session.locale


async def _take_flash(session: Session) -> str:
    text = session.flash
    if text:
        await Session.filter(id=session.id).update(flash="")
    return text


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
    if await _session(request, now_utc()) is None:
        return _problem("console.problem.no_session", 401)
    return RedirectResponse(f"{PREFIX}/tickets", status_code=303)


@router.get("/login/{token}")
async def _login_page(token: str) -> Response:
    """The link's page: a button, so that a chat app's link preview (which
    fetches the address) does not use the link up."""
    found = await auth.peek_link(token, now_utc())
    if isinstance(found, LinkProblem):
        return _problem(f"console.problem.link_{found.value}", 410)
    return _html(render("login.html", found.locale, name=found.name))


@router.post("/login/{token}")
async def _login(token: str, request: Request) -> Response:
    config = store.current
    cfg = auth.section(config)
    address = request.client.host if request.client else "?"
    window = cfg.login_window.total_seconds()
    if not LOGINS.allow(address, cfg.login_attempts, window):
        logger.warning(f"console: too many sign-in attempts from {address}")
        return _problem("console.problem.too_many", 429)
    if not _same_origin(request):
        return _problem("console.problem.csrf", 403)
    result = await auth.redeem(config, token, now_utc())
    if isinstance(result, LinkProblem):
        return _problem(f"console.problem.link_{result.value}", 410)
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
    session = await _session(request, now_utc())
    if session is None:
        return _problem("console.problem.no_session", 401)
    if await _form(request, session) is None:
        return _problem("console.problem.csrf", 403, session.locale)
    await Session.filter(id=session.id).delete()
    response = _problem("console.problem.signed_out", 200, session.locale)
    response.delete_cookie(COOKIE, path=PREFIX)
    return response


@router.post("/lang")
async def _lang(request: Request) -> Response:
    session = await _session(request, now_utc())
    if session is None:
        return _problem("console.problem.no_session", 401)
    form = await _form(request, session)
    if form is None:
        return _problem("console.problem.csrf", 403, session.locale)
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
    session = await _session(request, now)
    if session is None:
        return _problem("console.problem.no_session", 401)
    env, scope, locale = _where(session)
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
    return _html(
        render(
            "tickets.html",
            locale,
            **_frame(session, "tickets"),
            rows=rows,
            total=total,
            f=f,
            pages=pages,
            options=options,
            statuses=statuses,
            sorts=tables.SORTS,
            flash=await _take_flash(session),
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
    session = await _session(request, now)
    if session is None:
        return _problem("console.problem.no_session", 401)
    if kind not in {"csv", "xlsx"}:
        return _problem("console.problem.not_found", 404, session.locale)
    env, scope, locale = _where(session)
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


async def _visible_ticket(env: Env, scope: Scope, ticket_id: int) -> Ticket | None:
    return await Ticket.filter(tables.visible(env, scope), id=ticket_id).first()


@router.get("/tickets/{ticket_id}")
async def _ticket(ticket_id: int, request: Request) -> Response:
    now = now_utc()
    session = await _session(request, now)
    if session is None:
        return _problem("console.problem.no_session", 401)
    env, scope, locale = _where(session)
    ticket = await _visible_ticket(env, scope, ticket_id)
    if ticket is None:
        return _problem("console.problem.not_found", 404, locale)
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
    return _html(
        render(
            "ticket.html",
            locale,
            **_frame(session, "tickets"),
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
            flash=await _take_flash(session),
        )
    )


@router.post("/tickets/{ticket_id}/{action}")
async def _act(ticket_id: int, action: str, request: Request) -> Response:
    now = now_utc()
    session = await _session(request, now)
    if session is None:
        return _problem("console.problem.no_session", 401)
    form = await _form(request, session)
    if form is None:
        return _problem("console.problem.csrf", 403, session.locale)
    env, scope = Env(store.current), Scope.from_json(session.scope)
    ticket = await _visible_ticket(env, scope, ticket_id)
    if ticket is None or action not in actions.ACTIONS:
        return _problem("console.problem.not_found", 404, session.locale)
    outcome = await actions.run(env, session, scope, ticket, action, form, now)
    await Session.filter(id=session.id).update(flash=outcome.reply)
    return RedirectResponse(f"{PREFIX}/tickets/{ticket.id}", status_code=303)


# --------------------------------------------------------------------------
# 数据
# --------------------------------------------------------------------------


@router.get("/kpi")
async def _kpi(request: Request) -> Response:
    now = now_utc()
    session = await _session(request, now)
    if session is None:
        return _problem("console.problem.no_session", 401)
    env, scope, locale = _where(session)
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
    return _html(
        render(
            "kpi.html",
            locale,
            **_frame(session, "kpi"),
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
