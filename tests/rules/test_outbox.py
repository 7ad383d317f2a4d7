"""How the rules plugin speaks on its own: through core's send queue, and a
private reminder that cannot be delivered falls back to a mention in the group."""

from __future__ import annotations

import asyncio

from nonebug import App

from tests.helpers import run_job, v11_bot


class FakeQueue:
    def __init__(self, fail_private: bool) -> None:
        self.fail_private = fail_private
        self.sent: list[tuple[str, str, str, str | None]] = []

    def _done(self, error: Exception | None = None) -> asyncio.Future:
        future = asyncio.get_running_loop().create_future()
        if error is None:
            future.set_result("1")
        else:
            future.set_exception(error)
        return future

    def send_group(self, group, text, *, mention=None, reply_to=None):
        self.sent.append(("group", group, text, mention))
        return self._done()

    def send_private(self, user, text):
        self.sent.append(("private", user, text, None))
        if self.fail_private:
            from adapters import PlatformError

            return self._done(PlatformError("send_private_msg", "not a friend"))
        return self._done()


async def test_private_reminder_falls_back_to_the_group(monkeypatch) -> None:
    from plugins.rules import service

    for fail in (False, True):
        queue = FakeQueue(fail_private=fail)
        monkeypatch.setattr(service, "send_queue", lambda queue=queue: queue)
        box = service.QueueOutbox()
        box.private("qq:1", "请不要发身份证号", fallback_group="qq:1000")
        box.group("qq:2000", "【违规记录】")
        await asyncio.sleep(0)
        await asyncio.sleep(0)
        expected = [
            ("private", "qq:1", "请不要发身份证号", None),
            ("group", "qq:2000", "【违规记录】", None),
        ]
        if fail:
            expected.append(("group", "qq:1000", "请不要发身份证号", "qq:1"))
        assert queue.sent == expected


async def test_nickname_job_asks_the_platform(app: App, outbox) -> None:
    from plugins.core import remember

    async with app.test_api() as ctx:
        bot = v11_bot(ctx)
        remember("qq:1000", bot)
        ctx.should_call_api(
            "get_group_member_info",
            {"group_id": 1000, "user_id": 4401, "no_cache": False},
            result={"nickname": "小王", "card": "", "role": "member"},
        )
        await run_job("rules.nickname", {"group": "qq:1000", "user": "qq:4401"})
    ((kind, where, text, mention),) = outbox.sent
    assert (kind, where, mention) == ("group", "qq:1000", "qq:4401")
    assert "3-2-201 张三" in text
