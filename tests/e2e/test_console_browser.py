"""物业工作台 in a real browser: Debian's chromium driven by Playwright.

The flow staff follow every morning, end to end and with nothing faked but the
QQ program: a resident reports a fault in the group over the OneBot v11
WebSocket (shaped as NapCat sends it, see tests/helpers/e2e.py); a member of
the staff group sends /工作台 and gets the link privately; the browser opens
it, finds the ticket in the table, presses 受理; the resident is told in the
group; the 数据 page counts the ticket.

Every page the header links to is then opened at phone width (360 px) and at
desktop width, and a screenshot of each is written to ``LINLI_SCREENSHOTS``
(default ``.artifacts/console/`` in the checkout, ignored by git) for a
reviewer to look at. Playwright launches the system's chromium through
``executable_path``; it never downloads a browser (.ci/run installs
Debian's ``chromium``).
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from tests.helpers import LinliProcess, text_of

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("LINLI_CHROMIUM") or shutil.which("chromium")
SHOTS = Path(os.environ.get("LINLI_SCREENSHOTS") or ROOT / ".artifacts" / "console")
WIDTHS = {"phone": (360, 740), "desktop": (1280, 900)}

pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="no chromium on this machine (apt-get install chromium; .ci/run does)",
)

CONFIG = """
core:
  admins: ["qq:500"]
  scheduler:
    poll_seconds: 0.2
    retry_base_seconds: 0.5
groups:
  "qq:1000":
    name: 3栋业主群
    role: residents
    building: "3"
  "qq:2000":
    name: 物业工作群
    role: staff
tickets:
  service_hours: {start: "00:00", end: "24:00"}
  progress: {enabled: false}
"""
PHONE = "13812345678"


def _to(group: int, *words: str):
    def check(call) -> bool:
        text = text_of(call)
        return call.params.get("group_id") == group and all(w in text for w in words)

    return check


async def _link(onebot, user: int = 7, card: str = "李师傅") -> str:
    """/工作台 in the staff group: the link arrives privately."""
    await onebot.group_message("/工作台", group=2000, user=user, card=card)
    private = await onebot.expect_call(
        "send_private_msg", where=lambda c: c.params.get("user_id") == user
    )
    found = re.search(r"https?://\S+/console/login/[\w-]+", text_of(private))
    assert found, text_of(private)
    return found.group(0)


@pytest.fixture
def shots() -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    return SHOTS


async def _screenshots(page, name: str) -> None:
    for label, (width, height) in WIDTHS.items():
        await page.set_viewport_size({"width": width, "height": height})
        await page.screenshot(path=SHOTS / f"{name}-{label}.png", full_page=True)
        # phone first: nothing may be wider than the screen
        overflow = await page.evaluate(
            "document.documentElement.scrollWidth - window.innerWidth"
        )
        assert overflow <= 1, f"{name} is {overflow}px wider than {width}px"


async def _a_morning_in_the_group(onebot) -> None:
    """A 接龙 with two sign-ups and a vote with a ballot, typed in the group as
    residents type them, so the 接龙 and 投票 pages have something to show."""
    seen = len(onebot.calls)
    await onebot.group_message("/接龙 周六义诊", user=500, card="王经理")
    await onebot.expect_call("send_msg", where=_to(1000, "周六义诊"), after=seen)
    await onebot.group_message("+1", user=1, card="3-2-201 张三")
    await onebot.group_message("+1", user=2, card="3-1-102 李四")
    seen = len(onebot.calls)
    await onebot.group_message("/投票 小区绿化方案 方案A 方案B", user=500, role="admin")
    await onebot.expect_call("send_msg", where=_to(1000, "小区绿化方案"), after=seen)
    await onebot.group_message("1", user=1, card="3-2-201 张三")


async def _every_page(page, site: str, done: set[str] = frozenset()) -> set[str]:
    """Open each page the header links to (but those in ``done``), check it
    answers 200 and take its screenshots; returns the links found."""
    links = page.locator("header nav a")
    targets = [
        await links.nth(i).get_attribute("href") or ""
        for i in range(await links.count())
    ]
    for href in targets:
        if href in done:
            continue
        response = await page.goto(site + href)
        assert response is not None and response.status == 200, href
        await _screenshots(page, href.rstrip("/").rsplit("/", 1)[-1])
    return set(targets)


async def test_staff_accept_a_report_in_the_browser(
    linli_process: LinliProcess, shots: Path
) -> None:
    from playwright.async_api import async_playwright

    linli_process.config_text = CONFIG
    await linli_process.start()
    try:
        async with linli_process.connect() as onebot:
            await onebot.group_message(f"/报修 3栋2单元楼道灯坏了，电话{PHONE}")
            await onebot.expect_call("send_msg", where=_to(1000, "#0001"))
            await _a_morning_in_the_group(onebot)
            link = await _link(onebot)

            async with async_playwright() as pw:
                browser = await pw.chromium.launch(
                    executable_path=CHROMIUM, args=["--no-sandbox"]
                )
                page = await browser.new_page(viewport={"width": 360, "height": 740})

                # the link's page is a button (link previews must not use it up)
                await page.goto(link)
                await page.get_by_role("button").click()
                await page.wait_for_url("**/console/tickets")
                row = page.locator("table tr", has_text="#0001")
                await row.wait_for()
                assert "楼道灯坏了" in await row.inner_text()
                assert PHONE not in await page.content()  # masked in the table
                await _screenshots(page, "tickets")

                await row.get_by_role("link", name="#0001").click()
                await page.wait_for_url(re.compile(r".*/console/tickets/\d+$"))
                await _screenshots(page, "ticket")
                before = len(onebot.calls)
                await page.locator("form.action-acknowledge button").click()
                await page.wait_for_selector(".flash")
                told = await onebot.expect_call(
                    "send_group_msg", where=_to(1000, "已受理"), after=before
                )
                assert "#0001" in text_of(told)
                timeline = await page.locator(".timeline").inner_text()
                assert "接单" in timeline  # the event the chat's /接单 records

                await page.goto(link.split("/console/")[0] + "/console/kpi")
                count = page.locator("tr.kpi-count td").first
                assert (await count.inner_text()).strip() == "1"

                # every page in the header, at both widths
                site = link.split("/console/")[0]
                seen = await _every_page(page, site)
                assert {"/console/tickets", "/console/kpi"} <= seen
                assert "/console/config" not in seen  # admins only
                for kind, words in (("signups", "3-1-102"), ("votes", "方案A")):
                    await page.goto(f"{site}/console/{kind}")
                    await page.locator(
                        f"main a[href^='/console/{kind}/']"
                    ).first.click()
                    await page.wait_for_url(re.compile(rf".*/console/{kind}/\d+$"))
                    assert words in await page.locator("main").inner_text()
                    await _screenshots(page, kind.rstrip("s"))

                # an admin (a browser of their own) also has 配置
                admin = await browser.new_page(viewport={"width": 360, "height": 740})
                await admin.goto(await _link(onebot, user=500, card="物业经理"))
                await admin.get_by_role("button").click()
                await admin.wait_for_url("**/console/tickets")
                assert "/console/config" in await _every_page(admin, site, seen)
                await browser.close()
    finally:
        await linli_process.stop()
        print(linli_process.log()[-6000:])  # shown when the test fails
