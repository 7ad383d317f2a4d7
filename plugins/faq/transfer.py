"""Entries to and from CSV and YAML files (used by ``python manage.py faq``).

CSV: one row per entry, UTF-8 with a BOM so that Excel and WPS open it right.
Columns (English or Chinese headers): id/编号, source/来源, questions/问题,
keywords/关键词, answer/答案, mode/模式, groups/群, tags/标签,
active_hours/时段, delete/删除. A cell with several values (questions,
keywords …) has one per line; ``；`` or ``;`` also separate them.

YAML: ``entries:`` with the same keys as the YAML file's ``faq.entries``,
plus ``source`` (yaml or taught).
"""

from __future__ import annotations

import asyncio
import csv
import getpass
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from plugins.core import audit

from . import entries
from .config import EntryConfig, FaqConfig, entry_keys
from .entries import FIELDS, Actor, FaqError

COLUMNS = [
    "id", "source", "questions", "keywords", "answer", "mode", "groups", "tags",
    "active_hours", "delete",
]  # fmt: skip
CHINESE = {
    "编号": "id", "来源": "source", "问题": "questions", "关键词": "keywords",
    "答案": "answer", "模式": "mode", "群": "groups", "标签": "tags",
    "时段": "active_hours", "删除": "delete",
}  # fmt: skip
LISTS = ("questions", "keywords", "groups", "tags", "active_hours")
_YES = {"1", "yes", "y", "true", "是", "删", "删除", "x", "✓"}
_SPLIT = re.compile(r"[\n；;]")


class ImportProblem(Exception):
    """The file cannot be read at all."""


@dataclass
class Report:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    unchanged: int = 0
    problems: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"created {len(self.created)}, updated {len(self.updated)}, "
            f"deleted {len(self.deleted)}, unchanged {self.unchanged}, "
            f"problems {len(self.problems)}"
        )


async def export_entries(section: FaqConfig) -> list[dict[str, Any]]:
    rows = await entries.load_rows()
    out = []
    for entry in entries.effective_entries(section, rows):
        out.append(
            {
                "id": entry.key,
                "source": entry.source,
                "questions": list(entry.questions),
                "keywords": list(entry.keywords),
                "answer": entry.answer,
                "mode": entry.mode,
                "groups": sorted(entry.groups),
                "tags": sorted(entry.tags),
                "active_hours": [_hours(r) for r in entry.active_hours],
            }
        )
    return out


def _hours(minutes: tuple[int, int]) -> str:
    (h1, m1), (h2, m2) = divmod(minutes[0], 60), divmod(minutes[1], 60)
    return f"{h1:02d}:{m1:02d}-{h2:02d}:{m2:02d}"


