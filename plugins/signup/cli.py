"""Export a sign-up sheet from the command line (on the server)::

    python manage.py signup export 12 --format xlsx 名单.xlsx
    python manage.py signup export "qq:123456#3" --format csv list.csv

``12`` is the sheet's database id (``/接龙 导出`` shows it); ``qq:123456#3`` is
sheet number 3 of group qq:123456. manage.py reads the config and opens the
database as the bot does (LINLI_DATABASE_URL / LINLI_DATA_DIR, LINLI_CONFIG).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from plugins.core import store, t

from . import service
from .export import export, rows, xlsx_available
from .models import Sheet


def _file(text: str) -> Path:
    return Path(text).expanduser().resolve()


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python manage.py signup")
    sub = parser.add_subparsers(dest="command", required=True)
    cmd = sub.add_parser("export", help="write a sheet to a CSV or XLSX file")
    cmd.add_argument("sheet", help="database id (12) or group#number (qq:1#3)")
    cmd.add_argument("file", type=_file, help="the file to write")
    cmd.add_argument("--format", choices=["csv", "xlsx"], default=None)
    return parser


async def _find(sheet: str) -> Sheet | None:
    if sheet.isdigit():
        return await Sheet.get_or_none(id=int(sheet))
    group, sep, number = sheet.rpartition("#")
    if not sep or not number.isdigit():
        return None
    return await Sheet.get_or_none(group=group, number=int(number))


async def main(argv: list[str]) -> int:
    """Run by ``python manage.py signup …``, with the config and database open."""
    args = _parser().parse_args(argv)
    path = args.file
    config = store.current
    locale = config.core.locale
    fmt = args.format or ("xlsx" if path.suffix.lower() == ".xlsx" else "csv")
    if fmt == "xlsx" and not xlsx_available():
        print(t(locale, "signup.cli.no_xlsx"), file=sys.stderr)
        return 2
    sheet = await _find(args.sheet)
    if sheet is None:
        print(t(locale, "signup.cli.not_found", sheet=args.sheet), file=sys.stderr)
        return 1
    locale = config.locale_of(sheet.group)
    cfg = config.section("signup", sheet.group)
    view = await service.view(sheet, full=True)
    kinds = {
        "count_fields": list(cfg.count_fields),
        "household_fields": list(cfg.household_fields),
    }
    export(view, path, fmt, locale, config.core.timezone, **kinds)
    count = len(rows(view, locale, config.core.timezone, **kinds)) - 1
    print(t(locale, "signup.cli.done", title=sheet.title, rows=count, path=path))
    return 0
