"""The 通知 pages over HTTP: the notices a session sees, coverage per building
and household, and the button that nudges the missing (as /通知 提醒 does)."""

from __future__ import annotations

import itertools
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tests.console.client import Browser
from tests.console.support import (
    ADMIN,
    PHONE,
    STAFF,
    WEST_ADMIN,
    WEST_STAFF,
    app,
    signed_in,
)
from tests.helpers import zh

TZ = ZoneInfo("Asia/Shanghai")
_groups = itertools.count(84100)
NUDGE = (  # as tests/notices' nudge test has it: phone numbers masked
    "【提醒】《停车证年审》还没有确认，请看到后回复 1：\n"
    "@5-1-102 乙 138****5678 @5-1-103 丙"
)


@pytest.fixture
def posted(monkeypatch):
    """What notices' sender (``jobs.send``, the chat's) was handed."""
    from plugins.notices import jobs

    record: list[tuple[str, str]] = []

    async def send(group: str, text: str) -> str:
        record.append((group, text))
        return str(len(record))

    monkeypatch.setattr(jobs, "send", send)
    return record


async def _estate_notice(override_config, posted) -> tuple[object, str]:
    """A residents' group of 主区 with five known households, a notice asking
    for confirmation posted there, and two households that confirmed."""
    from plugins.core import store
    from plugins.core.members import seen
    from plugins.notices import jobs, service
    from plugins.notices.parsing import parse_command

    group = f"qq:{next(_groups)}"
    override_config(
        groups={group: {"name": "5栋业主群", "role": "residents", "building": "5"}},
        notices={"weekly_cap": 0},
    )
    config = store.current
    pattern = config.core.household_pattern
    for user, name in (
        ("qq:84001", "5-1-101 甲"),
        ("qq:84002", "5-1-101 甲的家人"),
        ("qq:84003", f"5-1-102 乙 {PHONE}"),
        ("qq:84004", "5-1-103 丙"),
        ("qq:84005", "6-2-201 丁"),
    ):
        await seen(group, user, name, pattern)
    now = datetime.now(TZ)
    created = await service.create(
        parse_command("确认 停车证年审", now),
        actor=ADMIN,
        origin=group,
        config=config,
        now=now,
        estate_admin=True,
    )
    assert created.error is None, created.error
    await service.publish(created.notice.id, jobs.send, config, now)
    notice = await service.find(created.notice.id, None, True)
    assert await service.confirm(notice, group, "qq:84001", "5-1-101", "5-1-101 甲")
    assert await service.confirm(notice, group, "qq:84005", "6-2-201", "6-2-201 丁")
    posted.clear()
    return notice, group


async def test_the_list_and_the_coverage_of_a_notice(override_config, posted) -> None:
    from plugins.core.models import AuditEntry

    notice, _ = await _estate_notice(override_config, posted)
    browser = await signed_in(STAFF, "STAFF", "qq:2000")
    listing = await browser.get("/console/notices")
    assert listing.status == 200
    assert f'/console/notices/{notice.id}"' in listing.text
    assert "停车证年审" in listing.text and "2/4" in listing.text

    page = await browser.get(f"/console/notices/{notice.id}")
    assert page.status == 200
    text = page.text
    total = zh("notices.stats.total", people=2, households=2, known=4, percent="50%")
    assert total in text
    for building, confirmed, known, percent in (
        ("5", 1, 3, "33%"),
        ("6", 1, 1, "100%"),
    ):
        shown = zh(
            "notices.stats.building",
            building=building,
            confirmed=confirmed,
            known=known,
            percent=percent,
        )
        assert shown in text
    assert zh("console.notices_page.missing", count=2) in text  # 5-1-102, 5-1-103
    assert "5-1-102 乙 138****5678" in text and PHONE not in text
    assert "5-1-101 甲" in text and "6-2-201 丁" in text
    assert zh("console.notices_page.nudge") not in text  # staff: admins nudge
    entry = (
        await AuditEntry.filter(action="console.view_notice").order_by("-id").first()
    )
    assert entry.actor == STAFF and entry.target == f"notice:{notice.id}"


