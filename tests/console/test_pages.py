"""The 工单 and 数据 pages and the buttons, over HTTP in process."""

from __future__ import annotations

import io
import re

from tests.console.support import PHONE, STAFF, WEST_ADMIN, report, signed_in
from tests.helpers import zh


def numbers(html: str) -> list[str]:
    return re.findall(r'/console/tickets/\d+">(#\d{4})<', html)


async def listed(browser, query: str) -> list[str]:
    """The numbers the table shows for ``/console/tickets?<query>``."""
    return numbers((await browser.get(f"/console/tickets?{query}")).text)


async def test_the_table_masks_and_shows_every_column() -> None:
    ticket = await report(f"楼道灯坏了，电话{PHONE}")
    browser = await signed_in(STAFF, "STAFF", "qq:2000")
    page = (await browser.get("/console/tickets")).text
    assert f"#{ticket.number:04d}" in numbers(page)
    assert PHONE not in page  # kept apart as the contact, shown on its page
    for key in ("number", "description", "building", "category", "created_at"):
        assert zh(f"console.col.{key}") in page
    for key in ("status", "assignee_name", "sla", "resolved_at", "rating"):
        assert zh(f"console.col.{key}") in page
    assert zh("tickets.status.new") in page and zh("console.sla.on_time") in page


async def test_filters_search_sort_and_pages(override_config) -> None:
    from plugins.tickets.models import Ticket

    override_config(console={"page_size": 5})
    lamps = [await report(f"过道灯不亮 {i}号") for i in range(6)]
    lift = await report("电梯停了不动")
    await Ticket.filter(id=lamps[0].id).update(status="rejected")
    browser = await signed_in(STAFF, "STAFF", "qq:2000")

    def n(t) -> str:
        return f"#{t.number:04d}"

    found = await listed(browser, "q=过道灯不亮")
    assert found == [n(t) for t in reversed(lamps)][:5]  # newest first, 5 a page
    second = (await browser.get("/console/tickets?q=过道灯不亮&page=2")).text
    assert numbers(second) == [n(lamps[0])]
    assert zh("console.page.of", page=2, pages=2) in second
    found = await listed(browser, "q=过道灯不亮&sort=number")
    assert found == [n(t) for t in lamps][:5]
    open_only = numbers(
        (await browser.get("/console/tickets?q=过道灯不亮&state=open")).text
    )
    assert n(lamps[0]) not in open_only and len(open_only) == 5
    rejected = (await browser.get("/console/tickets?q=过道灯不亮&state=rejected")).text
    assert numbers(rejected) == [n(lamps[0])]
    lifts = await listed(browser, "category=电梯&q=停了")
    assert lifts == [n(lift)]
    by_number = await listed(browser, f"q=%23{lift.number}")
    assert by_number == [n(lift)]
    assert await listed(browser, "q=过道灯&building=5") == []
    assert len(await listed(browser, "q=过道灯&building=3"))
    nobody = await listed(browser, "q=过道灯&assignee=-")
    assert len(nobody) == 5


async def test_overdue_filter_and_sla_states() -> None:
    from datetime import timedelta

    from plugins.tickets.env import now_utc
    from plugins.tickets.models import Ticket

    late = await report("垃圾没人清理")
    fine = await report("垃圾桶坏了")
    past = now_utc() - timedelta(minutes=1)
    await Ticket.filter(id=late.id).update(ack_due_at=past)
    browser = await signed_in(STAFF, "STAFF", "qq:2000")
    page = (await browser.get("/console/tickets?q=垃圾&overdue=1")).text
    assert numbers(page) == [f"#{late.number:04d}"]
    assert zh("console.sla.breached") in page
    all_page = (await browser.get("/console/tickets?q=垃圾")).text
    assert f"#{fine.number:04d}" in numbers(all_page)


async def test_the_ticket_page_shows_everything_and_is_audited() -> None:
    from plugins.core.models import AuditEntry

    ticket = await report(f"厨房水管漏水，电话{PHONE}")
    browser = await signed_in(STAFF, "STAFF", "qq:2000")
    page = (await browser.get(f"/console/tickets/{ticket.id}")).text
    assert PHONE in page  # the staff group's card shows it whole too
    assert ticket.reporter_name in page
    assert zh("console.ticket.timeline") in page and zh("tickets.action.report") in page
    for action in ("acknowledge", "dispatch", "resolve", "reject", "merge"):
        assert f'/console/tickets/{ticket.id}/{action}"' in page
    assert f'/console/tickets/{ticket.id}/resume"' not in page  # not paused
    viewed = AuditEntry.filter(action="console.view_ticket")
    entry = await viewed.order_by("-id").first()
    assert entry.actor == STAFF and entry.target == f"#{ticket.number:04d}"


