"""通知: the notices of the groups a session sees, who confirmed, who did not,
and the button that names the missing households in their groups.

A notice is seen when any group it was posted to (or posted from) is one of
the session's groups, as ``/通知 统计`` in one of those groups would show it;
the rest are "not found". The numbers are notices' own ``service.coverage``
(the chat's 统计); the names of those missing are ``service.unconfirmed_members``
of the groups the session sees. The button calls ``service.nudge`` with the
chat's sender, so the groups get the very message ``/通知 提醒`` posts; like
that command it is for admins, and only for a notice whose groups the session
all sees (it would name residents in the others too).
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from nonebot import require
from tortoise.expressions import Q

require("plugins.notices")  # loaded as the plugin it is, before its modules
from plugins.core import (  # noqa: E402
    LinliConfig,
    Role,
    audit,
    format_time,
    mask_private,
    store,
    t,
)
from plugins.notices import jobs, render, service  # noqa: E402
from plugins.notices.models import Confirmation, Delivery, Notice  # noqa: E402
from plugins.tickets.env import now_utc  # noqa: E402

from . import auth  # noqa: E402
from .auth import Scope  # noqa: E402
from .http import (  # noqa: E402
    PREFIX,
    checked_form,
    env_scope,
    frame,
    html,
    leave_flash,
    nav,
    page_asked,
    problem,
    router,
    signed_in,
    take_flash,
)
from .pages import render as page  # noqa: E402

nav("notices")


def groups_of(notice: Notice) -> list[str]:
    found = list(notice.targets or [])
    if notice.origin_group and notice.origin_group not in found:
        found.append(notice.origin_group)
    return found


def sees(config: LinliConfig, scope: Scope, notice: Notice) -> bool:
    return any(scope.sees_group(config, g) for g in groups_of(notice))


def sees_all(config: LinliConfig, scope: Scope, notice: Notice) -> bool:
    return all(scope.sees_group(config, g) for g in groups_of(notice))


async def visible_notice(config: LinliConfig, scope: Scope, notice_id: int):
    notice = await Notice.get_or_none(id=notice_id)
    return notice if notice is not None and sees(config, scope, notice) else None


async def listed_notices(
    config: LinliConfig, scope: Scope, page_no: int, size: int
) -> tuple[list[Notice], bool]:
    """A page of the notices the session sees, newest first; and whether
    there is a next page."""
    query = Notice.all()
    if not scope.everything:
        groups = scope.groups(config)
        ids = await Delivery.filter(group__in=groups, kind="post").values_list(
            "notice_id", flat=True
        )
        query = query.filter(Q(id__in=set(ids)) | Q(origin_group__in=groups))
    found = (
        await query.order_by("-publish_at", "-id")
        .offset((page_no - 1) * size)
        .limit(size + 1)
    )
    return found[:size], len(found) > size


def _name(config: LinliConfig, group: str) -> str:
    return config.group(group).name or group


@dataclass
class Household:
    key: str
    names: list[str]


@dataclass
class Building:
    building: str
    confirmed: int
    known: int
    percent: str
    done: list[Household]
    missing: list[Household]


def _households(rows: list[tuple[str | None, str]]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for household, name in rows:
        if household:
            names = out.setdefault(household, [])
            shown = mask_private(name) or household
            if shown not in names:
                names.append(shown)
    return out


async def detail(config: LinliConfig, scope: Scope, notice: Notice) -> dict:
    """Coverage as the chat's 统计 counts it, with the households named."""
    cov = await service.coverage(notice)
    done = _households(
        await Confirmation.filter(notice_id=notice.id)
        .order_by("household", "id")
        .values_list("household", "display_name")
    )
    missing: dict[str, list[str]] = {}
    seen_groups = [g for g in notice.targets if scope.sees_group(config, g)]
    for group in seen_groups:
        members = await service.unconfirmed_members(notice, group)
        found = _households([(m.household, m.display_name) for m in members])
        for household, names in found.items():
            missing.setdefault(household, [])
            missing[household] += [n for n in names if n not in missing[household]]
    buildings = []
    for building, confirmed, known in cov.buildings:

        def mine(table: dict[str, list[str]], b: str = building) -> list[Household]:
            return [
                Household(h, n)
                for h, n in sorted(table.items())
                if service.building_of(h) == b
            ]

        buildings.append(
            Building(
                building,
                confirmed,
                known,
                render.percent(confirmed, known),
                mine(done),
                mine(missing),
            )
        )
    deliveries = await Delivery.filter(notice_id=notice.id, kind="post").order_by("id")
    return {
        "cov": cov,
        "percent": render.percent(cov.households, cov.known),
        "buildings": buildings,
        "deliveries": [
            (_name(config, d.group), d.status)
            for d in deliveries
            if scope.sees_group(config, d.group)
        ],
        "hidden_groups": len(notice.targets) - len(seen_groups),
        "all_seen": sees_all(config, scope, notice),
    }


