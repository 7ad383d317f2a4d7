"""The SLA ladder and the scheduler's job handlers.

For every open ticket one job is pending, keyed ``tickets:sla:<id>:<seq>``: the
next step of its ladder. A ladder is computed from the ticket's absolute
deadlines (``ladder``, pure): at ``nudge_at`` (80 %) of a deadline the assignee
is nudged; at the deadline the level-1 contact (主管) is mentioned in the staff
group; after each level's delay the next level (经理); then the last level is
repeated. Any change of the ticket re-arms (``arm``): the pending job is
cancelled and the next step of the new ladder is scheduled, so an
acknowledgement stops the acknowledgement ladder and progress re-arms the
update clock. A job whose ``seq`` is no longer the ticket's does nothing.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from nonebot import logger
from tortoise.exceptions import IntegrityError
from tortoise.expressions import F

from plugins.core import cancel, job_handler, port_for_group, schedule, send_queue, t

from .config import EscalationConfig
from .env import Env, Outgoing, now_utc
from .models import Ticket, TicketEvent
from .render import level_name, number, span, summary, when
from .sla import Calendar, add_business, business_between, nudge_time
from .states import WORKING, Status

SLA_JOB = "tickets.sla"


def job_key(ticket_id: int, seq: int) -> str:
    return f"tickets:sla:{ticket_id}:{seq}"


@dataclass(frozen=True)
class Step:
    at: datetime
    target: str  # acknowledge | update | resolve
    level: int  # 0: the nudge; 1…: escalation levels
    due: datetime
    repeat: int = 0


def targets(ticket: Ticket) -> list[tuple[str, datetime, float]]:
    """The deadlines the clock is running for: (name, due, SLA seconds)."""
    status = Status(ticket.status)
    found: list[tuple[str, datetime | None, float]] = []
    if status == Status.NEW:
        found = [
            ("acknowledge", ticket.ack_due_at, ticket.ack_seconds),
            ("resolve", ticket.resolve_due_at, ticket.resolve_seconds),
        ]
    elif status in WORKING:
        found = [
            ("update", ticket.update_due_at, ticket.update_seconds),
            ("resolve", ticket.resolve_due_at, ticket.resolve_seconds),
        ]
    return [(name, due, secs) for name, due, secs in found if due is not None]


def ladder(ticket: Ticket, esc: EscalationConfig, cal: Calendar) -> list[Step]:
    """Every step of the ticket's current ladders, in time order."""
    steps: list[Step] = []
    for target, due, seconds in targets(ticket):
        duration = timedelta(seconds=seconds)
        steps.append(Step(nudge_time(due, duration, esc.nudge_at, cal), target, 0, due))
        last = due
        for level, entry in enumerate(esc.levels, 1):
            last = add_business(due, entry.after, cal)
            steps.append(Step(last, target, level, due))
        top = len(esc.levels)
        for k in range(1, esc.repeat + 1):
            at = add_business(last, esc.repeat_every * k, cal)
            steps.append(Step(at, target, top, due, k))
    return sorted(steps, key=lambda s: (s.at, s.level))


async def arm(env: Env, ticket: Ticket, now: datetime) -> Step | None:
    """Replace the ticket's pending ladder job by the next step after ``now``."""
    if ticket.sla_seq == 0 and ticket.sla_mark is None:
        # a new ticket: no job to cancel, and nobody else has its row yet
        await Ticket.filter(id=ticket.id, sla_seq=0).update(sla_seq=1, sla_mark=now)
        ticket.sla_seq, ticket.sla_mark = 1, now
    else:
        await cancel(job_key(ticket.id, ticket.sla_seq))
        await Ticket.filter(id=ticket.id).update(sla_seq=F("sla_seq") + 1, sla_mark=now)
        await ticket.refresh_from_db(fields=["sla_seq", "sla_mark"])
    cfg = env.section(ticket.group)
    cal = env.calendar(ticket.hours, ticket.group)
    upcoming = [s for s in ladder(ticket, cfg.escalation, cal) if s.at > now]
    if not upcoming:
        return None
    await schedule(
        SLA_JOB,
        upcoming[0].at,
        {"id": ticket.id, "seq": ticket.sla_seq},
        key=job_key(ticket.id, ticket.sla_seq),
    )
    return upcoming[0]


async def run_step(
    env: Env, ticket_id: int, seq: int, now: datetime | None = None
) -> list[Outgoing]:
    """The ladder job: send what fell due since the last step, schedule the next."""
    now = now_utc(now)
    ticket = await Ticket.get_or_none(id=ticket_id)
    if ticket is None or ticket.sla_seq != seq:
        return []  # re-armed since: a newer job owns the ladder
    cfg = env.section(ticket.group)
    cal = env.calendar(ticket.hours, ticket.group)
    steps = ladder(ticket, cfg.escalation, cal)
    mark = ticket.sla_mark or ticket.created_at
    due = [s for s in steps if mark < s.at <= now]
    upcoming = [s for s in steps if s.at > now]
    level = max([s.level for s in due] + [ticket.escalation_level])
    won = await Ticket.filter(id=ticket.id, sla_seq=seq).update(
        sla_seq=seq + 1,
        sla_mark=now,
        breached=ticket.breached or any(s.level >= 1 for s in due),
        escalation_level=level,
    )
    if not won:
        return []
    if upcoming:
        await schedule(
            SLA_JOB,
            upcoming[0].at,
            {"id": ticket.id, "seq": seq + 1},
            key=job_key(ticket.id, seq + 1),
        )
    out: list[Outgoing] = []
    for step in collapse(due):
        out += _messages(env, ticket, step, cal, now)
        await TicketEvent.create(
            ticket_id=ticket.id,
            at=now,
            actor="linli",
            action="escalate" if step.level else "nudge",
            note=f"{step.target} L{step.level}" if step.level else step.target,
        )
    return out