async def test_a_notice_of_another_estate_is_not_found(override_config, posted) -> None:
    notice, _ = await _estate_notice(override_config, posted)
    west = await signed_in(WEST_STAFF, "STAFF", "qq:82000")
    listing = await west.get("/console/notices")
    assert f'/console/notices/{notice.id}"' not in listing.text
    page = await west.get(f"/console/notices/{notice.id}")
    assert page.status == 404 and zh("console.problem.not_found") in page.text
    assert (await west.get("/console/notices/999999999")).status == 404


async def test_no_session_no_notices(override_config, posted) -> None:
    notice, _ = await _estate_notice(override_config, posted)
    browser = Browser(app())
    for url in ("/console/notices", f"/console/notices/{notice.id}"):
        reply = await browser.get(url)
        assert reply.status == 401 and zh("console.problem.no_session") in reply.text
    reply = await browser.post(f"/console/notices/{notice.id}/nudge", {"csrf": "x"})
    assert reply.status == 401 and posted == []


async def test_nudge_posts_what_the_chat_command_posts(override_config, posted) -> None:
    from plugins.core.models import AuditEntry

    notice, group = await _estate_notice(override_config, posted)
    browser = await signed_in(ADMIN, "ADMIN", None)
    page = await browser.get(f"/console/notices/{notice.id}")
    assert zh("console.notices_page.nudge") in page.text
    url = f"/console/notices/{notice.id}/nudge"
    assert (await browser.post(url, {})).status == 403  # no CSRF token
    assert posted == []

    reply = await browser.post(url, {"csrf": page.csrf()})
    assert reply.status == 303 and reply.location == f"/console/notices/{notice.id}"
    assert posted == [(group, NUDGE)]
    after = (await browser.get(reply.location)).text
    assert zh("notices.nudge.sent", households=2, messages=1) in after
    entry = await AuditEntry.filter(action="notices.nudge").order_by("-id").first()
    assert entry.actor == ADMIN and entry.target == f"notice:{notice.id}"

    again = await browser.post(url, {"csrf": page.csrf()})  # within nudge_every
    assert again.status == 303 and len(posted) == 1
    assert "已经提醒过" in (await browser.get(again.location)).text


async def test_staff_cannot_nudge(override_config, posted) -> None:
    notice, _ = await _estate_notice(override_config, posted)
    browser = await signed_in(STAFF, "STAFF", "qq:2000")
    page = await browser.get(f"/console/notices/{notice.id}")
    reply = await browser.post(
        f"/console/notices/{notice.id}/nudge", {"csrf": page.csrf()}
    )
    assert reply.status == 403
    assert zh("console.notices_page.nudge_denied") in reply.text
    assert posted == []


async def test_a_notice_also_in_groups_not_seen_is_nudged_from_the_chat(
    override_config, posted
) -> None:
    """A 群呼 to both estates: 西区's admin sees it (one of its groups got it)
    but does not see 主区's, so the button would name residents there too."""
    from plugins.core import store
    from plugins.notices import jobs, service
    from plugins.notices.parsing import parse_command

    main, west = f"qq:{next(_groups)}", f"qq:{next(_groups)}"
    override_config(
        groups={
            main: {"name": "主区群", "tags": ["全体"]},
            west: {
                "name": "西区群",
                "tags": ["全体"],
                "tickets": {"estate": "console-west"},
            },
        },
        notices={"weekly_cap": 0},
    )
    config, now = store.current, datetime.now(TZ)
    created = await service.create(
        parse_command("#全体 确认 消防演习", now),
        actor=ADMIN,
        origin=None,
        config=config,
        now=now,
        estate_admin=True,
    )
    assert created.error is None and created.groups == [main, west]
    await service.publish(created.notice.id, jobs.send, config, now)
    posted.clear()
    browser = await signed_in(WEST_ADMIN, "ADMIN", "qq:81000")
    page = await browser.get(f"/console/notices/{created.notice.id}")
    assert page.status == 200
    assert "西区群" in page.text and "主区群" not in page.text
    assert zh("console.notices_page.hidden_groups", count=1) in page.text
    reply = await browser.post(
        f"/console/notices/{created.notice.id}/nudge", {"csrf": page.csrf()}
    )
    assert reply.status == 303 and posted == []
    after = await browser.get(reply.location)
    flash = (
        f'<p class="flash" role="status">{zh("console.notices_page.nudge_elsewhere")}'
    )
    assert flash in after.text