async def test_accept_calls_the_service_and_the_groups_see_it(sent) -> None:
    from plugins.core.models import AuditEntry
    from plugins.tickets.models import TicketEvent

    ticket = await report("楼梯扶手松了")
    browser = await signed_in(STAFF, "STAFF", "qq:2000")
    page = await browser.get(f"/console/tickets/{ticket.id}")
    reply = await browser.post(
        f"/console/tickets/{ticket.id}/acknowledge", {"csrf": page.csrf()}
    )
    assert reply.status == 303 and reply.location == f"/console/tickets/{ticket.id}"
    await ticket.refresh_from_db()
    assert ticket.status == "acknowledged" and ticket.assignee == STAFF
    event = await TicketEvent.filter(ticket_id=ticket.id).order_by("-id").first()
    assert (event.action, event.actor) == ("acknowledge", STAFF)
    # the resident's group hears it as from /接单, mentioning the reporter
    (notice,) = [o for o in sent["delivered"] if o.target == "qq:1000"]
    assert "已受理" in notice.text and notice.mention == ticket.reporter
    # and the staff group sees the command's reply
    ((group, text),) = sent["posted"]
    assert group == "qq:2000" and f"#{ticket.number:04d}" in text
    after = (await browser.get(f"/console/tickets/{ticket.id}")).text
    assert text.splitlines()[0] in after  # the flash
    assert await AuditEntry.exists(action="tickets.acknowledge", actor=STAFF)
    assert await AuditEntry.exists(action="console.action", actor=STAFF)


async def test_dispatch_progress_pause_resolve_reject_merge(sent) -> None:
    first = await report("单元门禁刷不开")
    other = await report("单元门禁又坏了")
    browser = await signed_in(STAFF, "STAFF", "qq:2000")
    csrf = (await browser.get("/console/tickets")).csrf()

    async def act(ticket, action: str, **form: str) -> None:
        reply = await browser.post(
            f"/console/tickets/{ticket.id}/{action}", {"csrf": csrf, **form}
        )
        assert reply.status == 303
        await ticket.refresh_from_db()

    await act(first, "dispatch", worker=STAFF)
    assert first.status == "dispatched" and first.assignee_name == "李师傅"
    await act(first, "progress", text="")  # no text: refused, nothing changes
    assert first.status == "dispatched"
    page = (await browser.get(f"/console/tickets/{first.id}")).text
    assert zh("console.error.need_text") in page
    await act(first, "progress", text="配件已订")
    assert first.status == "in_progress"
    await act(first, "pause", text="等配件")
    assert first.status == "paused"
    await act(first, "resume")
    assert first.status == "in_progress"
    await act(first, "resolve", text="已更换读卡器")
    assert first.status == "resolved" and first.resolution == "已更换读卡器"
    await act(first, "reject", text="不归物业")  # illegal now: the service says so
    assert first.status == "resolved"
    page = (await browser.get(f"/console/tickets/{first.id}")).text
    assert zh("tickets.status.resolved") in page
    notices = [o.text for o in sent["delivered"] if o.target == "qq:1000"]
    assert any("配件已订" in text for text in notices)
    assert any("已更换读卡器" in text for text in notices)

    third = await report("车库道闸抬不起来")
    await act(third, "reject", text="属于停车公司")
    assert third.status == "rejected"
    await act(other, "merge", into=str(third.number))  # not open: refused
    assert other.status == "new"
    await act(other, "merge", into=f"#{first.number}")
    assert other.status == "new"  # resolved is not open either
    fourth = await report("门禁卡失灵")
    await act(other, "merge", into=str(fourth.number))
    assert other.status == "merged" and other.merged_into == fourth.number


async def test_a_button_without_its_csrf_token_does_nothing(sent) -> None:
    ticket = await report("消防通道堆了杂物")
    browser = await signed_in(STAFF, "STAFF", "qq:2000")
    for form in ({}, {"csrf": "wrong"}):
        reply = await browser.post(f"/console/tickets/{ticket.id}/acknowledge", form)
        assert reply.status == 403 and zh("console.problem.csrf") in reply.text
    page = await browser.get(f"/console/tickets/{ticket.id}")
    reply = await browser.post(
        f"/console/tickets/{ticket.id}/acknowledge",
        {"csrf": page.csrf()},
        headers={"origin": "http://evil.example"},
    )
    assert reply.status == 403
    await ticket.refresh_from_db()
    assert ticket.status == "new" and sent == {"delivered": [], "posted": []}


