"""What /工单 <n> and the ladder's messages say: words in the group's
language, never the names kept in the tables (seen by users: "时限提醒:
acknowledge", "超时升级: acknowledge L2")."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from tests.tickets.support import BASE, T0, make_env, minutes, resident, staff

INTERNAL = re.compile(r"\b(acknowledge|update|resolve|in_progress|L\d)\b")


async def _escalated(env):
    """#0001 nudged, escalated to level 1, then to level 2 (nobody took it)."""
    from plugins.tickets import service
    from plugins.tickets.escalation import run_step
    from plugins.tickets.models import Ticket

    await service.report(env, resident(), "楼道灯坏了", now=T0)
    for at in (4, 5, 35):
        ticket = await Ticket.get(estate=env.section().estate, number=1)
        await run_step(env, ticket.id, ticket.sla_seq, now=T0 + minutes(at))
    await service.transfer(env, staff(), 1, "保洁", now=T0 + minutes(36))


async def test_history_says_the_ladder_in_chinese() -> None:
    from plugins.tickets import service

    env = make_env()
    await _escalated(env)
    out = await service.show(env, resident(), 1, staff=False, now=T0 + minutes(40))
    assert "接单时限提醒" in out.reply
    assert "接单超时，升级到一级（主管）" in out.reply
    assert "接单超时，升级到二级（经理）" in out.reply
    assert "转单: 水电 → 保洁" in out.reply  # categories by their names here
    assert not INTERNAL.search(out.reply), out.reply


async def test_history_says_the_ladder_in_english() -> None:
    from plugins.tickets import service

    env = make_env()
    await _escalated(env)
    english = resident(locale="en")
    out = await service.show(env, english, 1, staff=False, now=T0 + minutes(40))
    assert "acknowledgement deadline reminder" in out.reply
    assert "acknowledgement overdue, escalated to level 2 (经理)" in out.reply
    assert "transfer: Water & power → Cleaning" in out.reply  # not 水电 → 保洁
    assert not INTERNAL.search(out.reply.replace("acknowledgement", "")), out.reply


async def test_an_unknown_note_is_shown_as_it_is() -> None:
    """A row written by an older or newer linli: shown, not crashed on."""
    from plugins.tickets import service
    from plugins.tickets.models import Ticket, TicketEvent

    env = make_env()
    await service.report(env, resident(), "楼道灯坏了", now=T0)
    ticket = await Ticket.get(estate=env.section().estate, number=1)
    await TicketEvent.create(
        ticket_id=ticket.id, at=T0, actor="linli", action="escalate", note="other L9"
    )
    out = await service.show(env, resident(), 1, staff=False, now=T0 + minutes(1))
    assert "超时升级: other L9" in out.reply


def test_levels_in_words() -> None:
    from plugins.tickets.render import level_name

    cfg = make_env().section()
    assert level_name(cfg, 1, "zh-CN") == "一级（主管）"
    assert level_name(cfg, 2, "en") == "level 2 (经理)"
    assert level_name(cfg, 7, "zh-CN") == "第7级"  # no such level (any more)
    assert level_name(cfg, 7, "en") == "level 7"


async def test_escalations_reach_an_english_staff_group_in_english() -> None:
    from plugins.core.config import load
    from plugins.tickets import service
    from plugins.tickets.env import Env
    from plugins.tickets.escalation import run_step
    from plugins.tickets.models import Ticket

    text = BASE.format(estate=f"detail-en-{id(object())}", extra="").replace(
        "{name: 物业工作群, role: staff}", "{name: Staff, role: staff, locale: en}"
    )
    path = Path(tempfile.mkdtemp(prefix="linli-tickets-")) / "linli.yaml"
    path.write_text(text, encoding="utf-8")
    env = Env(load(path))
    await service.report(env, resident(), "楼道灯坏了", now=T0)
    ticket = await Ticket.get(estate=env.section().estate, number=1)
    out = await run_step(env, ticket.id, ticket.sla_seq, now=T0 + minutes(100))
    summary = "Water & power | Bldg 3 Unit 2 Rm 201 | 楼道灯坏了"
    assert [o.text.split(";")[1].strip() for o in out] == [
        f"escalated to level 1 (主管). {summary}",
        f"escalated to level 2 (经理). {summary}",
    ]
