"""The send queue: order per group, budgets per group and per bot, priority,
coalescing, retries, and no silent drop — under a flood."""

from __future__ import annotations

import asyncio
import time

import pytest


class FakeBot:
    self_id = "10000"


class FakePort:
    platform = "qq"
    bot = FakeBot()

    def __init__(self, failures: list[Exception] | None = None) -> None:
        self.log: list[tuple[float, str, str]] = []  # (time, target, what)
        self.failures = failures or []

    async def send_group(self, group: str, text: str, *, mention=None, reply_to=None):
        if self.failures:
            raise self.failures.pop(0)
        self.log.append((time.monotonic(), group, text))
        return str(len(self.log))

    async def send_private(self, user: str, text: str):
        self.log.append((time.monotonic(), user, text))
        return str(len(self.log))

    async def mute(self, group: str, user: str, seconds: int) -> None:
        self.log.append((time.monotonic(), group, f"mute {user}"))


def _queue(port: FakePort, **budget):
    from plugins.core.config import Budget, SendConfig
    from plugins.core.sendqueue import SendQueue

    config = SendConfig(qq=Budget(**budget), retry_base_seconds=0.01)
    return SendQueue(config, resolve=lambda group: port, resolve_user=lambda u: port)


def _max_in_window(times: list[float], window: float) -> int:
    times = sorted(times)
    best, start = 0, 0
    for end, t in enumerate(times):
        while t - times[start] >= window - 1e-3:
            start += 1
        best = max(best, end - start + 1)
    return best


async def test_broadcast_to_100_groups_and_a_raid_keep_every_budget() -> None:
    port = FakePort()
    queue = _queue(
        port, per_group=3, group_window_seconds=0.3, per_bot=40, bot_window_seconds=0.2
    )
    futures = []
    for n in range(100):  # a notice to 100 groups, then a second one
        futures.append(queue.send_group(f"qq:{n}", "【通知】明天停水"))
        futures.append(queue.send_group(f"qq:{n}", "【通知】后天停电"))
    raid = "qq:7"
    for i in range(6):  # a raid in group 7: chatter, then moderation actions
        futures.append(queue.send_group(raid, f"提醒 {i}"))
    for i in range(4):
        futures.append(
            queue.act(raid, lambda port, i=i: port.mute(raid, f"qq:{900 + i}", 600))
        )
    await asyncio.wait_for(asyncio.gather(*futures), 60)

    assert len(port.log) == 200 + 6 + 4  # nothing dropped
    messages = [entry for entry in port.log if not entry[2].startswith("mute")]
    assert _max_in_window([t for t, _, _ in messages], 0.2) <= 40  # the bot's budget
    for n in range(100):
        group = f"qq:{n}"
        mine = [(t, what) for t, target, what in messages if target == group]
        assert _max_in_window([t for t, _ in mine], 0.3) <= 3  # the group's budget
        if group != raid:
            assert [w for _, w in mine] == ["【通知】明天停水", "【通知】后天停电"]
    in_raid = [what for _, target, what in port.log if target == raid]
    # moderation overtook the chatter that was still waiting, order kept within each
    mutes = [w for w in in_raid if w.startswith("mute")]
    assert mutes == [f"mute qq:{900 + i}" for i in range(4)]
    chatter = [w for w in in_raid if w.startswith("提醒")]
    assert chatter == [f"提醒 {i}" for i in range(6)]
    assert in_raid.index(mutes[-1]) < in_raid.index(chatter[-1])


async def test_actions_never_wait_behind_messages_and_keep_their_own_budget() -> None:
    """An ad wave: the group's message budget is spent, a recall (here a mute)
    queued after the waiting messages still leaves at once; the actions are
    counted against the account's action budget (2 per 0.3 s here)."""
    port = FakePort()
    queue = _queue(
        port,
        per_group=1,
        group_window_seconds=30,
        actions_per_bot=2,
        action_window_seconds=0.3,
    )
    start = time.monotonic()
    first = queue.send_group("qq:1", "first")
    held = queue.send_group("qq:1", "held back for 30 s")
    acts = [
        queue.act(f"qq:{n}", lambda port, n=n: port.mute(f"qq:{n}", "qq:9", 60))
        for n in range(1, 5)
    ]
    await asyncio.wait_for(asyncio.gather(first, *acts), 5)
    assert not held.done()  # the message still waits for its window
    mutes = [t - start for t, _, what in port.log if what.startswith("mute")]
    assert len(mutes) == 4
    assert _max_in_window(mutes, 0.3) <= 2  # the action budget held
    assert mutes[-1] < 2.0  # and the actions did not wait the 30 s
    held.cancel()


