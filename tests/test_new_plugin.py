"""``python manage.py new-plugin <name>`` on a copy of the project: it writes
only plugins/<name>/ and tests/<name>/, both pass ruff, and their tests pass
at once (service, handler and end-to-end)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _files(root: Path) -> set[str]:
    return {
        str(p.relative_to(root))
        for p in root.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and ".ruff_cache" not in p.parts
    }


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """The project's files as a clean checkout has them (git's list)."""
    listed = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    copy = tmp_path / "linli"
    for name in listed:
        source = ROOT / name
        if source.is_file():
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, copy / name)
    return copy


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LINLI_")}
    env["LINLI_DATA_DIR"] = str(tmp_path / "data")
    return env


def test_new_plugin_makes_a_working_plugin_and_touches_nothing_else(
    project: Path, tmp_path: Path
) -> None:
    before = _files(project)
    env = _env(tmp_path)
    made = subprocess.run(
        [sys.executable, "manage.py", "new-plugin", "demo"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert made.returncode == 0, made.stderr
    assert "plugins/demo" in made.stderr and "docs/plugins.md" in made.stderr
    added = _files(project) - before
    assert added and all(f.startswith(("plugins/demo/", "tests/demo/")) for f in added)
    assert "plugins/demo/migrations/0001_initial.py" in added
    assert "plugins/demo/config.yaml" in added
    for ruff in (["check"], ["format", "--check"]):
        run = [sys.executable, "-m", "ruff", *ruff, "plugins/demo", "tests/demo"]
        linted = subprocess.run(run, cwd=project, capture_output=True, text=True)
        assert linted.returncode == 0, linted.stdout
    tests = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/demo"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert tests.returncode == 0, tests.stdout[-4000:]
    assert "5 passed" in tests.stdout

    again = subprocess.run(
        [sys.executable, "manage.py", "new-plugin", "demo"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert again.returncode == 2 and "plugins/demo" in again.stderr


@pytest.mark.parametrize("name", ["Demo", "core", "class", "x", "9lives", "a-b"])
def test_a_name_that_cannot_be_a_plugin_is_refused(name: str) -> None:
    from plugins.core.scaffold import ScaffoldError, plan

    with pytest.raises(ScaffoldError) as info:
        plan(name, ROOT)
    assert info.value.key == "core.cli.new_plugin.bad_name"
