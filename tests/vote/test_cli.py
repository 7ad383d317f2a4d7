"""python manage.py vote export: ballots (named votes) and results to CSV."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import new_group, section_config
from tests.vote.util import make_vote, new_user, voter

ROOT = Path(__file__).resolve().parents[2]


def _rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f))


async def test_export_ballots_and_results_of_a_named_household_vote(
    tmp_path: Path,
) -> None:
    from plugins.vote import cli, service

    config = section_config(
        "vote", households=["3-2-201 90", "3-2-202 80.5"], roster_only=True
    )
    group = new_group()
    vote = await make_vote(group, "绿化 方案A 方案B 每户一票", config=config)
    a, b = new_user(), new_user()
    await service.cast(vote, voter(a, "3-2-201 张三"), [1])
    await service.cast(vote, voter(b, "3-2-202 李四"), [2])
    lines = await cli.export(
        vote,
        ballots=tmp_path / "b.csv",
        results=tmp_path / "r.csv",
    )
    assert lines == [
        f"已导出 2 行到 {tmp_path / 'b.csv'}",
        f"已导出 4 行到 {tmp_path / 'r.csv'}",
    ]
    ballots = _rows(tmp_path / "b.csv")
    assert ballots[0] == [
        "投票ID", "编号", "房号", "用户ID", "群昵称", "选项号", "选项", "投票时间",
    ]  # fmt: skip
    assert [row[:7] for row in ballots[1:]] == [
        [str(vote.id), "1", "3-2-201", a, "3-2-201 张三", "1", "方案A"],
        [str(vote.id), "1", "3-2-202", b, "3-2-202 李四", "2", "方案B"],
    ]
    assert ballots[1][7].endswith("+08:00")  # the estate's time zone
    assert _rows(tmp_path / "r.csv") == [
        ["项目", "序号", "名称", "票数", "总数", "百分比", "面积（㎡）", "要求",
         "是否达到"],
        ["选项", "1", "方案A", "1", "2", "50.0", "90.00", "", ""],
        ["选项", "2", "方案B", "1", "2", "50.0", "80.50", "", ""],
        ["参与", "", "户", "2", "2", "100.0", "170.50", "", ""],
        ["参与面积", "", "㎡", "170.50", "170.50", "100.0", "", "", ""],
    ]  # fmt: skip


async def test_export_of_an_owner_decision_lists_the_thresholds(tmp_path: Path) -> None:
    from plugins.vote import cli, service

    config = section_config(
        "vote", households=["3-2-201 90", "3-2-202 60", "3-2-203 50"]
    )
    vote = await make_vote(new_group(), "调整 业主决议", config=config)
    await service.cast(vote, voter(new_user(), "3-2-201 张三"), [1])
    await service.cast(vote, voter(new_user(), "3-2-202 李四"), [2])
    await cli.export(vote, results=tmp_path / "r.csv", locale="en")
    rows = _rows(tmp_path / "r.csv")
    assert rows[0][:4] == ["Item", "No.", "Label", "Count"]
    assert rows[-5:] == [
        ["threshold", "", "Households voting", "2", "3", "66.7", "", "≥2/3", "yes"],
        ["threshold", "", "Floor area voting", "150.00", "200.00", "75.0", "", "≥2/3",
         "yes"],
        ["threshold", "", "Households approving", "1", "2", "50.0", "", ">1/2", "no"],
        ["threshold", "", "Floor area approving", "90.00", "150.00", "60.0", "",
         ">1/2", "yes"],
        ["decision", "", "failed", "", "", "", "", "", ""],
    ]  # fmt: skip


async def test_hidden_results_are_not_exported_before_the_close(
    tmp_path: Path,
) -> None:
    from plugins.vote import cli, service
    from plugins.vote.service import VoteError

    vote = await make_vote(new_group(), "绿化 A B 隐藏结果")
    with pytest.raises(VoteError) as info:
        await cli.export(vote, results=tmp_path / "r.csv")
    assert info.value.key == "vote.error.hidden_export"
    await service.close(vote.id)
    await vote.refresh_from_db()
    await cli.export(vote, results=tmp_path / "r.csv")


def _cli(tmp_path: Path, *args: str, config: Path | None = None):
    return _run(tmp_path, "manage.py", "vote", *args, config=config)


def _run(tmp_path: Path, *args: str, config: Path | None = None):
    env = {k: v for k, v in os.environ.items() if not k.startswith("LINLI_")}
    env.update(
        LINLI_DATA_DIR=str(tmp_path / "data"),
        LINLI_CONFIG=str(config or ROOT / "tests/fixtures/linli.test.yaml"),
    )
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


PREPARE = """
import asyncio
import nonebot

nonebot.init()
nonebot.load_from_toml("pyproject.toml")
from plugins.core import store
from plugins.core.settings import load_settings
from plugins.core.storage import close_database, open_database
from plugins.vote import service
from tests.vote.util import make_vote, voter


async def main():
    settings = load_settings()
    store.load(settings.config_path)
    await open_database(settings.database_url)
    vote = await make_vote("qq:1000", "绿化 方案A 方案B")
    await service.cast(vote, voter("qq:42", "3-2-201 张三"), [2])
    await close_database()
    print("VOTE", vote.id)


asyncio.run(main())
"""


def test_the_command_line_on_a_real_database_file(tmp_path: Path) -> None:
    """The CLI as an admin runs it: its own process, set up by manage.py, on a
    database file that another process (standing in for the bot) wrote."""
    empty = _cli(tmp_path, "export", "1", "--results", str(tmp_path / "x.csv"))
    assert empty.returncode == 1  # manage.py opens (creates) it as the bot does
    assert empty.stderr == "没有编号为 1 的投票。\n"
    assert not (tmp_path / "x.csv").exists()
    prepared = _run(tmp_path, "-c", PREPARE)
    assert prepared.returncode == 0, prepared.stderr

    out = tmp_path / "b.csv"
    done = _cli(tmp_path, "export", "qq:1000", "#1", "--ballots", str(out))
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"已导出 1 行到 {out}\n"
    assert _rows(out)[1][3:7] == ["qq:42", "3-2-201 张三", "2", "方案B"]
    done = _cli(tmp_path, "export", "1", "--results", str(tmp_path / "r.csv"))
    assert done.returncode == 0, done.stderr  # the only vote numbered 1
    assert _rows(tmp_path / "r.csv")[2][:4] == ["选项", "2", "方案B", "1"]
    missing = _cli(tmp_path, "export", "qq:1000", "9", "--results", "x.csv")
    assert missing.returncode == 1
    assert missing.stderr == "qq:1000（3栋业主群） 没有编号为 9 的投票。\n"
    usage = _cli(tmp_path, "export", "1")
    assert (usage.returncode, usage.stderr.count("\n")) == (2, 1)
    assert "--results" in usage.stderr

    config = tmp_path / "en.yaml"
    config.write_text("core:\n  locale: en\n", encoding="utf-8")
    done = _cli(tmp_path, "export", "1", "--results", str(out), config=config)
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"Wrote 3 rows to {out}\n"
    assert _rows(out)[0][:3] == ["Item", "No.", "Label"]
    assert _rows(out)[2][:3] == ["option", "2", "方案B"]
