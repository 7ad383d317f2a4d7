"""Benchmark 5: durability under load. 1,000 sign-ups and 1,000 ballots are sent
as fast as the socket takes them; meanwhile the process is killed (kill -9) and
restarted, and the sender carries on. Nothing that linli acknowledged may be lost.

The kill comes when a quarter of the ballots are answered: linli works on all the
messages it has received at once, so most are then stored or half-done.

    python bench/durability.py [--count 1000]

Acknowledged: a ballot whose "已投票" reply came back; a sign-up whose line
appeared in a re-posted list. Stored: the rows in the SQLite file afterwards.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sqlite3
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import Process, text_of

CONFIG = """
core:
  admins: ["qq:500"]
groups:
  "qq:1000": {name: 3栋业主群, role: residents}
  "qq:1001": {name: 5栋业主群, role: residents}
signup:
  repost_seconds: 0.5
  max_entries: 5000
  max_lines: 5000
"""


def _card(n: int) -> str:
    return f"{n // 100 + 1}-1-{n % 100 + 100} 住户{n}"


async def _open_sheet_and_vote(onebot) -> None:
    await onebot.group_message("/接龙 团购大米 上限 5000", group=1000, user=500)
    await onebot.expect_call("send_msg")
    await onebot.group_message("/投票 绿化方案 方案A 方案B", group=1001, user=500)
    await onebot.expect_call("send_msg", after=1)


async def _send_all(
    process: Process, start: int, stop: int, seen: dict, *, first: bool = False
) -> int:
    """Send joins (group 1000) and ballots (group 1001) from ``start``; returns
    how far it got before the connection dropped. The first session opens the
    sheet and the vote itself (one connection: NoneBot's OneBot adapter can lose
    a reconnection that races the previous connection's clean-up)."""
    n = start
    with contextlib.suppress(Exception):
        async with process.proc.connect() as onebot:
            if first:
                await _open_sheet_and_vote(onebot)
            seen["sessions"].append(onebot)
            while n < stop:
                await onebot.group_message(
                    "+1", group=1000, user=10000 + n, card=_card(n)
                )
                await onebot.group_message(
                    str(1 + n % 2), group=1001, user=20000 + n, card=_card(n)
                )
                n += 1
                if n % 50 == 0:
                    await asyncio.sleep(0)
            # stay connected while linli works through what it received: until
            # the kill (first session) or until nothing more comes (second)
            if first:
                await asyncio.wait_for(onebot.ws.wait_closed(), 300)
            else:
                # longer than the scheduler's first retry (10 s): the re-post
                # asked for at start ran before this connection was up
                await _quiet(onebot, seconds=15)
    return n


async def _quiet(onebot, seconds: float) -> None:
    """Wait until ``seconds`` pass without an API call from the bot (at most
    five minutes), or until the connection drops."""
    deadline = asyncio.get_running_loop().time() + 300
    while asyncio.get_running_loop().time() < deadline:
        before = len(onebot.calls)
        await asyncio.sleep(seconds)
        if len(onebot.calls) == before:
            return


def _acknowledged(sessions) -> tuple[set[str], int]:
    joined: set[str] = set()
    ballots = 0
    for onebot in sessions:
        for call in onebot.calls:
            text = text_of(call)
            if call.action == "send_msg" and text.startswith("已投票"):
                ballots += 1
            elif call.action == "send_group_msg" and text.startswith("【接龙】"):
                joined.update(
                    line.split(" ", 1)[1]
                    for line in text.splitlines()
                    if "住户" in line
                )
    return joined, ballots


async def measure(count: int) -> dict[str, int]:
    with tempfile.TemporaryDirectory(prefix="linli-bench-") as tmp:
        process = Process.linli(Path(tmp) / "linli", CONFIG)
        await process.start()
        seen: dict = {"sessions": []}
        try:
            sender = asyncio.create_task(_send_all(process, 0, count, seen, first=True))
            # kill once a quarter of the ballots are answered: the rest are
            # in flight, some stored and not yet answered
            quarter = count // 4
            while not sender.done() and (  # noqa: ASYNC110
                not seen["sessions"] or len(seen["sessions"][0].calls) < quarter
            ):
                await asyncio.sleep(0.05)
            process.proc.kill()  # a crash in the middle of the flood
            reached = await sender
            await process.start()
            await _send_all(process, reached, count, seen)
        finally:
            await process.stop()
        db = sqlite3.connect(process.proc.data_dir / "linli.sqlite3")
        stored_cards = {
            row[0] for row in db.execute("SELECT display_name FROM signup_entry")
        }
        stored_ballots = db.execute("SELECT COUNT(*) FROM vote_ballot").fetchone()[0]
        db.close()
    joined, ballots = _acknowledged(seen["sessions"])
    return {
        "joins_acked": len(joined),
        "joins_stored": len(stored_cards),
        "joins_lost": len(joined - stored_cards),
        "ballots_acked": ballots,
        "ballots_stored": stored_ballots,
        "ballots_lost": max(0, ballots - stored_ballots),
        "sent": count,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=1000)
    args = parser.parse_args()
    r = asyncio.run(measure(args.count))
    sent = r["sent"]
    print(f"{sent} sign-ups and {sent} ballots sent; killed and restarted once\n")
    print("| | acknowledged | stored | acknowledged but lost |")
    print("|---|---|---|---|")
    print(
        f"| sign-ups | {r['joins_acked']} | {r['joins_stored']} | {r['joins_lost']} |"
    )
    acked, stored, lost = r["ballots_acked"], r["ballots_stored"], r["ballots_lost"]
    print(f"| ballots | {acked} | {stored} | {lost} |")


if __name__ == "__main__":
    main()
