"""What the console's tests share: a config with two estates, tickets made
through tickets' own service, and a signed-in browser."""

from __future__ import annotations

import itertools
from typing import Any

from tests.console.client import Browser

# 主区 (estate console-main): 3栋 residents qq:1000, staff qq:2000 (the suite's
# fixture groups); 西区 (estate console-west): residents qq:81000, staff qq:82000
CONFIG = """
core:
  admins: ["qq:500"]
groups:
  "qq:81000":
    name: 西区业主群
    role: residents
    building: "9"
    admins: ["qq:510"]
    tickets: {estate: console-west}
  "qq:82000":
    name: 西区工作群
    role: staff
    tickets: {estate: console-west}
tickets:
  estate: console-main
  service_hours: {start: "00:00", end: "24:00"}
  duplicate_window: 0s  # every report its own ticket (tests share one database)
"""
STAFF = "qq:7"  # a member of 物业工作群 (qq:2000)
WEST_STAFF = "qq:8"  # a member of 西区工作群 (qq:82000)
WEST_ADMIN = "qq:510"
ADMIN = "qq:500"
SUPERUSER = "qq:99"
PHONE = "13812345678"
_users = itertools.count(60001)


def app() -> Any:
    import nonebot

    return nonebot.get_app()


async def remember_staff() -> None:
    from plugins.core.models import KnownMember

    for group, user, name in (
        ("qq:2000", STAFF, "李师傅"),
        ("qq:82000", WEST_STAFF, "王师傅"),
    ):
        await KnownMember.update_or_create(
            group=group, user=user, defaults={"display_name": name}
        )


async def report(text: str, group: str = "qq:1000", user: str | None = None):
    """A resident's /报修, through tickets' service; returns the ticket."""
    from plugins.core import store
    from plugins.tickets import service
    from plugins.tickets.env import Actor, Env
    from plugins.tickets.models import Ticket

    n = next(_users)
    user = user or f"qq:{n}"
    building = "9" if group == "qq:81000" else "3"
    room = str(1000 + n % 9000)  # a room of its own: never a duplicate
    actor = Actor(
        user=user,
        name=f"{building}-{n}-{room} 张三",
        group=group,
        household=(building, str(n), room),  # a unit of its own too (lifts)
    )
    outcome = await service.report(Env(store.current), actor, text)
    assert outcome.ok, outcome.reply
    ticket = await Ticket.filter(reporter=user).order_by("-id").first()
    assert ticket is not None, f"linked to an open ticket: {outcome.reply}"
    return ticket


async def link(user: str, role_name: str, group: str | None, **kw: Any) -> str:
    """A /工作台 token as the command makes it."""
    from plugins.console import auth
    from plugins.core import Role, store
    from plugins.tickets.env import now_utc

    config = store.current
    role = Role[role_name]
    scope = await auth.scope_for(config, user, role, group)
    return await auth.issue_link(
        config,
        user=user,
        name=kw.get("name", "李师傅"),
        role=role,
        scope=scope,
        locale=kw.get("locale", "zh-CN"),
        now=kw.get("now") or now_utc(),
    )


async def signed_in(user: str, role_name: str, group: str | None) -> Browser:
    browser = Browser(app())
    token = await link(user, role_name, group)
    reply = await browser.post(f"/console/login/{token}")
    assert reply.status == 303, reply.text
    return browser
