"""python manage.py signup export: a separate process on the same database."""

from __future__ import annotations

import asyncio
import csv
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.signup.util import entry, make_sheet, member

ROOT = Path(__file__).resolve().parents[2]


async def _cli(*args: str, config: Path | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    if config is not None:
        env["LINLI_CONFIG"] = str(config)
    return await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "manage.py", "signup", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _read(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f))


async def test_cli_exports_a_sheet_by_group_and_number(tmp_path: Path) -> None:
    from plugins.signup.service import join

    sheet = await make_sheet(capacity=1, fields=["房号", "电话"])
    await join(
        sheet.id, member(1, "3-201", "张三"), entry(values={"电话": "13812345678"})
    )
    await join(sheet.id, member(2, name="李四"), entry(household="5-101"))

    out = tmp_path / "名单.csv"
    done = await _cli("export", sheet.group, f"#{sheet.number}", str(out))
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"已导出「周六义诊」2 条到 {out}"
    assert [r[:5] for r in _read(out)] == [
        ["序号", "状态", "姓名", "房号", "电话"],
        ["1", "正式", "张三", "3-201", "13812345678"],
        ["2", "候补", "李四", "5-101", ""],
    ]


async def test_cli_exports_xlsx(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    from plugins.signup.service import join

    sheet = await make_sheet(capacity=1, fields=["房号"])
    await join(sheet.id, member(1, "3-201", "张三"), entry())
    await join(sheet.id, member(2, name="李四"), entry(household="5-101"))
    book = tmp_path / "list.xlsx"  # the format follows the file's suffix
    done = await _cli("export", sheet.group, str(sheet.number), str(book))
    assert done.returncode == 0, done.stderr
    ws = openpyxl.load_workbook(book).active
    assert [c.value for c in ws[3]][:4] == ["2", "候补", "李四", "5-101"]


async def test_cli_without_a_group(tmp_path: Path) -> None:
    """The group may be left out when only one group has that number."""
    from plugins.signup.models import Sheet

    # a number no other group has yet (the suite's tests share one database)
    highest = max(await Sheet.all().values_list("number", flat=True), default=0)
    first = await make_sheet()
    for _ in range(max(6, highest - 1)):
        filler = await make_sheet(group=first.group, title="第二个")
        await Sheet.filter(id=filler.id).update(status="closed")  # ≤ max_open
    sheet = await make_sheet(group=first.group, title="只有一个")
    assert sheet.number > highest
    await make_sheet()  # another group's sheet 1

    out = tmp_path / "x.csv"
    done = await _cli("export", str(sheet.number), str(out))
    assert done.returncode == 0, done.stderr
    assert "只有一个" in done.stdout

    both = await _cli("export", "1", str(out))
    assert both.returncode == 1
    assert both.stderr.startswith("编号为 1 的接龙不止一个：")
    assert first.group in both.stderr and both.stderr.count("\n") == 1


async def test_cli_names_a_missing_sheet_in_one_line(tmp_path: Path) -> None:
    done = await _cli("export", "qq:404", "9", str(tmp_path / "x.csv"))
    assert (done.returncode, done.stderr) == (1, "qq:404 没有编号为 9 的接龙。\n")
    assert not (tmp_path / "x.csv").exists()
    usage = await _cli("export", "qq:404", "x9", str(tmp_path / "x.csv"))
    assert usage.returncode == 2 and "x9" in usage.stderr


async def test_cli_speaks_core_locale(tmp_path: Path) -> None:
    from plugins.signup.service import join

    sheet = await make_sheet(fields=["房号"])
    await join(sheet.id, member(1, "3-201", "张三"), entry())
    config = tmp_path / "linli.yaml"
    config.write_text("core:\n  locale: en\n", encoding="utf-8")
    out = tmp_path / "list.csv"
    done = await _cli("export", sheet.group, "1", str(out), config=config)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f'Exported "周六义诊": 1 rows to {out}'
    assert _read(out)[0][:3] == ["No.", "Status", "Name"]
    assert _read(out)[1][1] == "In"
    helped = await _cli("export", "--help", config=config)
    assert "usage: python manage.py signup export" in helped.stdout
    assert "the sheet's number" in helped.stdout
