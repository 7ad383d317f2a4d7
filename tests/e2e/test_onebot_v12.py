"""linli on WeChat through OneBot v12 (as ComWeChatBotClient connects)."""

from __future__ import annotations

import pytest
from websockets.exceptions import InvalidStatus

from tests.helpers import LinliProcess, v12_text_of


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
