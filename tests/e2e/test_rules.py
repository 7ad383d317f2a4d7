"""The rules ladder in the real linli process over a real OneBot v11 WebSocket."""

from __future__ import annotations

import asyncio
import time

from tests.helpers import E2E_CONFIG, LinliProcess, text_of

CONFIG = (
    E2E_CONFIG
    + """
rules:
  ladder:
    window: 3s
  notices:
    per_group: 50
"""
)

AD = "特价房源看这里 www.haohuo888.com"


def _group_text(group: int, *words: str):
    def match(call) -> bool:
        text = text_of(call)
        return call.params.get("group_id") == group and all(w in text for w in words)

    return match


async def test_advertiser_is_warned_muted_then_removed(
    linli_process: LinliProcess,
) -> None:
    linli_process.config_text = CONFIG
    await linli_process.start()
    try:
        async with linli_process.connect() as onebot:
            # 1st link: recalled, a warning
            first = await onebot.group_message(AD, user=4242, card="路人甲")
            await onebot.expect_call(
                "delete_msg", where=lambda c: c.params["message_id"] == first
            )
            warning = await onebot.expect_call(
                "send_group_msg", where=_group_text(1000, "警告", "第1次")
            )
            assert "广告链接" in text_of(warning)
            # 2nd: recalled, muted for 600 s
            second = await onebot.group_message(AD, user=4242, card="路人甲")
            await onebot.expect_call(
                "delete_msg", where=lambda c: c.params["message_id"] == second
            )
            ban = await onebot.expect_call("set_group_ban")
            assert ban.params == {"group_id": 1000, "user_id": 4242, "duration": 600}
            # 3rd: recalled, removed
            third = await onebot.group_message(AD, user=4242, card="路人甲")
            await onebot.expect_call(
                "delete_msg", where=lambda c: c.params["message_id"] == third
            )
            kick = await onebot.expect_call("set_group_kick")
            assert kick.params["group_id"] == 1000 and kick.params["user_id"] == 4242
            # each case reached the staff group
            for words in (("警告",), ("禁言10分钟",), ("移出群聊",)):
                await onebot.expect_call(
                    "send_group_msg", where=_group_text(2000, "【违规记录】", *words)
                )
            # the ban came after the first warning, the kick after the ban
            actions = [c.action for c in onebot.calls]
            assert actions.index("set_group_ban") < actions.index("set_group_kick")
            assert [c.action for c in onebot.calls].count("delete_msg") == 3

            # an admin posting the same link is untouched
            mine = await onebot.group_message(AD, user=4243, role="admin")
            await onebot.group_message("/群规", user=4244)
            await onebot.expect_call("send_msg", where=_group_text(1000, "【群规】"))
            await asyncio.sleep(0.5)
            assert not [
                c
                for c in onebot.calls
                if c.action == "delete_msg" and c.params["message_id"] == mine
            ]

            # the kicked member rejoins: muted again for the rest of the term
            await onebot.send(_notice("group_increase", 4242))
            again = await onebot.expect_call(
                "set_group_ban", after=actions.index("set_group_ban") + 1
            )
            assert again.params["user_id"] == 4242
            assert 590 <= again.params["duration"] <= 600

            # after the window (3 s) the strikes are gone
            await asyncio.sleep(3.2)
            before = len(onebot.calls)
            await onebot.group_message("/警告记录 4242", user=500)
            listed = await onebot.expect_call("send_msg", after=before)
            assert "没有警告记录" in text_of(listed)
            fourth = await onebot.group_message(AD, user=4242, card="路人甲")
            await onebot.expect_call(
                "delete_msg", where=lambda c: c.params["message_id"] == fourth
            )
            await onebot.expect_call(
                "send_group_msg", where=_group_text(1000, "警告", "第1次"), after=before
            )
            assert [c.action for c in onebot.calls[before:]].count(
                "set_group_kick"
            ) == 0
    finally:
        await linli_process.stop()
        print(linli_process.log()[-4000:])


async def test_join_request_with_a_household_is_approved(
    linli_process: LinliProcess,
) -> None:
    linli_process.config_text = CONFIG
    await linli_process.start()
    try:
        async with linli_process.connect() as onebot:
            await onebot.send(
                {
                    "time": int(time.time()),
                    "self_id": onebot.self_id,
                    "post_type": "request",
                    "request_type": "group",
                    "sub_type": "add",
                    "group_id": 1000,
                    "user_id": 4250,
                    "comment": "问题：请填写楼号-单元-房号 姓名\n答案：3-2-201 张三",
                    "flag": "flag-4250",
                }
            )
            answer = await onebot.expect_call("set_group_add_request")
            assert answer.params["flag"] == "flag-4250"
            assert answer.params["approve"] is True
            await onebot.expect_call(
                "send_group_msg", where=_group_text(2000, "【入群申请】", "已自动同意")
            )
            # the new member is welcomed with the rules
            await onebot.send(_notice("group_increase", 4250))
            welcome = await onebot.expect_call(
                "send_group_msg", where=_group_text(1000, "欢迎加入")
            )
            assert {"type": "at", "data": {"qq": "4250"}} in welcome.params["message"]
    finally:
        await linli_process.stop()
        print(linli_process.log()[-4000:])


def _notice(kind: str, user: int) -> dict:
    return {
        "time": int(time.time()),
        "self_id": 10000,
        "post_type": "notice",
        "notice_type": kind,
        "sub_type": "approve",
        "group_id": 1000,
        "operator_id": 0,
        "user_id": user,
    }


FRAUD = (
    "【物业财务通知】您的物业费已逾期未缴，请立即加微信 wuye8888 转账缴费，否则停水停电"
)


async def test_fraud_script_is_recalled_and_the_group_warned(
    linli_process: LinliProcess,
) -> None:
    """A stranger posing as the property office collecting fees (a scam the
    seeds name): recalled, the group told it is a scam and not to transfer
    money, the staff group given the case with its scored evidence; a
    resident asking about the fee is untouched."""
    linli_process.config_text = CONFIG
    await linli_process.start()
    try:
        async with linli_process.connect() as onebot:
            scam = await onebot.group_message(FRAUD, user=4301, card="物业财务")
            await onebot.expect_call(
                "delete_msg", where=lambda c: c.params["message_id"] == scam
            )
            warning = await onebot.expect_call(
                "send_group_msg", where=_group_text(1000, "【防骗提醒】", "物业")
            )
            assert "请勿转账" in text_of(warning)
            staff = await onebot.expect_call(
                "send_group_msg", where=_group_text(2000, "【违规记录】")
            )
            assert "property" in text_of(staff) and "转账" in text_of(staff)

            before = len(onebot.calls)
            asked = await onebot.group_message("物业费什么时候交？", user=4302)
            await asyncio.sleep(0.6)
            assert not [
                c
                for c in onebot.calls[before:]
                if c.action == "delete_msg" and c.params["message_id"] == asked
            ]
    finally:
        await linli_process.stop()
        print(linli_process.log()[-4000:])
