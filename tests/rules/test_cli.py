"""python manage.py rules: cases, strikes and pardons from the server."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

from tests.rules.conftest import make_config
from tests.rules.fakes import FakePort

ROOT = Path(__file__).resolve().parents[2]


def _manage(config: Path, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, LINLI_CONFIG=str(config))
    return subprocess.run(
        [sys.executable, "manage.py", "rules", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


async def _cli(config: Path, *args: str) -> subprocess.CompletedProcess:
    return await asyncio.to_thread(_manage, config, *args)


async def _warned_then_muted(group: str):
    from plugins.rules import service
    from plugins.rules.service import Offence

    config = make_config(group)
    cfg = config.section("rules", group)
    offence = Offence(
        group=group, user="qq:42", name="张三", rule="ads",
        reason="rules.reason.link", detail="x.com", text="x.com", message_id="9",
    )  # fmt: skip
    port = FakePort()
    warned = await service.enforce(offence, port=port, cfg=cfg, config=config)
    muted = await service.enforce(offence, port=port, cfg=cfg, config=config)
    assert (warned.action, muted.action) == ("warn", "mute")
    return config.path, warned.case, muted.case


async def test_cases_strikes_and_a_pardon(outbox, group_id) -> None:
    from plugins.rules.models import Mute

    config, warned, muted = await _warned_then_muted(group_id)

    listed = await _cli(config, "cases", group_id)
    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(f"#{muted.id} ") and "禁言" in lines[0]
    assert lines[1].startswith(f"#{warned.id} ") and "测试群" in lines[1]
    assert "张三（qq:42）" in lines[1] and "警告" in lines[1]
    member = await _cli(config, "cases", "--member", "qq:42", "--limit", "1")
    assert member.stdout.startswith(f"#{muted.id} ")

    strikes = await _cli(config, "strikes", group_id)
    assert strikes.stdout.splitlines()[1:] == ["1. 张三（qq:42）：2 次"]

    pardoned = await _cli(config, "pardon", f"#{muted.id}")
    assert pardoned.returncode == 0, pardoned.stderr
    where = f"{group_id}（测试群）"
    assert pardoned.stdout == (
        f"已撤销案件 #{muted.id}：{where}，张三（qq:42），去掉 1 次警告。\n"
    )
    assert "禁言还在" in pardoned.stderr and pardoned.stderr.count("\n") == 1
    assert not await Mute.filter(case_id=muted.id, lifted=False).exists()
    one = await _cli(config, "strikes", group_id, "--member", "qq:42")
    assert one.stdout.splitlines()[1].startswith(f"#{warned.id} ")
    assert len(one.stdout.splitlines()) == 2
    listed = await _cli(config, "cases", group_id)
    assert listed.stdout.splitlines()[0].endswith("（已撤销）")

    again = await _cli(config, "pardon", str(muted.id))
    assert (again.returncode, again.stderr) == (1, f"案件 #{muted.id} 已经撤销过了。\n")


async def test_mistakes_are_one_line(group_id) -> None:
    config = make_config(group_id).path
    unknown = await _cli(config, "cases", "qq:404404")
    assert unknown.returncode == 1 and unknown.stderr.count("\n") == 1
    assert unknown.stderr.startswith("linli 不认识群 qq:404404")
    neither = await _cli(config, "cases")
    assert neither.returncode == 2 and "--member" in neither.stderr
    missing = await _cli(config, "pardon", "#999999999")
    assert (missing.returncode, missing.stderr) == (1, "没有案件 #999999999。\n")
    usage = await _cli(config, "strikes")
    assert usage.returncode == 2 and usage.stderr.count("\n") == 1


async def test_english(outbox, group_id) -> None:
    config, _, _ = await _warned_then_muted(group_id)
    config.write_text(
        "core:\n  locale: en\n" + config.read_text(encoding="utf-8").split("\n", 1)[1],
        encoding="utf-8",
    )
    strikes = await _cli(config, "strikes", group_id)
    assert strikes.returncode == 0, strikes.stderr
    assert strikes.stdout.splitlines()[1] == "1. 张三 (qq:42): 2"
    assert "within" in strikes.stdout.splitlines()[0]
    helped = await _cli(config, "pardon", "--help")
    assert "the case number" in helped.stdout and "usage:" in helped.stdout