def collapse(due: list[Step]) -> list[Step]:
    """What to send when several steps fell due at once (the bot was down): each
    escalation level once per deadline, and the nudge only if nothing is late."""
    chosen: dict[tuple[str, int], Step] = {}
    for step in due:
        chosen[(step.target, step.level)] = step  # the latest repeat wins
    late = {target for target, level in chosen if level >= 1}
    return [
        step
        for (target, level), step in chosen.items()
        if level >= 1 or target not in late
    ]


def _messages(
    env: Env, ticket: Ticket, step: Step, cal: Calendar, now: datetime
) -> list[Outgoing]:
    from .service import tell_staff

    cfg = env.section(ticket.group)
    tz = env.tz

    def values(locale: str) -> dict:
        return {
            "number": number(ticket.number),
            "n": ticket.number,
            "due": when(step.due, locale, tz),
            "left": span(business_between(now, step.due, cal), locale),
            "late": span(now - step.due, locale),
            "interval": span(timedelta(seconds=ticket.update_seconds), locale),
            "level": level_name(cfg, max(step.level, 1), locale),
            "summary": summary(ticket, cfg, locale, True),
        }

    if step.level == 0:
        category = cfg.categories.get(ticket.category)
        who = ticket.assignee or (
            category.assignees[0] if category and category.assignees else None
        )
        return tell_staff(env, ticket, f"tickets.nudge.{step.target}", values, [who])
    level = cfg.escalation.levels[step.level - 1]
    contacts: list[str | None] = list(level.contacts) or [None]
    key = f"tickets.escalate.{step.target}"
    out = tell_staff(env, ticket, key, values, contacts)
    if level.private:
        for user in level.contacts:
            out.append(
                Outgoing(user, t(ticket.locale, key, **values(ticket.locale)), True)
            )
    return out


# --------------------------------------------------------------------------
# sending and the job handlers
# --------------------------------------------------------------------------


def _log_failure(future) -> None:
    if not future.cancelled() and future.exception() is not None:
        logger.warning(f"tickets: a message could not be sent: {future.exception()}")


def deliver(outbox: list[Outgoing]) -> None:
    """Hand messages to core's send queue (in order per target, within budget)."""
    queue = send_queue()
    for item in outbox:
        if item.private:
            future = queue.send_private(item.target, item.text)
        else:
            future = queue.send_group(item.target, item.text, mention=item.mention)
        future.add_done_callback(_log_failure)


async def _online(env: Env, ticket_id: int) -> None:
    """Fail (so that the scheduler retries the job later) while no bot can speak
    in the ticket's groups: right after a restart the OneBot implementation may
    not have reconnected yet, and a step once taken is not taken again."""
    ticket = await Ticket.get_or_none(id=ticket_id)
    if ticket is None:
        return
    groups = env.staff_groups(ticket.group, ticket.category)
    for group in groups or ([ticket.group] if ticket.group else []):
        port_for_group(group)  # PlatformError (retryable) when none is online


@job_handler(SLA_JOB)
async def _sla_job(payload: dict) -> None:
    env = Env()
    await _online(env, int(payload["id"]))
    deliver(await run_step(env, int(payload["id"]), int(payload["seq"])))


@job_handler("tickets.close")
async def _close_job(payload: dict) -> None:
    from .service import auto_close

    env = Env()
    await _online(env, int(payload["id"]))
    deliver(await auto_close(env, int(payload["id"])))


@job_handler("tickets.resume")
async def _resume_job(payload: dict) -> None:
    from .service import auto_resume

    env = Env()
    await _online(env, int(payload["id"]))
    deliver(await auto_resume(env, int(payload["id"])))


PROGRESS_JOB = "tickets.progress"


def progress_key(at: datetime) -> str:
    return f"tickets:progress:{at.isoformat()}"


async def schedule_progress(env: Env, now: datetime | None = None) -> datetime:
    """Schedule the next periodic progress post (one per run time)."""
    from .sla import clock, next_post_time

    now = now_utc(now)
    cfg = env.section().progress
    at = next_post_time(
        now,
        cfg.every,
        clock(cfg.time),
        env.tz,
        weekday=cfg.weekday,
        monthday=cfg.monthday,
    )
    with contextlib.suppress(IntegrityError):  # another process scheduled it
        await schedule(PROGRESS_JOB, at, {"at": at.isoformat()}, key=progress_key(at))
    return at


async def ensure_progress(env: Env) -> None:
    """At start: make sure the self-rescheduling progress job exists."""
    from plugins.core.models import Job

    if not await Job.filter(
        kind=PROGRESS_JOB, status__in=["pending", "running"]
    ).exists():
        await schedule_progress(env)


@job_handler(PROGRESS_JOB)
async def _progress_job(payload: dict) -> None:
    from .stats import progress_posts

    env = Env()
    end = datetime.fromisoformat(payload["at"])
    try:
        posts = await progress_posts(env, end)
        for group in dict.fromkeys(post.target for post in posts):
            port_for_group(group)  # retried later while no bot is online
        deliver(posts)
    finally:
        await schedule_progress(env, max(end, now_utc()) + timedelta(seconds=1))
