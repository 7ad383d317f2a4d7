"""Export and import every faq entry as CSV (for a spreadsheet) or YAML.

    python -m plugins.faq.cli export --format csv faq.csv
    python -m plugins.faq.cli import --format csv faq.csv
    python -m plugins.faq.cli export --format yaml faq.yaml

Run it from the project directory (like manage.py) with the same environment
as the bot (LINLI_CONFIG, LINLI_DATA_DIR / LINLI_DATABASE_URL, or a .env file):
it reads the YAML file and opens the database itself, applying migrations.

Export writes every live entry: the YAML file's (with their chat edits) and the
ones taught in chat. Import creates an entry for a row without 编号 (id), and
changes the entry of a row with one (recorded in its history, so
``/问答 撤销`` can undo it); a row whose ``delete`` column says yes deletes its
entry. Entries missing from the file are left alone.

This module imports nothing of the plugin at import time: ``python -m`` runs
the package's ``__init__`` first, which hands over to :func:`run_if_launched`.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from pathlib import Path

MODULE = "plugins.faq.cli"
ROOT = Path(__file__).resolve().parents[2]


def _cli_argv() -> list[str] | None:
    """The arguments after ``-m plugins.faq.cli``, or None if not launched so."""
    argv = list(getattr(sys, "orig_argv", []))
    for i, arg in enumerate(argv[:-1]):
        if arg == "-m" and argv[i + 1] == MODULE:
            return argv[i + 2 :]
        if arg == "-c":
            return None
    return None


def _nonebot_ready() -> bool:
    import nonebot

    try:
        nonebot.get_driver()
    except ValueError:
        return False
    return True


def run_if_launched(package: str) -> None:
    """Called first by the package: run the CLI when ``python -m`` started it.

    NoneBot must be set up (and this package loaded as a plugin) before the
    plugin's own code runs, so the CLI does that and exits right here.
    """
    argv = _cli_argv()
    if argv is None or _nonebot_ready():
        return
    sys.modules.pop(package, None)  # let NoneBot load the package as a plugin
    raise SystemExit(run(argv))


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m plugins.faq.cli",
        description="Export or import linli's faq entries (CSV or YAML).",
    )
    parser.add_argument("action", choices=["export", "import"])
    parser.add_argument("--format", choices=["csv", "yaml"], default=None)
    parser.add_argument("file", help="the file to write (export) or read (import)")
    args = parser.parse_args(argv)
    if args.format is None:
        suffix = Path(args.file).suffix.lower()
        args.format = "yaml" if suffix in (".yaml", ".yml") else "csv"
    return args


def run(argv: list[str]) -> int:
    """Set NoneBot up as manage.py does, open the database, do the work."""
    args = parse_args(argv)
    file = Path(args.file).expanduser().resolve()  # relative to where we were run
    os.chdir(ROOT)
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import nonebot

    nonebot.init()
    driver = nonebot.get_driver()
    for key in ("LINLI_CONFIG", "LINLI_DATA_DIR", "LINLI_DATABASE_URL"):
        value = getattr(driver.config, key.lower(), None)
        if value and key not in os.environ:
            os.environ[key] = str(value)
    nonebot.load_from_toml("pyproject.toml")
    return asyncio.run(_main(args.action, args.format, file))


async def _main(action: str, fmt: str, file: Path) -> int:
    from plugins.core import ConfigError, store
    from plugins.core.settings import load_settings
    from plugins.core.storage import close_database, open_database
    from plugins.faq import transfer

    settings = load_settings()
    try:
        store.load(settings.config_path)
    except ConfigError as exc:
        print(f"the configuration file has errors:\n{exc}", file=sys.stderr)
        return 2
    section = store.current.section("faq")
    await open_database(settings.database_url)
    try:
        if action == "export":
            count = await transfer.export_file(section, file, fmt)
            print(f"exported {count} entries to {file}")
            return 0
        try:
            report = await transfer.import_file(section, file, fmt)
        except transfer.ImportProblem as exc:
            print(f"{file}: {exc}", file=sys.stderr)
            return 2
        print(report.summary())
        for problem in report.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1 if report.problems else 0
    finally:
        await close_database()


if __name__ == "__main__":  # pragma: no cover - the package runs it first
    raise SystemExit(run(sys.argv[1:]))