async def test_identical_waiting_message_is_coalesced() -> None:
    port = FakePort()
    queue = _queue(port, per_group=1, group_window_seconds=0.2)
    first = queue.send_group("qq:1", "a")
    second = queue.send_group("qq:1", "b")
    third = queue.send_group("qq:1", "b")  # same as one still waiting
    assert third is second
    await asyncio.gather(first, second)
    assert [what for _, _, what in port.log] == ["a", "b"]


async def test_retryable_failure_is_retried_and_refusal_is_raised() -> None:
    from adapters import PlatformError

    port = FakePort(
        failures=[
            PlatformError("send_group_msg", "rate limited", retryable=True),
            PlatformError("send_group_msg", "rate limited", retryable=True),
        ]
    )
    queue = _queue(port)
    assert await queue.send_group("qq:1", "hello") == "1"

    port.failures = [PlatformError("send_group_msg", "bot is muted")]
    with pytest.raises(PlatformError):
        await queue.send_group("qq:1", "refused")
    assert await queue.send_group("qq:1", "next one still goes") == "2"
    assert await queue.send_private("qq:42", "private") == "3"


async def test_command_replies_keep_the_group_budget(monkeypatch) -> None:
    """``Context.send`` (every command's answer) goes through the queue: 8
    answers in one group with a budget of 3 per 0.4 s leave at most 3 per
    window, in order; an identical answer still waiting is sent once."""
    import plugins.core as core
    from adapters.port import EventInfo
    from plugins.core.config import LinliConfig
    from plugins.core.context import Context

    sent: list[tuple[float, str]] = []

    class RecordingBot:
        self_id = "10000"

        async def send(self, event, message):
            sent.append((time.monotonic(), str(message)))
            return {"message_id": len(sent)}

    port = FakePort()
    port.bot = RecordingBot()  # type: ignore[assignment]
    monkeypatch.setattr(
        core, "_queue", _queue(port, per_group=3, group_window_seconds=0.4)
    )
    info = EventInfo(
        platform="qq", self_id="10000", user="qq:42", group="qq:1000",
        message_id="1", display_name="张三", sender_role="member", to_me=False,
    )  # fmt: skip
    config = LinliConfig(path=None, sections={}, groups={})  # type: ignore[arg-type]
    ctx = Context(port.bot, object(), info, port, config)  # type: ignore[arg-type]
    texts = [f"answer {i}" for i in range(8)] + ["answer 7"]
    ids = await asyncio.wait_for(
        asyncio.gather(*(ctx.send(text) for text in texts)), 10
    )
    assert [what for _, what in sent] == [f"answer {i}" for i in range(8)]
    assert ids[-1] == ids[-2]  # the repeated answer was coalesced
    assert _max_in_window([t for t, _ in sent], 0.4) <= 3


# -- several processes on one database (issue 21) -----------------------------


def _elsewhere_queue(port: FakePort, forwarded: list, *, fail: bool = False):
    """A queue whose qq:1 is spoken for by account 10000 of another process."""
    from plugins.core.config import SendConfig
    from plugins.core.sendqueue import SendQueue

    async def forward(payload: dict) -> None:
        if fail:
            raise ConnectionError("database away")
        forwarded.append(payload)

    return SendQueue(
        SendConfig(retry_base_seconds=0.01),
        resolve=lambda group: port,
        resolve_user=lambda u: port,
        elsewhere=lambda group: "10000" if group == "qq:1" else None,
        forward=forward,
    )


