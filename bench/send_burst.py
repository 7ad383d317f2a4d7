"""Benchmark: sending within the platforms' limits (issue 16).

    python bench/send_burst.py [--voters 300] [--groups 100]

Two scenes, each against the real linli process over a fake NapCat on the
OneBot v11 WebSocket, with the shipped QQ budgets (20 messages per group and
60 per account a minute; actions 120 per account a minute):

1. **A busy vote.** ``--voters`` residents answer a vote with a bare number
   within ~10 s, twice: once where reactions work (NapCat's
   ``set_msg_emoji_like``) and once where they are refused (the fallback: one
   "已收到" line per window). Printed: the most messages linli sent to the
   group in any 60 s window (must stay ≤ the group's budget), and whether
   every voter can see that their vote counted (a reaction on their message,
   or their name in an "已收到" line).
2. **An ad wave.** The same ad posted at once in ``--groups`` groups: the time
   until the last one is recalled, with actions in their own budget (today)
   vs. the old rule where a recall took a slot of the account's message
   budget (``actions_per_bot`` set to the message budget) — the ratio is
   printed.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.helpers.e2e import (
    ApiCall,
    LinliProcess,
    default_responder,
    text_of,
)

GROUP = 1000
SENDS = {"send_msg", "send_group_msg"}

VOTE_CONFIG = """
core:
  admins: ["qq:500"]
groups:
  "qq:1000":
    name: 3栋业主群
    role: residents
"""

AD = "特价房源看这里 www.haohuo888.com"


def _no_reactions(action: str, params: dict[str, Any]) -> Any:
    """NapCat's answer when set_msg_emoji_like fails (retcode 200)."""
    if action == "set_msg_emoji_like":
        return {"status": "failed", "retcode": 200, "data": None, "message": "x"}
    return default_responder(action, params)


def _max_in_window(times: list[float], window: float = 60.0) -> int:
    best, start = 0, 0
    for end, at in enumerate(times):
        while at - times[start] >= window:
            start += 1
        best = max(best, end - start + 1)
    return best


async def _vote_burst(workdir: Path, voters: int, reactions: bool) -> dict[str, Any]:
    linli = LinliProcess(workdir, config_text=VOTE_CONFIG)
    await linli.start()
    sent_at: list[float] = []
    try:
        responder = default_responder if reactions else _no_reactions
        async with linli.connect(responder=responder) as onebot:
            await onebot.group_message("/投票 绿化 方案A 方案B", user=500, role="admin")
            await onebot.expect_call("send_msg")
            start = time.monotonic()
            ids: dict[int, int] = {}  # user → the message id of their vote
            for n in range(voters):
                user = 20_000 + n  # 10000 is the bot itself
                card = f"{_household(n)} 居民{n}"
                ids[user] = await onebot.group_message(
                    str(n % 2 + 1), user=user, card=card
                )
                await asyncio.sleep(10 / voters)
            # wait for the last window and the queue to drain
            deadline = time.monotonic() + 90
            while time.monotonic() < deadline:
                await asyncio.sleep(1)
                if _everyone_seen(onebot.calls, ids, reactions):
                    break
            seen = _everyone_seen(onebot.calls, ids, reactions)
            elapsed = time.monotonic() - start
            calls: list[ApiCall] = list(onebot.calls)
            sent_at = [c.at for c in calls if c.action in SENDS]
    finally:
        await linli.stop()
    sends = [c for c in calls if c.action in SENDS]
    return {
        "sends": len(sends) - 1,  # the vote card
        "max_per_minute": _max_in_window(sent_at),
        "everyone_seen": seen,
        "seconds": elapsed,
    }


def _everyone_seen(calls: list[ApiCall], ids: dict[int, int], reactions: bool) -> bool:
    reacted = {
        c.params.get("message_id")
        for c in calls
        if reactions and c.action == "set_msg_emoji_like"
    }
    # each name follows "：" (the first of a line) or "、"
    lines = "\n".join(text_of(c) for c in calls if c.action in SENDS).replace(
        "：", "、"
    )
    for n, mid in enumerate(ids.values()):
        if mid not in reacted and f"、{_household(n)}(" not in lines:
            return False  # neither a reaction nor their room in a line
    return True


def _household(n: int) -> str:
    """Voter n's room, unique per voter: linli names voters by household."""
    return f"{n % 30 + 1}-{n // 30 + 1}-{n % 7 + 1}01"


async def _ad_wave(workdir: Path, groups: int, actions_per_bot: int | None) -> float:
    budget = ""
    if actions_per_bot is not None:
        budget = f"""
  send:
    qq:
      actions_per_bot: {actions_per_bot}
"""
    config = 'core:\n  admins: ["qq:500"]' + budget
    linli = LinliProcess(workdir, config_text=config)
    await linli.start()
    try:
        async with linli.connect() as onebot:
            ids = {}
            start = time.monotonic()
            for g in range(groups):
                group = 5000 + g
                ids[group] = await onebot.group_message(
                    AD, group=group, user=4242, card="路人甲"
                )
            wanted = set(ids.values())
            deadline = time.monotonic() + 300
            while time.monotonic() < deadline:
                done = {
                    c.params.get("message_id")
                    for c in onebot.calls
                    if c.action == "delete_msg"
                }
                if wanted <= done:
                    return time.monotonic() - start
                await asyncio.sleep(0.2)
            return float("inf")
    finally:
        await linli.stop()


async def main(voters: int, groups: int) -> None:
    with tempfile.TemporaryDirectory(prefix="linli-bench-") as tmp:
        root = Path(tmp)
        print(f"## A busy vote: {voters} bare replies in one QQ group in ~10 s\n")
        print(
            "| platform answer | messages sent | most in 60 s (budget 20) | "
            "every voter sees it counted | seconds |"
        )
        print("|---|---|---|---|---|")
        for reactions in (True, False):
            name = "reactions work" if reactions else "reactions refused"
            r = await _vote_burst(root / f"vote-{reactions}", voters, reactions)
            print(
                f"| {name} | {r['sends']} | {r['max_per_minute']} | "
                f"{'yes' if r['everyone_seen'] else 'NO'} | {r['seconds']:.1f} |"
            )
        print(f"\n## An ad in {groups} groups at once: time until the last recall\n")
        old = await _ad_wave(root / "wave-old", groups, actions_per_bot=60)
        new = await _ad_wave(root / "wave-new", groups, actions_per_bot=None)
        print("| recalls limited to | seconds |")
        print("|---|---|")
        print(f"| 60 a minute, the account's message rate | {old:.1f} |")
        print(f"| 120 a minute, the shipped action budget | {new:.1f} |")
        print(f"\nspeed-up: {old / new:.2f}x")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--voters", type=int, default=300)
    parser.add_argument("--groups", type=int, default=100)
    args = parser.parse_args()
    asyncio.run(main(args.voters, args.groups))
