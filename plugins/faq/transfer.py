"""Entries to and from CSV and YAML files (used by ``python manage.py faq``).

CSV: one row per entry, UTF-8 with a BOM so that Excel and WPS open it right.
Columns: id, source, questions, keywords, answer, mode, groups, tags,
active_hours, delete; an export names them in the admin's language
(``faq.cli.column.*``: 编号, 来源, 问题 …), an import reads them in any
language linli has, or as these English names. A cell with several values
(questions, keywords …) has one per line; ``；`` or ``;`` also separate them.

A row with an id changes that entry. A row without one whose questions match
a live entry's (as ``/问答 添加`` finds duplicates) changes that entry too, so
importing the same sheet twice does not copy it; other rows are new entries.

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

from plugins.core import audit, t
from plugins.core.i18n import available_locales

from . import entries
from .config import EntryConfig, FaqConfig, entry_keys
from .entries import FIELDS, Actor, FaqError

COLUMNS = [
    "id", "source", "questions", "keywords", "answer", "mode", "groups", "tags",
    "active_hours", "delete",
]  # fmt: skip
LISTS = ("questions", "keywords", "groups", "tags", "active_hours")
_YES = {"1", "yes", "y", "true", "是", "删", "删除", "x", "✓"}
_SPLIT = re.compile(r"[\n；;]")


class ImportProblem(Exception):
    """The file cannot be read at all: an i18n key (``faq.cli.*``), its values."""

    def __init__(self, key: str, /, **values: Any) -> None:
        self.key = key
        self.values = values
        super().__init__(key)

    def text(self, locale: str) -> str:
        return t(locale, self.key, **self.values)


@dataclass
class Report:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    unchanged: int = 0
    problems: list[str] = field(default_factory=list)

    def summary(self, locale: str) -> str:
        return t(
            locale,
            "faq.cli.imported",
            created=len(self.created),
            updated=len(self.updated),
            deleted=len(self.deleted),
            unchanged=self.unchanged,
            problems=len(self.problems),
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


def to_csv(items: list[dict[str, Any]], locale: str) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(t(locale, f"faq.cli.column.{name}") for name in COLUMNS)
    for item in items:
        row = {k: ("\n".join(v) if isinstance(v, list) else v) for k, v in item.items()}
        row["source"] = t(locale, f"faq.cli.source.{row['source']}")
        writer.writerow([row.get(name, "") for name in COLUMNS])
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


async def export_file(
    section: FaqConfig, path: Path, fmt: str, locale: str = "zh-CN"
) -> int:
    items = await export_entries(section)
    if fmt == "csv":
        await asyncio.to_thread(
            path.write_text, to_csv(items, locale), encoding="utf-8-sig", newline=""
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


def _headers() -> dict[str, str]:
    """Every name a column may have (casefolded) → its English name."""
    names = {name: name for name in COLUMNS}
    for locale in available_locales():
        for name in COLUMNS:
            names[t(locale, f"faq.cli.column.{name}").casefold()] = name
    return names


def read_csv(text: str, locale: str = "zh-CN") -> list[tuple[str, dict[str, Any]]]:
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames:
        raise ImportProblem("faq.cli.empty")
    headers = _headers()
    names = {n: headers.get((n or "").strip().casefold()) for n in reader.fieldnames}
    if "answer" not in names.values():
        answer = t(locale, "faq.cli.column.answer")
        raise ImportProblem("faq.cli.no_answer", column=answer)
    out = []
    for n, row in enumerate(reader, 2):  # the row as a spreadsheet numbers it
        item = {names[k]: v for k, v in row.items() if k is not None and names[k]}
        if not any((v or "").strip() for v in item.values() if isinstance(v, str)):
            continue  # a blank line
        out.append((t(locale, "faq.cli.line", n=n), item))
    return out


def read_yaml(text: str, locale: str = "zh-CN") -> list[tuple[str, dict[str, Any]]]:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ImportProblem("faq.cli.bad_yaml", error=str(exc)) from None
    if isinstance(data, dict) and isinstance(data.get("faq"), dict):
        data = data["faq"]
    if isinstance(data, dict):
        data = data.get("entries")
    if not isinstance(data, list):
        raise ImportProblem("faq.cli.no_entries")
    out = []
    for n, item in enumerate(data, 1):
        if not isinstance(item, dict):
            raise ImportProblem("faq.cli.not_mapping", n=n)
        out.append((t(locale, "faq.cli.entry", n=n), item))
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
    locale: str = "zh-CN",
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
            if not key:  # the same questions as a live entry: that entry
                key = await entries.duplicate_of(data["questions"], section) or ""
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
            if isinstance(exc, FaqError):
                message = t(locale, exc.key, **exc.values)
            else:
                message = str(exc)  # pydantic's words on a wrong value
            report.problems.append(
                t(locale, "faq.cli.problem", where=where, id=key or "-", error=message)
            )
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


async def import_file(
    section: FaqConfig, path: Path, fmt: str, locale: str = "zh-CN"
) -> Report:
    try:
        text = await asyncio.to_thread(path.read_text, encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise ImportProblem("faq.cli.not_utf8") from None
    items = read_csv(text, locale) if fmt == "csv" else read_yaml(text, locale)
    return await import_items(section, items, locale=locale)