def to_csv(items: list[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for item in items:
        row = {k: ("\n".join(v) if isinstance(v, list) else v) for k, v in item.items()}
        writer.writerow({**row, "delete": ""})
    return buffer.getvalue()


def to_yaml(items: list[dict[str, Any]]) -> str:
    slim = [
        {k: v for k, v in item.items() if v not in ([], "", None)}
        | {"answer": item["answer"]}
        for item in items
    ]
    return yaml.safe_dump(
        {"entries": slim}, allow_unicode=True, sort_keys=False, width=1000
    )


async def export_file(section: FaqConfig, path: Path, fmt: str) -> int:
    items = await export_entries(section)
    if fmt == "csv":
        await asyncio.to_thread(
            path.write_text, to_csv(items), encoding="utf-8-sig", newline=""
        )
    else:
        await asyncio.to_thread(path.write_text, to_yaml(items), encoding="utf-8")
    return len(items)


def _cell_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    return [p.strip() for p in _SPLIT.split(str(value)) if p.strip()]


def read_csv(text: str) -> list[tuple[str, dict[str, Any]]]:
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames:
        raise ImportProblem("the file is empty")
    names = {
        n: CHINESE.get((n or "").strip(), (n or "").strip().lower())
        for n in reader.fieldnames
    }
    if "answer" not in names.values():
        raise ImportProblem("no answer/答案 column (the first line names the columns)")
    out = []
    for row in reader:
        item = {names[k]: v for k, v in row.items() if k is not None and names[k]}
        if not any((v or "").strip() for v in item.values() if isinstance(v, str)):
            continue  # a blank line
        out.append((f"line {reader.line_num}", item))
    return out


def read_yaml(text: str) -> list[tuple[str, dict[str, Any]]]:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ImportProblem(f"not valid YAML: {exc}") from None
    if isinstance(data, dict) and isinstance(data.get("faq"), dict):
        data = data["faq"]
    if isinstance(data, dict):
        data = data.get("entries")
    if not isinstance(data, list):
        raise ImportProblem("expected a list under `entries:`")
    out = []
    for n, item in enumerate(data, 1):
        if not isinstance(item, dict):
            raise ImportProblem(f"entry {n} is not a mapping")
        out.append((f"entry {n}", item))
    return out


def _clean(item: dict[str, Any]) -> dict[str, Any]:
    """The entry's fields, checked like the YAML file's (ValueError if wrong)."""
    data: dict[str, Any] = {name: _cell_list(item.get(name)) for name in LISTS}
    data["answer"] = str(item.get("answer") or "").strip()
    data["mode"] = str(item.get("mode") or "fuzzy").strip().lower()
    try:
        EntryConfig.model_validate(data)
    except ValidationError as exc:
        raise ValueError(
            "; ".join(
                f"{'.'.join(str(p) for p in e['loc']) or 'entry'}: {e['msg']}"
                for e in exc.errors()
            )
        ) from None
    return data


async def import_items(
    section: FaqConfig,
    items: list[tuple[str, dict[str, Any]]],
    actor: Actor | None = None,
) -> Report:
    actor = actor or Actor(user="cli", name=f"cli:{getpass.getuser()}")
    report = Report()
    yaml_items = dict(zip(entry_keys(section), section.entries, strict=True))
    for where, item in items:
        key = str(item.get("id") or "").strip()
        try:
            if str(item.get("delete") or "").strip().lower() in _YES:
                if key:
                    await entries.change(
                        key, section, actor, action="import", deleted=True
                    )
                    report.deleted.append(key)
                continue
            data = _clean(item)
            known = entries.yaml_key(key, section) if key else None
            if known is not None:
                base = yaml_items[known].model_dump()
                base["answer"] = base["answer"].strip()
                values = {
                    name: (None if data[name] == base[name] else data[name])
                    for name in FIELDS
                }
                key = known
            elif key.isdigit() and await entries.find_row(key, section) is not None:
                values = dict(data)
            else:
                row = await entries.add(
                    data["questions"],
                    data["answer"],
                    actor,
                    keywords=data["keywords"],
                    mode=data["mode"],
                    groups=data["groups"],
                    tags=data["tags"],
                    active_hours=data["active_hours"],
                    action="import",
                )
                report.created.append(str(row.id))
                continue
            row = await entries.find_row(key, section)
            if row is None and all(v is None for v in values.values()):
                report.unchanged += 1  # as the YAML file says, no chat edits
                continue
            before = entries.snapshot(row) if row is not None else None
            row = await entries.change(
                key, section, actor, action="import", deleted=False, **values
            )
            if entries.snapshot(row) == before:
                report.unchanged += 1
            else:
                report.updated.append(key)
        except (ValueError, FaqError) as exc:
            message = exc.key if isinstance(exc, FaqError) else str(exc)
            report.problems.append(f"{where} (id {key or '-'}): {message}")
    if report.created or report.updated or report.deleted:
        await audit(
            actor.user,
            "faq.import",
            reason=actor.name,
            created=report.created,
            updated=report.updated,
            deleted=report.deleted,
        )
    return report


async def import_file(section: FaqConfig, path: Path, fmt: str) -> Report:
    try:
        text = await asyncio.to_thread(path.read_text, encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ImportProblem(f"cannot read: {exc}") from None
    items = read_csv(text) if fmt == "csv" else read_yaml(text)
    return await import_items(section, items)
