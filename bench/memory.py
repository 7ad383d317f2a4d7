"""Benchmark 4: resident memory at 1,000 configured groups × 500 known members
vs 1 group.

    python bench/memory.py [--groups 1000] [--members 500] [--speakers 50000]

Sends messages from ``--speakers`` distinct (group, member) pairs spread over
the groups (each one is recorded as a known member, in the database and in a
bounded cache), then reads the process's VmRSS. The full 1,000 × 500 = 500,000
speakers would take many minutes of sending; the per-member cost measured here
is reported and extrapolated, and the cache that holds them is bounded.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import ROOT, Process, rss_mb


def config_with_groups(groups: int) -> str:
    base = (ROOT / "config/linli.yaml").read_text(encoding="utf-8")
    lines = [base.split("\ngroups:", 1)[0], "groups:"]
    for n in range(groups):
        lines.append(f'  "qq:{1000 + n}":\n    name: 业主群{n}\n    tags: [t{n % 10}]')
    return "\n".join(lines) + "\n"


async def rss_after(workdir: Path, groups: int, speakers: int, members: int) -> float:
    process = Process.linli(workdir, config_with_groups(groups))
    await process.start()
    try:
        async with process.proc.connect() as onebot:
            for n in range(speakers):
                group = 1000 + (n // members) % groups
                user = 200000 + n % members
                await onebot.group_message(
                    "好的收到",
                    group=group,
                    user=user,
                    card=f"3-2-{101 + n % 30} 住户{n}",
                )
                if n % 2000 == 1999:
                    await onebot.group_message("/help", group=1000)
                    await onebot.expect_call("send_msg", after=len(onebot.calls))
            before = len(onebot.calls)
            await onebot.group_message("/help", group=1000)
            await onebot.expect_call("send_msg", after=before, timeout=600)
        return rss_mb(process.pid)
    finally:
        await process.stop()


async def measure(groups: int, members: int, speakers: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="linli-bench-") as tmp:
        one = await rss_after(Path(tmp) / "one", 1, 0, members)
        many_idle = await rss_after(Path(tmp) / "many", groups, 0, members)
        many = await rss_after(Path(tmp) / "busy", groups, speakers, members)
    per_member_kb = (many - many_idle) * 1024 / speakers if speakers else 0.0
    return {
        "one": one,
        "many_idle": many_idle,
        "many": many,
        "per_member_kb": per_member_kb,
        "extrapolated": many_idle + per_member_kb * groups * members / 1024,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--groups", type=int, default=1000)
    parser.add_argument("--members", type=int, default=500)
    parser.add_argument("--speakers", type=int, default=20000)
    args = parser.parse_args()
    r = asyncio.run(measure(args.groups, args.members, args.speakers))
    print("| state | resident set |")
    print("|---|---|")
    print(f"| 1 group, no members seen | {r['one']:.0f} MB |")
    idle = r["many_idle"]
    print(f"| {args.groups} groups configured, no members seen | {idle:.0f} MB |")
    print(
        f"| {args.groups} groups, {args.speakers} members seen | {r['many']:.0f} MB |"
    )
    print(
        f"\nper known member: {r['per_member_kb']:.2f} KB; "
        f"{args.groups} × {args.members} members extrapolated: "
        f"{r['extrapolated']:.0f} MB (the in-memory cache is capped at 100,000)"
    )


if __name__ == "__main__":
    main()
