"""What every console page shares: the router under /console, the response
headers, the refusal page, the session, the checked form, and the nav.

A page module (``views`` for 工单 and 数据, one module per other page) adds
its routes to ``router``, calls ``nav(key)`` once so the header links to it,
and starts each handler with ``await signed_in(request, now)``, which (like
``checked_form``) raises ``Refused``: the refusal page, rendered by ``refusal``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, TypeVar
from urllib.parse import urlsplit

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from tortoise.models import Model
from tortoise.queryset import QuerySet

from plugins.core import Role, store
from plugins.tickets.env import Env

from . import auth
from .auth import COOKIE, Scope
from .models import Session
from .pages import render

M = TypeVar("M", bound=Model)

PREFIX = "/console"
router = APIRouter(prefix=PREFIX, include_in_schema=False)

HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self' data:; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    # same-origin, not no-referrer: under no-referrer a browser sends
    # "Origin: null" with every form, and same_origin() must refuse that;
    # other sites still get no referrer (the sign-in link never leaks)
    "Referrer-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
}

# the header's links: (page key, path); texts console.nav.<key>. The order
# is the staff's day: the tickets first, the settings last; pages not listed
# in ORDER come after, as registered.
NAV: list[tuple[str, str, Role]] = []
ORDER = ("tickets", "kpi", "signups", "votes", "notices", "faq", "rules", "config")


def nav(key: str, path: str | None = None, *, role: Role = Role.STAFF) -> None:
    """List a page in the header (once), as ``/console/<key>`` by default,
    for sessions of at least ``role`` (a link that answers 403 is no link)."""
    if all(k != key for k, _, _ in NAV):
        NAV.append((key, path or f"{PREFIX}/{key}", role))
        NAV.sort(key=lambda e: ORDER.index(e[0]) if e[0] in ORDER else len(ORDER))


def links_for(session: Session) -> list[tuple[str, str]]:
    """The header's (key, path) for this session's role."""
    return [(key, path) for key, path, role in NAV if session.role >= role]


def html(text: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(text, status_code=status, headers=HEADERS)


def problem(key: str, status: int, locale: str | None = None) -> HTMLResponse:
    """A refusal page: what happened and what to do (send /工作台 again)."""
    locale = locale or store.current.core.locale
    return html(render("problem.html", locale, message_key=key), status)


class Refused(Exception):
    """A request the console turns down: the refusal page ``key`` with HTTP
    ``status`` (``refusal`` below renders it; registered on the app)."""

    def __init__(self, key: str, status: int, locale: str | None = None) -> None:
        super().__init__(key)
        self.key, self.status, self.locale = key, status, locale


async def refusal(_request: Request, exc: Exception) -> HTMLResponse:
    assert isinstance(exc, Refused)
    return problem(exc.key, exc.status, exc.locale)


async def signed_in(request: Request, now: datetime) -> Session:
    """The request's live session; refused with 401 without one."""
    found = await auth.session_of(store.current, request.cookies.get(COOKIE), now)
    if found is None:
        raise Refused("console.problem.no_session", 401)
    return found


def same_origin(request: Request) -> bool:
    origin = request.headers.get("origin")
    if not origin or origin == "null":
        return origin is None
    host = request.headers.get("host", "")
    return urlsplit(origin).netloc == host


async def checked_form(request: Request, session: Session) -> dict[str, str]:
    """The form's fields; refused with 403 when its CSRF token or origin is
    wrong."""
    form = await request.form()
    fields = {k: str(v) for k, v in form.items() if isinstance(v, str)}
    if not same_origin(request) or not auth.csrf_ok(session, fields.get("csrf")):
        raise Refused("console.problem.csrf", 403, session.locale)
    return fields


def frame(session: Session, page: str, **values: Any) -> dict[str, Any]:
    """What base.html needs besides the page's own values."""
    return {
        "session": session,
        "role_key": Role(session.role).key,
        "page": page,
        "nav": links_for(session),
        "csrf": session.csrf,
        **values,
    }


def env_scope(session: Session) -> tuple[Env, Scope, str]:
    """The configuration now, what the session sees, and its language."""
    return Env(store.current), Scope.from_json(session.scope), session.locale


async def take_flash(session: Session) -> str:
    """The message the last action left for this page (shown once)."""
    text = session.flash
    if text:
        await Session.filter(id=session.id).update(flash="")
    return text


async def leave_flash(session: Session, text: str) -> None:
    await Session.filter(id=session.id).update(flash=text)


def page_asked(request: Request) -> int:
    """The page a list was asked for (``?page=``): 1, 2, … up to 10,000."""
    try:
        return min(10_000, max(1, int(request.query_params.get("page", "1"))))
    except ValueError:
        return 1


async def one_page(
    query: QuerySet[M], page: int, size: int, *order: str
) -> tuple[list[M], int, int]:
    """One page of a query, newest first by ``order``: (rows, how many in
    all, how many pages)."""
    total = await query.count()
    rows = await query.order_by(*order).offset((page - 1) * size).limit(size)
    return rows, total, max(1, -(-total // size))
