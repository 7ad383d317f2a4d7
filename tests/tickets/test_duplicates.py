"""Which reports join an open ticket, and which are only offered to staff.

Seen by users: ``/报修 电梯坏了`` (no place) was merged into #0002 of 5栋, and
``/report the lift in building 5 is broken`` in an English group into #0001 of
3栋 in another group. A report joins a ticket by itself only when both places
are known and the same; otherwise the new ticket's card asks 是不是 #0002？ with
the /合并 command.
"""

from __future__ import annotations

from tests.tickets.support import (
    BIG,
    ENGLISH,
    STAFF,
    T0,
    make_env,
    minutes,
    resident,
    staff,
    texts,
)

FIVE = "qq:71001"  # the 5栋 residents' group


def nobody(user: str, group: str, name: str = "老王", **kw):
    """A resident whose nickname says nothing about where they live."""
    return resident(user, group=group, name=name, household=None, **kw)


async def _count(env) -> int:
    from plugins.tickets.models import Ticket

    return await Ticket.filter(estate=env.section().estate).count()


async def _followers(env, n: int) -> list[str]:
    from plugins.tickets.models import Subscriber, Ticket

    ticket = await Ticket.get(estate=env.section().estate, number=n)
    return [s.user for s in await Subscriber.filter(ticket_id=ticket.id)]


async def test_a_report_without_a_place_is_offered_not_merged() -> None:
    from plugins.tickets import service

    env = make_env()
    await service.report(env, resident(), "电梯坏了", now=T0)  # 3-2-201: #0001
    five = resident("qq:50", group=FIVE, household=("5", "1", "101"))
    await service.report(env, five, "电梯坏了", now=T0 + minutes(1))  # #0002
    out = await service.report(
        env, nobody("qq:51", BIG), "电梯坏了", now=T0 + minutes(2)
    )
    assert "#0003" in out.reply and "关注" not in out.reply
    assert await _count(env) == 3
    assert await _followers(env, 2) == ["qq:50"]
    [card] = texts(out.outbox, STAFF)
    assert "是不是 #0002、#0001？" in card  # newest first
    assert "/合并 3 2" in card  # one command away


async def test_one_command_merges_what_was_offered() -> None:
    from plugins.tickets import service

    env = make_env()
    await service.report(env, resident(), "电梯坏了", now=T0)
    await service.report(env, nobody("qq:51", BIG), "电梯坏了", now=T0 + minutes(1))
    out = await service.merge(env, staff(), 2, 1, now=T0 + minutes(2))
    assert out.ok
    assert sorted(await _followers(env, 1)) == ["qq:42", "qq:51"]


async def test_a_ticket_without_a_place_absorbs_nothing() -> None:
    from plugins.tickets import service

    env = make_env()
    await service.report(env, nobody("qq:51", BIG), "电梯坏了", now=T0)
    out = await service.report(env, resident(), "电梯又坏了", now=T0 + minutes(1))
    assert "#0002" in out.reply
    assert "是不是 #0001？" in texts(out.outbox, STAFF)[0]


async def test_english_places_are_read_and_keep_tickets_apart() -> None:
    from plugins.tickets import service
    from plugins.tickets.models import Ticket

    env = make_env()
    await service.report(env, resident(), "电梯坏了", now=T0)  # 3栋: #0001
    en = nobody("qq:60", ENGLISH, name="Alice", locale="en")
    out = await service.report(
        env, en, "the lift in building 5 is broken", now=T0 + minutes(1)
    )
    assert "#0002" in out.reply and "Bldg 5" in out.reply
    ticket = await Ticket.get(estate=env.section().estate, number=2)
    assert ticket.building == "5"
    assert "是不是" not in texts(out.outbox, STAFF)[0]  # 5 is not 3: no question
    # the same place said again, in the same group: one ticket
    bob = nobody("qq:61", ENGLISH, name="Bob", locale="en")
    again = await service.report(
        env, bob, "Bldg 5 lift stopped again", now=T0 + minutes(2)
    )
    assert "#0002" in again.reply and "you now follow it" in again.reply
    assert await _followers(env, 2) == ["qq:60", "qq:61"]


async def test_groups_of_different_buildings_are_never_merged() -> None:
    from plugins.tickets import service

    env = make_env()
    await service.report(env, resident(), "3栋电梯坏了", now=T0)  # from 3栋's group
    # someone in 5栋's group writes about 3栋: maybe the same, staff decide
    five = resident("qq:50", group=FIVE, household=("5", "1", "101"))
    out = await service.report(env, five, "三栋电梯坏了", now=T0 + minutes(1))
    assert "#0002" in out.reply
    assert "/合并 2 1" in texts(out.outbox, STAFF)[0]


async def test_known_places_in_one_group_still_merge() -> None:
    from plugins.tickets import service

    env = make_env()
    await service.report(env, resident(), "电梯坏了", now=T0)
    neighbour = resident("qq:43", household=("3", "2", "502"))
    out = await service.report(env, neighbour, "3栋电梯不动了", now=T0 + minutes(1))
    assert "#0001" in out.reply and "关注" in out.reply
    assert await _count(env) == 1
    assert await _followers(env, 1) == ["qq:42", "qq:43"]
