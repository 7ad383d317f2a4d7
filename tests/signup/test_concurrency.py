"""200 members join a 50-place sheet at the same moment (SQLite; PostgreSQL when
LINLI_TEST_DATABASE_URL is set): exactly 50 in, 150 waitlisted, nobody twice,
numbers 1…200 without a gap."""

from __future__ import annotations

import asyncio
import re

from tests.signup.util import entry, make_sheet, member


def _style():
    from plugins.signup.render import Style

    return Style("zh-CN", "Asia/Shanghai", {"人数": "人"}, max_lines=1000)


async def test_two_hundred_simultaneous_joins_to_fifty_places() -> None:
    from plugins.signup.models import IN, WAITLIST, Entry
    from plugins.signup.render import render_sheet
    from plugins.signup.service import join, view

    sheet = await make_sheet(capacity=50)
    people = [member(10_000 + n) for n in range(200)]
    # everyone at once, and the first 20 tap twice
    calls = [join(sheet.id, m, entry(rest="第1次")) for m in people]
    calls += [join(sheet.id, m, entry(rest="第2次")) for m in people[:20]]
    results = await asyncio.gather(*calls, return_exceptions=True)
    failures = [r for r in results if isinstance(r, BaseException)]
    assert not failures, failures[:3]

    rows = await Entry.filter(sheet_id=sheet.id)
    users = [r.user for r in rows]
    assert len(users) == len(set(users)) == 200
    assert sum(r.status == IN for r in rows) == 50
    assert sum(r.status == WAITLIST for r in rows) == 150
    assert sum(r.count for r in rows if r.status == IN) == 50

    shown = await view(sheet.id)
    assert (len(shown.participants), len(shown.waitlist), shown.left) == (50, 150, 0)
    text = render_sheet(shown, _style())
    numbers = [int(n) for n in re.findall(r"^(\d+)\. ", text, re.MULTILINE)]
    assert numbers == list(range(1, 201))
    lines = text.splitlines()
    assert lines[lines.index("候补：") - 1].startswith("50. ")
    assert lines[lines.index("候补：") + 1].startswith("51. ")


async def test_simultaneous_joins_of_one_household_make_one_entry() -> None:
    from plugins.signup.models import Entry
    from plugins.signup.service import SignupError, join

    sheet = await make_sheet(capacity=100, per_household=True)
    people = [member(20_000 + n, household=f"3-{100 + n // 2}") for n in range(40)]
    results = await asyncio.gather(
        *(join(sheet.id, m, entry()) for m in people), return_exceptions=True
    )
    refused = [r for r in results if isinstance(r, SignupError)]
    assert all(r.key == "signup.error.household_taken" for r in refused)
    assert len(refused) == 20
    rows = await Entry.filter(sheet_id=sheet.id)
    assert len(rows) == 20
    assert len({r.household for r in rows}) == 20
