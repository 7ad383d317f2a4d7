"""python manage.py signup export: a separate process on the same database."""

from __future__ import annotations

import asyncio
import csv
import subprocess
import sys
from pathlib import Path

import pytest

from tests.signup.util import entry, make_sheet, member

ROOT = Path(__file__).resolve().parents[2]


async def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "manage.py", "signup", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


async def test_cli_exports_csv_and_xlsx(tmp_path: Path) -> None:
    from plugins.signup.service import join

    sheet = await make_sheet(capacity=1, fields=["房号", "电话"])
    await join(
        sheet.id, member(1, "3-201", "张三"), entry(values={"电话": "13812345678"})
    )
    await join(sheet.id, member(2, name="李四"), entry(household="5-101"))

    out = tmp_path / "list.csv"
    done = await _cli("export", str(sheet.id), "--format", "csv", str(out))
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"已导出「周六义诊」2 条到 {out}"
    rows = list(csv.reader(out.open(encoding="utf-8-sig")))
    assert [r[:5] for r in rows] == [
        ["序号", "状态", "姓名", "房号", "电话"],
        ["1", "正式", "张三", "3-201", "13812345678"],
        ["2", "候补", "李四", "5-101", ""],
    ]


async def test_cli_exports_xlsx_by_group_and_number(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    from plugins.signup.service import join

    sheet = await make_sheet(capacity=1, fields=["房号"])
    await join(sheet.id, member(1, "3-201", "张三"), entry())
    await join(sheet.id, member(2, name="李四"), entry(household="5-101"))
    book = tmp_path / "list.xlsx"  # the format follows the file's suffix
    done = await _cli("export", f"{sheet.group}#{sheet.number}", str(book))
    assert done.returncode == 0, done.stderr
    ws = openpyxl.load_workbook(book).active
    assert [c.value for c in ws[3]][:4] == ["2", "候补", "李四", "5-101"]


async def test_cli_names_a_missing_sheet(tmp_path: Path) -> None:
    done = await _cli("export", "qq:404#9", str(tmp_path / "x.csv"))
    assert done.returncode == 1
    assert "找不到接龙 qq:404#9" in done.stderr
    assert not (tmp_path / "x.csv").exists()
