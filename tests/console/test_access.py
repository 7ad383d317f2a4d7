"""Who gets in: links, cookies, CSRF, the rate limit, and what each role sees
(HTTP level, in process)."""

from __future__ import annotations

from datetime import timedelta

from tests.console.client import Browser
from tests.console.support import (
    ADMIN,
    STAFF,
    SUPERUSER,
    WEST_ADMIN,
    WEST_STAFF,
    app,
    link,
    report,
    signed_in,
)
from tests.helpers import zh

PAGES = ["/console", "/console/tickets", "/console/kpi", "/console/tickets/export.csv"]


async def test_every_page_refuses_without_a_session() -> None:
    ticket = await report("楼道灯坏了")
    browser = Browser(app())
    for url in [*PAGES, f"/console/tickets/{ticket.id}"]:
        reply = await browser.get(url)
        assert reply.status == 401, url
        assert zh("console.problem.no_session") in reply.text
        assert zh("console.problem.hint") in reply.text
    for url in [f"/console/tickets/{ticket.id}/acknowledge", "/console/logout"]:
        reply = await browser.post(url, {"csrf": "x"})
        assert reply.status == 401, url
    await ticket.refresh_from_db()
    assert ticket.status == "new"


async def test_a_forged_or_old_cookie_is_no_session() -> None:
    from plugins.console.models import Session

    browser = await signed_in(STAFF, "STAFF", "qq:2000")
    assert (await browser.get("/console/tickets")).status == 200
    real = browser.cookies["linli_console"]
    browser.cookies["linli_console"] = real[:-2] + ("AA" if real[-2:] != "AA" else "BB")
    assert (await browser.get("/console/tickets")).status == 401
    browser.cookies["linli_console"] = real
    session = await Session.filter(user=STAFF).order_by("-id").first()
    session.expires_at = session.created_at - timedelta(seconds=1)
    await session.save()
    assert (await browser.get("/console/tickets")).status == 401


async def test_a_link_opens_once_and_sets_a_safe_cookie() -> None:
    token = await link(STAFF, "STAFF", "qq:2000")
    browser = Browser(app())
    page = await browser.get(f"/console/login/{token}")
    assert page.status == 200 and zh("console.login.button") in page.text
    assert "linli_console" not in browser.cookies  # a preview does not use it
    reply = await browser.post(f"/console/login/{token}")
    assert reply.status == 303 and reply.location == "/console/tickets"
    (cookie,) = reply.set_cookies()
    lowered = cookie.lower()
    assert "httponly" in lowered and "samesite=lax" in lowered
    assert "path=/console" in lowered and "max-age=43200" in lowered
    assert "secure" not in lowered  # plain http on loopback
    assert (await browser.get("/console/tickets")).status == 200

    again = Browser(app())
    for method in (again.get, again.post):
        reused = await method(f"/console/login/{token}")
        assert reused.status == 410
        assert zh("console.problem.link_used") in reused.text
    assert "linli_console" not in again.cookies


async def test_an_expired_or_unknown_link_says_so() -> None:
    from plugins.tickets.env import now_utc

    old = await link(STAFF, "STAFF", "qq:2000", now=now_utc() - timedelta(minutes=11))
    browser = Browser(app())
    for method in (browser.get, browser.post):
        reply = await method(f"/console/login/{old}")
        assert reply.status == 410
        assert zh("console.problem.link_expired") in reply.text
        reply = await method("/console/login/not-a-token")
        assert reply.status == 410
        assert zh("console.problem.link_unknown") in reply.text
    assert not browser.cookies


async def test_sign_in_attempts_are_rate_limited(override_config) -> None:
    override_config(console={"login_attempts": 3})
    browser = Browser(app())
    for _ in range(3):
        assert (await browser.post("/console/login/guess")).status == 410
    token = await link(STAFF, "STAFF", "qq:2000")
    reply = await browser.post(f"/console/login/{token}")
    assert reply.status == 429 and zh("console.problem.too_many") in reply.text
    other = Browser(app(), client=("10.0.0.9", 5000))  # another address
    assert (await other.post(f"/console/login/{token}")).status == 303


