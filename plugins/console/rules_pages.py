"""群规: the cases of the groups a session sees, the appeals waiting, the
estate's blacklist, and 撤销 (pardon).

Staff see the cases (every case is posted to their staff group anyway);
pardoning is for admins, as ``/撤销`` is (``ctx.require(Role.ADMIN)``), and
calls ``service.pardon`` with the same platform ports, so the member is
unmuted and taken off the blacklist exactly as by the command. The
command's reply is shown here and posted in the staff group the session
acts for, as the 工单 buttons do. The evidence is masked with
``core.mask_private``, as in the staff group's case post; a case outside
the session's groups is "not found". Names are shown, so looking is
written to the audit log.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import RedirectResponse, Response

from plugins.core import (
    LinliConfig,
    Role,
    audit,
    format_time,
    mask_private,
    port_for_group,
)
from plugins.rules import service
from plugins.rules.commands import pardon_reply
from plugins.rules.models import Blacklisted, Case
from plugins.tickets.env import now_utc

from .auth import Scope
from .http import (
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
from .pages import render

nav("rules")

PARDONER = Role.ADMIN  # /撤销 starts with ctx.require(Role.ADMIN)
SHOWN = 50  # the latest cases listed
HERE = f"{PREFIX}/rules"


def seen_groups(config: LinliConfig, scope: Scope) -> list[str] | None:
    """The groups whose cases the session sees; None: every group."""
    return None if scope.everything else scope.groups(config)


def sees(config: LinliConfig, scope: Scope, group: str) -> bool:
    groups = seen_groups(config, scope)
    return groups is None or group in groups


def shown(case: Case, config: LinliConfig, locale: str) -> dict[str, Any]:
    """A case as the page shows it: personal numbers masked as in the
    staff group's post (``rules.staff.case``)."""
    tz = config.core.timezone
    return {
        "id": case.id,
        "at": format_time(case.at, locale, tz),
        "group": service.group_name(config, case.group),
        "name": mask_private(case.display_name) or case.user,
        "user": case.user,
        "reason": mask_private(service.reason_text(case, locale)),
        "action": service.action_text(case.action, case.mute_seconds, locale),
        "strikes": case.strikes,
        "text": mask_private(case.text),
        "detail": mask_private(case.detail),
        "segments": sorted(
            {str(s.get("type", "")) for s in case.segments if s.get("type") != "text"}
        ),
        "recalled": case.recalled,
        "dry_run": case.dry_run,
        "problems": case.problems,
        "pardoned": case.pardoned_at is not None,
        "pardoned_at": format_time(case.pardoned_at, locale, tz)
        if case.pardoned_at
        else "",
        "pardoned_by": case.pardoned_by or "",
        "appeal": mask_private(case.appeal or ""),
        "appealed_at": format_time(case.appealed_at, locale, tz)
        if case.appealed_at
        else "",
    }


async def listing(config: LinliConfig, scope: Scope) -> dict[str, list]:
    """The appeals waiting, the latest cases, the blacklist of the estates."""
    groups = seen_groups(config, scope)
    cases = Case.all() if groups is None else Case.filter(group__in=groups)
    waiting = cases.filter(appeal__isnull=False, pardoned_at=None)
    appeals = await waiting.order_by("-appealed_at").limit(SHOWN)
    latest = await cases.order_by("-id").limit(SHOWN)
    banned = Blacklisted.all().prefetch_related("case").order_by("-at").limit(200)
    if groups is not None:
        banned = banned.filter(case__group__in=groups)
    return {"appeals": appeals, "cases": latest, "blacklist": await banned}


def acting_group(config: LinliConfig, scope: Scope, group: str) -> str | None:
    """The staff group that hears the pardon: one of the session's own among
    the staff groups of the case's estate, else the estate's first."""

    def estate(gid: str | None) -> str:
        return config.section("tickets", gid).estate  # type: ignore[attr-defined]

    staff = [g for g in service.staff_groups(config) if estate(g) == estate(group)]
    mine = [g for g in staff if g in scope.staff_groups]
    return (mine or staff or [None])[0]


# --------------------------------------------------------------------------
# pages
# --------------------------------------------------------------------------


@router.get("/rules")
async def _rules(request: Request) -> Response:
    session = await signed_in(request, now_utc())
    env, scope, locale = env_scope(session)
    config = env.config
    found = await listing(config, scope)
    await audit(
        session.user,
        "console.view_cases",
        target="list",
        estates=list(scope.seen_estates(config)),
        cases=len(found["cases"]),
    )
    banned = [
        {
            "user": b.user,
            "name": mask_private(b.case.display_name) if b.case else "",
            "case": b.case.id if b.case else None,
            "group": service.group_name(config, b.case.group) if b.case else "",
            "reason": b.reason,
            "at": format_time(b.at, locale, config.core.timezone),
        }
        for b in found["blacklist"]
    ]
    return html(
        render(
            "rules.html",
            locale,
            **frame(session, "rules"),
            back=HERE,
            appeals=[shown(c, config, locale) for c in found["appeals"]],
            cases=[shown(c, config, locale) for c in found["cases"]],
            limit=SHOWN,
            blacklist=banned,
            flash=await take_flash(session),
        )
    )


@router.get("/rules/cases/{case_id}")
async def _case(case_id: int, request: Request) -> Response:
    session = await signed_in(request, now_utc())
    env, scope, locale = env_scope(session)
    case = await Case.get_or_none(id=case_id)
    if case is None or not sees(env.config, scope, case.group):
        return problem("console.problem.not_found", 404, locale)
    await audit(
        session.user,
        "console.view_cases",
        group=case.group,
        target=f"#{case.id}",
        member=case.user,
    )
    return html(
        render(
            "rules_case.html",
            locale,
            **frame(session, "rules"),
            back=f"{HERE}/cases/{case.id}",
            case=shown(case, env.config, locale),
            may_pardon=session.role >= PARDONER,
            flash=await take_flash(session),
        )
    )


@router.post("/rules/cases/{case_id}/pardon")
async def _pardon(case_id: int, request: Request) -> Response:
    """``/撤销 <case>``: the same service call, the same reply."""
    session = await signed_in(request, now_utc())
    await checked_form(request, session)
    env, scope, locale = env_scope(session)
    config = env.config
    case = await Case.get_or_none(id=case_id)
    if case is None or not sees(config, scope, case.group):
        return problem("console.problem.not_found", 404, locale)
    if session.role < PARDONER:
        return problem("console.rules_page.denied", 403, locale)
    result = await service.pardon(
        case.id, actor=session.user, config=config, ports=port_for_group
    )
    group = acting_group(config, scope, case.group)
    if group is not None and not result.already:
        service.outbox().group(
            group, pardon_reply(result, case.id, config.locale_of(group))
        )
    await leave_flash(session, pardon_reply(result, case.id, locale))
    return RedirectResponse(f"{HERE}/cases/{case.id}", status_code=303)
