"""The 群规 page over HTTP: cases with masked evidence, appeals, the
blacklist, pardon as /撤销 does it, and who may see and do what."""

from __future__ import annotations

import itertools

import pytest

from tests.console.client import Browser
from tests.console.support import (
    ADMIN,
    PHONE,
    STAFF,
    WEST_STAFF,
    app,
    signed_in,
)
from tests.helpers import zh
from tests.rules.fakes import FakePort, RecordingOutbox

_members = itertools.count(1)


@pytest.fixture
def outbox(monkeypatch):
    """What rules says in the groups, recorded; the platform is a fake port."""
    from plugins.console import rules_pages
    from plugins.rules import service

    box = RecordingOutbox()
    previous = service.use_outbox(box)
    port = FakePort()
    monkeypatch.setattr(rules_pages, "port_for_group", lambda group: port)
    box.port = port  # type: ignore[attr-defined]
    yield box
    service.use_outbox(previous)


async def offend(group: str = "qq:1000", text: str = "加微信领鸡蛋", user=None):
    """A violation judged by rules' own service (an ad), as the guard does."""
    from plugins.core import store
    from plugins.rules import service

    config = store.current
    user = user or f"qq:{880000 + next(_members)}"
    offence = service.Offence(
        group=group, user=user, name="3-2-201 王五", rule="ads",
        reason="rules.reason.link", detail="x.com", text=text, message_id="9",
    )  # fmt: skip
    outcome = await service.enforce(
        offence, port=FakePort(), cfg=config.section("rules", group), config=config
    )
    assert outcome.case is not None
    return outcome


async def test_refusals(outbox) -> None:
    case = (await offend()).case
    anonymous = Browser(app())
    for url in ("/console/rules", f"/console/rules/cases/{case.id}"):
        assert (await anonymous.get(url)).status == 401
    reply = await anonymous.post(
        f"/console/rules/cases/{case.id}/pardon", {"csrf": "x"}
    )
    assert reply.status == 401
    # 西区's staff do not see 主区's cases: not found, whatever the number
    west = await signed_in(WEST_STAFF, "STAFF", "qq:82000")
    assert (await west.get(f"/console/rules/cases/{case.id}")).status == 404
    listed = (await west.get("/console/rules")).text
    assert f'/console/rules/cases/{case.id}"' not in listed
    # staff see the case, but pardoning is for admins (as /撤销)
    staff = await signed_in(STAFF, "STAFF", "qq:2000")
    page = await staff.get(f"/console/rules/cases/{case.id}")
    assert page.status == 200 and zh("console.rules_page.denied") in page.text
    reply = await staff.post(
        f"/console/rules/cases/{case.id}/pardon", {"csrf": page.csrf()}
    )
    assert reply.status == 403 and zh("console.rules_page.denied") in reply.text
    admin = await signed_in(ADMIN, "ADMIN", None)
    reply = await admin.post(f"/console/rules/cases/{case.id}/pardon", {})
    assert reply.status == 403 and zh("console.problem.csrf") in reply.text
    await case.refresh_from_db()
    assert case.pardoned_at is None


async def test_cases_mask_the_evidence_and_are_audited(outbox) -> None:
    from plugins.core.models import AuditEntry

    case = (await offend(text=f"低价出租车位，电话{PHONE}")).case
    browser = await signed_in(STAFF, "STAFF", "qq:2000")
    listed = (await browser.get("/console/rules")).text
    assert f'/console/rules/cases/{case.id}"' in listed
    page = (await browser.get(f"/console/rules/cases/{case.id}")).text
    for html in (listed, page):
        assert PHONE not in html and "138****5678" in html
        assert "3-2-201 王五" in html
    assert zh("rules.reason.link") in page and zh("rules.action.warn") in page
    entry = (
        await AuditEntry.filter(action="console.view_cases", actor=STAFF)
        .order_by("-id")
        .first()
    )
    assert entry.target == f"#{case.id}" and entry.group == "qq:1000"
    assert await AuditEntry.exists(
        action="console.view_cases", actor=STAFF, target="list"
    )


async def test_appeals_and_the_blacklist_of_the_estate(outbox) -> None:
    from plugins.core import store
    from plugins.rules import service

    case = (await offend()).case
    await service.appeal(case.id, case.user, f"我没发广告，打我电话{PHONE}")
    banned = (await offend(user="qq:8812345")).case
    await service.blacklist(banned, store.current, ports=lambda group: FakePort())
    browser = await signed_in(STAFF, "STAFF", "qq:2000")
    page = (await browser.get("/console/rules")).text
    appeals = page[: page.index(zh("console.rules_page.cases", shown=50))]
    assert f"#{case.id}" in appeals and "我没发广告，打我电话138****5678" in appeals
    blacklist = page[page.index(zh("console.rules_page.blacklist")) :]
    assert "qq:8812345" in blacklist
    west = await signed_in(WEST_STAFF, "STAFF", "qq:82000")
    assert "qq:8812345" not in (await west.get("/console/rules")).text


async def test_pardon_does_what_the_command_does(outbox) -> None:
    from plugins.rules import service

    user = f"qq:{880000 + next(_members)}"
    await offend(user=user)
    muted = await offend(user=user)  # the second strike mutes
    assert muted.action == "mute"
    case = muted.case
    admin = await signed_in(ADMIN, "ADMIN", None)
    page = await admin.get(f"/console/rules/cases/{case.id}")
    assert f"/console/rules/cases/{case.id}/pardon" in page.text
    reply = await admin.post(
        f"/console/rules/cases/{case.id}/pardon", {"csrf": page.csrf()}
    )
    assert reply.status == 303 and reply.location == f"/console/rules/cases/{case.id}"
    said = "\n".join(
        [
            zh("rules.cmd.pardoned", case=case.id, count=1),
            zh("rules.cmd.pardon_unmuted"),
        ]
    )
    assert outbox.to("qq:2000")[-1] == said  # the staff group hears /撤销's reply
    assert outbox.port.calls[-1] == ("unmute", ("qq:1000", user))
    assert await service.active_strikes("qq:1000", user, 30 * 86400) == 1
    after = (await admin.get(reply.location)).text
    assert zh("rules.cmd.pardon_unmuted") in after  # the flash
    assert zh("console.rules_page.pardoned_badge") in after
    assert f"/console/rules/cases/{case.id}/pardon" not in after
    again = await admin.post(
        f"/console/rules/cases/{case.id}/pardon", {"csrf": page.csrf()}
    )
    assert again.status == 303
    flash = (await admin.get(reply.location)).text
    assert zh("rules.cmd.pardon_already", case=case.id) in flash