@router.get("/notices")
async def _notices(request: Request) -> Response:
    now = now_utc()
    session = await signed_in(request, now)
    env, scope, locale = env_scope(session)
    config = env.config
    page_no = page_asked(request)
    size = auth.section(config).page_size
    notices, more = await listed_notices(config, scope, page_no, size)
    rows = []
    for notice in notices:
        cov = await service.coverage(notice) if notice.confirm else None
        rows.append(
            {
                "notice": notice,
                "when": format_time(notice.publish_at, locale, env.tz),
                "groups": "、".join(
                    _name(config, g)
                    for g in notice.targets
                    if scope.sees_group(config, g)
                ),
                "cov": cov,
                "percent": render.percent(cov.households, cov.known) if cov else "",
            }
        )
    return html(
        page(
            "notices.html",
            locale,
            **frame(session, "notices"),
            rows=rows,
            page_no=page_no,
            more=more,
            back=f"{PREFIX}/notices",
            flash=await take_flash(session),
        )
    )


@router.get("/notices/{notice_id}")
async def _notice(notice_id: int, request: Request) -> Response:
    now = now_utc()
    session = await signed_in(request, now)
    env, scope, locale = env_scope(session)
    notice = await visible_notice(env.config, scope, notice_id)
    if notice is None:
        return problem("console.problem.not_found", 404, locale)
    # residents' names are shown here: who looked is recorded
    await audit(
        session.user,
        "console.view_notice",
        group=notice.origin_group,
        target=f"notice:{notice.id}",
    )
    tz = env.tz
    return html(
        page(
            "notice.html",
            locale,
            **frame(session, "notices"),
            notice=notice,
            when=format_time(notice.publish_at, locale, tz),
            until=format_time(notice.confirm_until, locale, tz)
            if notice.confirm_until
            else "",
            can_nudge=session.role >= Role.ADMIN,
            back=f"{PREFIX}/notices/{notice.id}",
            flash=await take_flash(session),
            **await detail(env.config, scope, notice),
        )
    )


def _nudge_reply(config: LinliConfig, notice: Notice, result, locale: str) -> str:
    """What ``/通知 提醒`` answers the admin, in the session's language."""
    if result.error == "notices.nudge.too_soon" and result.last is not None:
        every = service.section_of(config, notice.origin_group).nudge_every
        tz = config.core.timezone
        return t(
            locale,
            "notices.nudge.too_soon",
            id=notice.id,
            last=format_time(result.last, locale, tz),
            next=format_time(result.last + every, locale, tz),
        )
    if result.error is not None:
        return t(locale, result.error, id=notice.id)
    return t(
        locale,
        "notices.nudge.sent",
        households=result.households,
        messages=result.messages,
    )


@router.post("/notices/{notice_id}/nudge")
async def _nudge(notice_id: int, request: Request) -> Response:
    now = now_utc()
    session = await signed_in(request, now)
    await checked_form(request, session)
    config, scope = store.current, Scope.from_json(session.scope)
    locale = session.locale
    notice = await visible_notice(config, scope, notice_id)
    if notice is None:
        return problem("console.problem.not_found", 404, locale)
    if session.role < Role.ADMIN:
        return problem("console.notices_page.nudge_denied", 403, locale)
    if not sees_all(config, scope, notice):
        reply = t(locale, "console.notices_page.nudge_elsewhere")
    else:
        result = await service.nudge(
            notice,
            actor=session.user,
            group=notice.origin_group,
            send=jobs.send,  # looked up now: the chat's sender
            config=config,
            now=now,
        )
        reply = _nudge_reply(config, notice, result, locale)
    await leave_flash(session, reply)
    return RedirectResponse(f"{PREFIX}/notices/{notice.id}", status_code=303)
