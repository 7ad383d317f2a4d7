"""faq in the real linli process over a real OneBot v11 WebSocket."""

from __future__ import annotations

from tests.helpers import E2E_CONFIG, LinliProcess, text_of
from tests.shipped import section_text


async def test_questions_are_answered_and_taught_entries_survive_a_restart(
    linli_process: LinliProcess,
) -> None:
    linli_process.config_text = E2E_CONFIG + "\n" + section_text("faq")
    await linli_process.start()
    try:
        async with linli_process.connect() as onebot:
            await onebot.group_message("请问物业电话是多少？", group=1000, user=42)
            call = await onebot.expect_call("send_msg")
            assert call.params["group_id"] == 1000
            assert text_of(call).startswith("【物业电话】")
            assert "XXX-XXXXXXX" in text_of(call)

            # asked again at once: a short pointer quoting the earlier answer
            seen = len(onebot.calls)
            await onebot.group_message("物业电话多少", group=1000, user=43)
            pointer = await onebot.expect_call("send_group_msg", after=seen)
            assert pointer.params["message"][0]["type"] == "reply"
            assert "刚刚已回答" in text_of(pointer)

            # an unrelated message gets nothing; an admin teaches, a resident asks
            await onebot.group_message("今天天气真好", group=1000, user=44)
            seen = len(onebot.calls)
            await onebot.group_message(
                "/问答 添加 自行车棚在哪 / 单车停哪里 | 在 5 栋北侧，免费停放。",
                group=1000,
                user=7,
                role="admin",
            )
            added = await onebot.expect_call("send_msg", after=seen)
            assert text_of(added).startswith("已添加，编号 ")
            seen = len(onebot.calls)
            await onebot.group_message("请问自行车棚在哪？", group=1000, user=45)
            answer = await onebot.expect_call("send_msg", after=seen)
            assert text_of(answer) == "在 5 栋北侧，免费停放。"
            assert len(onebot.calls) == seen + 1  # "今天天气真好" was not answered
    finally:
        await linli_process.stop()

    await linli_process.start()  # taught entries live in the database
    try:
        async with linli_process.connect() as onebot:
            await onebot.group_message("单车停哪里？", group=1000, user=46)
            answer = await onebot.expect_call("send_msg")
            assert text_of(answer) == "在 5 栋北侧，免费停放。"
    finally:
        await linli_process.stop()
        print(linli_process.log()[-3000:])