async def test_a_group_spoken_for_by_another_process_gets_its_message_as_a_job():
    port, forwarded = FakePort(), []
    queue = _elsewhere_queue(port, forwarded)
    there = await queue.send_group("qq:1", "【通知】停水", mention=["qq:5", "qq:6"])
    here = await queue.send_group("qq:2", "hello")
    assert there is None and here == "1"
    assert [(g, text) for _, g, text in port.log] == [("qq:2", "hello")]
    assert forwarded == [
        {
            "group": "qq:1",
            "text": "【通知】停水",
            "mention": ["qq:5", "qq:6"],
            "reply_to": None,
            "urgent": False,
            "hops": 1,
        }
    ]


async def test_a_message_handed_on_twice_is_sent_here() -> None:
    """Two processes that briefly disagree on the speaker do not pass a
    message back and forth: after MAX_HOPS it leaves through this one."""
    from plugins.core.sendqueue import MAX_HOPS

    port, forwarded = FakePort(), []
    queue = _elsewhere_queue(port, forwarded)
    assert await queue.send_group("qq:1", "third hop", hops=MAX_HOPS) == "1"
    assert forwarded == [] and [t for _, _, t in port.log] == ["third hop"]


async def test_a_message_that_cannot_be_handed_on_is_sent_here_once() -> None:
    port, forwarded = FakePort(), []
    queue = _elsewhere_queue(port, forwarded, fail=True)
    assert await queue.send_group("qq:1", "数据库断了") == "1"
    assert [t for _, _, t in port.log] == ["数据库断了"]


async def test_a_reply_handed_over_goes_to_the_other_processs_speaker() -> None:
    """A reply whose account left before it was sent, in a group now spoken
    for by another process: handed on with its text, not lost."""
    port, forwarded = FakePort(), []
    queue = _elsewhere_queue(port, forwarded)
    gone = FakePort()

    async def deliver(p) -> str:
        raise RuntimeError("the WebSocket is closed")  # its bot has gone

    async def instead(p) -> str:
        return await p.send_group("qq:1", "答案")

    queue._connected = lambda p: p is not gone
    result = await queue.reply(
        "qq:1",
        deliver,
        key="答案",
        private=False,
        port=gone,
        fallback=instead,
        text="答案",
    )
    assert result is None and port.log == []
    assert [(f["group"], f["text"]) for f in forwarded] == [("qq:1", "答案")]


@pytest.mark.usefixtures("app_scheduler_paused")
async def test_two_processes_a_notice_in_p2_is_posted_once_by_p1s_speaker(
    monkeypatch,
) -> None:
    """P2 (account B, quiet in qq:1) is asked to post; its queue stores a
    core.send_group job bound to qq:1; P2's scheduler leaves it, P1's (where
    the speaker A is connected) claims it and A posts it, once."""
    import plugins.core as core
    from plugins.core.config import SendConfig
    from plugins.core.models import Job
    from plugins.core.scheduler import Scheduler
    from plugins.core.sendqueue import SendQueue

    a, b = FakePort(), FakePort()
    p2 = SendQueue(
        SendConfig(),
        resolve=lambda group: b,
        elsewhere=lambda group: "10000",  # default forward: a real job
    )
    p1 = SendQueue(SendConfig(), resolve=lambda group: a)
    await Job.filter(kind="core.send_group").delete()

    assert await p2.send_group("qq:1", "【通知】明天停水", mention="qq:7") is None
    job = await Job.get(kind="core.send_group")
    assert job.group == "qq:1" and job.status == "pending"
    p2_scheduler = Scheduler(groups=lambda: [])  # B does not speak for qq:1
    assert await p2_scheduler.run_due() == 0

    # P1's core: its queue, its port for the group
    monkeypatch.setattr(core, "_queue", p1)
    monkeypatch.setattr(core, "port_for_group", lambda group: a)
    p1_scheduler = Scheduler(groups=lambda: ["qq:1"])
    assert await p1_scheduler.run_due() == 1
    assert await p1_scheduler.run_due() == 0
    assert [(g, t) for _, g, t in a.log] == [("qq:1", "【通知】明天停水")]
    assert b.log == []
    assert (await Job.get(id=job.id)).status == "done"
