"""Benchmark 1: ordinary group messages, linli (every plugin, default config,
SQLite) vs bare NoneBot2 + OneBot v11 + one no-op matcher.

    python bench/throughput.py [--messages 2000]

Prints CPU per message for both and linli's relative throughput (bare / linli):
target ≥ 0.5.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import ROOT, Process, cpu_per_message


async def measure(messages: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="linli-bench-") as tmp:
        bare = Process.bare(Path(tmp) / "bare")
        await bare.start()
        try:
            bare_cpu = await cpu_per_message(bare, messages, sentinel="/ping")
        finally:
            await bare.stop()
        config = (ROOT / "config/linli.yaml").read_text(encoding="utf-8")
        linli = Process.linli(Path(tmp) / "linli", config)
        await linli.start()
        try:
            linli_cpu = await cpu_per_message(linli, messages, sentinel="/help")
        finally:
            await linli.stop()
    return {
        "bare_ms": bare_cpu * 1000,
        "linli_ms": linli_cpu * 1000,
        "ratio": bare_cpu / linli_cpu if linli_cpu else float("inf"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=2000)
    args = parser.parse_args()
    result = asyncio.run(measure(args.messages))
    print("| process | CPU per ordinary message |")
    print("|---|---|")
    print(f"| bare NoneBot2 + OneBot v11 | {result['bare_ms']:.3f} ms |")
    print(f"| linli, all plugins, default config | {result['linli_ms']:.3f} ms |")
    print(f"\nlinli throughput relative to bare: {result['ratio']:.2f} (target ≥ 0.50)")


if __name__ == "__main__":
    main()
