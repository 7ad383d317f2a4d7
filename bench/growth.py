"""Benchmark 3: how per-message cost grows with the size of the configuration.

    python bench/growth.py [--messages 1000]

Each pair runs the real linli process twice in the same run and compares the
CPU it spends per ordinary group message:
- 10 vs 10,000 banned words (rules);
- 10 vs 10,000 FAQ entries (faq);
- 1 vs 1,000 groups, each with its own overrides (messages spread over all).
Target: each ratio ≤ 1.5.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import Process, cpu_per_message

BASE = """
core:
  admins: ["qq:500"]
groups:
  "qq:1000": {name: 业主群0}
"""
# rare characters, so that generated words and questions never match chatter
_RARE = "甪甭甯甾畀畋畚畛畦畲畹疃疋疍疒疔疖疠疬疰疴疸痂痃痄痖痤痦痨痼瘃瘅瘊瘌瘐瘕瘗瘙瘛"


def _word(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(_RARE) for _ in range(3)) + str(n)


def words_config(count: int) -> str:
    rng = random.Random(count)
    words = ", ".join(f'"{_word(rng, n)}"' for n in range(count))
    return BASE + f"rules:\n  words:\n    words: [{words}]\n"


def faq_config(count: int) -> str:
    rng = random.Random(count)
    lines = [BASE, "faq:\n  entries:"]
    for n in range(count):
        lines.append(
            f'    - questions: ["{_word(rng, n)}怎么办理"]\n      answer: "答案{n}"'
        )
    return "\n".join(lines) + "\n"


def groups_config(count: int) -> str:
    lines = ['core:\n  admins: ["qq:500"]\ngroups:']
    for n in range(count):
        lines.append(
            f'  "qq:{1000 + n}":\n    name: 业主群{n}\n    tags: [t{n % 10}]\n'
            f"    rules: {{flood: {{messages: {10 + n % 5}}}}}\n"
            f"    faq: {{cooldown_seconds: {60 + n % 7}}}"
        )
    return "\n".join(lines) + "\n"


async def _cost(workdir: Path, config: str, messages: int, groups: int) -> float:
    process = Process.linli(workdir, config)
    await process.start()
    try:
        return await cpu_per_message(
            process,
            messages,
            sentinel="/help",
            groups=groups,
        )
    finally:
        await process.stop()


async def measure(messages: int) -> list[tuple[str, float, float]]:
    rows = []
    with tempfile.TemporaryDirectory(prefix="linli-bench-") as tmp:
        root = Path(tmp)
        cases = [
            ("banned words 10 → 10,000", words_config(10), words_config(10_000), 1, 1),
            ("FAQ entries 10 → 10,000", faq_config(10), faq_config(10_000), 1, 1),
            (
                "groups with overrides 1 → 1,000",
                groups_config(1),
                groups_config(1000),
                1,
                1000,
            ),
        ]
        for n, (name, small, large, g_small, g_large) in enumerate(cases):
            a = await _cost(root / f"{n}a", small, messages, g_small)
            b = await _cost(root / f"{n}b", large, messages, g_large)
            rows.append((name, a, b))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=1000)
    args = parser.parse_args()
    rows = asyncio.run(measure(args.messages))
    print("| growth | small | large | ratio (target ≤ 1.5) |")
    print("|---|---|---|---|")
    for name, small, large in rows:
        print(
            f"| {name} | {small * 1000:.3f} ms | {large * 1000:.3f} ms | "
            f"{large / small:.2f} |"
        )


if __name__ == "__main__":
    main()