async def test_a_form_from_elsewhere_is_refused() -> None:
    token = await link(STAFF, "STAFF", "qq:2000")
    browser = Browser(app())
    for evil in ({"origin": "http://evil.example"}, {"origin": "null"}):
        reply = await browser.post(f"/console/login/{token}", headers=evil)
        assert reply.status == 403 and zh("console.problem.csrf") in reply.text
    assert (await browser.post(f"/console/login/{token}")).status == 303


async def test_security_headers() -> None:
    browser = await signed_in(STAFF, "STAFF", "qq:2000")
    reply = await browser.get("/console/tickets")
    assert reply.header("cache-control") == "no-store"
    assert "default-src 'none'" in reply.header("content-security-policy")
    # "no-referrer" would make browsers send "Origin: null" with every form
    # (Fetch standard, "serialize a request origin"), which is refused
    assert reply.header("referrer-policy") == "same-origin"
    assert reply.header("x-frame-options") == "DENY"
    css = await browser.get("/console/static/console.css")
    assert css.status == 200 and css.header("content-type").startswith("text/css")
    assert b"@media" in css.body


async def test_sign_out_ends_the_session() -> None:
    browser = await signed_in(STAFF, "STAFF", "qq:2000")
    page = await browser.get("/console/tickets")
    assert (await browser.post("/console/logout", {})).status == 403  # no CSRF
    reply = await browser.post("/console/logout", {"csrf": page.csrf()})
    assert reply.status == 200 and zh("console.problem.signed_out") in reply.text
    assert "linli_console" not in browser.cookies
    browser.cookies["linli_console"] = "x"
    assert (await browser.get("/console/tickets")).status == 401


async def test_each_role_sees_its_own_groups() -> None:
    main = await report("楼道灯不亮了")
    west = await report("水管漏水了", group="qq:81000")
    seen = {}
    for user, role, group in (
        (STAFF, "STAFF", "qq:2000"),
        (WEST_STAFF, "STAFF", "qq:82000"),
        (WEST_ADMIN, "ADMIN", "qq:81000"),
        (ADMIN, "ADMIN", None),
        (SUPERUSER, "SUPERUSER", None),
    ):
        browser = await signed_in(user, role, group)
        table = (await browser.get("/console/tickets?state=open")).text
        pages = [
            (await browser.get(f"/console/tickets/{t.id}")).status for t in (main, west)
        ]
        seen[user] = (
            f'/console/tickets/{main.id}"' in table,
            f'/console/tickets/{west.id}"' in table,
            pages,
        )
    assert seen[STAFF] == (True, False, [200, 404])
    assert seen[WEST_STAFF] == (False, True, [404, 200])
    assert seen[WEST_ADMIN] == (False, True, [404, 200])
    assert seen[ADMIN] == (True, True, [200, 200])  # core.admins: every estate
    assert seen[SUPERUSER] == (True, True, [200, 200])


async def test_staff_outside_the_ticket_groups_cannot_act(sent) -> None:
    west = await report("电梯不动了", group="qq:81000")
    browser = await signed_in(STAFF, "STAFF", "qq:2000")
    page = await browser.get("/console/tickets")
    reply = await browser.post(
        f"/console/tickets/{west.id}/acknowledge", {"csrf": page.csrf()}
    )
    assert reply.status == 404
    export = await browser.get("/console/tickets/export.csv")
    assert "电梯不动了" not in export.text
    await west.refresh_from_db()
    assert west.status == "new" and sent["delivered"] == []


async def test_a_category_routed_to_another_staff_group(override_config) -> None:
    """Staff see the categories routed to their groups, as the chat's cards go."""
    override_config(
        """
groups:
  "qq:2100": {name: 电梯班组, role: staff}
tickets:
  categories:
    电梯: {keywords: [电梯], staff_groups: ["qq:2100"]}
    水电: {keywords: [灯]}
    其他: {}
"""
    )
    lift = await report("电梯坏了")
    lamp = await report("楼道灯坏了")
    browser = await signed_in(STAFF, "STAFF", "qq:2000")
    assert (await browser.get(f"/console/tickets/{lift.id}")).status == 404
    assert (await browser.get(f"/console/tickets/{lamp.id}")).status == 200
