"""The SLA ladder: nudge at 80 %, level 1 on breach, level 2 later; an
acknowledgement stops it, progress re-arms it, a pause stops the clock and the
deadlines live in the database (a restart reads them back)."""

from __future__ import annotations

from datetime import timedelta

from tests.tickets.support import STAFF, T0, make_env, minutes, resident, staff


async def _ticket(env, n: int = 1):
    from plugins.tickets.models import Ticket

    return await Ticket.get(estate=env.section().estate, number=n)


async def _pending(ticket) -> list:
    from plugins.core.models import Job

    return await Job.filter(
        key__startswith=f"tickets:sla:{ticket.id}:", status="pending"
    )


async def test_the_ladder_of_a_new_ticket() -> None:
    from plugins.tickets import service
    from plugins.tickets.escalation import ladder

    env = make_env()
    await service.report(env, resident(), "楼道灯坏了", now=T0)
    ticket = await _ticket(env)
    cfg = env.section()
    steps = ladder(ticket, cfg.escalation, env.calendar("service"))
    ack = [(s.at, s.level, s.repeat) for s in steps if s.target == "acknowledge"]
    assert ack == [
        (T0 + minutes(4), 0, 0),  # 80 % of 5 minutes
        (T0 + minutes(5), 1, 0),  # breach: 主管
        (T0 + minutes(35), 2, 0),  # 30 minutes later: 经理
        (T0 + minutes(95), 2, 1),  # once more an hour later
    ]
    resolve = [s for s in steps if s.target == "resolve"]
    # 24 h of service time (08:00-20:00) from Monday 09:00 is Wednesday 09:00
    assert resolve[1].at == T0 + timedelta(days=2)
    [job] = await _pending(ticket)
    assert job.due_at == T0 + minutes(4)
    assert job.payload == {"id": ticket.id, "seq": ticket.sla_seq}


async def test_nudge_then_breach_then_level_two() -> None:
    from plugins.core.models import Job
    from plugins.tickets import service
    from plugins.tickets.escalation import job_key, run_step

    env = make_env()
    await service.report(env, resident(), "楼道灯坏了", now=T0)
    ticket = await _ticket(env)

    seq = ticket.sla_seq
    out = await run_step(env, ticket.id, seq, now=T0 + minutes(4))
    [nudge] = out
    assert (
        nudge.target == STAFF
        and "【提醒】#0001" in nudge.text
        and "1分钟" in nudge.text
    )
    ticket = await _ticket(env)
    assert ticket.sla_seq == seq + 1 and not ticket.breached
    job = await Job.get(key=job_key(ticket.id, seq + 1))
    assert job.due_at == T0 + minutes(5)

    out = await run_step(env, ticket.id, seq + 1, now=T0 + minutes(5))
    [breach] = out
    assert (breach.mention, breach.target) == ("qq:600", STAFF)
    assert "【超时】#0001" in breach.text and "主管" in breach.text
    ticket = await _ticket(env)
    assert ticket.breached and ticket.escalation_level == 1

    out = await run_step(env, ticket.id, seq + 2, now=T0 + minutes(35))
    [manager] = out
    assert manager.mention == "qq:700" and "经理" in manager.text
    # a stale job (an older seq) does nothing
    assert await run_step(env, ticket.id, seq, now=T0 + minutes(40)) == []


async def test_after_downtime_each_level_is_told_once_and_no_late_nudge() -> None:
    from plugins.tickets import service
    from plugins.tickets.escalation import run_step

    env = make_env()
    await service.report(env, resident(), "楼道灯坏了", now=T0)
    ticket = await _ticket(env)
    out = await run_step(env, ticket.id, ticket.sla_seq, now=T0 + minutes(100))
    assert [o.mention for o in out] == ["qq:600", "qq:700"]
    assert all("【超时】" in o.text for o in out)


