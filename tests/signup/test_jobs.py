"""The durable jobs: the deadline closes and posts, the reminder, the re-post."""

from __future__ import annotations

import pytest

from tests.helpers import FakeQueue, run_job
from tests.signup.util import entry, make_sheet, member, soon


@pytest.fixture
def queue(monkeypatch: pytest.MonkeyPatch) -> FakeQueue:
    from plugins.signup import matchers, posting

    fake = FakeQueue()
    for module in (matchers, posting):
        monkeypatch.setattr(module, "send_queue", lambda: fake)
        monkeypatch.setattr(module, "port_for_group", lambda group: None)
    return fake


async def test_deadline_closes_and_posts_the_final_list_once(queue) -> None:
    from plugins.signup.models import Sheet
    from plugins.signup.service import join

    sheet = await make_sheet(capacity=1, deadline=soon())
    await join(sheet.id, member(1, "3-201", "张三"), entry())
    await join(sheet.id, member(2, "3-202", "李四"), entry())
    await run_job("signup.close", {"id": sheet.id})
    await run_job("signup.close", {"id": sheet.id})  # a retry, a second process:
    # no repeat
    assert queue.sent == [
        (
            sheet.group,
            "【接龙】周六义诊（已结束）\n1. 3-201 张三\n候补：\n2. 3-202 李四\n"
            "名额已满（共 1），继续接龙将进入候补\n接龙已结束。",
            None,
        )
    ]
    row = await Sheet.get(id=sheet.id)
    assert (row.status, row.closed_by, row.final_posted) == ("closed", "deadline", True)


async def test_final_post_failure_is_retried_by_the_scheduler(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from adapters import PlatformError
    from plugins.signup import matchers
    from plugins.signup.models import Sheet

    def offline(group: str) -> None:
        raise PlatformError("find_bot", "no bot", retryable=True)

    monkeypatch.setattr(matchers, "port_for_group", offline)
    sheet = await make_sheet(deadline=soon())
    with pytest.raises(PlatformError):
        await run_job("signup.close", {"id": sheet.id})
    row = await Sheet.get(id=sheet.id)
    assert (row.status, row.final_posted) == ("closed", False)  # closed on time
    fake = FakeQueue()
    monkeypatch.setattr(matchers, "send_queue", lambda: fake)
    monkeypatch.setattr(matchers, "port_for_group", lambda group: None)
    await run_job("signup.close", {"id": sheet.id})  # the retry posts
    assert len(fake.sent) == 1 and "（已结束）" in fake.sent[0][1]


async def test_lottery_deadline_posts_winners_and_the_seed(queue) -> None:
    from plugins.signup.models import Sheet
    from plugins.signup.service import join

    sheet = await make_sheet(capacity=2, lottery=True, deadline=soon())
    for n in range(1, 6):
        await join(sheet.id, member(n), entry())
    await run_job("signup.close", {"id": sheet.id})
    seed = (await Sheet.get(id=sheet.id)).draw["seed"]
    text = queue.sent[0][1]
    assert f"抽签种子：{seed}" in text
    assert text.count("（报名第") == 5
    assert "候补：" in text and text.index("2. ") < text.index("候补：")


async def test_reminder_tells_places_left_and_skips_closed_sheets(queue) -> None:
    from plugins.core.timeparse import format_time
    from plugins.signup.service import close, join

    sheet = await make_sheet(capacity=30, deadline=soon())
    await join(sheet.id, member(1), entry())
    await run_job("signup.remind", {"id": sheet.id})
    when = format_time(sheet.deadline, "zh-CN", "Asia/Shanghai")
    assert queue.sent == [
        (
            sheet.group,
            f"【接龙提醒】「周六义诊」将于 {when} 截止，还剩 29 个名额（共 30）。\n"
            "参加请发 +1，或 /接龙 + 1",
            None,
        )
    ]
    await close(sheet.id, "qq:500")
    await run_job("signup.remind", {"id": sheet.id})
    assert len(queue.sent) == 1


async def test_repost_only_when_something_changed(queue) -> None:
    from plugins.signup.service import join

    sheet = await make_sheet()
    await run_job("signup.post", {"id": sheet.id})
    assert queue.sent == []  # nothing new since it was created
    for n in range(1, 21):  # twenty quick joins …
        await join(sheet.id, member(n), entry())
    await run_job("signup.post", {"id": sheet.id})  # … one post
    await run_job("signup.post", {"id": sheet.id})
    assert len(queue.sent) == 1
    assert queue.sent[0][1].count("\n") == 20 + 2  # header, 20 lines, 2 footer


async def test_scheduler_runs_the_coalesced_post(queue) -> None:
    """Through core's real scheduler: twenty joins, one pending job, one post."""
    import asyncio

    from plugins.signup.service import join, request_repost

    sheet = await make_sheet()
    for n in range(1, 21):
        await join(sheet.id, member(n), entry())
        await request_repost(sheet.id, 0.3)
    for _ in range(100):
        if queue.sent:
            break
        await asyncio.sleep(0.05)
    await asyncio.sleep(0.5)
    assert len([s for s in queue.sent if s[0] == sheet.group]) == 1
