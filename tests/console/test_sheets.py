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


# --------------------------------------------------------------------------
# 投票
# --------------------------------------------------------------------------

FIFTH = "qq:1100"  # a residents' group of console-main with its own members
ROSTER = ["5-1-101 90", "5-1-102 80", "5-1-103 70"]


def fifth(override_config) -> None:
    override_config(
        groups={FIFTH: {"name": "5栋业主群", "role": "residents", "building": "5"}},
        vote={"households": ROSTER},
    )


async def make_vote(text: str, group: str = FIFTH, user: str = ADMIN):
    from zoneinfo import ZoneInfo

    from plugins.core import store
    from plugins.vote.parsing import parse_command
    from plugins.vote.service import create

    return await create(
        group,
        user,
        parse_command(text),
        config=store.current.section("vote", group),
        locale="zh-CN",
        tz=ZoneInfo("Asia/Shanghai"),
        building=store.current.group(group).building,
    )


async def ballot(vote, user: str, nickname: str, *choices: int) -> None:
    from plugins.core import parse_household
    from plugins.core.config import DEFAULT_HOUSEHOLD_PATTERN
    from plugins.vote.service import Voter, cast

    household = parse_household(nickname, DEFAULT_HOUSEHOLD_PATTERN)
    await cast(vote, Voter(user, nickname, household), choices)


async def known(group: str, user: str, nickname: str) -> None:
    from plugins.core.models import KnownMember

    await KnownMember.update_or_create(
        group=group, user=user, defaults={"display_name": nickname}
    )


async def test_the_votes_list_and_a_named_vote_with_masked_names(
    override_config,
) -> None:
    from plugins.core.models import AuditEntry

    fifth(override_config)
    title = unique("小区绿化方案")
    vote = await make_vote(f"{title} 方案A 方案B")
    west = await make_vote(unique("西区停车 地面 地下"), group=WEST)
    await ballot(vote, "qq:71", "5-1-101 张三", 1)
    await ballot(vote, "qq:72", f"李四{PHONE}", 2)
    await ballot(vote, "qq:73", "王五", 1)
    browser = await signed_in(STAFF, "STAFF", "qq:2000")
    listing = (await browser.get("/console/votes")).text
    assert f"#{vote.number} {title}" in listing and west.title not in listing
    assert "5栋业主群" in listing and "3 人" in listing
    page = (await browser.get(f"/console/votes/{vote.id}")).text
    assert re.search(r"1\. 方案A</td><td>2</td><td>66\.7%", page)
    assert re.search(r"2\. 方案B</td><td>1</td><td>33\.3%", page)
    assert "张三" in page and "李四138****5678" in page and PHONE not in page
    entry = await AuditEntry.filter(action="console.view_vote").order_by("-id").first()
    assert entry.actor == STAFF and entry.details["names"] is True
    assert (await browser.get(f"/console/votes/{west.id}")).status == 404


async def test_an_anonymous_vote_shows_counts_and_never_who(override_config) -> None:
    fifth(override_config)
    vote = await make_vote(unique("评议") + " 好 不好 匿名")
    await ballot(vote, "qq:71", "5-1-101 张三", 1)
    await ballot(vote, "qq:72", "5-1-102 李四", 1)
    browser = await signed_in(ADMIN, "ADMIN", None)
    page = (await browser.get(f"/console/votes/{vote.id}")).text
    assert re.search(r"1\. 好</td><td>2</td>", page)
    assert zh("console.votes.anonymous") in page
    for who in (
        "张三",
        "李四",
        "qq:71",
        "qq:72",
        "5-1-101",
        zh("console.votes.ballots"),
    ):
        assert who not in page
    assert "ballots.csv" not in page
    assert (await browser.get(f"/console/votes/{vote.id}/ballots.csv")).status == 404
    results = await browser.get(f"/console/votes/{vote.id}/results.csv")
    assert results.status == 200 and "张三" not in results.text


async def test_the_art_278_status_by_households_and_area(override_config) -> None:
    fifth(override_config)
    vote = await make_vote(unique("物业费调整") + " 业主决议")
    await ballot(vote, "qq:71", "5-1-101 张三", 1)  # 90 m², approves
    await ballot(vote, "qq:72", "5-1-102 李四", 2)  # 80 m², rejects
    browser = await signed_in(ADMIN, "ADMIN", None)
    page = (await browser.get(f"/console/votes/{vote.id}")).text
    assert zh("console.votes.art278") in page and zh("vote.decision.ordinary") in page

    def row(name: str) -> str:
        found = re.search(rf'threshold-{name}">(.*?)</tr>', page, re.S)
        assert found, name
        cells = re.sub(r"<[^>]+>", "|", found.group(1)).replace("&gt;", ">")
        return re.sub(r"\s+", "", cells)

    met = zh("vote.decision.met").replace(" ", "")
    not_met = zh("vote.decision.not_met").replace(" ", "")
    assert row("turnout_households") == f"|参与户数||2||3||66.7||≥2/3||{met}|"
    assert row("turnout_area") == f"|参与面积||170.00㎡||240.00㎡||70.8||≥2/3||{met}|"
    assert row("approval_households") == f"|同意户数||1||2||50.0||>1/2||{not_met}|"
    assert row("approval_area") == f"|同意面积||90.00㎡||170.00㎡||52.9||>1/2||{met}|"
    assert zh("vote.decision.failed") in page and zh("vote.decision.so_far") in page
    assert "2 户 / 3" in page  # turnout of the roster


