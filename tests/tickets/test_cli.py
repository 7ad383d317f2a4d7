"""CSV export of the tracking table, in process and as ``python manage.py``."""

from __future__ import annotations

import asyncio
import csv
import os
import subprocess
import sys
from pathlib import Path

from tests.tickets.support import T0, make_env, minutes, resident, staff

ROOT = Path(__file__).resolve().parents[2]


async def _two_tickets():
    from plugins.tickets import service

    env = make_env()
    await service.report(env, resident(), "3栋2单元楼道灯坏了 13812345678", now=T0)
    await service.acknowledge(env, staff(), 1, now=T0 + minutes(2))
    await service.resolve(env, staff(), 1, "已更换", now=T0 + minutes(62))
    await service.report(env, resident("qq:43"), "电梯困人", now=T0 + minutes(5))
    return env


def _read(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f))


async def test_export_writes_the_seed_columns_masked(tmp_path: Path) -> None:
    from plugins.tickets.cli import export

    env = await _two_tickets()
    out = tmp_path / "tickets.csv"
    assert await export(out, env=env) == 2
    rows = _read(out)
    assert rows[0][:6] == ["编号", "描述", "提出时间", "处理状态", "负责人", "解决时间"]
    assert rows[1] == [
        "#0001", "3栋2单元楼道灯坏了", "2030-03-04 09:00", "已解决", "李师傅",
        "2030-03-04 10:02", "水电", "3栋2单元", "普通", "",
    ]  # fmt: skip
    assert rows[2][0] == "#0002" and rows[2][3] == "待受理" and rows[2][8] == "紧急"
    from datetime import date

    assert await export(out, env=env, since=date(2030, 3, 5)) == 0


def _manage(*args: str, config: Path | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    if config is not None:
        env["LINLI_CONFIG"] = str(config)
    return subprocess.run(
        [sys.executable, "manage.py", "tickets", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


async def test_the_command_line(tmp_path: Path) -> None:
    env = await _two_tickets()
    out = tmp_path / "out.csv"
    estate = env.section().estate
    result = await asyncio.to_thread(
        _manage, "export", str(out), "--estate", estate, "--full"
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout == f"已导出 2 张工单到 {out}\n"
    rows = _read(out)
    assert [row[0] for row in rows[1:]] == ["#0001", "#0002"]
    assert rows[0][-1] == "联系方式" and rows[1][-1] == "13812345678"  # --full

    bad = await asyncio.to_thread(_manage, "export", str(out), "--since", "10/1")
    assert bad.returncode == 2
    assert bad.stderr.count("\n") == 1 and "看不懂日期「10/1」" in bad.stderr


async def test_the_command_line_speaks_core_locale(tmp_path: Path) -> None:
    env = await _two_tickets()
    config = tmp_path / "linli.yaml"
    config.write_text("core:\n  locale: en\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    estate = env.section().estate
    result = await asyncio.to_thread(
        _manage, "export", str(out), "--estate", estate, config=config
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout == f"Exported 2 tickets to {out}\n"
    rows = _read(out)
    assert rows[0][:4] == ["No.", "Description", "Reported", "Status"]
    helped = await asyncio.to_thread(_manage, "export", "--help", config=config)
    assert "only those reported on this day or later" in helped.stdout
