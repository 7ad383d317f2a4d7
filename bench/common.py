"""What every benchmark shares: start linli or the bare baseline as a real
process, drive it over the OneBot v11 WebSocket, read its CPU time from /proc.

Benchmarks print ratios against a baseline measured in the same run: absolute
times on a shared machine drift, ratios much less.
"""

from __future__ import annotations

import asyncio
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.e2e.harness import (  # noqa: E402
    LinliProcess,
    OneBotV11,
    text_of,
)

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
ORDINARY = [
    "今天电梯又坏了吗",
    "楼下快递柜满了",
    "谢谢物业师傅",
    "有人知道周末社区义诊几点开始吗",
    "3号楼门口的车能挪一下吗",
    "好的收到",
    "明天早上8点停水，大家提前储水",
    "垃圾分类的桶换位置了",
    "哈哈哈",
    "水管师傅电话发一下",
    "今天天气不错",
    "孩子放学了，一起去公园吗",
    "物业费在哪里交",
    "停车场B区有空位",
    "楼道灯不亮了",
    "晚上广场舞几点",
]


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


@dataclass
class Process:
    """linli (``bot.py``) or the bare baseline, as a real process."""

    name: str
    proc: LinliProcess

    @classmethod
    def linli(cls, workdir: Path, config_text: str, env: dict[str, str] | None = None):
        proc = LinliProcess(workdir=workdir, config_text=config_text, env=env or {})
        proc.env.setdefault("LOG_LEVEL", "INFO")
        return cls("linli", proc)

    @classmethod
    def bare(cls, workdir: Path):
        proc = LinliProcess(workdir=workdir, config_text="")
        proc.env["LOG_LEVEL"] = "INFO"
        return cls("bare", proc)

    async def start(self) -> None:
        if self.name == "bare":
            self.proc.workdir.mkdir(parents=True, exist_ok=True)
            self.proc.runs += 1
            log = self.proc.log_path().open("wb")
            env = self.proc._environ()
            self.proc.proc = subprocess.Popen(  # noqa: ASYNC220
                [sys.executable, str(ROOT / "bench/bare_bot.py")],
                cwd=self.proc.workdir,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            log.close()
            deadline = time.monotonic() + 30
            while (
                "Application startup complete"
                not in self.proc.log().split("(bare)", 1)[-1]
            ):
                if time.monotonic() > deadline:
                    raise TimeoutError(self.proc.log())
                await asyncio.sleep(0.1)
        else:
            await self.proc.start()

    @property
    def pid(self) -> int:
        assert self.proc.proc is not None
        return self.proc.proc.pid

    async def stop(self) -> None:
        await self.proc.stop()


def resident_message(
    n: int, *, members: int = 1000, groups: int = 1, texts: list[str] = ORDINARY
) -> dict:
    """The ``n``-th ordinary message of an estate: ``members`` residents, each
    always in the same group with the same nickname, taking turns, and a
    resident never says the same thing twice in a row (so no rule fires)."""
    k = n % members
    return {
        "text": texts[(k + n // members) % len(texts)],
        "group": 1000 + k % groups,
        "user": 100000 + k,
        "card": f"{1 + k % 9}-{1 + k % 3}-{101 + k % 30} 住户{k}",
    }


async def flood(
    onebot: OneBotV11,
    count: int,
    *,
    groups: int = 1,
    members: int = 1000,
    sentinel: str,
    texts: list[str] = ORDINARY,
    start: int = 0,
) -> None:
    """Send ``count`` ordinary group messages (:func:`resident_message`), then
    ``sentinel``; wait for its reply."""
    for n in range(start, start + count):
        m = resident_message(n, members=members, groups=groups, texts=texts)
        await onebot.group_message(
            m["text"], group=m["group"], user=m["user"], card=m["card"]
        )
    before = len(onebot.calls)
    await onebot.group_message(sentinel, group=1000, user=42)
    await onebot.expect_call("send_msg", after=before, timeout=600)


async def cpu_per_message(
    process: Process,
    count: int,
    *,
    sentinel: str,
    repeats: int = 3,
    groups: int = 1,
    warmup: int = 1000,
    prepare: Callable[[OneBotV11], Awaitable[None]] | None = None,
) -> float:
    """Median CPU seconds the process spends per ordinary message (after a
    warm-up in which linli meets every resident once)."""
    samples = []
    async with process.proc.connect() as onebot:
        if prepare is not None:
            await prepare(onebot)
        await flood(onebot, warmup, groups=groups, sentinel=sentinel)
        await settle(process.pid)
        sent = warmup
        for _ in range(repeats):
            start = cpu_seconds(process.pid)
            await flood(onebot, count, groups=groups, sentinel=sentinel, start=sent)
            sent += count
            # NoneBot handles events concurrently: the sentinel's answer does not
            # mean the messages before it are done; wait until the CPU is quiet
            await settle(process.pid)
            samples.append((cpu_seconds(process.pid) - start) / count)
    return statistics.median(samples)


async def settle(pid: int, quiet: float = 0.02, every: float = 0.5) -> None:
    """Wait until the process has used less than ``quiet`` s of CPU in ``every`` s."""
    before = cpu_seconds(pid)
    while True:
        await asyncio.sleep(every)
        now = cpu_seconds(pid)
        if now - before < quiet:
            return
        before = now


def machine() -> str:
    cpu = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    python = platform.python_version()
    return f"{platform.platform()}, Python {python}, {os.cpu_count()} cores, {cpu}"


__all__ = [
    "ORDINARY",
    "Process",
    "cpu_per_message",
    "cpu_seconds",
    "flood",
    "machine",
    "resident_message",
    "rss_mb",
    "text_of",
]
