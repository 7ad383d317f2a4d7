"""Export and import every faq entry as CSV (for a spreadsheet) or YAML.

    python manage.py faq export --format csv faq.csv
    python manage.py faq import --format csv faq.csv
    python manage.py faq export --format yaml faq.yaml

manage.py reads the bot's configuration and opens its database (LINLI_CONFIG,
LINLI_DATA_DIR / LINLI_DATABASE_URL, or a .env file) before :func:`main` runs.

Export writes every live entry: the YAML file's (with their chat edits) and the
ones taught in chat. Import creates an entry for a row without 编号 (id), and
changes the entry of a row with one (recorded in its history, so
``/问答 撤销`` can undo it); a row whose ``delete`` column says yes deletes its
entry. Entries missing from the file are left alone.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from plugins.core import store

from . import transfer


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python manage.py faq",
        description="Export or import linli's faq entries (CSV or YAML).",
    )
    parser.add_argument("action", choices=["export", "import"])
    parser.add_argument("--format", choices=["csv", "yaml"], default=None)
    parser.add_argument("file", help="the file to write (export) or read (import)")
    args = parser.parse_args(argv)
    args.file = Path(args.file).expanduser().resolve()
    if args.format is None:
        suffix = args.file.suffix.lower()
        args.format = "yaml" if suffix in (".yaml", ".yml") else "csv"
    return args


async def main(argv: list[str]) -> int:
    """Run by ``python manage.py faq …``, with the config and database open."""
    args = parse_args(argv)
    section = store.current.section("faq")
    if args.action == "export":
        count = await transfer.export_file(section, args.file, args.format)
        print(f"exported {count} entries to {args.file}")
        return 0
    try:
        report = await transfer.import_file(section, args.file, args.format)
    except transfer.ImportProblem as exc:
        print(f"{args.file}: {exc}", file=sys.stderr)
        return 2
    print(report.summary())
    for problem in report.problems:
        print(f"  {problem}", file=sys.stderr)
    return 1 if report.problems else 0
