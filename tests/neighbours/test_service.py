"""The service on the test database (tests/conftest.py sets it up): numbering,
close rights, the expiry job and the weekly digest."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from adapters import PlatformError
from tests.helpers import PrivateQueue, new_group, run_job

DAY = timedelta(days=1)


@pytest.fixture
def queue(monkeypatch: pytest.MonkeyPatch) -> PrivateQueue:
    from plugins.neighbours import service

    fake = PrivateQueue()
    monkeypatch.setattr(service, "send_queue", lambda: fake)
    monkeypatch.setattr(service, "_can_send_private", lambda group: True)
    return fake


async def _job(key: str):
    from plugins.core.models import Job

    return await Job.get_or_none(key=key, status="pending")


async def test_items_are_numbered_per_group_across_kinds() -> None:
    from plugins.neighbours import service

    one, two = new_group(), new_group()
    kinds = ["ask", "offer", "lost", "found"]
    numbers = [
        (await service.post(one, "qq:1", "甲", kind, "x", expire_after=DAY)).number
        for kind in kinds
    ]
    assert numbers == [1, 2, 3, 4]
    other = await service.post(two, "qq:1", "甲", "ask", "y", expire_after=DAY)
    assert other.number == 1
    with pytest.raises(ValueError):
        await service.post(one, "qq:1", "甲", "sell", "z", expire_after=DAY)


async def test_numbers_stay_unique_when_items_arrive_together() -> None:
    from plugins.neighbours import service

    group = new_group()
    posts = (
        service.post(group, "qq:1", "", "ask", f"n{i}", expire_after=None)
        for i in range(8)
    )
    items = await asyncio.gather(*posts)
    assert sorted(item.number for item in items) == list(range(1, 9))


async def test_open_items_by_kind_newest_first_and_limited() -> None:
    from plugins.neighbours import service

    group = new_group()
    for i in range(4):
        await service.post(group, "qq:1", "甲", "ask", f"ask{i}", expire_after=DAY)
    await service.post(group, "qq:2", "乙", "found", "钥匙", expire_after=DAY)
    closed = await service.post(group, "qq:2", "乙", "lost", "伞", expire_after=DAY)
    await service.close(group, closed.number, "qq:2", may_close_any=False)
    lists = await service.open_items(group, 2)
    assert list(lists) == ["ask", "found"]  # the kinds' order; lost has none open
    items, total = lists["ask"]
    assert [i.text for i in items] == ["ask3", "ask2"] and total == 4


async def test_render_list_masks_phone_numbers() -> None:
    from plugins.neighbours import service

    group = new_group()
    await service.post(
        group, "qq:1", "3-2-201 张三", "offer", "代购蔬菜 13812345678", expire_after=DAY
    )
    text = service.render_list("zh-CN", "头", await service.open_items(group, 5))
    assert text == (
        "头\n提供\n#1 代购蔬菜 138****5678（3-2-201 张三）\n"
        "私信发布人：/互助 联系 编号 内容；发布人关闭：/互助 关闭 编号"
    )


@pytest.mark.usefixtures("app_scheduler_paused")
async def test_the_poster_or_staff_close_and_the_expiry_job_goes() -> None:
    from plugins.neighbours import service

    group = new_group()
    item = await service.post(group, "qq:1", "甲", "ask", "婴儿车", expire_after=DAY)
    job = await _job(service.expire_key(item.id))
    assert job is not None and job.kind == "neighbours.expire"
    assert abs(job.due_at - (item.created_at + DAY)) < timedelta(seconds=5)

    denied = await service.close(group, 1, "qq:2", may_close_any=False)
    assert denied.outcome is service.Closed.DENIED
    assert (await service.find(group, 1)).status == "open"

    closed = await service.close(group, 1, "qq:1", may_close_any=False)
    assert closed.outcome is service.Closed.CLOSED
    assert closed.item.status == "closed" and closed.item.ended_by == "qq:1"
    assert await _job(service.expire_key(item.id)) is None
    again = await service.close(group, 1, "qq:1", may_close_any=False)
    assert again.outcome is service.Closed.NOT_OPEN
    missing = await service.close(group, 9, "qq:1", may_close_any=True)
    assert missing.outcome is service.Closed.NOT_FOUND

    await service.post(group, "qq:1", "甲", "ask", "轮椅", expire_after=DAY)
    by_staff = await service.close(group, 2, "qq:500", may_close_any=True)
    assert by_staff.outcome is service.Closed.CLOSED


@pytest.mark.usefixtures("app_scheduler_paused")
async def test_an_item_that_never_expires_has_no_job() -> None:
    from plugins.neighbours import service

    item = await service.post(new_group(), "qq:1", "", "lost", "伞", expire_after=None)
    assert item.expires_at is None
    assert await _job(service.expire_key(item.id)) is None


async def test_the_expiry_job_marks_and_tells_the_poster_once(
    queue: PrivateQueue,
) -> None:
    from plugins.neighbours import service

    group = new_group()
    item = await service.post(group, "qq:7", "甲", "lost", "黑色雨伞", expire_after=DAY)
    await run_job("neighbours.expire", {"id": item.id})
    await item.refresh_from_db()
    assert item.status == "expired" and item.notified
    assert queue.private == [
        (
            "qq:7",
            f"【邻里互助】你在 {group} 发布的 #1（失物：黑色雨伞）已过期，自动关闭。"
            "还需要的话请重新发布。",
        )
    ]
    await run_job("neighbours.expire", {"id": item.id})  # a second run: nothing
    assert len(queue.private) == 1
    await run_job("neighbours.expire", {"id": 10**12})  # a deleted item: nothing


async def test_a_closed_item_does_not_expire(queue: PrivateQueue) -> None:
    from plugins.neighbours import service

    group = new_group()
    item = await service.post(group, "qq:7", "", "ask", "x", expire_after=DAY)
    await service.close(group, item.number, "qq:7", may_close_any=False)
    await run_job("neighbours.expire", {"id": item.id})
    await item.refresh_from_db()
    assert item.status == "closed" and queue.private == []


async def test_announce_expiry_off_expires_quietly(
    queue: PrivateQueue, override_config
) -> None:
    from plugins.neighbours import service

    group = new_group()
    override_config(groups={group: {"neighbours": {"announce_expiry": False}}})
    item = await service.post(group, "qq:7", "", "ask", "x", expire_after=DAY)
    await run_job("neighbours.expire", {"id": item.id})
    await item.refresh_from_db()
    assert item.status == "expired" and queue.private == []


async def test_a_failed_private_message_retries_unless_refused(
    queue: PrivateQueue,
) -> None:
    from plugins.neighbours import service

    group = new_group()
    item = await service.post(group, "qq:7", "", "ask", "x", expire_after=DAY)
    queue.fail = PlatformError("send_private", "rate limited", retryable=True)
    with pytest.raises(PlatformError):  # the scheduler tries the job again
        await run_job("neighbours.expire", {"id": item.id})
    await item.refresh_from_db()
    assert item.status == "expired" and not item.notified
    queue.fail = PlatformError("send_private", "not a friend")
    await run_job("neighbours.expire", {"id": item.id})  # given up, logged
    await item.refresh_from_db()
    assert item.notified


def test_per_kind_expiry() -> None:
    from tests.helpers import section_config

    section = section_config(
        "neighbours", expire_after="7d", expire_after_by_kind={"lost": "30d"}
    )
    assert section.expiry_of("ask") == timedelta(days=7)
    assert section.expiry_of("lost") == timedelta(days=30)
    assert section_config("neighbours", expire_after=0).expiry_of("ask") is None
    assert section_config("neighbours").expiry_of("found") == timedelta(days=14)


def test_next_digest_is_the_next_weekday_at_the_time() -> None:
    from plugins.neighbours.config import DigestConfig
    from plugins.neighbours.service import next_digest

    digest = DigestConfig(enabled=True, weekday=6, time="09:00")  # Saturday
    # Friday 2024-05-31 12:00 in Shanghai is 04:00 UTC
    friday = datetime(2024, 5, 31, 4, 0, tzinfo=UTC)
    assert next_digest(digest, "Asia/Shanghai", friday) == datetime(
        2024, 6, 1, 1, 0, tzinfo=UTC
    )
    # at the very time: next week
    saturday = datetime(2024, 6, 1, 1, 0, tzinfo=UTC)
    assert next_digest(digest, "Asia/Shanghai", saturday) == datetime(
        2024, 6, 8, 1, 0, tzinfo=UTC
    )


@pytest.mark.usefixtures("app_scheduler_paused")
async def test_the_digest_posts_the_open_items_and_plans_next_week(
    queue: PrivateQueue, override_config
) -> None:
    from plugins.neighbours import service

    group = new_group()
    override_config(groups={group: {"neighbours": {"digest": {"enabled": True}}}})
    await service.post(group, "qq:1", "甲", "ask", "婴儿车", expire_after=DAY)
    assert await service.plan_digest(group) is not None
    await run_job("neighbours.digest", {"group": group})
    assert queue.sent == [
        (
            group,
            "【邻里互助】本周进行中的事项（新的在前）：\n求助\n#1 婴儿车（甲）\n"
            "私信发布人：/互助 联系 编号 内容；发布人关闭：/互助 关闭 编号",
            None,
        )
    ]
    job = await _job(service.digest_key(group))
    assert job is not None and job.due_at > datetime.now(UTC)

    await service.close(group, 1, "qq:1", may_close_any=False)
    await service.cancel(service.digest_key(group))
    await run_job("neighbours.digest", {"group": group})  # nothing open
    assert len(queue.sent) == 1 and await _job(service.digest_key(group)) is None


async def test_no_digest_where_it_is_off(queue: PrivateQueue) -> None:
    from plugins.neighbours import service

    group = new_group()
    await service.post(group, "qq:1", "甲", "ask", "婴儿车", expire_after=DAY)
    assert await service.plan_digest(group) is None
    await run_job("neighbours.digest", {"group": group})
    assert queue.sent == []


def test_unknown_keys_are_refused_also_in_the_digest() -> None:
    from pydantic import ValidationError

    from tests.helpers import section_config

    with pytest.raises(ValidationError, match="wekday"):
        section_config("neighbours", digest={"enabled": True, "wekday": 3})
    with pytest.raises(ValidationError, match="time"):
        section_config("neighbours", digest={"time": "25:00"})
    with pytest.raises(ValidationError):
        section_config("neighbours", expire_after_by_kind={"sell": "3d"})


def test_a_group_override_of_the_digest_keeps_the_other_keys(override_config) -> None:
    from plugins.neighbours import service

    group = new_group()
    override_config(
        neighbours={"digest": {"weekday": 3}},
        groups={group: {"neighbours": {"digest": {"enabled": True}}}},
    )
    digest = service.section_of(group).digest
    assert (digest.enabled, digest.weekday, digest.time) == (True, 3, "09:00")


@pytest.mark.usefixtures("app_scheduler_paused")
async def test_planning_keeps_a_due_digest_and_moves_a_changed_one(
    override_config,
) -> None:
    from plugins.core import store
    from plugins.core.models import Job
    from plugins.neighbours import service

    group = new_group()
    override_config(groups={group: {"neighbours": {"digest": {"enabled": True}}}})
    await service.post(group, "qq:1", "甲", "ask", "婴儿车", expire_after=DAY)
    first = await service.plan_digest(group)
    assert (await _job(service.digest_key(group))).due_at == first
    assert await service.plan_digest(group) == first  # the same: left alone

    # the admin moves it to Monday: the pending one moves
    override_config(groups={group: {"neighbours": {"digest": {"weekday": 1}}}})
    monday = await service.plan_digest(group)
    zone = ZoneInfo(store.current.core.timezone)
    assert monday != first and monday.astimezone(zone).isoweekday() == 1
    assert (await _job(service.digest_key(group))).due_at == monday

    # one that fell due while the bot was down is left to run now
    past = datetime.now(UTC) - timedelta(hours=1)
    await Job.filter(key=service.digest_key(group)).update(due_at=past)
    assert await service.plan_digest(group) == past


@pytest.mark.usefixtures("app_scheduler_paused")
async def test_at_start_every_group_with_open_items_gets_its_digest(
    override_config,
) -> None:
    from plugins.neighbours import service

    on, off = new_group(), new_group()
    override_config(groups={on: {"neighbours": {"digest": {"enabled": True}}}})
    for group in (on, off):
        await service.post(group, "qq:1", "甲", "ask", "x", expire_after=DAY)
    await service.plan_digests()
    assert await _job(service.digest_key(on)) is not None
    assert await _job(service.digest_key(off)) is None
