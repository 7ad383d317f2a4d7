"""The real linli process over a real OneBot v11 WebSocket."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from websockets.exceptions import InvalidStatus

from tests.helpers import LinliProcess, text_of


async def test_wrong_or_missing_token_is_refused(linli: LinliProcess) -> None:
    for token in ("not-the-token", None):
        with pytest.raises(InvalidStatus) as info:
            async with linli.connect(token=token):
                pass
        assert info.value.response.status_code == 403


async def test_help_in_a_group_is_answered_once(linli: LinliProcess) -> None:
    async with linli.connect() as onebot:
        await onebot.group_message("/帮助", group=1000, message_id=555)
        call = await onebot.expect_call("send_msg")
        assert call.params["message_type"] == "group"
        assert call.params["group_id"] == 1000
        text = text_of(call)
        assert text.startswith("【帮助】")
        assert "【接龙】" in text
        assert "/重载" not in text  # a resident is shown what residents can do
    # OneBot implementations replay events after a reconnect: answered once only
    async with linli.connect() as onebot:
        await onebot.group_message("/帮助", group=1000, message_id=555)
        await onebot.group_message("/help", group=1000, message_id=556)
        await onebot.expect_call("send_msg")
        assert len(onebot.calls) == 1


async def test_start_refused_on_config_error_naming_line_and_key(
    linli_process: LinliProcess,
) -> None:
    linli_process.config_text = (
        "core:\n  locale: zh-CN\n  send:\n    qq:\n      per_group: lots\n"
    )
    linli_process.launch()
    assert await linli_process.wait_exit() == 2
    log = linli_process.log()
    assert "linli.yaml:5 [core.send.qq.per_group]" in log
    assert "valid integer" in log


async def test_non_loopback_host_needs_a_token(linli_process: LinliProcess) -> None:
    linli_process.token = ""
    linli_process.env = {"HOST": "0.0.0.0"}
    linli_process.launch()
    assert await linli_process.wait_exit() == 2
    assert "ONEBOT_ACCESS_TOKEN" in linli_process.log()


async def test_reload_with_a_broken_file_keeps_running(linli: LinliProcess) -> None:
    good = linli.config_path.read_text(encoding="utf-8")
    linli.config_path.write_text(
        good.replace("poll_seconds: 0.2", "poll_seconds: never"), encoding="utf-8"
    )
    line = next(
        n
        for n, text in enumerate(linli.config_path.read_text().splitlines(), 1)
        if "poll_seconds" in text
    )
    async with linli.connect() as onebot:
        await onebot.group_message("/重载", group=2000, user=7, role="admin")
        reply = text_of(await onebot.expect_call("send_msg"))
        assert f"linli.yaml:{line} [core.scheduler.poll_seconds]" in reply
        assert "上一次正确的配置" in reply
        # still answering on the last good config
        await onebot.group_message("/help", group=1000)
        await onebot.expect_call("send_msg", after=1)


async def test_scheduled_job_survives_a_kill_and_restart(
    linli_process: LinliProcess,
) -> None:
    from tortoise import timezone
    from tortoise.context import TortoiseContext

    from plugins.core.scheduler import schedule
    from plugins.core.storage import tortoise_config

    await linli_process.start()  # creates and migrates the database
    async with linli_process.connect():
        pass
    async with TortoiseContext() as ctx:
        await ctx.init(config=tortoise_config(linli_process.database_url))
        job = await schedule(
            "core.send_group",
            timezone.now() + timedelta(seconds=2),
            {"group": "qq:1000", "text": "【通知】明天 9:00 停水"},
        )
        await ctx.close_connections()
    linli_process.kill()  # down before the job is due: it falls due while down

    await asyncio.sleep(2.5)
    await linli_process.start()
    try:
        async with linli_process.connect() as onebot:
            call = await onebot.expect_call("send_group_msg", timeout=15)
            assert call.params["group_id"] == 1000
            assert text_of(call) == "【通知】明天 9:00 停水"
            await asyncio.sleep(1.0)
            sends = [c for c in onebot.calls if c.action == "send_group_msg"]
            assert len(sends) == 1
    finally:
        await linli_process.stop()
    async with TortoiseContext() as ctx:
        await ctx.init(config=tortoise_config(linli_process.database_url))
        from plugins.core.models import Job

        row = await Job.get(id=job.id)
        await ctx.close_connections()
    assert row.status == "done"


async def test_the_ready_line_is_printed_when_it_is_true(linli: LinliProcess) -> None:
    """'ready for OneBot connections' comes after the database is open and
    after the server listens, not before."""
    for _ in range(100):
        if "is ready for OneBot connections" in linli.log():
            break
        await asyncio.sleep(0.1)
    log = linli.log()
    ready = log.index("is ready for OneBot connections")
    assert log.index("database ready") < ready
    assert log.index("Uvicorn running on") < ready
    assert log.count("is ready for OneBot connections") == 1
