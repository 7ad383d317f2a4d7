"""Benchmark 4: resident memory at 1,000 configured groups × 500 known members
vs 1 group, and what a burst of messages costs.

    python bench/memory.py [--groups 1000] [--members 500] [--speakers 20000]
                           [--burst 8000]

Known members: messages from ``--speakers`` distinct (group, member) pairs
spread over the groups, sent in batches of 500 at the pace linli works them
off (each batch, then wait until the process is quiet); each speaker is a new
member (a database write, a bounded cache entry). Then the process's VmRSS.
The full 1,000 × 500 = 500,000 would take many minutes of sending; the cost
per member measured here is reported and extrapolated.

Burst: ``--burst`` messages from new members sent as fast as the socket takes
them, a ``/help`` at their head; when that is answered, when all are worked
off, the peak (VmHWM) and the resident set after. NoneBot's OneBot adapter
starts a task for every event it reads, so a backlog is held in memory
(~20 KB of live NoneBot and linli state per message) until worked off, and
the allocator keeps that high-water mark.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import ROOT, Process, rss_mb, settle

BATCH = 500
CACHED_MEMBERS = 100_000  # plugins/core/members.py


def config_with_groups(groups: int) -> str:
    base = (ROOT / "config/linli.yaml").read_text(encoding="utf-8")
    lines = [base.split("\ngroups:", 1)[0], "groups:"]
    for n in range(groups):
        lines.append(f'  "qq:{1000 + n}":\n    name: 业主群{n}\n    tags: [t{n % 10}]')
    return "\n".join(lines) + "\n"


def peak_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


async def _speak(onebot, k: int, groups: int, members: int) -> None:
    """The ``k``-th speaker: a new (group, member) while ``k < groups × members``."""
    await onebot.group_message(
        "好的收到",
        group=1000 + (k // members) % groups,
        user=200000 + k % members,
        card=f"3-2-{101 + k % 30} 住户{k}",
    )


async def _answered(onebot) -> None:
    """Wait for an answer to ``/help``: the process is up and working."""
    before = len(onebot.calls)
    await onebot.group_message("/help", group=1000)
    await onebot.expect_call("send_msg", after=before, timeout=600)


async def _worked_off(process: Process, onebot) -> None:
    """Everything sent so far has been worked on: answered, and the CPU quiet."""
    await _answered(onebot)
    await settle(process.pid)


@contextlib.asynccontextmanager
async def _linli(workdir: Path, groups: int) -> AsyncIterator[tuple[Process, Any]]:
    """linli with ``groups`` configured, started, connected and idle."""
    process = Process.linli(workdir, config_with_groups(groups))
    await process.start()
    try:
        async with process.proc.connect() as onebot:
            await _worked_off(process, onebot)
            yield process, onebot
    finally:
        await process.stop()


async def steady(
    workdir: Path, groups: int, speakers: int, members: int
) -> tuple[float, float]:
    """RSS before and after ``speakers`` new members, sent at linli's pace."""
    async with _linli(workdir, groups) as (process, onebot):
        idle = rss_mb(process.pid)
        for n in range(speakers):
            await _speak(onebot, n, groups, members)
            if n % BATCH == BATCH - 1:
                await settle(process.pid, every=0.2)
        await _worked_off(process, onebot)
        return idle, rss_mb(process.pid)


async def burst(workdir: Path, count: int) -> dict[str, float]:
    async with _linli(workdir, 10) as (process, onebot):
        idle = rss_mb(process.pid)
        loop = asyncio.get_running_loop()
        started = loop.time()
        answered: list[float] = []
        # a resident's /help at the head of the burst: when is it answered?
        help_answer = asyncio.create_task(
            onebot.expect_call("send_msg", after=len(onebot.calls), timeout=600)
        )
        help_answer.add_done_callback(lambda _: answered.append(loop.time()))
        await onebot.group_message("/help", group=1000, user=199999)
        for n in range(count):
            await _speak(onebot, n, 10, 1000)
        await help_answer
        await _worked_off(process, onebot)
        return {
            "idle": idle,
            "peak": peak_mb(process.pid),
            "after": rss_mb(process.pid),
            "first": answered[0] - started,
            "seconds": loop.time() - started,
        }


async def measure(args: argparse.Namespace) -> dict:
    with tempfile.TemporaryDirectory(prefix="linli-bench-") as tmp:
        one, _ = await steady(Path(tmp) / "one", 1, 0, args.members)
        idle, busy = await steady(
            Path(tmp) / "many", args.groups, args.speakers, args.members
        )
        flood = await burst(Path(tmp) / "burst", args.burst)
    per_member_kb = (busy - idle) * 1024 / args.speakers if args.speakers else 0.0
    return {
        "one": one,
        "idle": idle,
        "busy": busy,
        "per_member_kb": per_member_kb,
        "extrapolated": idle
        + per_member_kb * min(args.groups * args.members, CACHED_MEMBERS) / 1024,
        "burst": flood,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--groups", type=int, default=1000)
    parser.add_argument("--members", type=int, default=500)
    parser.add_argument("--speakers", type=int, default=20000)
    parser.add_argument("--burst", type=int, default=8000)
    args = parser.parse_args()
    r = asyncio.run(measure(args))
    print("| state | resident set |")
    print("|---|---|")
    print(f"| 1 group, no members seen | {r['one']:.0f} MB |")
    print(f"| {args.groups} groups configured, no members seen | {r['idle']:.0f} MB |")
    print(
        f"| {args.groups} groups, {args.speakers} members seen | {r['busy']:.0f} MB |"
    )
    total = args.groups * args.members
    capped = min(total, CACHED_MEMBERS)
    print(
        f"\nper known member: {r['per_member_kb']:.2f} KB. linli's per-member memory"
        f" is capped (member cache {CACHED_MEMBERS:,}, flood history 50,000):"
        f" {args.groups} × {args.members} = {total:,} members ≈ {r['idle']:.0f} MB +"
        f" {capped:,} × {r['per_member_kb']:.2f} KB = {r['extrapolated']:.0f} MB,"
        f" {r['extrapolated'] / r['one']:.1f}× the 1-group process"
    )
    b = r["burst"]
    print(
        f"\nA burst of {args.burst:,} messages from new members, sent as fast as"
        " the socket takes them, a resident's `/help` at its head:\n"
    )
    print("| idle | peak | after | `/help` answered after | all worked off in |")
    print("|---|---|---|---|---|")
    print(
        f"| {b['idle']:.0f} MB | {b['peak']:.0f} MB | {b['after']:.0f} MB "
        f"| {b['first']:.1f} s | {b['seconds']:.1f} s |"
    )


if __name__ == "__main__":
    main()
