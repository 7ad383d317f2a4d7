"""接龙 end to end: the real bot.py over a real OneBot v11 WebSocket."""

from __future__ import annotations

import asyncio

from tests.helpers import ApiCall, LinliProcess, text_of

CONFIG = """
core:
  admins: ["qq:500"]
  scheduler:
    poll_seconds: 0.2
    retry_base_seconds: 0.5
signup:
  repost_seconds: 1
groups:
  "qq:1000":
    name: 3栋业主群
    role: residents
"""


def _group_post(*needles: str):
    def where(call: ApiCall) -> bool:
        text = text_of(call)
        return call.params.get("group_id") == 1000 and all(n in text for n in needles)

    return where


def _mentions(call: ApiCall) -> list[str]:
    message = call.params.get("message") or []
    return [seg["data"]["qq"] for seg in message if seg["type"] == "at"]


async def test_create_join_paste_withdraw_promote_close(
    linli_process: LinliProcess,
) -> None:
    linli_process.config_text = CONFIG
    await linli_process.start()
    try:
        async with linli_process.connect() as onebot:
            await onebot.group_message("/接龙 周六义诊 上限 2", user=500, card="王经理")
            created = await onebot.expect_call("send_msg")
            assert text_of(created).startswith("【接龙】周六义诊\n（还没有人接龙）")

            # one at a time (events are handled concurrently), each followed by
            # the re-posted list
            await onebot.group_message("+1", user=1, card="3-2-201 张三")
            await onebot.expect_call("send_group_msg", where=_group_post("1. 3-2-201"))
            paste = "#接龙\n周六义诊\n\n1. 3-2-201 张三\n2. 王五 3-201"
            await onebot.group_message(paste, user=2, card="王五")
            await onebot.expect_call(
                "send_group_msg", where=_group_post("2. 3-201 王五")
            )
            await onebot.group_message("+1", user=3, card="5-101 赵六")
            listed = await onebot.expect_call(
                "send_group_msg", where=_group_post("3. 5-101 赵六")
            )
            assert text_of(listed) == (
                "【接龙】周六义诊\n1. 3-2-201 张三\n2. 3-201 王五\n候补：\n"
                "3. 5-101 赵六\n名额已满（共 2），继续接龙将进入候补\n"
                "参加请发 +1，或 /接龙 + 1"
            )

            # four quick joins: one re-post, not four
            before = len(onebot.calls)
            for user in (11, 12, 13, 14):
                await onebot.group_message("+1", user=user, card=f"6-{user}01 邻居")
            await onebot.expect_call(
                "send_group_msg", where=_group_post("7. 6-"), after=before
            )
            await asyncio.sleep(1.5)
            posts = [c for c in onebot.calls[before:] if c.action == "send_group_msg"]
            assert len(posts) == 1

            await onebot.group_message("/接龙 退出", user=1, card="3-2-201 张三")
            left = await onebot.expect_call(
                "send_msg", where=lambda c: "已退出" in text_of(c)
            )
            assert text_of(left) == "已退出「周六义诊」。"
            promoted = await onebot.expect_call(
                "send_group_msg", where=lambda c: "候补转为正式" in text_of(c)
            )
            assert _mentions(promoted) == ["3"]

            await onebot.group_message("/接龙 结束", user=500, card="王经理")
            closed = await onebot.expect_call(
                "send_msg", where=lambda c: "（已结束）" in text_of(c)
            )
            lines = text_of(closed).splitlines()
            assert lines[:4] == [
                "【接龙】周六义诊（已结束）",
                "1. 3-201 王五",
                "2. 5-101 赵六",
                "候补：",
            ]
            # the four quick joins, in whatever order they were handled
            assert sorted(line[3:] for line in lines[4:8]) == [
                "6-1101 邻居",
                "6-1201 邻居",
                "6-1301 邻居",
                "6-1401 邻居",
            ]
            assert [line[:3] for line in lines[4:8]] == ["3. ", "4. ", "5. ", "6. "]
            assert lines[8:] == ["名额已满（共 2），继续接龙将进入候补", "接龙已结束。"]
    finally:
        await linli_process.stop()


async def test_restart_between_joins_and_deadline_loses_nothing(
    linli_process: LinliProcess,
) -> None:
    linli_process.config_text = CONFIG
    await linli_process.start()
    async with linli_process.connect() as onebot:
        await onebot.group_message("/接龙 周六义诊 截止 8s", user=500, card="王经理")
        await onebot.expect_call("send_msg")
        await onebot.group_message("+1", user=1, card="3-2-201 张三")
        await onebot.group_message("接龙 带孩子", user=2, card="5-101 赵六")
        await onebot.expect_call("send_group_msg", where=_group_post("2. 5-101 赵六"))
    linli_process.kill()  # a crash or a power cut, before the deadline

    await linli_process.start()
    try:
        async with linli_process.connect() as onebot:
            closed = await onebot.expect_call(
                "send_group_msg", where=_group_post("（已结束）"), timeout=30
            )
            assert text_of(closed) == (
                "【接龙】周六义诊（已结束）\n1. 3-2-201 张三\n2. 5-101 赵六 带孩子\n"
                "已接龙 2 条，共 2\n接龙已结束。"
            )
            await asyncio.sleep(1.0)
            finals = [
                c
                for c in onebot.calls
                if c.action == "send_group_msg" and "（已结束）" in text_of(c)
            ]
            assert len(finals) == 1
    finally:
        await linli_process.stop()
