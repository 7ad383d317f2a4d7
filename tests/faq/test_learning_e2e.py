"""faq learns from residents' picks in the real linli process, over a real
OneBot v11 WebSocket: the picks and the learnt question are in the database,
so a crash (kill -9) between the picks and after the learning loses neither."""

from __future__ import annotations

from tests.helpers import E2E_CONFIG, LinliProcess, text_of, zh
from tests.shipped import section_text

ASKED = "门卡怎么弄？"  # the shipped 门禁卡 entry is only suggested for it


async def _ask_and_pick(onebot, user: int, card: str) -> None:
    seen = len(onebot.calls)
    await onebot.group_message(ASKED, group=1000, user=user, card=card)
    offer = await onebot.expect_call("send_msg", after=seen)
    assert text_of(offer).startswith(zh("faq.suggest.header")), text_of(offer)
    assert "1. 门禁卡怎么办理" in text_of(offer)
    seen = len(onebot.calls)
    await onebot.group_message("1", group=1000, user=user, card=card)
    answer = await onebot.expect_call("send_msg", after=seen)
    assert text_of(answer).startswith("【门禁卡】"), text_of(answer)


async def test_picks_by_two_members_survive_crashes_and_teach_the_phrasing(
    linli_process: LinliProcess,
) -> None:
    linli_process.config_text = E2E_CONFIG + "\n" + section_text("faq")
    try:
        await linli_process.start()
        async with linli_process.connect() as onebot:
            await _ask_and_pick(onebot, 42, "3-2-201 张三")
        linli_process.kill()  # the first pick is counted in the database

        await linli_process.start()
        async with linli_process.connect() as onebot:
            await _ask_and_pick(onebot, 43, "5-1-102 李四")  # the second member
        linli_process.kill()  # the learnt question is in the database too

        await linli_process.start()
        async with linli_process.connect() as onebot:
            await onebot.group_message(ASKED, group=1000, user=44)
            answer = await onebot.expect_call("send_msg")
            assert text_of(answer).startswith("【门禁卡】"), text_of(answer)
            seen = len(onebot.calls)
            await onebot.group_message("/问答 历史 门禁卡", group=1000, user=500)
            history = text_of(await onebot.expect_call("send_msg", after=seen))
            assert history.startswith(zh("faq.history.header", key="门禁卡"))
            assert (
                f"3-2-201 张三{zh('faq.separator')}5-1-102 李四 "
                f"{zh('faq.action.learn')} {ASKED}"
            ) in history, history
    finally:
        await linli_process.stop()
        print(linli_process.log()[-3000:])
