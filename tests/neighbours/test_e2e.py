"""邻里互助 in the real linli process, over a real OneBot v11 WebSocket (the
fake plays NapCatQQ: tests/helpers/e2e.py)."""

from __future__ import annotations

from tests.helpers import E2E_CONFIG, LinliProcess, text_of


async def test_an_item_expires_after_a_kill_and_restart(
    linli_process: LinliProcess,
) -> None:
    linli_process.config_text = E2E_CONFIG + "neighbours:\n  expire_after: 3s\n"
    await linli_process.start()
    try:
        async with linli_process.connect() as onebot:
            await onebot.group_message("/失物 黑色雨伞 3栋大堂", group=1000, user=42)
            call = await onebot.expect_call("send_msg")
            assert text_of(call).startswith("已登记 #1（失物）。")
        linli_process.kill()  # as hard as a power cut, before the item expires
        await linli_process.start()
        async with linli_process.connect() as onebot:
            call = await onebot.expect_call("send_private_msg", timeout=30)
            assert call.params["user_id"] == 42
            assert text_of(call) == (
                "【邻里互助】你在 3栋业主群 发布的 #1（失物：黑色雨伞 3栋大堂）"
                "已过期，自动关闭。还需要的话请重新发布。"
            )
            after = len(onebot.calls)
            await onebot.group_message("/互助", group=1000)
            call = await onebot.expect_call("send_msg", after=after)
            assert text_of(call).startswith("本群现在没有进行中的互助事项。")
    finally:
        await linli_process.stop()


async def test_contact_reaches_the_poster_privately(linli: LinliProcess) -> None:
    async with linli.connect() as onebot:
        await onebot.group_message(
            "/互助 求助 谁家有多余的婴儿车？", group=1000, user=42
        )
        await onebot.expect_call("send_msg")
        after = len(onebot.calls)
        await onebot.group_message(
            "/互助 联系 1 我有婴儿车可以借 13812345678",
            group=1000,
            user=43,
            card="5-101 李四",
        )
        private = await onebot.expect_call("send_private_msg", after=after)
        assert private.params["user_id"] == 42
        assert text_of(private) == (
            "【邻里互助】3栋业主群 的邻居 5-101 李四 回复了你的 #1"
            "（求助：谁家有多余的婴儿车？）：\n我有婴儿车可以借 13812345678\n"
            "解决后请在群里发 /互助 关闭 1。"
        )
        reply = await onebot.expect_call("send_msg", after=after)
        assert text_of(reply) == "已私信发布人（#1）：我有婴儿车可以借 138****5678"
