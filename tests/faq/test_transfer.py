"""Export and import of entries as CSV and YAML."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import section_config


async def _effective(section):
    from plugins.faq import entries

    return {
        e.key: e for e in entries.effective_entries(section, await entries.load_rows())
    }


async def test_csv_round_trip_edits_adds_and_deletes(tmp_path: Path) -> None:
    from plugins.faq import entries, transfer
    from plugins.faq.entries import Actor

    section = section_config("faq", shipped=True)
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

    section = section_config("faq", shipped=True)
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


async def test_rows_without_id_update_the_entry_with_their_questions() -> None:
    """Importing the same sheet again does not copy its entries."""
    from plugins.faq import entries, transfer
    from plugins.faq.entries import Actor

    section = section_config("faq", shipped=True)
    sheet = "问题,答案\n桂花树什么时候开花；桂花几月开,九月到十月。\n"
    first = await transfer.import_items(section, transfer.read_csv(sheet))
    assert len(first.created) == 1
    again = await transfer.import_items(section, transfer.read_csv(sheet))
    assert (again.created, again.updated, again.unchanged) == ([], [], 1)
    changed = sheet.replace("九月到十月。", "九月中旬到十月。")
    third = await transfer.import_items(section, transfer.read_csv(changed))
    assert (third.created, third.updated) == ([], first.created)
    live = await _effective(section)
    matching = [e for e in live.values() if "桂花几月开" in e.questions]
    assert [e.answer for e in matching] == ["九月中旬到十月。"]

    # one question in common with a YAML entry (物业电话) is enough
    shipped = section.entries[0].questions[0]
    sheet = f"questions,answer\n{shipped},物业电话：0000-0000000\n"
    report = await transfer.import_items(section, transfer.read_csv(sheet))
    assert (report.created, report.updated) == ([], ["物业电话"])
    assert (await _effective(section))["物业电话"].answer == "物业电话：0000-0000000"
    await entries.undo("物业电话", section, Actor(user="qq:500"))  # as shipped


async def test_csv_headers_follow_the_locale(tmp_path: Path) -> None:
    from plugins.faq import transfer

    section = section_config("faq", shipped=True)
    path = tmp_path / "faq.csv"
    await transfer.export_file(section, path, "csv", "en")
    text = path.read_text(encoding="utf-8-sig")
    assert text.startswith("id,source,questions,keywords,answer,")
    assert ",configuration file," in text
    await transfer.export_file(section, path, "csv")
    text = path.read_text(encoding="utf-8-sig")
    assert text.startswith("编号,来源,问题,关键词,答案,模式,群,标签,时段,删除")
    # either reads back, in any locale
    assert transfer.read_csv(text, "en")[0][1]["id"] == "物业电话"
    assert transfer.read_csv(text, "en")[0][0] == "line 2"
