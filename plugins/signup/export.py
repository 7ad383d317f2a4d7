"""A sheet as a table: CSV (always) and XLSX (with openpyxl, when installed).

Exports are for the admin: values are NOT masked (phone numbers stay whole),
so they go to a file or to the admin privately, never to a group.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path

from plugins.core.i18n import t
from plugins.core.timeparse import format_time

from .models import APPLIED, IN, WAITLIST
from .service import View


def xlsx_available() -> bool:
    try:
        import openpyxl  # noqa: F401
    except ImportError:
        return False
    return True


def rows(
    view: View,
    locale: str,
    timezone: str,
    *,
    count_fields: Iterable[str] = ("人数",),
    household_fields: Iterable[str] = ("房号",),
) -> list[list[str]]:
    """A header row, then one row per entry in list order."""
    sheet = view.sheet
    counts, houses = set(count_fields), set(household_fields)
    extra = [f for f in sheet.field_names if f not in counts and f not in houses]
    count_name = next((f for f in sheet.field_names if f in counts), None)
    house_name = next((f for f in sheet.field_names if f in houses), None)
    header = [
        t(locale, "signup.export.position"),
        t(locale, "signup.export.status"),
        t(locale, "signup.export.name"),
        house_name or t(locale, "signup.export.household"),
        *extra,
        *([count_name] if count_name else []),
        t(locale, "signup.export.note"),
        t(locale, "signup.export.nickname"),
        t(locale, "signup.export.user"),
        t(locale, "signup.export.joined"),
    ]
    status = {
        IN: t(locale, "signup.export.in"),
        WAITLIST: t(locale, "signup.export.waitlist"),
        APPLIED: t(locale, "signup.export.applied"),
    }
    out = [header]
    for n, entry in enumerate(view.entries, 1):
        values = entry.values or {}
        out.append(
            [
                str(n),
                status.get(entry.status, entry.status),
                entry.name,
                entry.household or "",
                *(str(values.get(f, "")) for f in extra),
                *([str(entry.count)] if count_name else []),
                entry.note,
                entry.display_name,
                entry.user,
                format_time(entry.joined_at, locale, timezone),
            ]
        )
    return out


def write_csv(path: Path, table: list[list[str]]) -> Path:
    # utf-8 with BOM: Excel on Windows then opens Chinese text correctly
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f).writerows(table)
    return path


def write_xlsx(path: Path, table: list[list[str]], title: str) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    ws = book.active
    ws.title = (title or "signup")[:31].translate(str.maketrans("[]:*?/\\", "_______"))
    for row in table:
        ws.append(row)
    for column in ws.columns:
        width = max(len(str(c.value or "")) for c in column)
        ws.column_dimensions[column[0].column_letter].width = min(max(width * 2, 6), 50)
    book.save(path)
    return path


def export(
    view: View,
    path: Path,
    fmt: str,
    locale: str,
    timezone: str,
    **kinds: Iterable[str],
) -> Path:
    """Write the sheet to ``path`` as ``csv`` or ``xlsx``."""
    table = rows(view, locale, timezone, **kinds)
    if fmt == "xlsx":
        return write_xlsx(path, table, view.sheet.title)
    return write_csv(path, table)
