"""python manage.py itself: its overview, unknown commands, Tortoise's commands."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FEATURES = ("faq", "rules", "signup", "tickets", "vote")
TORTOISE = ("makemigrations", "migrate", "history", "heads", "downgrade")


def _manage(tmp_path: Path, *args: str, config: str | None = None):
    env = {k: v for k, v in os.environ.items() if not k.startswith("LINLI_")}
    env.update(
        LINLI_DATA_DIR=str(tmp_path / "data"),
        LINLI_CONFIG=config or str(ROOT / "tests/fixtures/linli.test.yaml"),
    )
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _line(text: str, name: str) -> str:
    return next(line for line in text.splitlines() if line.startswith(f"  {name} "))


def test_help_lists_every_command_one_line_each(tmp_path: Path) -> None:
    done = _manage(tmp_path, "--help")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("用法：python manage.py <命令>")
    for name in (*FEATURES, *TORTOISE):
        assert _line(done.stdout, name).split(maxsplit=1)[1].strip()
    assert "接龙" in _line(done.stdout, "signup")
    assert "迁移" in _line(done.stdout, "makemigrations")
    bare = _manage(tmp_path)  # no command: the same, on stderr, exit 2
    assert bare.returncode == 2 and "signup" in bare.stderr


def test_help_in_english(tmp_path: Path) -> None:
    config = tmp_path / "en.yaml"
    config.write_text("core:\n  locale: en\n", encoding="utf-8")
    done = _manage(tmp_path, "--help", config=str(config))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Usage: python manage.py <command>")
    assert "sign-up sheet" in _line(done.stdout, "signup").lower()
    assert "apply pending migrations" in _line(done.stdout, "migrate")
    rules = _manage(tmp_path, "rules", "--help", config=str(config))
    assert rules.returncode == 0, rules.stderr
    assert rules.stdout.startswith("usage: python manage.py rules")
    assert "pardon" in rules.stdout and "options:" in rules.stdout


def test_a_feature_and_tortoise_explain_themselves(tmp_path: Path) -> None:
    rules = _manage(tmp_path, "rules", "--help")
    assert rules.returncode == 0, rules.stderr
    assert rules.stdout.startswith("用法：python manage.py rules")
    for name in ("cases", "strikes", "pardon"):
        assert name in rules.stdout
    made = _manage(tmp_path, "makemigrations", "--help")
    assert made.returncode == 0, made.stderr
    assert made.stdout.startswith("用法：python manage.py makemigrations")
    assert "修改某个插件的 models.py 之后" in made.stdout


def test_mistakes_are_one_line_exit_2(tmp_path: Path) -> None:
    unknown = _manage(tmp_path, "sigup", "export")
    assert (unknown.returncode, unknown.stdout) == (2, "")
    assert (
        unknown.stderr
        == "没有「sigup」这个命令。查看全部命令：python manage.py --help\n"
    )
    wrong = _manage(tmp_path, "signup", "exprt")
    assert wrong.returncode == 2 and wrong.stderr.count("\n") == 1
    assert "exprt" in wrong.stderr
    tortoise = _manage(tmp_path, "migrate", "--fast")
    assert tortoise.returncode == 2 and tortoise.stderr.count("\n") == 1


def test_a_broken_yaml_is_named_but_help_still_works(tmp_path: Path) -> None:
    config = tmp_path / "broken.yaml"
    config.write_text("core:\n  locale: [\n", encoding="utf-8")
    helped = _manage(tmp_path, "--help", config=str(config))
    assert helped.returncode == 0 and "signup" in helped.stdout
    assert str(config) in helped.stderr
    refused = _manage(tmp_path, "vote", "export", "1", "--results", "x.csv",
                      config=str(config))  # fmt: skip
    assert refused.returncode == 2 and str(config) in refused.stderr
    assert "Traceback" not in refused.stderr
