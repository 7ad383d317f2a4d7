"""linli on WeChat through OneBot v12 (as ComWeChatBotClient connects)."""

from __future__ import annotations

import asyncio
import base64

import pytest
from websockets.exceptions import InvalidStatus

from tests.helpers import LinliProcess, v12_text_of
from tests.helpers.e2e import v12_group_names, v12_responder


async def test_help_over_onebot_v12_with_string_ids(linli: LinliProcess) -> None:
    async with linli.connect_v12() as wechat:
        await wechat.group_message("/帮助", group="777@chatroom", user="wxid_abc")
        call = await wechat.expect_call("send_message")
        assert call.params["detail_type"] == "group"
        assert call.params["group_id"] == "777@chatroom"
        assert v12_text_of(call).startswith("【帮助】")


async def test_v12_wrong_token_is_refused(linli: LinliProcess) -> None:
    with pytest.raises(InvalidStatus) as info:
        async with linli.connect_v12(token="wrong"):
            pass
    assert info.value.response.status_code == 403


WECHAT = """
core:
  admins: ["wx:wxid_manager"]
  scheduler: {poll_seconds: 0.2, retry_base_seconds: 0.5}
groups:
  "wx:777@chatroom": {name: 3栋业主群, role: residents}
signup:
  repost_seconds: 1
"""


async def test_wechat_group_nickname_names_the_signup_and_export_uploads_data(
    linli_process: LinliProcess,
) -> None:
    """ComWeChat's message events carry only user_id; linli asks
    wx.get_groupmember_nickname(group_id, user_id), whose data is the 群昵称,
    and the 接龙 list shows it. The export goes out as upload_file with
    ``type: "data"`` (base64) and a ``file`` segment by the file_id it answers.
    Shapes from JustUndertaker/ComWeChatBotClient
    wechatbot_client/action_manager/manager.py (get_groupmember_nickname,
    upload_file, send_message)."""
    linli_process.config_text = WECHAT
    await linli_process.start()
    names = {"wxid_zhang": "3-2-201 张三", "wxid_manager": "物业小王"}
    try:
        async with linli_process.connect_v12(responder=v12_group_names(names)) as wx:
            await wx.group_message("/接龙 周六义诊 上限 5", user="wxid_manager")
            await wx.expect_call(
                "send_message", where=lambda c: "【接龙】周六义诊" in v12_text_of(c)
            )
            before = len(wx.calls)
            await wx.group_message("+1", user="wxid_zhang")
            asked = await wx.expect_call(
                "wx.get_groupmember_nickname",
                where=lambda c: c.params.get("user_id") == "wxid_zhang",
            )
            assert asked.params == {"group_id": "777@chatroom", "user_id": "wxid_zhang"}
            listed = await wx.expect_call(
                "send_message",
                where=lambda c: "3-2-201 张三" in v12_text_of(c),
                after=before,
            )
            assert listed.params["group_id"] == "777@chatroom"
            assert not any(  # the name is cached: asked once
                c.action == "wx.get_groupmember_nickname"
                and c.params["user_id"] == "wxid_zhang"
                for c in wx.calls[wx.calls.index(asked) + 1 :]
            )

            await wx.group_message("/接龙 导出 1", user="wxid_manager")
            upload = await wx.expect_call("upload_file")
            assert upload.params["type"] == "data"
            assert upload.params["name"].startswith("接龙1-周六义诊")
            assert base64.b64decode(upload.params["data"], validate=True)
            assert "path" not in upload.params and "url" not in upload.params
            sent = await wx.expect_call(
                "send_message",
                where=lambda c: any(s["type"] == "file" for s in c.params["message"]),
            )
            assert sent.params["detail_type"] == "private"
            assert sent.params["user_id"] == "wxid_manager"
            assert sent.params["message"][0]["data"]["file_id"]
    finally:
        await linli_process.stop()
        print(linli_process.log()[-3000:])


WATCHED = """
core:
  admins: ["wx:wxid_manager"]
  scheduler: {poll_seconds: 0.2, retry_base_seconds: 0.5}
  members: {poll_seconds: 1}
groups:
  "wx:777@chatroom": {name: 3栋业主群, role: residents}
"""


