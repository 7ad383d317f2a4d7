"""The durable deadline and reminder jobs: results posted once, reminders named."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.helpers import FakeQueue, new_group, run_job, section_config
from tests.vote.util import make_vote, new_user, voter


@pytest.fixture
def queue(monkeypatch: pytest.MonkeyPatch) -> FakeQueue:
    import plugins.vote as vote_plugin

    fake = FakeQueue()
    monkeypatch.setattr(vote_plugin, "send_queue", lambda: fake)
    return fake


async def test_close_job_posts_the_results_once(queue: FakeQueue) -> None:
    from plugins.vote import service
    from plugins.vote.models import Vote

    group = new_group()
    vote = await make_vote(group, "绿化 A B 截止 3天")
    await service.cast(vote, voter(new_user(), "张三"), [2])
    await run_job("vote.close", {"id": vote.id})
    await run_job("vote.close", {"id": vote.id})  # a second run does nothing
    assert queue.sent == [
        (
            group,
            "【投票结果】#1 绿化（已截止）\n1. A  0票 0.0% ░░░░░░░░░░\n"
            "2. B  1票 100.0% ██████████\n参与：1 人",
            None,
        )
    ]
    row = await Vote.get(id=vote.id)
    assert (row.status, row.announced) == ("closed", True)
    await run_job("vote.close", {"id": 10**12})  # a vote that is gone: nothing


async def test_a_failed_post_is_retried_by_the_job(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import plugins.vote as vote_plugin
    from adapters import PlatformError
    from plugins.vote.models import Vote

    vote = await make_vote(new_group(), "绿化 A B 截止 3天")
    failing = FakeQueue(fail=PlatformError("send_group_msg", "offline", retryable=True))
    monkeypatch.setattr(vote_plugin, "send_queue", lambda: failing)
    with pytest.raises(PlatformError):
        await run_job("vote.close", {"id": vote.id})
    assert (await Vote.get(id=vote.id)).announced is False
    working = FakeQueue()
    monkeypatch.setattr(vote_plugin, "send_queue", lambda: working)
    await run_job("vote.close", {"id": vote.id})
    assert len(working.sent) == 1


async def test_manual_close_announces_so_the_job_does_not(queue: FakeQueue) -> None:
    from plugins.vote import service

    vote = await make_vote(new_group(), "绿化 A B 截止 3天")
    closed = await service.close(vote.id, actor="qq:500")
    assert await service.claim_announcement(closed)
    await run_job("vote.close", {"id": vote.id})
    assert queue.sent == []


async def test_reminder_counts_households_and_mentions_a_few(queue: FakeQueue) -> None:
    """The YAML says the members who have not voted are @-mentioned: they are,
    for real (the platform puts the @s before the text); a nickname holding a
    phone number is not handed to the platform but written masked."""
    from plugins.core import store
    from plugins.core.models import KnownMember
    from plugins.vote import service

    group = new_group()
    vote = await make_vote(group, "绿化 A B 每户一票 截止 3天")
    members = [(new_user(), f"3-1-{101 + i} 住户{i}") for i in range(15)]
    # the last seen is named first (KnownMember.last_seen, newest first)
    members[14] = (members[14][0], "3-1-115 李四 13812345678")
    for user, nick in members:
        await KnownMember.create(group=group, user=user, display_name=nick)
    await service.cast(vote, voter(*members[0]), [1])
    await run_job("vote.remind", {"id": vote.id})
    ((to, text, mention),) = queue.sent
    limit = store.current.section("vote", group).remind_mentions
    assert limit == 10
    everyone = {user for user, _ in members[1:]}
    assert to == group and len(mention) == limit - 1
    assert set(mention) <= everyone - {members[14][0]}
    lines = text.splitlines()
    assert "还有 14 户没有投票" in lines[0]
    assert lines[1] == "未投票：@3-1-115 李四 138****5678"
    assert "13812345678" not in text
    assert lines[2] == "等，共 14 户。"
    assert lines[3] == "投票请发送：/投票 1 选项号"


async def test_reminder_style_names_writes_masked_names_and_mentions_nobody() -> None:
    from plugins.vote import render
    from plugins.vote.service import Missing

    vote = await make_vote(new_group(), "绿化 A B 截止 3天")
    missing = Missing(
        count=2, members=[("qq:1", "3-1-101 张三"), ("qq:2", "王五 13812345678")]
    )
    text, mention = render.reminder(
        vote, missing, "zh-CN", vote_tz(), limit=10, style="names"
    )
    assert mention == []
    assert text.splitlines()[1] == "未投票：@3-1-101 张三 @王五 138****5678"


async def test_no_reminder_when_everyone_voted_or_the_vote_closed(
    queue: FakeQueue,
) -> None:
    from plugins.core.models import KnownMember
    from plugins.vote import service

    group = new_group()
    vote = await make_vote(group, "绿化 A B 截止 3天")
    user = new_user()
    await KnownMember.create(group=group, user=user, display_name="张三")
    await service.cast(vote, voter(user, "张三"), [1])
    await run_job("vote.remind", {"id": vote.id})
    other = await make_vote(new_group(), "绿化 A B 截止 3天")
    await service.close(other.id)
    await run_job("vote.remind", {"id": other.id})
    assert queue.sent == []


async def test_the_scheduler_closes_at_the_deadline(queue: FakeQueue) -> None:
    """Core's running scheduler fires vote.close by itself."""
    from tortoise import timezone

    from plugins.core import schedule
    from plugins.vote.models import Vote

    vote = await make_vote(new_group(), "绿化 A B 截止 3天")
    await schedule(
        "vote.close",
        timezone.now() + timedelta(milliseconds=200),
        {"id": vote.id},
        key=f"vote:close:{vote.id}",
    )
    for _ in range(100):
        if queue.sent:
            break
        await asyncio.sleep(0.1)
    assert len(queue.sent) == 1
    assert (await Vote.get(id=vote.id)).status == "closed"


async def test_remind_before_zero_or_empty_disables_reminders() -> None:
    from plugins.core.models import Job

    vote = await make_vote(
        new_group(),
        "绿化 A B 截止 3天",
        config=section_config("vote", remind_before=""),
    )
    assert not await Job.exists(key=f"vote:remind:{vote.id}")


def vote_tz() -> ZoneInfo:
    return ZoneInfo("Asia/Shanghai")
