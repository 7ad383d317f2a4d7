"""The same linli on WeChat (OneBot v12, ComWeChat) and Telegram: the rules
ladder, a sign-up and a repair report, end to end.

WeChat cannot mute or recall: the ladder falls back to its next step (a kick,
with the ``wx.kick_groupmember`` ComWeChat lists in get_supported_actions) as
configured. Telegram mutes with
``restrictChatMember`` and kicks with ``banChatMember`` + ``unbanChatMember``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.helpers import FakeTelegram, LinliProcess, v12_text_of

AD = "特价房源看这里 www.haohuo888.com"

WECHAT = """
core:
  admins: ["wx:wxid_manager"]
  scheduler: {poll_seconds: 0.2, retry_base_seconds: 0.5}
groups:
  "wx:777@chatroom": {name: 3栋业主群, role: residents}
  "wx:888@chatroom": {name: 物业工作群, role: staff}
rules:
  ladder: {fallback: next}
  notices: {per_group: 50}
signup:
  repost_seconds: 1
"""

TELEGRAM = """
core:
  admins: ["tg:500"]
  scheduler: {poll_seconds: 0.2, retry_base_seconds: 0.5}
groups:
  "tg:-1001000": {name: 3栋业主群, role: residents}
  "tg:-1002000": {name: 物业工作群, role: staff}
rules:
  notices: {per_group: 50}
signup:
  repost_seconds: 1
"""


def _to(group: str, *words: str):
    def match(call) -> bool:
        return call.params.get("group_id") == group and all(
            w in v12_text_of(call) for w in words
        )

    return match


async def test_wechat_ladder_signup_and_report(linli_process: LinliProcess) -> None:
    linli_process.config_text = WECHAT
    await linli_process.start()
    try:
        async with linli_process.connect_v12() as wechat:
            await wechat.expect_call("get_supported_actions")  # asked at connect
            # the rules ladder: WeChat cannot recall or mute, so the 2nd strike kicks
            await wechat.group_message(AD, user="wxid_spam")
            await wechat.expect_call(
                "send_message", where=_to("777@chatroom", "警告", "第1次")
            )
            await wechat.group_message(AD, user="wxid_spam")
            # the kick ComWeChat lists in get_supported_actions (its
            # action_manager/manager.py: kick_groupmember, an expand_action)
            kick = await wechat.expect_call("wx.kick_groupmember")
            assert kick.params == {
                "group_id": "777@chatroom",
                "user_list": ["wxid_spam"],
            }
            assert not [c for c in wechat.calls if c.action == "delete_message"]
            await wechat.expect_call(
                "send_message", where=_to("888@chatroom", "【违规记录】")
            )

            # a sign-up: created by the estate admin, joined with +1
            await wechat.group_message("/接龙 周六义诊 上限 5", user="wxid_manager")
            await wechat.expect_call(
                "send_message", where=_to("777@chatroom", "【接龙】周六义诊")
            )
            before = len(wechat.calls)
            await wechat.group_message("+1", user="wxid_resident")
            await wechat.expect_call(
                "send_message", where=_to("777@chatroom", "1. "), after=before
            )

            # a repair report: receipt in the group, a card in the staff group
            await wechat.group_message("/报修 3栋2单元楼道灯坏了", user="wxid_resident")
            await wechat.expect_call("send_message", where=_to("777@chatroom", "#0001"))
            await wechat.expect_call(
                "send_message", where=_to("888@chatroom", "#0001", "/接单 1")
            )
    finally:
        await linli_process.stop()
        print(linli_process.log()[-3000:])


@pytest.fixture
async def telegram() -> AsyncIterator[FakeTelegram]:
    server = FakeTelegram()
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


def _tg(chat: int, *words: str):
    def match(call) -> bool:
        return call.params.get("chat_id") == chat and all(
            w in str(call.params.get("text", "")) for w in words
        )

    return match


async def test_telegram_ladder_signup_and_report(
    linli_process: LinliProcess, telegram: FakeTelegram
) -> None:
    linli_process.config_text = TELEGRAM
    linli_process.env = {"TELEGRAM_BOTS": telegram.bots_env()}
    await linli_process.start()
    try:
        group = -1001000
        first = telegram.group_message(AD, chat=group, user=4242)
        await telegram.expect(
            "deleteMessage", where=lambda c: c.params["message_id"] == first
        )
        await telegram.expect("sendMessage", where=_tg(group, "警告", "第1次"))
        second = telegram.group_message(AD, chat=group, user=4242)
        await telegram.expect(
            "deleteMessage", where=lambda c: c.params["message_id"] == second
        )
        mute = await telegram.expect("restrictChatMember")
        assert mute.params["chat_id"] == group and mute.params["user_id"] == 4242
        assert mute.params["permissions"]["can_send_messages"] is False
        assert mute.params["until_date"] > 0
        third = telegram.group_message(AD, chat=group, user=4242)
        await telegram.expect(
            "deleteMessage", where=lambda c: c.params["message_id"] == third
        )
        ban = await telegram.expect("banChatMember")
        assert (ban.params["chat_id"], ban.params["user_id"]) == (group, 4242)
        await telegram.expect("unbanChatMember")
        await telegram.expect("sendMessage", where=_tg(-1002000, "【违规记录】"))

        telegram.group_message(
            "/接龙 周六义诊 上限 5", chat=group, user=500, name="王 经理"
        )
        await telegram.expect("sendMessage", where=_tg(group, "【接龙】周六义诊"))
        telegram.group_message("+1", chat=group, user=77, name="3-2-201 张三")
        await telegram.expect("sendMessage", where=_tg(group, "1. 3-2-201"))

        telegram.group_message("/报修 3栋2单元楼道灯坏了", chat=group, user=77)
        await telegram.expect("sendMessage", where=_tg(group, "#0001"))
        await telegram.expect("sendMessage", where=_tg(-1002000, "#0001", "/接单 1"))
    finally:
        await linli_process.stop()
        print(linli_process.log()[-3000:])