async def test_close_posts_the_results_as_the_chat_command(
    override_config, sent
) -> None:
    from plugins.core.models import AuditEntry

    fifth(override_config)
    title = unique("小区绿化方案")
    vote = await make_vote(f"{title} 方案A 方案B", user="qq:74")
    await ballot(vote, "qq:71", "5-1-101 张三", 1)
    await ballot(vote, "qq:72", "5-1-102 李四", 1)
    browser = await signed_in(STAFF, "STAFF", "qq:2000")  # staff may close
    page = await browser.get(f"/console/votes/{vote.id}")
    assert f'/console/votes/{vote.id}/close"' in page.text
    assert (await browser.post(f"/console/votes/{vote.id}/close", {})).status == 403
    reply = await browser.post(f"/console/votes/{vote.id}/close", {"csrf": page.csrf()})
    assert reply.status == 303 and reply.location == f"/console/votes/{vote.id}"
    # the reply of /投票 结束 (tests/vote/test_handlers.py), in the group
    assert sent["posted"] == [
        (
            FIFTH,
            f"【投票结果】#{vote.number} {title}（已截止）\n"
            "1. 方案A  2票 100.0% ██████████\n"
            "2. 方案B  0票 0.0% ░░░░░░░░░░\n"
            "参与：2 人",
        )
    ]
    await vote.refresh_from_db()
    assert vote.status == "closed" and vote.announced  # the job posts no more
    after = (await browser.get(f"/console/votes/{vote.id}")).text
    assert zh("console.votes.closed_done", title=title) in after
    assert await AuditEntry.exists(action="vote.close", actor=STAFF)
    await browser.post(f"/console/votes/{vote.id}/close", {"csrf": page.csrf()})
    assert len(sent["posted"]) == 1
    again = (await browser.get(f"/console/votes/{vote.id}")).text
    assert zh("vote.error.closed", number=vote.number) in again
    anonymous = Browser(app())
    reply = await anonymous.post(f"/console/votes/{vote.id}/close", {"csrf": "x"})
    assert reply.status == 401


async def test_remind_posts_the_reminder_job_text(override_config, sent) -> None:
    from plugins.core import format_time

    fifth(override_config)
    group = "qq:1101"  # members of its own: the reminder counts them
    override_config(groups={group: {"name": "5栋二群", "role": "residents"}})
    title = unique("周末活动")
    vote = await make_vote(f"{title} 爬山 烧烤 截止 3天", group=group)
    for user, nickname in (
        ("qq:71", "张三"),
        ("qq:72", "李四"),
        ("qq:73", f"王五{PHONE}"),
    ):
        await known(group, user, nickname)
    await ballot(vote, "qq:71", "张三", 1)
    browser = await signed_in(ADMIN, "ADMIN", None)
    page = await browser.get(f"/console/votes/{vote.id}")
    assert re.search(r"尚未投票</dt><dd>2 人", page.text)
    reply = await browser.post(
        f"/console/votes/{vote.id}/remind", {"csrf": page.csrf()}
    )
    assert reply.status == 303
    time = format_time(vote.deadline, "zh-CN", "Asia/Shanghai")
    assert sent["posted"] == [
        (
            group,
            f"【投票提醒】#{vote.number}「{title}」将于 {time} 截止，"
            "还有 2 人没有投票。\n"
            "未投票：@王五138****5678\n"  # 李四 gets a real @; a phone is masked
            + zh("vote.howto.command", number=vote.number),
        )
    ]


async def test_exports_are_the_cli_rows(override_config) -> None:
    fifth(override_config)
    vote = await make_vote(unique("绿化") + " 方案A 方案B")
    await ballot(vote, "qq:71", "5-1-101 张三", 2)
    browser = await signed_in(ADMIN, "ADMIN", None)
    results = await browser.get(f"/console/votes/{vote.id}/results.csv")
    lines = results.body.decode("utf-8-sig").splitlines()
    assert results.body.startswith(b"\xef\xbb\xbf")
    assert lines[1:3] == ["选项,1,方案A,0,1,0.0,,,", "选项,2,方案B,1,1,100.0,,,"]
    ballots = await browser.get(f"/console/votes/{vote.id}/ballots.csv")
    rows = ballots.body.decode("utf-8-sig").splitlines()
    assert len(rows) == 2
    assert rows[1].startswith(
        f"{vote.id},{vote.number},5-1-101,qq:71,5-1-101 张三,2,方案B,"
    )
    staff = await signed_in(STAFF, "STAFF", "qq:2000")  # may close: may export
    assert (await staff.get(f"/console/votes/{vote.id}/results.csv")).status == 200
    hidden = await make_vote(unique("评选") + " 甲 乙 隐藏结果")
    await ballot(hidden, "qq:71", "5-1-101 张三", 1)
    page = (await browser.get(f"/console/votes/{hidden.id}")).text
    assert zh("console.votes.hidden") in page and "张三" not in page
    assert (await browser.get(f"/console/votes/{hidden.id}/results.csv")).status == 404


async def test_the_pages_in_english(override_config) -> None:
    from plugins.core import t
    from tests.console.support import link

    fifth(override_config)
    sheet = await make_sheet()
    vote = await make_vote(unique("Fees") + " 业主决议")
    browser = Browser(app())
    token = await link(ADMIN, "ADMIN", None, locale="en")
    assert (await browser.post(f"/console/login/{token}")).status == 303
    for url in ("/console/signups", f"/console/signups/{sheet.id}", "/console/votes"):
        reply = await browser.get(url)
        assert reply.status == 200 and 'lang="en"' in reply.text, url
    page = (await browser.get(f"/console/votes/{vote.id}")).text
    assert t("en", "console.votes.art278") in page
    assert (
        t("en", "console.nav.signups") in page and t("en", "console.nav.votes") in page
    )
