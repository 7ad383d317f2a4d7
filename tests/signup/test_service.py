"""The signup service on the test database: places, waitlist, edits, households."""

from __future__ import annotations

import pytest

from tests.helpers import new_group
from tests.signup.util import entry, make_sheet, member, soon


async def test_numbers_per_group_and_deadline_jobs() -> None:
    from plugins.core.models import Job
    from plugins.signup.service import close_key, open_sheets, remind_key

    group = new_group()
    first = await make_sheet(group, title="义诊", deadline=soon(3 * 3600))
    second = await make_sheet(group, title="团购")
    other = await make_sheet(title="别的群")
    assert (first.number, second.number, other.number) == (1, 2, 1)
    assert [s.title for s in await open_sheets(group)] == ["义诊", "团购"]
    close = await Job.get(key=close_key(first.id))
    remind = await Job.get(key=remind_key(first.id))
    assert close.kind == "signup.close" and close.due_at == first.deadline
    assert (first.deadline - remind.due_at).total_seconds() == 7200
    assert not await Job.filter(key=close_key(second.id)).exists()


async def test_places_with_counts_then_strict_waitlist() -> None:
    from plugins.signup.models import IN, WAITLIST
    from plugins.signup.service import join, view

    sheet = await make_sheet(capacity=3, fields=["房号", "人数"])
    a = await join(sheet.id, member(1, "3-201"), entry(count=2))
    b = await join(sheet.id, member(2, "3-202"), entry(count=2))
    c = await join(sheet.id, member(3, "3-203"), entry(count=1))
    assert (a.entry.status, b.entry.status, c.entry.status) == (IN, WAITLIST, WAITLIST)
    shown = await view(sheet.id)
    assert [e.user for e in shown.entries] == ["qq:1", "qq:2", "qq:3"]
    assert (shown.used, shown.left, len(shown.waitlist)) == (2, 1, 2)


async def test_editing_replaces_and_never_overfills() -> None:
    from plugins.signup.service import SignupError, join, view

    sheet = await make_sheet(capacity=3, fields=["人数"])
    first = await join(sheet.id, member(1), entry(count=1, rest="带孩子"))
    again = await join(sheet.id, member(1), entry(count=2, rest="两个人"))
    assert (again.created, again.entry.id) == (False, first.entry.id)
    await join(sheet.id, member(2), entry(count=1))
    with pytest.raises(SignupError) as info:
        await join(sheet.id, member(1), entry(count=3))
    assert (info.value.key, info.value.values) == ("signup.error.no_room", {"left": 2})
    shown = await view(sheet.id)
    assert [(e.user, e.count, e.note) for e in shown.entries] == [
        ("qq:1", 2, "两个人"),
        ("qq:2", 1, ""),
    ]
    # editing down frees places for the waitlist
    await join(sheet.id, member(3), entry(count=1))
    down = await join(sheet.id, member(1), entry(count=1))
    assert [e.user for e in down.promoted] == ["qq:3"]


async def test_counts_take_places_on_a_sheet_without_count_field() -> None:
    """/接龙 周日包饺子 上限 5: "+2" is two people, "11人" is refused."""
    from plugins.signup.models import IN, WAITLIST
    from plugins.signup.service import SignupError, join, view

    sheet = await make_sheet(capacity=5)
    two = await join(sheet.id, member(1), entry(count=2), max_count=10)
    assert (two.entry.count, two.entry.status) == (2, IN)
    four = await join(sheet.id, member(2), entry(count=4), max_count=10)
    assert four.entry.status == WAITLIST  # 2 + 4 > 5
    one = await join(sheet.id, member(3), entry(), max_count=10)
    assert one.entry.status == WAITLIST  # first come, first in
    shown = await view(sheet.id)
    assert (shown.used, shown.left, shown.total) == (2, 3, 7)
    with pytest.raises(SignupError) as info:
        await join(sheet.id, member(4, "8-1-102"), entry(count=11), max_count=10)
    assert (info.value.key, info.value.values) == (
        "signup.error.count_range",
        {"limit": 10},
    )
    with pytest.raises(SignupError) as info:
        await join(sheet.id, member(4), entry(count=6), max_count=10)
    assert info.value.key == "signup.error.over_capacity"
    with pytest.raises(SignupError) as info:  # an edit is held to the limit too
        await join(sheet.id, member(1), entry(count=11), max_count=10)
    assert info.value.key == "signup.error.count_range"
    assert not await _exists(sheet.id, "qq:4")


