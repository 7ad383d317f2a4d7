"""Export a sign-up sheet from the command line (on the server)::

    python -m plugins.signup.cli export 12 --format xlsx 名单.xlsx
    python -m plugins.signup.cli export "qq:123456#3" --format csv list.csv

``12`` is the sheet's database id (``/接龙 导出`` shows it); ``qq:123456#3`` is
sheet number 3 of group qq:123456. The database and the config are found as
the bot finds them (LINLI_DATABASE_URL / LINLI_DATA_DIR, LINLI_CONFIG).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _setup_nonebot() -> None:
    """NoneBot with linli's plugins loaded, as manage.py does (no server runs)."""
    import nonebot

    os.chdir(ROOT)
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    # ``python -m`` imported this package before NoneBot existed: forget it so
    # that NoneBot loads it as a plugin
    for name in [m for m in sys.modules if m == "plugins.signup"]:
        del sys.modules[name]
    from nonebot.log import logger

    logger.remove()  # the CLI prints its result on stdout; warnings to stderr
    logger.add(sys.stderr, level="WARNING", format="{level}: {message}")
    nonebot.init()
    config = nonebot.get_driver().config
    for key in ("LINLI_CONFIG", "LINLI_DATA_DIR", "LINLI_DATABASE_URL"):
        value = getattr(config, key.lower(), None)  # from a .env file, as bot.py
        if value and key not in os.environ:
            os.environ[key] = str(value)
    nonebot.load_from_toml("pyproject.toml")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m plugins.signup.cli")
    sub = parser.add_subparsers(dest="command", required=True)
    export = sub.add_parser("export", help="write a sheet to a CSV or XLSX file")
    export.add_argument("sheet", help="database id (12) or group#number (qq:1#3)")
    export.add_argument("file", type=Path, help="the file to write")
    export.add_argument("--format", choices=["csv", "xlsx"], default=None)
    return parser


async def _find(sheet: str):
    from .models import Sheet

    if sheet.isdigit():
        return await Sheet.get_or_none(id=int(sheet))
    group, sep, number = sheet.rpartition("#")
    if not sep or not number.isdigit():
        return None
    return await Sheet.get_or_none(group=group, number=int(number))


async def _export(args: argparse.Namespace) -> int:
    from plugins.core import ConfigError, store, t
    from plugins.core.settings import load_settings
    from plugins.core.storage import close_database, open_database

    from . import service
    from .export import export, rows, xlsx_available

    settings = load_settings()
    try:
        config = store.load(settings.config_path)
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        return 2
    locale = config.core.locale
    fmt = args.format or ("xlsx" if args.file.suffix.lower() == ".xlsx" else "csv")
    if fmt == "xlsx" and not xlsx_available():
        print(t(locale, "signup.cli.no_xlsx"), file=sys.stderr)
        return 2
    await open_database(settings.database_url)
    try:
        sheet = await _find(args.sheet)
        if sheet is None:
            print(t(locale, "signup.cli.not_found", sheet=args.sheet), file=sys.stderr)
            return 1
        locale = config.locale_of(sheet.group)
        cfg = config.section("signup", sheet.group)
        view = await service.view(sheet)
        kinds = {
            "count_fields": list(cfg.count_fields),
            "household_fields": list(cfg.household_fields),
        }
        path = args.file
        export(view, path, fmt, locale, config.core.timezone, **kinds)
        count = len(rows(view, locale, config.core.timezone, **kinds)) - 1
        print(t(locale, "signup.cli.done", title=sheet.title, rows=count, path=path))
        return 0
    finally:
        await close_database()


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    args.file = args.file.expanduser().resolve()  # relative to where it was run
    _setup_nonebot()  # from here on, relative paths are the project's (as bot.py)
    return asyncio.run(_export(args))


if __name__ == "__main__":
    raise SystemExit(main())