async def test_a_wechat_join_seen_only_in_the_member_list_is_welcomed(
    linli_process: LinliProcess,
) -> None:
    """ComWeChatBotClient emits no group_member_increase (its message handler,
    wechatbot_client/com_wechat/message.py, makes no join notice), so linli
    compares get_group_member_list — a list of {user_id, user_name,
    user_displayname: ""} (wechatbot_client/action_manager/manager.py) — and
    welcomes whoever appeared; the first list is only remembered."""
    linli_process.config_text = WATCHED
    await linli_process.start()
    members = ["wxid_manager", "wxid_zhang"]

    def respond(action: str, params: dict) -> dict:
        if action == "get_group_member_list":
            data = [
                {"user_id": m, "user_name": m, "user_displayname": ""} for m in members
            ]
            return {"status": "ok", "retcode": 0, "data": data, "message": ""}
        return v12_responder(action, params)

    try:
        async with linli_process.connect_v12(responder=respond) as wx:
            first = await wx.expect_call("get_group_member_list", timeout=20)
            assert first.params == {"group_id": "777@chatroom"}
            await asyncio.sleep(1.5)  # at least one more list, nobody new
            assert not [c for c in wx.calls if "欢迎" in v12_text_of(c)]
            members.append("wxid_new")
            welcome = await wx.expect_call(
                "send_message", where=lambda c: "欢迎" in v12_text_of(c), timeout=20
            )
            assert welcome.params["group_id"] == "777@chatroom"
            mentions = [s for s in welcome.params["message"] if s["type"] == "mention"]
            assert mentions == [{"type": "mention", "data": {"user_id": "wxid_new"}}]
    finally:
        await linli_process.stop()


async def test_linli_asks_comwechat_what_it_can_do_and_kicks_with_its_action(
    linli_process: LinliProcess,
) -> None:
    """At connect linli asks get_supported_actions; the fake answers with
    ComWeChatBotClient's list (wechatbot_client/action_manager/check.py, the
    keys of ACTION_DICT: standard names and "wx."-prefixed extensions), whose
    kick is wx.kick_groupmember — not the wx.delete_groupmember of linli's
    fallback table — and /踢 uses the listed one, with ComWeChat's
    (group_id, user_list) parameters."""
    linli_process.config_text = WECHAT
    await linli_process.start()
    try:
        async with linli_process.connect_v12() as wechat:
            await wechat.expect_call("get_supported_actions")
            await wechat.group_message("/踢 wx:wxid_spam 刷广告", user="wxid_manager")
            kick = await wechat.expect_call(
                {"wx.kick_groupmember", "wx.delete_groupmember"}
            )
            assert kick.action == "wx.kick_groupmember"
            assert kick.params == {
                "group_id": "777@chatroom",
                "user_list": ["wxid_spam"],
            }
    finally:
        await linli_process.stop()
        print(linli_process.log()[-6000:])  # shown when the test fails


async def test_a_per_household_vote_on_wechat_counts_households_from_the_nicknames(
    linli_process: LinliProcess,
) -> None:
    """WeChat events carry no name: the household of each voter comes from
    the 群昵称 that wx.get_groupmember_nickname answers (ComWeChatBotClient
    action_manager/manager.py). Two members of 3-2-201 count once — the
    second replaces the first — and 5-101 counts apart."""
    linli_process.config_text = WECHAT
    await linli_process.start()
    names = {
        "wxid_zhang": "3-2-201 张三",
        "wxid_li": "3栋2单元201 李四",
        "wxid_wang": "5-101 王五",
        "wxid_manager": "物业小王",
    }
    try:
        async with linli_process.connect_v12(responder=v12_group_names(names)) as wx:

            async def said(text: str, user: str, *words: str) -> str:
                seen = len(wx.calls)
                await wx.group_message(text, user=user)
                call = await wx.expect_call(
                    "send_message",
                    where=lambda c: all(w in v12_text_of(c) for w in words),
                    after=seen,
                )
                return v12_text_of(call)

            await said("/投票 绿化 A B 每户一票", "wxid_manager", "每户一票")
            await wx.group_message("1", user="wxid_zhang")
            replaced = await said("2", "wxid_li", "3-2-201", "替换")
            assert "3-2-201 张三" in replaced  # whose ballot it replaced
            await wx.group_message("1", user="wxid_wang")
            await asyncio.sleep(1)  # the ballot is counted before the close
            result = await said("/投票 结束", "wxid_manager", "【投票结果】")
            assert "2 户" in result, result  # two households, not three members
    finally:
        await linli_process.stop()
        print(linli_process.log()[-3000:])
