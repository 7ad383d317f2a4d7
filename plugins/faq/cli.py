"""``python manage.py faq``: every faq entry to and from CSV (a spreadsheet) or YAML.

    python manage.py faq export 问答.csv
    python manage.py faq import 问答.csv
    python manage.py faq export faq.yaml          # the format follows the suffix

Export writes every live entry: the YAML file's (with their chat edits) and the
ones taught in chat, the CSV headers in ``core.locale``. Import changes the
entry of a row with an id (编号), or whose questions an entry already has, and
creates one for any other row; every change is in the entry's history, so
``/问答 撤销`` can undo it. A row whose 删除 (delete) column says yes deletes
its entry. Entries missing from the file are left alone.
"""

from __future__ import annotations

import argparse

from plugins.core import cli, store, t

from . import transfer

SUMMARY = "faq.cli.summary"


def parser(locale: str) -> cli.Parser:
    root = cli.parser(locale, "faq", t(locale, "faq.cli.summary"))
    commands = root.add_subparsers()
    for name in ("export", "import"):
        cmd = cli.command(commands, name, t(locale, f"faq.cli.{name}"))
        cmd.add_argument(
            "file", type=cli.file_arg, help=t(locale, f"faq.cli.{name}_file")
        )
        cmd.add_argument(
            "--format", choices=["csv", "yaml"], help=t(locale, "faq.cli.format")
        )
    return root


async def run(args: argparse.Namespace, locale: str) -> int:
    section = store.current.section("faq")
    fmt = args.format
    if fmt is None:
        fmt = "yaml" if args.file.suffix.lower() in (".yaml", ".yml") else "csv"
    if args.command == "export":
        count = await transfer.export_file(section, args.file, fmt, locale)
        print(t(locale, "faq.cli.exported", count=count, path=str(args.file)))
        return 0
    try:
        report = await transfer.import_file(section, args.file, fmt, locale)
    except transfer.ImportProblem as exc:
        raise cli.CliError(
            "faq.cli.unreadable", code=2, path=str(args.file), error=exc.text(locale)
        ) from None
    print(report.summary(locale))
    for problem in report.problems:
        cli.say(f"  {problem}")
    return 1 if report.problems else 0