async def _exists(sheet_id: int, user: str) -> bool:
    from plugins.signup.models import Entry

    return await Entry.filter(sheet_id=sheet_id, user=user).exists()


async def test_a_waitlisted_head_that_leaves_unblocks_the_smaller_ones() -> None:
    """5 places: A 4 in; B 3 and C 1 wait (C behind B, who does not fit). When
    B leaves (or is removed), C fits and moves in."""
    from plugins.signup.models import IN
    from plugins.signup.service import join, remove, view, withdraw

    for leave in ("withdraw", "remove"):
        sheet = await make_sheet(capacity=5)
        await join(sheet.id, member(1), entry(count=4))
        await join(sheet.id, member(2), entry(count=3))
        await join(sheet.id, member(3), entry(count=1))
        if leave == "withdraw":
            change = await withdraw(sheet.id, "qq:2")
        else:
            change = await remove(sheet.id, 2, "qq:500")
        assert [(e.user, e.status) for e in change.promoted] == [("qq:3", IN)]
        shown = await view(sheet.id)
        assert [(e.user, e.status) for e in shown.entries] == [
            ("qq:1", IN),
            ("qq:3", IN),
        ]


async def test_withdrawal_promotes_the_head_of_the_waitlist() -> None:
    from plugins.signup.models import IN
    from plugins.signup.service import SignupError, join, view, withdraw

    sheet = await make_sheet(capacity=2)
    for n in range(1, 6):
        await join(sheet.id, member(n), entry())
    change = await withdraw(sheet.id, "qq:1")
    assert [e.user for e in change.promoted] == ["qq:3"]
    assert change.promoted[0].status == IN
    shown = await view(sheet.id)
    assert [e.user for e in shown.participants] == ["qq:2", "qq:3"]
    assert [e.user for e in shown.waitlist] == ["qq:4", "qq:5"]
    # a waitlisted member leaving promotes nobody
    assert (await withdraw(sheet.id, "qq:5")).promoted == []
    with pytest.raises(SignupError) as info:
        await withdraw(sheet.id, "qq:1")
    assert info.value.key == "signup.error.not_in"


async def test_one_entry_per_person_is_a_database_constraint() -> None:
    from tortoise.exceptions import IntegrityError

    from plugins.signup.models import Entry

    sheet = await make_sheet()
    await Entry.create(sheet_id=sheet.id, user="qq:1", slot="u:qq:1")
    with pytest.raises(IntegrityError):
        await Entry.create(sheet_id=sheet.id, user="qq:1", slot="other")
    with pytest.raises(IntegrityError):
        await Entry.create(sheet_id=sheet.id, user="qq:2", slot="u:qq:1")


async def test_one_entry_per_household_when_asked() -> None:
    from plugins.signup.service import SignupError, join

    sheet = await make_sheet(per_household=True)
    await join(sheet.id, member(1, "3-2-201", "张三"), entry())
    with pytest.raises(SignupError) as info:
        await join(sheet.id, member(2, "3-2-201", "张四"), entry())
    assert (info.value.key, info.value.values) == (
        "signup.error.household_taken",
        {"name": "张三"},
    )
    # a typed household is the one that counts
    change = await join(
        sheet.id, member(2, "3-2-201", "张四"), entry(household="5-101")
    )
    assert (change.entry.household, change.entry.slot) == ("5-101", "hh:5-101")
    # without a known household, the person counts
    change = await join(sheet.id, member(3), entry())
    assert change.entry.slot == "u:qq:3"


async def test_admin_removes_a_line_by_its_number() -> None:
    from plugins.core.models import AuditEntry
    from plugins.signup.service import SignupError, join, remove, view

    sheet = await make_sheet(capacity=1)
    for n in (1, 2, 3):
        await join(sheet.id, member(n), entry())
    change = await remove(sheet.id, 1, "qq:500")
    assert change.entry.user == "qq:1"
    assert [e.user for e in change.promoted] == ["qq:2"]
    assert [e.user for e in (await view(sheet.id)).entries] == ["qq:2", "qq:3"]
    change = await remove(sheet.id, 2, "qq:500")  # line 2 is the waitlisted qq:3
    assert (change.entry.user, change.promoted) == ("qq:3", [])
    with pytest.raises(SignupError):
        await remove(sheet.id, 5, "qq:500")
    logged = await AuditEntry.filter(action="signup.remove", group=sheet.group)
    assert {a.target for a in logged} == {"qq:1", "qq:3"}


