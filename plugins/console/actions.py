"""The console's buttons: each calls the tickets service function the chat
command calls (``/接单`` → ``service.acknowledge`` …), hands its messages to
core's send queue as the command does (``escalation.deliver``), and posts
the command's reply in the staff group the staff member acts for: the
groups see what they would see had the command been typed.
"""

from __future__ import annotations

from datetime import datetime

from plugins.core import audit, send_queue, t
from plugins.core.models import KnownMember
from plugins.tickets import service
from plugins.tickets.common import name_of
from plugins.tickets.env import Actor, Env, Outcome
from plugins.tickets.escalation import deliver
from plugins.tickets.models import Ticket
from plugins.tickets.parse import number_and_rest, reason_and_time
from plugins.tickets.render import number
from plugins.tickets.stats import progress_posts

from .auth import Scope
from .models import Session

# the state machine's names (tickets.states.TRANSITIONS) the console offers
ACTIONS = (
    "acknowledge",
    "dispatch",
    "progress",
    "pause",
    "resume",
    "resolve",
    "reject",
    "merge",
)
NEEDS_TEXT = {"progress", "pause", "resolve", "reject"}


def acting_group(env: Env, scope: Scope, ticket: Ticket) -> str | None:
    """The staff group the session acts for: one of its own among the
    ticket's staff groups, else the ticket's first staff group, else the
    ticket's group (so that the service finds the ticket in its estate)."""
    groups = env.staff_groups(ticket.group, ticket.category)
    mine = [g for g in groups if g in scope.staff_groups]
    return (mine or groups or [ticket.group])[0]


async def workers(env: Env, ticket: Ticket) -> list[tuple[str, str]]:
    """Who a ticket can be dispatched to: members seen in its staff groups."""
    groups = env.staff_groups(ticket.group, ticket.category)
    known = (
        await KnownMember.filter(group__in=groups).order_by("display_name").limit(200)
    )
    seen: dict[str, str] = {}
    for member in known:
        seen.setdefault(member.user, member.display_name or member.user)
    return sorted(seen.items(), key=lambda kv: kv[1])


async def run(
    env: Env,
    session: Session,
    scope: Scope,
    ticket: Ticket,
    action: str,
    form: dict[str, str],
    now: datetime,
) -> Outcome:
    group = acting_group(env, scope, ticket)
    in_staff_group = env.is_staff_group(group)
    locale = env.locale_of(group) if in_staff_group else session.locale
    name = session.name or await name_of(group, session.user)
    actor = Actor(user=session.user, name=name, group=group, locale=locale)
    text = " ".join(form.get("text", "").split())
    n = ticket.number
    if action in NEEDS_TEXT and not text:
        return Outcome(t(session.locale, "console.error.need_text"), ok=False)
    if action == "acknowledge":
        outcome = await service.acknowledge(env, actor, n, now=now)
    elif action == "dispatch":
        worker = form.get("worker") or None
        who = text or (await name_of(None, worker) if worker else "")
        if not who:
            return Outcome(t(session.locale, "console.error.need_worker"), ok=False)
        outcome = await service.dispatch(env, actor, n, worker, who, now=now)
    elif action == "progress":
        outcome = await service.progress(env, actor, n, text, now=now)
    elif action == "pause":
        reason, until = reason_and_time(text, now.astimezone(env.tz))
        outcome = await service.pause(env, actor, n, reason, until, now=now)
    elif action == "resume":
        outcome = await service.resume(env, actor, n, now=now)
    elif action == "resolve":
        outcome = await service.resolve(env, actor, n, text, now=now)
    elif action == "reject":
        outcome = await service.reject(env, actor, n, text, now=now)
    else:  # merge
        into, _ = number_and_rest(form.get("into", ""))
        if into is None:
            return Outcome(t(session.locale, "console.error.need_number"), ok=False)
        outcome = await service.merge(env, actor, n, into, now=now)
    if outcome.ok:
        deliver(outcome.outbox)
        if in_staff_group and group is not None:
            send_queue().send_group(group, outcome.reply)
        await audit(
            session.user,
            "console.action",
            group=group,
            target=number(n),
            button=action,
            estate=ticket.estate,
        )
    return outcome


async def publish(env: Env, session: Session, scope: Scope, now: datetime) -> int:
    """公示: the period's tracking table in each residents' group the session
    sees, now, through the function the periodic 【工单公示】 job calls;
    returns how many groups got one (a group without tickets gets none)."""
    groups = [g for g in scope.groups(env.config) if not env.is_staff_group(g)]
    posts = await progress_posts(env, now, groups)
    deliver(posts)
    await audit(session.user, "console.publish", groups=[p.target for p in posts])
    return len(posts)
