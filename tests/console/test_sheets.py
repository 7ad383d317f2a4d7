"""The 接龙 and 投票 pages and their buttons, over HTTP in process.

Sheets and votes are made through their plugins' service functions; what the
buttons post is compared with what the chat command posts (the literal texts
of tests/signup/test_handlers.py and tests/vote/test_handlers.py).
"""

from __future__ import annotations

import itertools
import re
from datetime import timedelta

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

MAIN = "qq:1000"  # 3栋业主群, estate console-main
WEST = "qq:81000"  # 西区业主群, estate console-west
_titles = itertools.count(1)


def unique(title: str) -> str:
    return f"{title}{next(_titles)}"


def member(user: str, household: str | None, name: str):
    from plugins.signup.service import Member

    shown = f"{household} {name}" if household else name
    return Member(user=user, display_name=shown, household=household, name=name)


async def make_sheet(group: str = MAIN, creator: str = "qq:60", **spec):
    from plugins.signup.parsing import CreateSpec
    from plugins.signup.service import create_sheet

    spec.setdefault("title", unique("周六义诊"))
    return await create_sheet(
        group,
        member(creator, None, "王经理"),
        CreateSpec(**spec),
        default_fields=[],
        per_household=False,
        max_open=100,
        remind_before=timedelta(hours=2),
    )


async def join(sheet, user: str, household: str, name: str, **data) -> None:
    from plugins.signup.parsing import EntryInput
    from plugins.signup.service import join as join_sheet

    await join_sheet(sheet.id, member(user, household, name), EntryInput(**data))


def sheet_titles(html: str) -> list[str]:
    return re.findall(r'/console/signups/\d+">\d+\. ([^<]+)<', html)


# --------------------------------------------------------------------------
# 接龙
# --------------------------------------------------------------------------


async def test_the_list_shows_the_seen_groups_newest_first_in_pages(
    override_config,
) -> None:
    override_config(console={"page_size": 5})
    mine = [await make_sheet(capacity=30) for _ in range(6)]
    west = await make_sheet(WEST)
    await join(mine[-1], "qq:61", "3-201", "张三", count=2)
    browser = await signed_in(STAFF, "STAFF", "qq:2000")
    page = (await browser.get("/console/signups")).text
    assert sheet_titles(page) == [s.title for s in reversed(mine)][:5]
    assert west.title not in page  # another estate's group
    assert "3栋业主群" in page and "2/30" in page and zh("console.signups.open") in page
    second = (await browser.get("/console/signups?page=2")).text
    assert mine[0].title in sheet_titles(second)
    assert zh("console.page.of", page=2, pages=2) in second


async def test_the_state_filter() -> None:
    from plugins.signup.service import close

    shut = await make_sheet()
    await close(shut.id, "qq:60")
    still = await make_sheet()
    browser = await signed_in(STAFF, "STAFF", "qq:2000")
    closed = (await browser.get("/console/signups?state=closed")).text
    assert shut.title in closed and still.title not in closed
    opened = (await browser.get("/console/signups?state=open")).text
    assert still.title in opened and shut.title not in opened


async def test_a_sheet_shows_its_entries_masked_as_the_group_does() -> None:
    from plugins.core.models import AuditEntry

    sheet = await make_sheet(capacity=1, fields=["电话"])
    await join(sheet, "qq:61", "3-201", "张三", values={"电话": PHONE})
    await join(sheet, "qq:62", "3-202", "李四", rest=f"电话{PHONE}")
    browser = await signed_in(STAFF, "STAFF", "qq:2000")
    reply = await browser.get(f"/console/signups/{sheet.id}")
    assert reply.status == 200
    page = reply.text
    assert PHONE not in page
    assert "3-201 张三 *******5678" in page  # a private field: the last 4
    assert "3-202 李四 电话138****5678" in page  # a number in a note
    assert page.index("张三") < page.index("李四")
    assert zh("signup.export.waitlist") in page  # 李四 waits for the one place
    entry = (
        await AuditEntry.filter(action="console.view_signup").order_by("-id").first()
    )
    assert entry.actor == STAFF and entry.target == f"sheet:{sheet.id}"
    assert entry.group == MAIN


async def test_refusals_no_session_other_estate_no_csrf(sent) -> None:
    sheet = await make_sheet(creator=WEST_STAFF)
    anonymous = Browser(app())
    for url in ("/console/signups", f"/console/signups/{sheet.id}"):
        assert (await anonymous.get(url)).status == 401
    reply = await anonymous.post(f"/console/signups/{sheet.id}/close", {"csrf": "x"})
    assert reply.status == 401
    west = await signed_in(WEST_STAFF, "STAFF", "qq:82000")
    for url in (
        f"/console/signups/{sheet.id}",
        f"/console/signups/{sheet.id}/export.csv",
    ):
        reply = await west.get(url)
        assert reply.status == 404 and zh("console.problem.not_found") in reply.text
    csrf = (await west.get("/console/signups")).csrf()
    reply = await west.post(f"/console/signups/{sheet.id}/close", {"csrf": csrf})
    assert reply.status == 404  # even as the creator: not a group of theirs
    admin = await signed_in(ADMIN, "ADMIN", None)
    for form in ({}, {"csrf": "wrong"}):
        reply = await admin.post(f"/console/signups/{sheet.id}/close", form)
        assert reply.status == 403 and zh("console.problem.csrf") in reply.text
    await sheet.refresh_from_db()
    assert sheet.status == "open" and sent["posted"] == []


