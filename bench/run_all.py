"""Run every benchmark and write bench/RESULTS.md (machine, date, figures).

    python bench/run_all.py [--quick]

Each benchmark prints its own table of ratios against a baseline measured in
the same run; this collects them. ``--quick`` uses smaller counts (a smoke
run, not figures to quote).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import ROOT, machine

# (title, script, full arguments, --quick arguments)
BENCHES = [
    (
        "1. Throughput of ordinary messages vs bare NoneBot",
        "throughput.py",
        ["--messages", "2000"],
        ["--messages", "300"],
    ),
    (
        "2. Round-trip latency under 200 messages/s of chatter",
        "latency.py",
        ["--probes", "200"],
        ["--probes", "30"],
    ),
    (
        "3. Growth of the per-message cost",
        "growth.py",
        ["--messages", "1000"],
        ["--messages", "200"],
    ),
    ("3a. The rules guard alone: 10 vs 10,000 words", "rules_guard.py", [], []),
    ("3b. FAQ matching alone: 10 vs 10,000 entries", "faq_match.py", [], []),
    (
        "4. Memory at 1,000 groups",
        "memory.py",
        ["--speakers", "20000"],
        ["--speakers", "2000"],
    ),
    (
        "5. Durability through a kill -9",
        "durability.py",
        ["--count", "1000"],
        ["--count", "200"],
    ),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--only", help="run only benchmarks whose file contains this")
    args = parser.parse_args()
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    out = [
        "# linli benchmarks",
        "",
        f"- date: {now}",
        f"- machine: {machine()}",
        "- command: `python bench/run_all.py" + (" --quick`" if args.quick else "`"),
        "",
        "Every figure is measured against a baseline in the same run: absolute",
        "times on a shared machine drift, ratios much less. Where the time and",
        "memory go, and the before/after of each fix: bench/FINDINGS.md.",
        "",
    ]
    for title, script, full, quick in BENCHES:
        if args.only and args.only not in script:
            continue
        cmd = [
            sys.executable,
            str(ROOT / "bench" / script),
            *(quick if args.quick else full),
        ]
        print(f"== {title}: {' '.join(cmd[1:])}", flush=True)
        started = time.monotonic()
        done = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
        took = time.monotonic() - started
        error = done.stderr.strip()[-2000:]
        body = (
            done.stdout.strip()
            if done.returncode == 0
            else f"FAILED (exit {done.returncode}):\n```\n{error}\n```"
        )
        print(body, flush=True)
        shown = " ".join(["python", *cmd[1:]]).replace(str(ROOT) + "/", "")
        out += [f"## {title}", "", f"`{shown}` ({took:.0f} s)", "", body, ""]
    (ROOT / "bench" / "RESULTS.md").write_text("\n".join(out), encoding="utf-8")
    print("wrote bench/RESULTS.md")


if __name__ == "__main__":
    main()
