"""报事报修 end to end: the real bot over a OneBot v11 WebSocket, with an SLA of
seconds (the deadlines are configuration; nothing sleeps for minutes)."""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta

from tests.helpers import ApiCall, LinliProcess, text_of

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
  sla:
    normal: {acknowledge: 4s, update: 1h, resolve: 1h}
  escalation:
    levels:
      - {name: 主管, contacts: ["qq:600"]}
      - {name: 经理, contacts: ["qq:700"], after: 3s}
    repeat: 1
    repeat_every: 3s
  progress: {enabled: false}
"""
PHONE = "13812345678"


def mentioned(call: ApiCall) -> list[str]:
    message = call.params.get("message")
    if not isinstance(message, list):
        return []
    return [str(seg["data"]["qq"]) for seg in message if seg["type"] == "at"]


def to_group(group: int, *words: str, mention: str | None = None):
    def check(call: ApiCall) -> bool:
        text = text_of(call)
        return (
            call.params.get("group_id") == group
            and all(word in text for word in words)
            and (mention is None or mention in mentioned(call))
        )

    return check


def resident_saw(onebot) -> list[str]:
    return [
        text_of(call)
        for call in onebot.calls
        if call.action in {"send_msg", "send_group_msg"}
        and call.params.get("group_id") == 1000
    ]


async def test_report_escalate_acknowledge_resolve_rate(
    linli_process: LinliProcess,
) -> None:
    linli_process.config_text = CONFIG
    await linli_process.start()
    try:
        async with linli_process.connect() as onebot:
            reported = time.monotonic()
            await onebot.group_message(f"/报修 3栋2单元楼道灯坏了，电话{PHONE}")
            receipt = await onebot.expect_call(
                "send_msg", where=to_group(1000, "#0001")
            )
            assert "已收到" in text_of(receipt)
            card = await onebot.expect_call(
                "send_group_msg", where=to_group(2000, "#0001", PHONE, "/接单 1")
            )
            assert "楼道灯坏了" in text_of(card)

            # nobody acknowledges: the nudge at 80 % (3.2 s), then level 1 at 4 s
            nudge = await onebot.expect_call(
                "send_group_msg", where=to_group(2000, "【提醒】#0001"), timeout=15
            )
            assert time.monotonic() - reported >= 3.0
            level1 = await onebot.expect_call(
                "send_group_msg",
                where=to_group(2000, "【超时】#0001", "主管", mention="600"),
                timeout=15,
            )
            assert time.monotonic() - reported >= 4.0
            level2 = await onebot.expect_call(
                "send_group_msg",
                where=to_group(2000, "【超时】#0001", "经理", mention="700"),
                timeout=15,
            )
            assert onebot.calls.index(nudge) < onebot.calls.index(level1)
            assert onebot.calls.index(level1) < onebot.calls.index(level2)

            # a staff-group member acknowledges: the ladder stops
            await onebot.group_message("/接单 1", group=2000, user=7, card="李师傅")
            await onebot.expect_call("send_msg", where=to_group(2000, "已受理 #0001"))
            acked_at = len(onebot.calls)
            await onebot.expect_call(
                "send_group_msg", where=to_group(1000, "已受理", mention="42")
            )
            # the repeat would have come 3 s after level 2: wait past it
            await asyncio.sleep(max(0.0, reported + 12 - time.monotonic()))
            later = [c for c in onebot.calls[acked_at:] if "【超时】" in text_of(c)]
            assert later == []

            await onebot.group_message("/完成 1 已更换灯泡", group=2000, user=7)
            await onebot.expect_call("send_msg", where=to_group(2000, "已完成"))
            await onebot.expect_call(
                "send_group_msg",
                where=to_group(1000, "已更换灯泡", "/评价 1", mention="42"),
            )
            await onebot.group_message("/评价 1 5 修得很快")
            await onebot.expect_call("send_msg", where=to_group(1000, "谢谢"))

            await onebot.group_message("/工单 1", user=50, card="3-1-101 王五")
            detail = await onebot.expect_call(
                "send_msg", where=to_group(1000, "【工单】#0001")
            )
            assert "已评价" in text_of(detail)

            seen = "\n".join(resident_saw(onebot))
            for step in ("已收到", "已受理", "已处理完成", "谢谢", "已评价"):
                assert step in seen, step
            assert PHONE not in seen
    finally:
        await linli_process.stop()
        print(linli_process.log()[-6000:])  # shown when the test fails


async def _ticket(linli_process: LinliProcess, number: int):
    from tortoise.context import TortoiseContext

    from plugins.core.storage import tortoise_config
    from plugins.tickets.models import Ticket

    async with TortoiseContext() as ctx:
        await ctx.init(config=tortoise_config(linli_process.database_url))
        ticket = await Ticket.get(number=number)
        await ctx.close_connections()
    return ticket


async def test_sla_clock_survives_a_kill_and_counts_paused_time(
    linli_process: LinliProcess,
) -> None:
    try:
        await _kill_and_restart(linli_process)
    finally:
        for run in range(1, linli_process.runs + 1):
            log = linli_process.log_path(run).read_text(
                encoding="utf-8", errors="replace"
            )
            print(f"--- run {run}\n{log[-5000:]}")  # shown when the test fails


async def _kill_and_restart(linli_process: LinliProcess) -> None:
    linli_process.config_text = CONFIG
    await linli_process.start()
    async with linli_process.connect() as onebot:
        await onebot.group_message("/报修 楼道灯坏了")
        await onebot.expect_call("send_msg", where=to_group(1000, "#0001"))
        await onebot.group_message("/报修 门禁坏了", user=43, card="3-1-101 王五")
        await onebot.expect_call("send_msg", where=to_group(1000, "#0002"))
        await onebot.group_message("/接单 2", group=2000, user=7)
        await onebot.expect_call("send_msg", where=to_group(2000, "已受理 #0002"))
        await onebot.group_message("/挂起 2 等配件", group=2000, user=7)
        await onebot.expect_call("send_msg", where=to_group(2000, "已挂起"))
    before = await _ticket(linli_process, 2)
    assert before.status == "paused"
    linli_process.kill()  # a crash: #0001's deadline passes while the bot is down
    down = time.monotonic()
    await asyncio.sleep(5)

    await linli_process.start()
    try:
        async with linli_process.connect() as onebot:
            # what fell due while down fires at start: the escalation of #0001
            await onebot.expect_call(
                "send_group_msg",
                where=to_group(2000, "【超时】#0001", mention="600"),
                timeout=20,
            )
            await onebot.group_message("/进展 2 配件到了，下午更换", group=2000, user=7)
            await onebot.expect_call("send_msg", where=to_group(2000, "已记录"))
            paused_for = time.monotonic() - down
            await onebot.expect_call(
                "send_group_msg", where=to_group(1000, "配件到了", mention="43")
            )
    finally:
        await linli_process.stop()
    after = await _ticket(linli_process, 2)
    assert after.status == "in_progress" and after.paused_at is None
    shifted = after.resolve_due_at - before.resolve_due_at
    assert shifted >= timedelta(seconds=paused_for)  # the paused time is not counted
    assert after.paused_seconds >= paused_for
    first = await _ticket(linli_process, 1)
    assert first.breached and first.escalation_level >= 1


WITH_BIG_GROUP = CONFIG.replace(
    '  "qq:2000":\n',
    '  "qq:1001":\n    name: 小区业主大群\n    role: residents\n  "qq:2000":\n',
)


async def test_followers_are_mentioned_and_unplaced_reports_are_offered(
    linli_process: LinliProcess,
) -> None:
    """Seen by users: the neighbour whose report was linked was never
    @-mentioned, and a report without a place was merged into another
    building's ticket. Here: both neighbours in 3栋's group are mentioned in
    one post; 老王 (no household, a group without a building) gets a ticket of
    his own, and the staff card asks 是不是 #0001？ with the /合并 command."""
    linli_process.config_text = WITH_BIG_GROUP
    await linli_process.start()
    try:
        async with linli_process.connect() as onebot:
            await onebot.group_message("/报修 电梯坏了")  # 3-2-201 张三 (42)
            await onebot.expect_call("send_msg", where=to_group(1000, "#0001"))
            await onebot.group_message("/报修 电梯又停了", user=43, card="3-2-502 李四")
            await onebot.expect_call(
                "send_msg", where=to_group(1000, "#0001", "已为您关注")
            )
            await onebot.group_message(
                "/报修 电梯坏了", group=1001, user=44, card="老王"
            )
            await onebot.expect_call("send_msg", where=to_group(1001, "#0002"))
            card = await onebot.expect_call(
                "send_group_msg", where=to_group(2000, "【报修】#0002")
            )
            assert "是不是 #0001？" in text_of(card) and "/合并 2 1" in text_of(card)

            seen = len(onebot.calls)
            await onebot.group_message("/接单 1", group=2000, user=7, card="李师傅")
            notice = await onebot.expect_call(
                "send_group_msg", where=to_group(1000, "已受理"), after=seen
            )
            assert mentioned(notice) == ["42", "43"]

            await onebot.group_message("/合并 2 1", group=2000, user=7)
            merged = await onebot.expect_call(
                "send_group_msg", where=to_group(1001, "已合并"), after=seen
            )
            assert mentioned(merged) == ["44"]

            seen = len(onebot.calls)
            await onebot.group_message("/进展 1 配件已订，明天更换", group=2000, user=7)
            here = await onebot.expect_call(
                "send_group_msg", where=to_group(1000, "配件已订"), after=seen
            )
            there = await onebot.expect_call(
                "send_group_msg", where=to_group(1001, "配件已订"), after=seen
            )
            assert mentioned(here) == ["42", "43"] and mentioned(there) == ["44"]
            posts = [
                c
                for c in onebot.calls[seen:]
                if c.action == "send_group_msg" and "配件已订" in text_of(c)
            ]
            assert len(posts) == 2  # one post per group
    finally:
        await linli_process.stop()
        print(linli_process.log()[-6000:])  # shown when the test fails