async def test_acknowledgement_stops_the_ladder_and_progress_rearms_it() -> None:
    from plugins.tickets import service
    from plugins.tickets.escalation import run_step

    env = make_env()
    await service.report(env, resident(), "楼道灯坏了", now=T0)
    before = await _ticket(env)
    await service.acknowledge(env, staff(), 1, now=T0 + minutes(3))
    ticket = await _ticket(env)
    assert ticket.sla_seq > before.sla_seq
    assert await run_step(env, ticket.id, before.sla_seq, now=T0 + minutes(5)) == []
    # the next step is the update reminder: 80 % of 4 h after 09:03
    [job] = await _pending(ticket)
    assert job.due_at == T0 + minutes(3) + timedelta(hours=3.2)
    await service.progress(env, staff(), 1, "配件已订", now=T0 + minutes(120))
    ticket = await _ticket(env)
    assert ticket.update_due_at == T0 + minutes(120) + timedelta(hours=4)
    [job] = await _pending(ticket)
    assert job.due_at == T0 + minutes(120) + timedelta(hours=3.2)
    # the update reminder mentions the assignee
    out = await run_step(env, ticket.id, ticket.sla_seq, now=job.due_at)
    assert [o.mention for o in out] == ["qq:7"] and "/进展 1" in out[0].text


async def test_pause_stops_the_clock_over_the_night_and_survives_a_restart() -> None:
    from plugins.tickets import service
    from plugins.tickets.env import Env

    env = make_env()
    await service.report(env, resident(), "楼道灯坏了", now=T0)  # Mon 09:00
    await service.acknowledge(env, staff(), 1, now=T0 + minutes(2))
    ticket = await _ticket(env)
    resolve_due = ticket.resolve_due_at
    assert resolve_due == T0 + timedelta(days=2)  # Wed 09:00
    # paused Mon 18:00 → no ladder while paused
    await service.pause(env, staff(), 1, "等配件", now=T0.replace(hour=18))
    ticket = await _ticket(env)
    assert ticket.status == "paused" and await _pending(ticket) == []

    # "restart": a new Env from the same config file, the ticket read back
    restarted = Env(env.config)
    again = await _ticket(restarted)
    assert again.resolve_due_at == resolve_due and again.paused_at is not None

    # resumed Tue 10:00: paused 2 h Monday evening + 2 h Tuesday morning
    await service.resume(restarted, staff(), 1, now=T0.replace(day=5, hour=10))
    ticket = await _ticket(restarted)
    assert ticket.resolve_due_at == resolve_due + timedelta(hours=4)
    assert ticket.paused_seconds == 4 * 3600
    assert ticket.status == "in_progress" and await _pending(ticket)


async def test_expected_resume_time_resumes_by_itself() -> None:
    from plugins.core.models import Job
    from plugins.tickets import service

    env = make_env()
    await service.report(env, resident(), "楼道灯坏了", now=T0)
    await service.acknowledge(env, staff(), 1, now=T0 + minutes(1))
    until = T0 + minutes(120)
    out = await service.pause(env, staff(), 1, "等配件", until, now=T0 + minutes(60))
    assert "11:00" in out.reply and "11:00" in out.outbox[0].text
    ticket = await _ticket(env)
    job = await Job.get(key=f"tickets:resume:{ticket.id}", status="pending")
    assert job.due_at == until
    resumed = await service.auto_resume(env, ticket.id, now=until)
    assert any(o.mention == "qq:7" for o in resumed)
    assert any(o.mention == "qq:42" for o in resumed)
    ticket = await _ticket(env)
    assert ticket.status == "in_progress"
    assert ticket.paused_seconds == 3600
    assert await service.auto_resume(env, ticket.id, now=until) == []


async def test_resolution_ends_the_ladder_and_schedules_the_auto_close() -> None:
    from plugins.core.models import Job
    from plugins.tickets import service

    env = make_env()
    await service.report(env, resident(), "楼道灯坏了", now=T0)
    await service.resolve(env, staff(), 1, "好了", now=T0 + minutes(2))
    ticket = await _ticket(env)
    assert await _pending(ticket) == []
    job = await Job.get(key=f"tickets:close:{ticket.id}", status="pending")
    assert job.due_at == T0 + minutes(2) + timedelta(hours=48)
    await service.rate(env, resident(), 1, 4, now=T0 + minutes(3))
    assert not await Job.filter(key=f"tickets:close:{ticket.id}").exists()
