"""A vote end to end: the real bot.py over a real OneBot v11 WebSocket."""

from __future__ import annotations

from tests.helpers import LinliProcess, text_of

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
vote:
  remind_before: 5s
"""


async def test_create_vote_change_and_close_by_deadline(
    linli_process: LinliProcess,
) -> None:
    linli_process.config_text = CONFIG
    await linli_process.start()
    try:
        async with linli_process.connect() as onebot:

            async def reply(text: str, **sender) -> str:
                seen = len(onebot.calls)
                await onebot.group_message(text, group=1000, **sender)
                call = await onebot.expect_call("send_msg", after=seen)
                assert call.params["group_id"] == 1000
                return text_of(call)

            card = await reply(
                "/投票 小区绿化方案 方案A 方案B 截止 10秒", user=500, role="admin"
            )
            assert card.startswith("【投票】#1 小区绿化方案\n1. 方案A\n2. 方案B\n")
            assert "直接回复选项号即可投票，例如：1" in card
            # a bare number is acknowledged by NapCat's set_msg_emoji_like on
            # the member's own message (face 124, "OK"), not by a message each
            for text in ("1", "2"):
                seen = len(onebot.calls)
                mid = await onebot.group_message(text, group=1000, user=42)
                like = await onebot.expect_call("set_msg_emoji_like", after=seen)
                assert like.params == {"message_id": mid, "emoji_id": 124}
            assert (
                await reply("/投票 1 2", user=43, card="3-2-202 李四")
                == "已投票：#1 小区绿化方案 → 2. 方案B"
            )

            remind = await onebot.expect_call(
                "send_group_msg",
                where=lambda c: "【投票提醒】" in text_of(c),
                timeout=20,
            )
            assert "还有 1 人没有投票" in text_of(remind)  # the admin has not

            result = await onebot.expect_call(
                "send_group_msg",
                where=lambda c: "【投票结果】" in text_of(c),
                timeout=20,
            )
            assert result.params["group_id"] == 1000
            assert text_of(result) == (
                "【投票结果】#1 小区绿化方案（已截止）\n"
                "1. 方案A  0票 0.0% ░░░░░░░░░░\n"
                "2. 方案B  2票 100.0% ██████████\n"
                "参与：2 人"
            )
            # closed: a late ballot is refused, the bare number is not a ballot
            late = await reply("/投票 1 1", user=44)
            assert late == "投票 #1 已经截止了。"
            sends = [c for c in onebot.calls if "【投票结果】" in text_of(c)]
            assert len(sends) == 1

            # one vote per household: the later ballot replaces, both are told
            card = await reply("/投票 停车 地面 地下 每户一票", user=500, role="admin")
            assert card.startswith("【投票】#2 停车")
            seen = len(onebot.calls)
            mid = await onebot.group_message("1", user=61, card="3-2-201 张三")
            like = await onebot.expect_call("set_msg_emoji_like", after=seen)
            assert like.params["message_id"] == mid
            seen = len(onebot.calls)
            replaced = await reply("2", user=62, card="3-2-201 李四")
            assert "本户（3-2-201）之前由 3-2-201 张三 投的票已被替换" in replaced
            notice = await onebot.expect_call(
                "send_group_msg", where=lambda c: "您家" in text_of(c), after=seen
            )
            assert notice.params["message"][0] == {"type": "at", "data": {"qq": "61"}}
    finally:
        await linli_process.stop()
        print(linli_process.log()[-3000:])
