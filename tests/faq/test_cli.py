"""python manage.py faq: export and import in a process of its own."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.helpers import FIXTURE, ROOT
from tests.shipped import section_text


def _manage(tmp_path: Path, config: Path, *args: str) -> subprocess.CompletedProcess:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("LINLI_", "ONEBOT_"))
    }
    env.update(LINLI_CONFIG=str(config), LINLI_DATA_DIR=str(tmp_path / "data"))
    return subprocess.run(
        [sys.executable, "manage.py", "faq", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_command_line_exports_and_imports(tmp_path: Path) -> None:
    config = tmp_path / "linli.yaml"
    config.write_text(
        FIXTURE.read_text(encoding="utf-8") + "\n" + section_text("faq"),
        encoding="utf-8",
    )
    sheet = tmp_path / "new.csv"
    sheet.write_text(
        "问题,答案\n枇杷树的果子能摘吗,请不要摘，等物业统一采摘。\n", "utf-8"
    )
    done = _manage(tmp_path, config, "import", str(sheet))
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.startswith("新增 1 条，修改 0 条，删除 0 条，未变 0 条")
    again = _manage(tmp_path, config, "import", "--format", "csv", str(sheet))
    assert again.stdout.startswith("新增 0 条，修改 0 条，删除 0 条，未变 1 条")

    out = tmp_path / "all.csv"
    done = _manage(tmp_path, config, "export", str(out))
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.startswith("已导出 ") and str(out) in done.stdout
    text = out.read_text(encoding="utf-8-sig")
    assert text.startswith("编号,来源,问题,")
    assert "物业电话" in text and text.count("枇杷树的果子能摘吗") == 1

    broken = tmp_path / "broken.yaml"
    broken.write_text("entries: [1, 2]\n", encoding="utf-8")
    done = _manage(tmp_path, config, "import", str(broken))
    assert done.returncode == 2
    assert done.stderr == f"无法导入 {broken}：第 1 条不是「键：值」的形式\n"


def test_the_command_line_speaks_core_locale(tmp_path: Path) -> None:
    config = tmp_path / "linli.yaml"
    config.write_text("core:\n  locale: en\n\n" + section_text("faq"), encoding="utf-8")
    out = tmp_path / "faq.csv"
    done = _manage(tmp_path, config, "export", str(out))
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.startswith("Exported ") and done.stdout.endswith(f"{out}\n")
    assert out.read_text(encoding="utf-8-sig").startswith("id,source,questions,")
    done = _manage(tmp_path, config, "import", str(tmp_path / "missing.csv"))
    assert done.returncode == 1
    assert done.stderr.startswith(f"Cannot read or write the file {tmp_path}")
    helped = _manage(tmp_path, config, "--help")
    assert "usage: python manage.py faq" in helped.stdout
    assert "Export every entry" in helped.stdout
