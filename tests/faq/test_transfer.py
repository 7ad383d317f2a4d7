"""Export and import of entries as CSV and YAML, and the command line itself."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.faq.conftest import FIXTURE, ROOT, default_section
from tests.shipped import section_text


async def _effective(section):
    from plugins.faq import entries

    return {
        e.key: e for e in entries.effective_entries(section, await entries.load_rows())
    }


async def test_csv_round_trip_edits_adds_and_deletes(tmp_path: Path) -> None:
    from plugins.faq import entries, transfer
    from plugins.faq.entries import Actor

    section = default_section()
    actor = Actor(user="qq:500", name="王经理")
    taught = await entries.add(["银杏叶什么时候扫"], "每天早上。", actor)
    doomed = await entries.add(["樱花节哪天开"], "四月第一个周末。", actor)

    path = tmp_path / "faq.csv"
    count = await transfer.export_file(section, path, "csv")
    raw = path.read_bytes()
    assert raw.startswith("\ufeff".encode())  # Excel opens it as UTF-8
    assert count >= len(section.entries) + 2

    rows = transfer.read_csv(path.read_text(encoding="utf-8-sig"))
    by_id = {item["id"]: item for _, item in rows}
    assert by_id["物业电话"]["questions"].splitlines()[0] == "物业电话是多少"
    assert by_id[str(taught.id)]["answer"] == "每天早上。"

    by_id["停车费"]["answer"] = "月停车费 180 元/月。"
    by_id[str(taught.id)]["answer"] = "每天早上 7 点。"
    by_id[str(taught.id)]["questions"] = "银杏叶什么时候扫\n落叶几点扫"
    by_id[str(doomed.id)]["delete"] = "是"
    new = {"问题": "腊八粥在哪领；腊八粥几点发", "答案": "物业大堂，8 点开始。"}
    bad = {"问题": "没有答案的问题", "答案": ""}
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=transfer.COLUMNS)
    writer.writeheader()
    for item in by_id.values():
        writer.writerow(item)
    text = buffer.getvalue()
    # a second sheet with Chinese headers, as an admin may write it
    extra = io.StringIO()
    chinese = csv.DictWriter(extra, fieldnames=["问题", "答案"])
    chinese.writeheader()
    chinese.writerow(new)
    chinese.writerow(bad)

    report = await transfer.import_items(section, transfer.read_csv(text))
    assert report.updated == ["停车费", str(taught.id)]
    assert report.deleted == [str(doomed.id)]
    assert not report.created and not report.problems
    report = await transfer.import_items(section, transfer.read_csv(extra.getvalue()))
    assert len(report.created) == 1
    assert len(report.problems) == 1 and "answer" in report.problems[0]

    live = await _effective(section)
    assert live["停车费"].answer == "月停车费 180 元/月。"
    assert live["停车费"].questions == tuple(section.entries[2].questions)
    assert live[str(taught.id)].questions == ("银杏叶什么时候扫", "落叶几点扫")
    assert str(doomed.id) not in live
    created = live[report.created[0]]
    assert created.questions == ("腊八粥在哪领", "腊八粥几点发")

    from plugins.core.audit import recent

    logged = [e for e in await recent(limit=50) if e.action == "faq.import"]
    assert logged and logged[0].details["created"] == report.created

    # an import is a change like any other: it can be undone
    await entries.undo("停车费", section, actor)
    assert (await _effective(section))["停车费"].answer.startswith("【停车费】")


async def test_yaml_export_and_import(tmp_path: Path) -> None:
    import yaml

    from plugins.faq import entries, transfer
    from plugins.faq.entries import Actor

    section = default_section()
    path = tmp_path / "faq.yaml"
    await transfer.export_file(section, path, "yaml")
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    first = data["entries"][0]
    assert first["id"] == "物业电话" and first["source"] == "yaml"
    assert first["keywords"] == section.entries[0].keywords
    first["answer"] = "物业电话：XXX-XXXXXXX"
    data["entries"] = [first, {"questions": ["冬青修剪"], "answer": "每季度一次。"}]
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    report = await transfer.import_file(section, path, "yaml")
    assert report.updated == ["物业电话"] and len(report.created) == 1
    live = await _effective(section)
    assert live["物业电话"].answer == "物业电话：XXX-XXXXXXX"
    await entries.undo("物业电话", section, Actor(user="qq:500"))  # as shipped again


def test_the_command_line_exports_and_imports(tmp_path: Path) -> None:
    config = tmp_path / "linli.yaml"
    config.write_text(
        FIXTURE.read_text(encoding="utf-8") + "\n" + section_text("faq"),
        encoding="utf-8",
    )
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("LINLI_", "ONEBOT_"))
    }
    env.update(LINLI_CONFIG=str(config), LINLI_DATA_DIR=str(tmp_path / "data"))

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "manage.py", "faq", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    sheet = tmp_path / "new.csv"
    sheet.write_text(
        "问题,答案\n枇杷树的果子能摘吗,请不要摘，等物业统一采摘。\n", "utf-8"
    )
    done = cli("import", "--format", "csv", str(sheet))
    assert done.returncode == 0, done.stderr[-2000:]
    assert "created 1" in done.stdout

    out = tmp_path / "all.csv"
    done = cli("export", "--format", "csv", str(out))
    assert done.returncode == 0, done.stderr[-2000:]
    text = out.read_text(encoding="utf-8-sig")
    assert "物业电话" in text and "枇杷树的果子能摘吗" in text

    broken = tmp_path / "broken.yaml"
    broken.write_text("entries: [1, 2]\n", encoding="utf-8")
    done = cli("import", str(broken))
    assert done.returncode == 2 and "not a mapping" in done.stderr