async def test_export_is_the_current_filter_masked_and_audited() -> None:
    from openpyxl import load_workbook

    from plugins.core.models import AuditEntry

    a = await report(f"绿化带杂草太多 {PHONE}")
    b = await report("绿化带树枝挡路")
    await report("小区噪音扰民")
    browser = await signed_in(STAFF, "STAFF", "qq:2000")
    reply = await browser.get("/console/tickets/export.csv?q=绿化带")
    assert reply.status == 200 and reply.body.startswith(b"\xef\xbb\xbf")
    assert "attachment" in reply.header("content-disposition")
    lines = reply.body.decode("utf-8-sig").splitlines()
    assert lines[0] == zh("console.export.columns")
    assert [line.split(",")[0] for line in lines[1:]] == [
        f"#{b.number:04d}",
        f"#{a.number:04d}",
    ]
    assert PHONE not in reply.text  # the contact is not exported
    reply = await browser.get("/console/tickets/export.xlsx?q=绿化带&sort=number")
    sheet = load_workbook(io.BytesIO(reply.body)).active
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == [
        f"#{a.number:04d}",
        f"#{b.number:04d}",
    ]
    entry = await AuditEntry.filter(action="console.export").order_by("-id").first()
    assert entry.actor == STAFF and entry.details["rows"] == 2


async def test_the_kpi_page_compares_with_the_previous_period(sent) -> None:
    ticket = await report("路灯不亮了")
    browser = await signed_in(STAFF, "STAFF", "qq:2000")
    csrf = (await browser.get("/console/tickets")).csrf()
    await browser.post(f"/console/tickets/{ticket.id}/acknowledge", {"csrf": csrf})
    for period in ("week", "month"):
        page = (await browser.get(f"/console/kpi?period={period}")).text
        assert page.count("<svg") == 4
        for key in ("response_median", "breach_rate", "csat", "reopen_rate"):
            assert zh(f"console.kpi.{key}") in page
        assert zh("console.kpi.previous") in page
        assert zh("console.kpi.by_category") in page
        row = re.search(r'kpi-count"><th>[^<]*</th><td[^>]*>(\d+)', page)
        assert row and int(row.group(1)) >= 1
    earlier = await browser.get("/console/kpi?period=week&back=1")
    assert earlier.status == 200 and zh("console.kpi.later") in earlier.text


async def test_english_and_the_language_switch() -> None:
    from plugins.core import t

    browser = await signed_in(STAFF, "STAFF", "qq:2000")
    page = await browser.get("/console/tickets")
    reply = await browser.post(
        "/console/lang", {"csrf": page.csrf(), "locale": "en", "back": "//evil"}
    )
    assert reply.location == "/console/tickets"
    english = (await browser.get("/console/kpi")).text
    assert t("en", "console.nav.kpi") in english and 'lang="en"' in english


async def test_publish_posts_the_tracking_table_in_the_groups_seen(sent) -> None:
    """公示 posts what the periodic 【工单公示】 job posts (tickets.stats.
    progress_posts), now, in the residents' groups of the admin's estate only;
    staff have no button and are refused; the form needs its CSRF token."""
    from plugins.core.models import AuditEntry

    await report(f"西区9栋水管漏水 {PHONE}", group="qq:81000")
    await report("3栋电梯异响")
    staff = await signed_in(STAFF, "STAFF", "qq:2000")
    page = await staff.get("/console/tickets")
    assert zh("console.tickets.publish") not in page.text
    reply = await staff.post("/console/tickets/publish", {"csrf": page.csrf()})
    assert reply.status == 403 and zh("console.tickets.publish_denied") in reply.text

    admin = await signed_in(WEST_ADMIN, "ADMIN", "qq:81000")
    page = await admin.get("/console/tickets")
    assert zh("console.tickets.publish") in page.text
    assert (await admin.post("/console/tickets/publish", {})).status == 403
    assert sent["delivered"] == []
    reply = await admin.post("/console/tickets/publish", {"csrf": page.csrf()})
    assert reply.status == 303
    ((post,),) = [sent["delivered"]]
    assert post.target == "qq:81000"  # 西区's residents only, not 主区's qq:1000
    header = zh("tickets.table.header", start="", end="").split("】")[0]
    assert post.text.startswith(header) and "水管漏水" in post.text
    assert PHONE not in post.text
    shown = (await admin.get("/console/tickets")).text
    assert zh("console.tickets.published", count=1) in shown
    entry = await AuditEntry.filter(action="console.publish").order_by("-id").first()
    assert entry is not None and entry.actor == WEST_ADMIN
