"""Entries in the database: taught in chat, chat edits of YAML entries, history
and undo. The effective set of entries is the YAML's (with their chat edits)
plus the taught ones.

An entry is named by its 编号: digits for an entry taught in chat (its row id),
the YAML ``id`` (or ``Y1``, ``Y2`` … by position) for an entry of the file.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from plugins.core import compact

from .config import EntryConfig, FaqConfig, entry_keys
from .matcher import Entry, parse_hours
from .models import FaqChange, FaqEntry

FIELDS = ("questions", "keywords", "answer", "mode", "groups", "tags", "active_hours")


@dataclass(frozen=True)
class Actor:
    user: str
    name: str = ""
    group: str | None = None


class FaqError(Exception):
    """A refusal worded for the admin: an i18n key and its values."""

    def __init__(self, text_key: str, /, **values: Any) -> None:
        self.key = text_key
        self.values = values
        super().__init__(text_key)


def snapshot(row: FaqEntry) -> dict[str, Any]:
    data = {name: getattr(row, name) for name in FIELDS}
    data["deleted"] = row.deleted
    return data


def _apply(row: FaqEntry, data: dict[str, Any]) -> None:
    for name in FIELDS:
        setattr(row, name, data.get(name))
    row.deleted = bool(data.get("deleted", False))


async def _record(
    row: FaqEntry, action: str, before: dict[str, Any] | None, actor: Actor
) -> FaqChange:
    return await FaqChange.create(
        entry=row,
        action=action,
        before=before,
        after=snapshot(row),
        actor=actor.user,
        actor_name=actor.name[:255],
        group=actor.group,
    )


def split_questions(text: str) -> list[str]:
    """``物业电话 / 物业怎么联系`` → two question variants."""
    parts = [text]
    for sep in ("\n", "／", "/", "；", ";"):
        parts = [p for part in parts for p in part.split(sep)]
    return [p.strip() for p in parts if p.strip()]


def yaml_key(key: str, section: FaqConfig) -> str | None:
    """The YAML id ``key`` names (case-insensitive), or None."""
    wanted = key.strip().casefold()
    for known in entry_keys(section):
        if known.casefold() == wanted:
            return known
    return None


async def find_row(key: str, section: FaqConfig) -> FaqEntry | None:
    key = key.strip().lstrip("#")
    if key.isdigit():
        return await FaqEntry.get_or_none(id=int(key), config_key=None)
    known = yaml_key(key, section)
    if known is None:
        return None
    return await FaqEntry.get_or_none(config_key=known)


async def _row_for_change(key: str, section: FaqConfig, actor: Actor) -> FaqEntry:
    """The row that holds the chat edits of ``key``, created for a YAML entry."""
    key = key.strip().lstrip("#")
    if key.isdigit():
        row = await FaqEntry.get_or_none(id=int(key), config_key=None)
        if row is None:
            raise FaqError("faq.not_found", key=key)
        return row
    known = yaml_key(key, section)
    if known is None:
        raise FaqError("faq.not_found", key=key)
    row = await FaqEntry.get_or_none(config_key=known)
    if row is None:
        try:
            row = await FaqEntry.create(
                config_key=known, created_by=actor.user, updated_by=actor.user
            )
        except IntegrityError:  # another process created it first
            row = await FaqEntry.get(config_key=known)
    return row


def display_key(row: FaqEntry) -> str:
    return row.config_key or str(row.id)


def _clean_hours(hours: list[str]) -> list[str]:
    for item in hours:
        parse_hours(item)
    return hours


async def duplicate_of(questions: list[str], section: FaqConfig) -> str | None:
    """The 编号 of a live entry that already has one of these questions."""
    wanted = {compact(q) for q in questions}
    rows = await load_rows()
    for entry in effective_entries(section, rows):
        if entry.mode != "regex" and wanted & {compact(q) for q in entry.questions}:
            return entry.key
    return None


async def add(
    questions: list[str],
    answer: str,
    actor: Actor,
    *,
    groups: list[str] | None = None,
    keywords: list[str] | None = None,
    mode: str = "fuzzy",
    tags: list[str] | None = None,
    active_hours: list[str] | None = None,
    action: str = "add",
) -> FaqEntry:
    if not questions and not keywords:
        raise FaqError("faq.usage.add")
    EntryConfig(  # the same checks as the YAML file's
        questions=questions,
        keywords=keywords or [],
        answer=answer,
        mode=mode,  # type: ignore[arg-type]
        active_hours=_clean_hours(active_hours or []),
    )
    async with in_transaction():
        row = await FaqEntry.create(
            questions=questions,
            keywords=keywords or [],
            answer=answer,
            mode=mode,
            groups=groups or [],
            tags=tags or [],
            active_hours=active_hours or [],
            created_by=actor.user,
            updated_by=actor.user,
        )
        await _record(row, action, None, actor)
    return row


async def change(
    key: str,
    section: FaqConfig,
    actor: Actor,
    *,
    action: str = "edit",
    **values: Any,
) -> FaqEntry:
    """Set some fields (``answer=…``, ``deleted=True`` …) of entry ``key``."""
    async with in_transaction():
        row = await _row_for_change(key, section, actor)
        if row.deleted and "deleted" not in values:
            raise FaqError("faq.not_found", key=key)
        before = snapshot(row)
        for name, value in values.items():
            setattr(row, name, value)
        if snapshot(row) == before:
            return row
        row.updated_by = actor.user
        await row.save()
        await _record(row, action, before, actor)
    return row


async def add_question(
    key: str,
    question: str,
    section: FaqConfig,
    actor: Actor,
    *,
    action: str = "attach",
) -> FaqEntry:
    """One more question of entry ``key``, through ``change`` (history, undo).

    ``action``: ``learn`` (from residents' picks) or ``attach`` (/问答 归入).
    Refused when the entry is a regex one or a live entry already has the
    question."""
    question = " ".join(question.split())
    if not compact(question):
        raise FaqError("faq.usage.attach")
    rows = await load_rows()
    current = _live_entry(key, section, rows)
    if current is None:
        raise FaqError("faq.not_found", key=key)
    if current.mode == "regex":
        raise FaqError("faq.attach.regex", key=current.key)
    duplicate = await duplicate_of([question], section)
    if duplicate is not None:
        raise FaqError("faq.attach.already", key=duplicate, question=question)
    return await change(
        current.key,
        section,
        actor,
        action=action,
        questions=[*current.questions, question],
    )


def _live_entry(key: str, section: FaqConfig, rows: list[FaqEntry]) -> Entry | None:
    key = key.strip().lstrip("#")
    wanted = str(int(key)) if key.isdigit() else yaml_key(key, section)
    if wanted is None:
        return None
    for entry in effective_entries(section, rows):
        if entry.key == wanted:
            return entry
    return None


async def undo(key: str, section: FaqConfig, actor: Actor) -> FaqChange:
    """Undo the last change of ``key`` that is not undone yet (repeatable)."""
    async with in_transaction():
        row = await find_row(key, section)
        if row is None:
            raise FaqError("faq.not_found", key=key)
        last = (
            await FaqChange.filter(entry_id=row.id, undone=False)
            .exclude(action="undo")
            .order_by("-id")
            .first()
        )
        if last is None:
            raise FaqError("faq.nothing_to_undo", key=key)
        before = snapshot(row)
        if last.before is None:  # the entry was created by that change
            row.deleted = True
        else:
            _apply(row, last.before)
        row.updated_by = actor.user
        await row.save()
        last.undone = True
        await last.save(update_fields=["undone"])
        await _record(row, "undo", before, actor)
    return last


async def history(key: str, section: FaqConfig, limit: int = 10) -> list[FaqChange]:
    row = await find_row(key, section)
    if row is None:
        if key.strip().isdigit() or yaml_key(key, section) is None:
            raise FaqError("faq.not_found", key=key)
        return []
    changes = await FaqChange.filter(entry_id=row.id).order_by("-id").limit(limit)
    return list(reversed(changes))


async def load_rows() -> list[FaqEntry]:
    return await FaqEntry.all().order_by("id")


async def revision() -> int:
    """Grows with every change: the id of the newest history row."""
    last = await FaqChange.all().order_by("-id").limit(1).values_list("id", flat=True)
    return int(last[0]) if last else 0


def _entry(key: str, source: str, data: dict[str, Any]) -> Entry:
    return Entry(
        key=key,
        answer=data["answer"] or "",
        questions=tuple(data.get("questions") or ()),
        keywords=tuple(data.get("keywords") or ()),
        mode=data.get("mode") or "fuzzy",
        groups=frozenset(data.get("groups") or ()),
        tags=frozenset(data.get("tags") or ()),
        active_hours=tuple(parse_hours(h) for h in data.get("active_hours") or ()),
        source=source,
    )


def effective_entries(section: FaqConfig, rows: list[FaqEntry]) -> list[Entry]:
    """The YAML entries with their chat edits, then the taught entries."""
    edits = {row.config_key: row for row in rows if row.config_key}
    out = []
    for key, item in zip(entry_keys(section), section.entries, strict=True):
        data = item.model_dump()
        row = edits.get(key)
        if row is not None:
            if row.deleted:
                continue
            for name in FIELDS:
                value = getattr(row, name)
                if value is not None:
                    data[name] = value
        out.append(_entry(key, "yaml", data))
    for row in rows:
        if row.config_key is None and not row.deleted and row.answer:
            out.append(_entry(str(row.id), "taught", snapshot(row)))
    return out
