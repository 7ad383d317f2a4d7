"""Re-posting the list after a change: at once, or once when repost_seconds is up."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from tests.helpers import FakeQueue
from tests.signup.util import entry, make_sheet, member


@pytest.fixture
def queue(monkeypatch: pytest.MonkeyPatch) -> FakeQueue:
    from plugins.signup import posting

    fake = FakeQueue()
    monkeypatch.setattr(posting, "send_queue", lambda: fake)
    monkeypatch.setattr(posting, "port_for_group", lambda group: None)
    return fake


async def _pending(sheet_id: int):
    from plugins.core.models import Job
    from plugins.signup.service import post_keys

    return await Job.filter(key__in=post_keys(sheet_id), status="pending")


async def _join(sheet, n: int):
    from plugins.signup.service import join

    return (await join(sheet.id, member(n), entry())).sheet


async def test_a_change_after_a_quiet_spell_is_posted_at_once(queue) -> None:
    from plugins.signup import posting
    from plugins.signup.models import Sheet

    sheet = await make_sheet()
    await posting.changed(await _join(sheet, 1), 10)
    assert len(queue.sent) == 1 and "住户1" in queue.sent[0][1]
    assert await _pending(sheet.id) == []
    row = await Sheet.get(id=sheet.id)
    assert row.posted_version == row.version


async def test_changes_within_repost_seconds_wait_for_one_post(queue) -> None:
    from tortoise import timezone

    from plugins.signup import posting

    sheet = await make_sheet()
    await posting.changed(await _join(sheet, 1), 10)  # posted at once
    for n in (2, 3, 4):
        await posting.changed(await _join(sheet, n), 10)
    assert len(queue.sent) == 1  # the later three wait …
    jobs = await _pending(sheet.id)
    assert len(jobs) == 1  # … for one post
    due_in = (jobs[0].due_at - timezone.now()).total_seconds()
    assert 8 < due_in <= 10  # when 10 s since the first post are up
    await posting.post_if_behind(sheet.id)  # the job runs: all four in one list
    assert len(queue.sent) == 2 and "住户4" in queue.sent[1][1]
    await posting.post_if_behind(sheet.id)  # nothing new: nothing posted
    assert len(queue.sent) == 2


@pytest.mark.usefixtures("app_scheduler_paused")  # it would run the job at once
async def test_when_posting_fails_the_durable_job_posts(
    queue, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tortoise import timezone

    from adapters import PlatformError
    from plugins.signup import posting

    def offline(group: str) -> None:
        raise PlatformError("find_bot", "no bot", retryable=True)

    monkeypatch.setattr(posting, "port_for_group", offline)
    sheet = await make_sheet()
    await posting.changed(await _join(sheet, 1), 10)
    assert queue.sent == []
    jobs = await _pending(sheet.id)
    assert len(jobs) == 1 and jobs[0].due_at <= timezone.now() + timedelta(seconds=1)


async def test_lists_reach_the_group_in_the_order_they_were_read(
    queue, monkeypatch: pytest.MonkeyPatch
) -> None:
    from plugins.signup import posting, service

    read = service.view
    slow = asyncio.Event()

    async def view(sheet, **kwargs):
        result = await read(sheet, **kwargs)
        if not slow.is_set():  # the first post reads, then is held up
            slow.set()
            await asyncio.sleep(0.2)
        return result

    monkeypatch.setattr(posting.service, "view", view)
    sheet = await make_sheet()
    first = asyncio.create_task(posting.changed(await _join(sheet, 1), 0))
    await slow.wait()  # its list (住户1 only) is read …
    second = await _join(sheet, 2)
    await posting.changed(second, 0)  # … a newer list must not overtake it
    await first
    assert [("住户2" in text) for _, text, _ in queue.sent] == [False, True]


async def test_a_closed_sheet_waits_for_its_final_list(queue) -> None:
    from plugins.signup import posting
    from plugins.signup.service import close

    sheet = await make_sheet()
    changed = await _join(sheet, 1)
    await close(sheet.id, "qq:500")  # the final list is not posted yet
    changed.status = "closed"
    await posting.changed(changed, 0)
    assert queue.sent == [] and await _pending(sheet.id) == []


async def test_the_final_list_is_forgotten(queue) -> None:
    from plugins.signup import posting

    sheet = await make_sheet()
    await posting.posted(sheet.id, 1)
    assert sheet.id in posting._last_post
    await posting.posted(sheet.id, 2, final=True)
    assert sheet.id not in posting._last_post
