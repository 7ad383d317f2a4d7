"""Benchmark 2: round-trip latency of `+1` on an open sign-up and of `/报修`,
with 200 messages/s of background chatter, vs bare NoneBot's `/ping` under the
same chatter.

    python bench/latency.py [--probes 200] [--rate 200]

A probe's latency is the time from sending it over the OneBot WebSocket to the
bot's API call that answers it (the re-posted sign-up list containing the new
entry, the repair receipt). Target: p99 < 50 ms on SQLite.

The chatter is an estate's: 3,000 residents in 20 groups taking turns, none
repeating himself, so no rule fires; each has spoken once before the run. The
send budgets (``core.send.qq``) are lifted in this run's config: they hold
linli's own messages to the platform's rate limit (20 per group per minute by
default), and with them the figure would be the queue's wait, not linli's
latency. ``repost_seconds: 0``: every ``+1`` is answered by a list of its own
(with the default 10 s, the first ``+1`` after a quiet spell is answered at once
and the next ones of those 10 s by one list when they are up).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import Process, flood, resident_message, settle, text_of

CONFIG = """
core:
  admins: ["qq:500"]
  send:
    qq: {per_group: 100000, per_bot: 100000}
groups:
  "qq:1000": {name: 3栋业主群, role: residents}
  "qq:2000": {name: 物业工作群, role: staff}
signup:
  repost_seconds: 0
  max_entries: 5000
  max_lines: 1000  # every probe's line stays in the re-posted list
tickets:
  duplicate_window: 0s
"""


MEMBERS, GROUPS = 3000, 20


async def chatter(onebot, rate: int, stop: asyncio.Event) -> int:
    sent, start = 0, time.monotonic()
    while not stop.is_set():
        m = resident_message(sent, members=MEMBERS, groups=GROUPS)
        await onebot.group_message(
            m["text"], group=m["group"], user=m["user"], card=m["card"]
        )
        sent += 1
        delay = start + sent / rate - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
    return sent


async def warm_up(process: Process, onebot, sentinel: str) -> None:
    """Every resident speaks once first: the estate is known, as after day one."""
    await flood(onebot, MEMBERS, members=MEMBERS, groups=GROUPS, sentinel=sentinel)
    await settle(process.pid)


async def probe(onebot, text: str, card: str, user: int, action: str, word: str):
    before = len(onebot.calls)
    start = time.perf_counter()
    await onebot.group_message(text, group=1000, user=user, card=card)
    await onebot.expect_call(
        action, where=lambda c: word in text_of(c), after=before, timeout=30
    )
    return (time.perf_counter() - start) * 1000


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return statistics.median(ordered), p99


async def run_linli(workdir: Path, probes: int, rate: int) -> dict[str, list[float]]:
    process = Process.linli(workdir, CONFIG)
    await process.start()
    results: dict[str, list[float]] = {"signup": [], "report": []}
    try:
        async with process.proc.connect() as onebot:
            await warm_up(process, onebot, "/help")
            await onebot.group_message(
                "/接龙 周六义诊 上限 5000", user=500, card="王经理"
            )
            await onebot.expect_call("send_msg")
            stop = asyncio.Event()
            background = asyncio.create_task(chatter(onebot, rate, stop))
            await asyncio.sleep(1)
            for n in range(probes):
                card = f"9-{n // 100 + 1}-{n % 100 + 100} 探针{n}"
                results["signup"].append(
                    await probe(onebot, "+1", card, 500000 + n, "send_group_msg", card)
                )
                results["report"].append(
                    await probe(
                        onebot,
                        f"/报修 {n % 9 + 1}栋{n % 3 + 1}单元楼道灯{n}号不亮",
                        f"9-9-{n % 90 + 100} 报修{n}",
                        600000 + n,
                        "send_msg",
                        f"#{n + 1:04d}",
                    )
                )
                await asyncio.sleep(0.02)
            stop.set()
            await background
    finally:
        await process.stop()
    return results


async def run_bare(workdir: Path, probes: int, rate: int) -> list[float]:
    process = Process.bare(workdir)
    await process.start()
    samples = []
    try:
        async with process.proc.connect() as onebot:
            await warm_up(process, onebot, "/ping")
            stop = asyncio.Event()
            background = asyncio.create_task(chatter(onebot, rate, stop))
            await asyncio.sleep(1)
            for n in range(probes):
                samples.append(
                    await probe(
                        onebot, "/ping", f"p{n}", 700000 + n, "send_msg", "pong"
                    )
                )
                await asyncio.sleep(0.02)
            stop.set()
            with contextlib.suppress(Exception):
                await background
    finally:
        await process.stop()
    return samples


async def measure(probes: int, rate: int):
    with tempfile.TemporaryDirectory(prefix="linli-bench-") as tmp:
        bare = await run_bare(Path(tmp) / "bare", probes, rate)
        linli = await run_linli(Path(tmp) / "linli", probes, rate)
    return bare, linli


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--probes", type=int, default=200)
    parser.add_argument("--rate", type=int, default=200)
    args = parser.parse_args()
    bare, linli = asyncio.run(measure(args.probes, args.rate))
    b50, b99 = percentiles(bare)
    print(f"background chatter: {args.rate} messages/s; {args.probes} probes each\n")
    print("| round trip | p50 | p99 | p99 vs bare /ping |")
    print("|---|---|---|---|")
    print(f"| bare NoneBot `/ping` | {b50:.1f} ms | {b99:.1f} ms | 1.00 |")
    for name, label in (
        ("signup", "linli `+1` (list re-posted)"),
        ("report", "linli `/报修` (receipt)"),
    ):
        p50, p99 = percentiles(linli[name])
        print(f"| {label} | {p50:.1f} ms | {p99:.1f} ms | {p99 / b99:.2f} |")
    print("\ntarget: p99 < 50 ms on SQLite")


if __name__ == "__main__":
    main()