async def test_close_posts_the_final_list_as_the_chat_command(sent) -> None:
    from plugins.core.models import AuditEntry

    title = unique("周六义诊")
    sheet = await make_sheet(title=title)
    await join(sheet, "qq:61", "3-2-201", "张三")
    browser = await signed_in(ADMIN, "ADMIN", None)
    page = await browser.get(f"/console/signups/{sheet.id}")
    assert f'/console/signups/{sheet.id}/close"' in page.text
    reply = await browser.post(
        f"/console/signups/{sheet.id}/close", {"csrf": page.csrf()}
    )
    assert reply.status == 303 and reply.location == f"/console/signups/{sheet.id}"
    # the reply of /接龙 结束 (tests/signup/test_handlers.py), in the group
    assert sent["posted"] == [
        (
            MAIN,
            f"【接龙】{title}（已结束）\n1. 3-2-201 张三\n"
            "已接龙 1 条，共 1\n接龙已结束。",
        )
    ]
    await sheet.refresh_from_db()
    assert sheet.status == "closed" and sheet.closed_by == ADMIN
    assert sheet.final_posted  # the deadline job posts nothing more
    after = (await browser.get(f"/console/signups/{sheet.id}")).text
    assert zh("console.signups.closed_done", title=title) in after
    assert f'/console/signups/{sheet.id}/close"' not in after
    assert await AuditEntry.exists(action="signup.close", actor=ADMIN)
    assert await AuditEntry.exists(action="console.action", actor=ADMIN)
    await browser.post(f"/console/signups/{sheet.id}/close", {"csrf": page.csrf()})
    assert len(sent["posted"]) == 1
    again = (await browser.get(f"/console/signups/{sheet.id}")).text
    assert zh("signup.error.closed", title=title) in again


async def test_remind_posts_the_deadline_jobs_reminder(sent) -> None:
    from plugins.core import format_time
    from plugins.tickets.env import now_utc

    deadline = now_utc() + timedelta(days=1)
    title = unique("团购")
    sheet = await make_sheet(title=title, capacity=2, deadline=deadline)
    await join(sheet, "qq:61", "3-201", "张三")
    browser = await signed_in(ADMIN, "ADMIN", None)
    csrf = (await browser.get(f"/console/signups/{sheet.id}")).csrf()
    reply = await browser.post(f"/console/signups/{sheet.id}/remind", {"csrf": csrf})
    assert reply.status == 303
    time = format_time(deadline, "zh-CN", "Asia/Shanghai")
    assert sent["posted"] == [
        (
            MAIN,
            f"【接龙提醒】「{title}」将于 {time} 截止，还剩 1 个名额（共 2）。\n"
            f"参加请发 +1，或 /接龙 + {sheet.number}",
        )
    ]
    page = (await browser.get(f"/console/signups/{sheet.id}")).text
    assert zh("console.signups.reminded", title=title) in page


async def test_only_the_creator_or_an_admin_closes_and_exports(sent) -> None:
    sheet = await make_sheet()
    browser = await signed_in(STAFF, "STAFF", "qq:2000")
    page = await browser.get(f"/console/signups/{sheet.id}")
    assert "/close" not in page.text and "export.csv" not in page.text
    assert zh("console.signups.manage_hint") in page.text
    reply = await browser.post(
        f"/console/signups/{sheet.id}/close", {"csrf": page.csrf()}
    )
    assert reply.status == 303
    after = (await browser.get(f"/console/signups/{sheet.id}")).text
    assert zh("core.denied", role=zh("core.role.admin")) in after
    assert (await browser.get(f"/console/signups/{sheet.id}/export.csv")).status == 404
    await sheet.refresh_from_db()
    assert sheet.status == "open" and sent["posted"] == []
    own = await make_sheet(creator=STAFF)  # the creator may
    reply = await browser.post(
        f"/console/signups/{own.id}/close", {"csrf": page.csrf()}
    )
    await own.refresh_from_db()
    assert own.status == "closed" and len(sent["posted"]) == 1


async def test_the_export_is_the_chat_export_whole_and_audited() -> None:
    from plugins.core.models import AuditEntry

    sheet = await make_sheet(fields=["房号", "人数", "电话"])
    await join(sheet, "qq:61", "3-201", "张三", count=2, values={"电话": PHONE})
    await join(sheet, "qq:62", "3-202", "李四", rest="素食")
    browser = await signed_in(ADMIN, "ADMIN", None)
    reply = await browser.get(f"/console/signups/{sheet.id}/export.csv")
    assert reply.status == 200 and reply.body.startswith(b"\xef\xbb\xbf")
    assert "attachment" in reply.header("content-disposition")
    lines = reply.body.decode("utf-8-sig").splitlines()
    assert lines[0] == "序号,状态,姓名,房号,电话,人数,备注,群昵称,用户ID,接龙时间"
    assert lines[1].startswith(f"1,正式,张三,3-201,{PHONE},2,,3-201 张三,qq:61,")
    assert lines[2].startswith("2,正式,李四,3-202,,1,素食,3-202 李四,qq:62,")
    assert len(lines) == 3
    xlsx = await browser.get(f"/console/signups/{sheet.id}/export.xlsx")
    assert xlsx.status == 200 and xlsx.body.startswith(b"PK")
    entry = await AuditEntry.filter(action="console.export").order_by("-id").first()
    assert entry.actor == ADMIN and entry.target == f"sheet:{sheet.id}"