async def test_close_once_then_no_joins_but_withdrawals_still_promote() -> None:
    from plugins.core.models import Job
    from plugins.signup.models import CLOSED
    from plugins.signup.service import (
        SignupError,
        close,
        join,
        remind_key,
        withdraw,
    )

    sheet = await make_sheet(capacity=1, deadline=soon(3 * 3600))
    await join(sheet.id, member(1), entry())
    await join(sheet.id, member(2), entry())
    closed = await close(sheet.id, "qq:500")
    assert (closed.now, closed.sheet.status, closed.sheet.closed_by) == (
        True,
        CLOSED,
        "qq:500",
    )
    assert not (await close(sheet.id, "deadline")).now
    assert not await Job.filter(key=remind_key(sheet.id), status="pending").exists()
    with pytest.raises(SignupError) as info:
        await join(sheet.id, member(3), entry())
    assert info.value.key == "signup.error.closed"
    change = await withdraw(sheet.id, "qq:1")
    assert [e.user for e in change.promoted] == ["qq:2"]


async def test_lottery_draw_is_recorded_and_reproducible() -> None:
    from plugins.signup.lottery import draw
    from plugins.signup.models import APPLIED, IN, WAITLIST
    from plugins.signup.service import close, join, view

    sheet = await make_sheet(capacity=3, lottery=True, deadline=soon(), fields=["人数"])
    counts = [1, 2, 1, 1, 2, 1]
    for n, count in enumerate(counts, 1):
        change = await join(sheet.id, member(n), entry(count=count))
        assert change.entry.status == APPLIED
    before = await view(sheet.id)
    closed = await close(sheet.id, "deadline", seed=20261028)
    assert closed.draw is not None and closed.draw.seed == 20261028
    after = await view(sheet.id)
    assert after.sheet.draw == {
        "seed": 20261028,
        "entries": [e.id for e in before.entries],
    }
    # anyone re-running the draw from the published seed gets the same result
    expected = draw(list(enumerate(counts, 1)), 3, 20261028)
    winners = {before.entries[n - 1].user for n in expected.winners}
    assert {e.user for e in after.entries if e.status == IN} == winners
    assert [e.user for e in after.entries if e.status == WAITLIST] == [
        before.entries[n - 1].user for n in expected.waitlist
    ]
    assert after.used <= 3
    # the list shows, for each line, its number before the draw
    assert [after.applied_number(e) for e in after.entries] == [
        n for n in expected.order if n in expected.winners
    ] + expected.waitlist


@pytest.mark.usefixtures("app_scheduler_paused")  # it would run the job at once
async def test_a_list_changed_before_a_crash_is_reposted_at_start() -> None:
    from plugins.core.models import Job
    from plugins.signup.models import Sheet
    from plugins.signup.service import post_keys, repost_unposted

    sheet = await make_sheet()
    posted = await make_sheet()
    # joined, then the process died before asking for the re-post
    await Sheet.filter(id=sheet.id).update(version=5, posted_version=3)
    await Sheet.filter(id=posted.id).update(version=4, posted_version=4)
    await Job.filter(key__in=post_keys(sheet.id)).delete()
    assert await repost_unposted() >= 1
    assert await Job.filter(key__in=post_keys(sheet.id), status="pending").exists()
    assert not await Job.filter(key__in=post_keys(posted.id)).exists()


async def test_reposts_are_coalesced_into_one_pending_job() -> None:
    from plugins.core.models import Job
    from plugins.signup.service import post_keys, request_repost

    sheet = await make_sheet()
    for _ in range(20):
        await request_repost(sheet.id, 600)
    jobs = await Job.filter(key__in=post_keys(sheet.id), status="pending")
    assert len(jobs) == 1 and jobs[0].kind == "signup.post"
