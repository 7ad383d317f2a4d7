"""The send queue: order per group, the budget holds, retries, no silent drop."""

from __future__ import annotations

import asyncio

import pytest


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds
        await asyncio.sleep(0)


class FakePort:
    platform = "qq"

    def __init__(self, clock: FakeClock, failures: list[Exception] | None = None):
        self.clock = clock
        self.sent: list[tuple[float, str, str]] = []
        self.failures = failures or []

    async def send_group(self, group: str, text: str, *, mention=None, reply_to=None):
        if self.failures:
            raise self.failures.pop(0)
        self.sent.append((self.clock.now, group, text))
        return str(len(self.sent))


def _queue(port: FakePort, clock: FakeClock, **kw):
    from plugins.core.sendqueue import SendQueue

    return SendQueue(resolve=lambda group: port, clock=clock, sleep=clock.sleep, **kw)


async def test_budget_and_order_per_group() -> None:
    clock = FakeClock()
    port = FakePort(clock)
    queue = _queue(port, clock, per_group=3, window_seconds=60)
    futures = [queue.send_group("qq:1", f"m{i}") for i in range(7)]
    futures += [queue.send_group("qq:2", f"n{i}") for i in range(2)]
    ids = await asyncio.gather(*futures)
    assert len(ids) == 9
    g1 = [(t, text) for t, g, text in port.sent if g == "qq:1"]
    assert [text for _, text in g1] == [f"m{i}" for i in range(7)]
    for i in range(len(g1) - 3):  # never more than 3 in any 60 s window
        assert g1[i + 3][0] - g1[i][0] >= 60
    assert queue.pending() == 0


async def test_retryable_failure_is_retried_and_refusal_is_raised() -> None:
    from adapters import PlatformError

    clock = FakeClock()
    port = FakePort(
        clock,
        failures=[
            PlatformError("send_group_msg", "rate limited", retryable=True),
            PlatformError("send_group_msg", "rate limited", retryable=True),
        ],
    )
    queue = _queue(port, clock, retry_base_seconds=2)
    assert await queue.send_group("qq:1", "hello") == "1"
    assert clock.slept == [2, 4]

    port.failures = [PlatformError("send_group_msg", "bot is muted")]
    with pytest.raises(PlatformError):
        await queue.send_group("qq:1", "refused")
    assert await queue.send_group("qq:1", "next one still goes") == "2"
