"""The 问答 page over HTTP: unanswered questions, teach, attach, undo, refusals."""

from __future__ import annotations

import itertools
import re

from tests.console.client import Browser
from tests.console.support import STAFF, app, signed_in
from tests.helpers import zh

_n = itertools.count(1)


def unique(text: str) -> str:
    """A question no other test asks (the database is shared by the session)."""
    return f"{text}{next(_n)}号岗亭在哪里"


def section(group: str | None = "qq:1000"):
    from plugins.core import store

    return store.current.section("faq", group)


def asked(text: str, times: int = 1, group: str = "qq:1000") -> None:
    """Counted as a question nobody answered, as ``faq.respond`` counts it."""
    from plugins.faq.service import faq

    for _ in range(times):
        faq.record_unanswered(group, text, section(group))


async def answer_to(text: str, group: str = "qq:1000"):
    """What the group hears when a resident asks ``text``."""
    from plugins.faq.service import Asked, faq

    user = f"qq:{70000 + next(_n)}"
    return await faq.respond(section(group), Asked(text=text, user=user, group=group))


async def answered_by(text: str) -> str | None:
    """The entry that answers ``text`` at once, if any (asked in a group of
    its own each time: an answer has a cooldown per group)."""
    reply = await answer_to(text, group=f"qq:9{next(_n):05d}")
    if reply is None or reply.kind != "answer" or reply.entry is None:
        return None
    return reply.entry.key


async def test_refusals() -> None:
    from plugins.console.models import Session

    anonymous = Browser(app())
    assert (await anonymous.get("/console/faq")).status == 401
    for url in (
        "/console/faq/teach",
        "/console/faq/attach",
        "/console/faq/entries/1/undo",
    ):
        reply = await anonymous.post(url, {"csrf": "x"})
        assert reply.status == 401 and zh("console.problem.no_session") in reply.text
    # a role /问答 refuses (below staff) is refused here too, page and buttons
    resident = await signed_in("qq:4242", "RESIDENT", "qq:2000")
    page = await resident.get("/console/faq")
    assert page.status == 403 and zh("console.faq_page.denied") in page.text
    question = unique("快递柜")
    session = await Session.filter(user="qq:4242").order_by("-id").first()
    reply = await resident.post(
        "/console/faq/teach",
        {"csrf": session.csrf, "question": question, "answer": "东门"},
    )
    assert reply.status == 403
    # a form without its token
    browser = await signed_in(STAFF, "STAFF", "qq:2000")
    reply = await browser.post(
        "/console/faq/teach", {"question": question, "answer": "东门"}
    )
    assert reply.status == 403 and zh("console.problem.csrf") in reply.text
    assert await answered_by(question) is None


async def test_unanswered_most_asked_first_and_only_the_estates() -> None:
    once, thrice = unique("游泳池"), unique("自行车棚")
    west = unique("西区门岗")
    asked(once)
    asked(thrice, 3)
    asked(west, 5, group="qq:81000")
    browser = await signed_in(STAFF, "STAFF", "qq:2000")
    page = (await browser.get("/console/faq")).text
    assert page.index(thrice) < page.index(once)
    assert zh("console.faq_page.asked", count=3, where="3栋业主群") in page
    assert west not in page  # 西区 is another estate


async def test_teach_answers_in_the_group_and_undo_takes_it_back() -> None:
    from plugins.core.models import AuditEntry

    question = unique("充电桩")
    asked(question, 2)
    browser = await signed_in(STAFF, "STAFF", "qq:2000")
    page = await browser.get("/console/faq")
    assert question in page.text
    reply = await browser.post(
        "/console/faq/teach",
        {
            "csrf": page.csrf(),
            "group": "qq:1000",
            "question": question,
            "answer": "充电桩在地下二层B区，扫码使用。",
        },
    )
    assert reply.status == 303 and reply.location == "/console/faq"
    heard = await answer_to(question)
    assert heard.kind == "answer" and heard.text == "充电桩在地下二层B区，扫码使用。"
    key = heard.entry.key
    after = (await browser.get("/console/faq")).text
    assert zh("faq.added", key=key, question=question) in after  # the flash
    assert f'value="{question}"' not in after  # answered now: not listed
    entry = (
        await AuditEntry.filter(action="faq.add", actor=STAFF).order_by("-id").first()
    )
    assert entry.target == key

    page = await browser.get(f"/console/faq/entries/{key}")
    assert page.status == 200 and zh("faq.action.add") in page.text
    reply = await browser.post(
        f"/console/faq/entries/{key}/undo", {"csrf": page.csrf()}
    )
    assert reply.status == 303 and reply.location == f"/console/faq/entries/{key}"
    undone = (await browser.get(reply.location)).text
    action = zh("faq.action.add")
    assert zh("faq.undone", key=key, action=action) in undone
    assert zh("console.faq_page.deleted") in undone
    assert await answered_by(question) is None


async def test_attach_adds_a_phrasing_and_undo_removes_it() -> None:
    from plugins.faq.entries import Actor
    from plugins.faq.service import faq

    first = unique("羽毛球场")
    key = await faq.add(section(), Actor("qq:500"), [first], "羽毛球场在会所二楼。")
    other = unique("打羽毛球")
    asked(other)
    browser = await signed_in(STAFF, "STAFF", "qq:2000")
    page = await browser.get("/console/faq")
    assert f'<option value="{key}">{first}</option>' in page.text
    reply = await browser.post(
        "/console/faq/attach",
        {"csrf": page.csrf(), "group": "qq:1000", "question": other, "key": key},
    )
    assert reply.status == 303
    flash = (await browser.get("/console/faq")).text
    assert zh("console.faq_page.attached", key=key, question=other) in flash
    assert await answered_by(other) == key

    again = await browser.post(
        "/console/faq/attach",
        {"csrf": page.csrf(), "question": other, "key": key},
    )
    assert again.status == 303
    assert zh("faq.duplicate", key=key) in (await browser.get("/console/faq")).text

    await browser.post(f"/console/faq/entries/{key}/undo", {"csrf": page.csrf()})
    assert await answered_by(first) == key  # the entry stays
    assert await answered_by(other) != key


async def test_an_entry_for_another_estate_is_not_found() -> None:
    from plugins.faq import entries
    from plugins.faq.entries import Actor
    from plugins.faq.service import faq

    row = await entries.add(
        [unique("西区会所")], "西区会所九点开门。", Actor("qq:510"), groups=["qq:81000"]
    )
    faq.invalidate()
    browser = await signed_in(STAFF, "STAFF", "qq:2000")
    page = await browser.get("/console/faq")
    assert f"/console/faq/entries/{row.id}" not in page.text
    assert (await browser.get(f"/console/faq/entries/{row.id}")).status == 404
    reply = await browser.post(
        f"/console/faq/entries/{row.id}/undo", {"csrf": page.csrf()}
    )
    assert reply.status == 404
    question = unique("会所")
    reply = await browser.post(
        "/console/faq/attach",
        {"csrf": page.csrf(), "question": question, "key": str(row.id)},
    )
    assert reply.status == 303
    flash = (await browser.get("/console/faq")).text
    assert zh("faq.not_found", key=str(row.id)) in flash
    await row.refresh_from_db()
    assert question not in row.questions
    west = await signed_in("qq:8", "STAFF", "qq:82000")
    assert (await west.get(f"/console/faq/entries/{row.id}")).status == 200
    assert re.search(
        rf'/console/faq/entries/{row.id}"', (await west.get("/console/faq")).text
    )
