"""notices end to end: the real bot.py over a real OneBot v11 WebSocket.

Reminder offsets are config (seconds here), so nothing waits for real hours.
"""

from __future__ import annotations

import asyncio
import re
import time
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from tests.helpers import ApiCall, LinliProcess, text_of
from tests.helpers.e2e import default_responder

CONFIG = """
core:
  admins: ["qq:500"]
  scheduler:
    poll_seconds: 0.2
    retry_base_seconds: 0.5
notices:
  reminders: ["提前 8秒", "提前 4秒"]
groups:
  "qq:1000":
    name: 3栋业主群
    role: residents
    building: "3"
    tags: [3栋]
  "qq:2000":
    name: 物业工作群
    role: staff
"""
TZ = ZoneInfo("Asia/Shanghai")


def _to_group(group: int, prefix: str):
    def where(call: ApiCall) -> bool:
        return call.params.get("group_id") == group and text_of(call).startswith(prefix)

    return where


def _sends(calls: list[ApiCall], prefix: str) -> list[ApiCall]:
    return [
        c
        for c in calls
        if c.action == "send_group_msg" and text_of(c).startswith(prefix)
    ]


async def test_scheduled_notice_reminders_survive_a_restart(
    linli_process: LinliProcess,
) -> None:
    linli_process.config_text = CONFIG
    await linli_process.start()
    start = time.time()
    event_at = datetime.now(TZ).replace(microsecond=0) + timedelta(seconds=16)
    due = [event_at.timestamp() - 8, event_at.timestamp() - 4]
    command = (
        "/通知 定时 3秒 标题：电梯保养通知\n"
        f"时间：{event_at.isoformat()}\n地点：3栋2单元\n内容：保养期间请走楼梯"
    )
    try:
        async with linli_process.connect() as onebot:
            await onebot.group_message(command, group=1000, user=500)
            ack = text_of(await onebot.expect_call("send_msg"))
            assert re.match(r"已定时：通知 #\d+ 将于 .+ 发到 1 个群。", ack), ack
            assert "提醒时间：" in ack
            post = await onebot.expect_call(
                "send_group_msg", where=_to_group(1000, "【通知】"), timeout=10
            )
            assert text_of(post) == (
                "【通知】电梯保养通知\n"
                f"时间：{event_at.isoformat()}\n地点：3栋2单元\n内容：保养期间请走楼梯"
            )
            await asyncio.sleep(0.5)  # let it record the post
            assert time.time() < due[0] - 1, "too slow to kill before the reminder"
    finally:
        linli_process.kill()  # down between scheduling and the first reminder

    await asyncio.sleep(max(0.0, due[0] + 0.5 - time.time()))  # falls due while down
    await linli_process.start()
    try:
        async with linli_process.connect() as onebot:
            seen = []
            for n in range(2):
                call = await onebot.expect_call(
                    "send_group_msg",
                    where=_to_group(1000, "【通知提醒】"),
                    after=len(seen) and onebot.calls.index(seen[-1]) + 1,
                    timeout=15,
                )
                assert time.time() >= due[n] - 0.5, f"reminder {n} came early"
                seen.append(call)
            for call in seen:
                text = text_of(call)
                assert text.startswith("【通知提醒】电梯保养通知\n时间：")
                assert "距开始还有 " in text
            await asyncio.sleep(max(1.5, event_at.timestamp() + 0.5 - time.time()))
            assert len(_sends(onebot.calls, "【通知提醒】")) == 2  # none twice
            assert _sends(onebot.calls, "【通知】") == []  # the post was not repeated
    finally:
        await linli_process.stop()
    assert time.time() - start < 60


def _no_reactions(action: str, params: dict[str, Any]) -> Any:
    if action == "set_msg_emoji_like":
        return {"status": "failed", "retcode": 200, "data": None, "message": "x"}
    return default_responder(action, params)


async def test_confirmations_are_counted_per_household(
    linli_process: LinliProcess,
) -> None:
    linli_process.config_text = CONFIG
    await linli_process.start()
    try:
        # an implementation without reactions (set_msg_emoji_like refused, as
        # NapCat answers when it fails: retcode 200, packages/napcat-onebot/
        # action/msg/SetMsgEmojiLike.ts): the confirmations go out as one line
        async with linli_process.connect(responder=_no_reactions) as onebot:
            await onebot.group_message("好的", group=1000, user=74, card="3-1-101 王五")
            await onebot.group_message(
                "/通知 确认 燃气安全检查\n请家中留人", group=1000, user=500, card="物业"
            )
            post = await onebot.expect_call(
                "send_group_msg", where=_to_group(1000, "【通知】")
            )
            assert text_of(post).startswith("【通知】燃气安全检查\n内容：请家中留人\n")
            assert "收到请回复 1 确认" in text_of(post)
            ack = text_of(await onebot.expect_call("send_msg"))
            number = re.search(r"通知 #(\d+) 已发到 1 个群", ack).group(1)

            members = [(71, "3-2-201 张三"), (72, "3-2-201 李梅"), (73, "5-101 孙七")]
            before = len(onebot.calls)
            for user, card in members:
                await onebot.group_message("1", group=1000, user=user, card=card)
            line = await onebot.expect_call(
                "send_group_msg", where=_to_group(1000, "已收到"), after=before
            )  # one line for the three, a household named once
            assert text_of(line) == "已收到（确认《燃气安全检查》）：3-2-201、5-101"
            before = len(onebot.calls)
            await onebot.group_message("1", group=1000, user=71, card="3-2-201 张三")
            await onebot.group_message(
                f"/通知 统计 {number}", group=1000, user=500, card="物业"
            )
            stats = text_of(await onebot.expect_call("send_msg", after=before))
            assert stats == (
                f"【通知统计】#{number} 燃气安全检查\n"
                "已确认 3 人、2 户；已知 3 户，覆盖 67%\n"
                "3栋：1/2 户（50%）\n"
                "5栋：1/1 户（100%）"
            )  # and the second "1" from 张三 was consumed without a reply

            before = len(onebot.calls)
            await onebot.group_message(
                f"/通知 提醒 {number}", group=1000, user=500, card="物业"
            )
            nudge = await onebot.expect_call(
                "send_group_msg", where=_to_group(1000, "【提醒】"), after=before
            )
            assert text_of(nudge).endswith("\n@3-1-101 王五")
            done = text_of(await onebot.expect_call("send_msg", after=before))
            assert done == "已提醒 1 户（共 1 条消息）。"
            before = len(onebot.calls)
            await onebot.group_message(
                f"/通知 提醒 {number}", group=1000, user=500, card="物业"
            )
            again = text_of(await onebot.expect_call("send_msg", after=before))
            assert "已经提醒过" in again
    finally:
        await linli_process.stop()
