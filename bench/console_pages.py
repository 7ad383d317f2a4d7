"""Benchmark: the console's 工单 table and 数据 page on a big database.

    python bench/console_pages.py [--rounds 20] [--postgres postgres://…/test]

For each database (SQLite, and PostgreSQL when one answers on 127.0.0.1:5432
or at ``--postgres``) and each size (100 tickets in 10 groups: the baseline;
10,000 tickets in 1,000 groups across 10 estates: the goal's size), a fresh
process fills a fresh database, signs in (a superuser, who sees every ticket,
and the staff of one estate) and asks for the pages through NoneBot's real
ASGI app, timing each request from the moment it enters the app to the last
byte: the server time, without a network. It prints p50/p95 in ms and the
ratio of the big database to the baseline measured in the same run.
Goal: ≤ 300 ms server time for every page at 10,000 tickets.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PAGES = {
    "table": "/console/tickets",
    "table, open, overdue first": "/console/tickets?state=open&sort=resolve_due_at",
    "table, search": "/console/tickets?q=漏水",
    "table, page 50": "/console/tickets?page=50",
    "kpi, week": "/console/kpi",
    "kpi, month": "/console/kpi?period=month",
}
CATEGORIES = ["电梯", "水电", "保洁", "安保", "绿化", "停车", "噪音", "其他"]
FAULTS = ["楼道灯坏了", "厨房漏水", "电梯异响", "门禁刷不开", "垃圾没清", "车位被占"]
STATUSES = ["new", "acknowledged", "dispatched", "in_progress", "resolved"] + [
    "closed"
] * 5


def config_text(groups: int) -> str:
    """``groups`` residents' groups in ``groups // 100`` estates (at least
    one), with a staff group per estate."""
    estates = max(1, groups // 100)
    lines = ['core:\n  admins: ["qq:500"]\ngroups:']
    for e in range(estates):
        lines.append(
            f'  "qq:{900000 + e}": {{name: 工作群{e}, role: staff, '
            f"tickets: {{estate: estate-{e}}}}}"
        )
    for g in range(groups):
        lines.append(
            f'  "qq:{100000 + g}": {{name: 业主群{g}, role: residents, '
            f'building: "{g % 30 + 1}", tickets: {{estate: estate-{g % estates}}}}}'
        )
    lines.append("tickets:\n  estate: estate-0")
    return "\n".join(lines) + "\n"


async def fill(tickets: int, groups: int) -> None:
    from plugins.tickets.env import now_utc
    from plugins.tickets.models import Ticket

    rng = random.Random(7)
    now = now_utc()
    estates = max(1, groups // 100)
    numbers = [0] * estates
    rows = []
    for n in range(tickets):
        g = rng.randrange(groups)
        e = g % estates
        numbers[e] += 1
        created = now - timedelta(minutes=rng.randrange(90 * 24 * 60))
        status = rng.choice(STATUSES)
        done = status in {"resolved", "closed"}
        responded = created + timedelta(minutes=rng.randrange(5, 600))
        rows.append(
            Ticket(
                estate=f"estate-{e}",
                number=numbers[e],
                category=rng.choice(CATEGORIES),
                status=status,
                description=f"{g % 30 + 1}栋{rng.choice(FAULTS)} {n}",
                building=str(g % 30 + 1),
                room=str(101 + n % 2000),
                reporter=f"qq:{200000 + n}",
                reporter_name=f"{g % 30 + 1}-1-{101 + n % 2000} 住户",
                group=f"qq:{100000 + g}",
                assignee=f"qq:{300 + n % 20}" if status != "new" else None,
                assignee_name=f"师傅{n % 20}" if status != "new" else None,
                created_at=created,
                first_response_at=responded if status != "new" else None,
                resolved_at=responded + timedelta(hours=rng.randrange(1, 72))
                if done
                else None,
                ack_seconds=1800,
                update_seconds=4 * 3600,
                resolve_seconds=48 * 3600,
                ack_due_at=created + timedelta(minutes=30),
                resolve_due_at=created + timedelta(hours=48),
                breached=rng.random() < 0.1,
                rating=rng.randint(1, 5) if done and rng.random() < 0.6 else None,
                reopen_count=1 if rng.random() < 0.03 else 0,
            )
        )
    for start in range(0, len(rows), 500):
        await Ticket.bulk_create(rows[start : start + 500])


async def measure(tickets: int, groups: int, rounds: int) -> dict[str, list[float]]:
    import nonebot
    from nonebot.adapters.onebot import v11, v12

    nonebot.init(driver="~fastapi", superusers={"qq:99"}, log_level="WARNING")
    driver = nonebot.get_driver()
    driver.register_adapter(v11.Adapter)
    driver.register_adapter(v12.Adapter)
    nonebot.load_from_toml("pyproject.toml")
    app = nonebot.get_asgi()

    from bot import settle_memory
    from tests.console.client import Browser
    from tests.console.support import link

    async with app.router.lifespan_context(app):
        await fill(tickets, groups)
        settle_memory()  # as bot.py does once every plugin has started
        sessions = {"superuser": ("qq:99", "SUPERUSER", None)}
        sessions["staff"] = ("qq:7", "STAFF", "qq:900000")
        times: dict[str, list[float]] = {}
        for who, (user, role, group) in sessions.items():
            browser = Browser(app)
            token = await link(user, role, group)
            assert (await browser.post(f"/console/login/{token}")).status == 303
            for name, path in PAGES.items():
                reply = await browser.get(path)  # warm: the first one compiles
                assert reply.status == 200, (path, reply.status)
                samples = []
                for _ in range(rounds):
                    start = time.perf_counter()
                    reply = await browser.get(path)
                    samples.append((time.perf_counter() - start) * 1000)
                    assert reply.status == 200
                times[f"{who}: {name}"] = samples
        return times


def child(args: argparse.Namespace) -> None:
    os.chdir(ROOT)
    times = asyncio.run(measure(args.tickets, args.groups, args.rounds))
    print(json.dumps(times))


def run(database: str, tickets: int, groups: int, rounds: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        config = Path(tmp) / "linli.yaml"
        config.write_text(config_text(groups), encoding="utf-8")
        url = database or f"sqlite://{Path(tmp) / 'bench.sqlite3'}"
        env = {
            **os.environ,
            "LINLI_CONFIG": str(config),
            "LINLI_DATA_DIR": tmp,
            "LINLI_DATABASE_URL": url,
        }
        child_args = ["--child", str(tickets), str(groups), "--rounds", str(rounds)]
        out = subprocess.run(
            [sys.executable, __file__, *child_args],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if out.returncode:
            raise SystemExit(f"the measuring process failed:\n{out.stderr[-4000:]}")
        return json.loads(out.stdout.strip().splitlines()[-1])


async def _pg(base: str, sql: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(base.replace("postgres://", "postgresql://", 1))
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


def postgres_databases(base: str):
    """A fresh PostgreSQL database per run (created, then dropped)."""
    name = f"linli_bench_{uuid.uuid4().hex[:10]}"
    try:
        asyncio.run(_pg(base, f'CREATE DATABASE "{name}"'))
    except Exception as exc:
        print(f"PostgreSQL skipped ({base}: {exc})")
        return None
    return name


def report(label: str, small: dict, big: dict) -> None:
    print(f"\n{label}: 10,000 tickets / 1,000 groups vs 100 tickets / 10 groups")
    print(f"{'page':44} {'p50 ms':>8} {'p95 ms':>8} {'base p50':>9} {'ratio':>6}")
    for name, samples in big.items():
        p50 = statistics.median(samples)
        p95 = statistics.quantiles(samples, n=20)[-1]
        base = statistics.median(small[name])
        flag = "" if p95 <= 300 else "  over 300 ms"
        print(f"{name:44} {p50:8.1f} {p95:8.1f} {base:9.1f} {p50 / base:6.2f}{flag}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432/test")
    parser.add_argument("--child", nargs=2, type=int, metavar=("TICKETS", "GROUPS"))
    args = parser.parse_args()
    if args.child:
        args.tickets, args.groups = args.child
        child(args)
        return
    print(f"console pages, server time, {args.rounds} requests each")
    report(
        "SQLite",
        run("", 100, 10, args.rounds),
        run("", 10_000, 1_000, args.rounds),
    )
    base = args.postgres.replace("postgresql://", "postgres://", 1)
    results = []
    for size in ((100, 10), (10_000, 1_000)):
        name = postgres_databases(base)
        if name is None:
            return
        url = f"{base.rsplit('/', 1)[0]}/{name}"
        try:
            results.append(run(url, *size, args.rounds))
        finally:
            asyncio.run(_pg(base, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    report("PostgreSQL", *results)


if __name__ == "__main__":
    main()
