"""``python manage.py signup``: a sign-up sheet (接龙) to a spreadsheet.

    python manage.py signup export qq:123456 3 名单.xlsx
    python manage.py signup export 3 名单.csv        # only one group has a 接龙 3

The sheet is named as the group shows it: its group and its number (``3``,
``#3``). The file has every entry with full phone numbers (never post it in a
group); its headers and statuses are in ``core.locale`` of the YAML.
"""

from __future__ import annotations

import argparse

from plugins.core import cli, store, t

from . import service
from .export import export, xlsx_available
from .models import Sheet

SUMMARY = "signup.cli.summary"


def parser(locale: str) -> cli.Parser:
    root = cli.parser(locale, "signup", t(locale, "signup.cli.summary"))
    commands = root.add_subparsers()
    cmd = cli.command(commands, "export", t(locale, "signup.cli.export"))
    cli.add_group_and_number(cmd, locale, t(locale, "signup.cli.number"))
    cmd.add_argument("file", type=cli.file_arg, help=t(locale, "signup.cli.file"))
    cmd.add_argument(
        "--format", choices=["csv", "xlsx"], help=t(locale, "signup.cli.format")
    )
    return root


async def run(args: argparse.Namespace, locale: str) -> int:
    config = store.current
    fmt = args.format or ("xlsx" if args.file.suffix.lower() == ".xlsx" else "csv")
    if fmt == "xlsx" and not xlsx_available():
        raise cli.CliError("signup.cli.no_xlsx", code=2)
    sheet = await cli.find_numbered(
        Sheet,
        cli.ref_of(args),
        locale=locale,
        what=t(locale, "signup.cli.what"),
        describe=lambda group: cli.group_label(config, group, locale),
    )
    cfg = config.section("signup", sheet.group)
    view = await service.view(sheet, full=True)
    export(
        view,
        args.file,
        fmt,
        locale,
        config.core.timezone,
        count_fields=list(cfg.count_fields),
        household_fields=list(cfg.household_fields),
    )
    rows = len(view.entries)
    print(t(locale, "signup.cli.done", title=sheet.title, rows=rows, path=args.file))
    return 0
