"""linli's command line, with its plugins loaded and its configuration read.

    python manage.py --help                      # every command, one line each
    python manage.py signup --help               # a feature's subcommands
    python manage.py signup export qq:123456 3 名单.xlsx
    python manage.py makemigrations signup       # after changing a models.py
    python manage.py migrate                     # apply pending ones (the bot does too)
    python manage.py config sample --write       # assemble config/linli.yaml

``python manage.py FEATURE …`` runs the command line of a loaded plugin that
has a ``cli`` module (``plugins/FEATURE/cli.py``: ``SUMMARY``, ``parser(locale)``
and ``async run(args, locale)``, see ``plugins/core/cli.py``). manage.py reads
the YAML configuration (its texts follow ``core.locale``), parses the
arguments (``--help`` needs no database), opens the database as the bot does
(applying migrations) and awaits ``run``; its result is the exit code. A
failure is one line on stderr, never a traceback. Like the bot, every command
runs in the project directory: relative file names are relative to it.

Tortoise's own commands (makemigrations, migrate, history …) run with linli's
configuration: the database from LINLI_DATABASE_URL / LINLI_DATA_DIR and the
apps of every plugin. LINLI_* may also come from a .env file, as for bot.py.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import importlib.util
import os
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent
os.chdir(ROOT)
sys.path.insert(0, str(ROOT))

import nonebot  # noqa: E402
from nonebot.log import logger  # noqa: E402

logger.remove()  # commands print their results on stdout; warnings go to stderr
logger.add(sys.stderr, level="WARNING", format="{level}: {message}")
nonebot.init()
for key in ("LINLI_CONFIG", "LINLI_DATA_DIR", "LINLI_DATABASE_URL"):  # as bot.py
    value = getattr(nonebot.get_driver().config, key.lower(), None)  # from .env
    if value and key not in os.environ:
        os.environ[key] = str(value)
nonebot.load_from_toml("pyproject.toml")

from plugins.core import ConfigError, store  # noqa: E402
from plugins.core import cli as core_cli  # noqa: E402
from plugins.core.i18n import DEFAULT_LOCALE, t  # noqa: E402
from plugins.core.settings import load_settings  # noqa: E402
from plugins.core.storage import (  # noqa: E402
    close_database,
    open_database,
    tortoise_config,
)

SETTINGS = load_settings()
SETTINGS.data_dir.mkdir(parents=True, exist_ok=True)
TORTOISE_ORM = tortoise_config(SETTINGS.database_url)
HELP = ("-h", "--help", "help")


def feature_clis() -> dict[str, ModuleType]:
    """The ``cli`` module of every loaded plugin that has one, by plugin name."""
    found = {}
    for plugin in sorted(nonebot.get_loaded_plugins(), key=lambda p: p.name):
        if plugin.module_name == core_cli.__package__:  # the shared helper
            continue
        module = f"{plugin.module_name}.cli"
        if importlib.util.find_spec(module) is not None:
            found[plugin.name] = importlib.import_module(module)
    return found


def tortoise_parser(locale: str) -> argparse.ArgumentParser:
    """Tortoise's own parser (its ``_build_parser``) as ``python manage.py …``:
    argparse's words and the commands' lines in ``locale``, a usage error in
    one line as for linli's commands."""
    from tortoise.cli import cli as tortoise_cli

    with core_cli.speaking(locale):  # "usage:", "options" … are read here
        parser = tortoise_cli._build_parser()
    parser.prog = core_cli.PROG
    core_cli.one_line_errors(parser, locale)
    action = parser._subparsers._group_actions[0]  # type: ignore[union-attr]
    english = {a.dest: a.help for a in action._choices_actions}
    for name, sub in action.choices.items():
        sub.prog = f"{core_cli.PROG} {name}"
        sub.description = core_cli.tortoise_help(locale, name, english.get(name))
        core_cli.one_line_errors(sub, locale)
    return parser


def tortoise_commands(parser: argparse.ArgumentParser) -> dict[str, str]:
    """Tortoise's commands and their lines, in its order."""
    action = parser._subparsers._group_actions[0]  # type: ignore[union-attr]
    return {name: sub.description or "" for name, sub in action.choices.items()}


async def run_tortoise(args) -> int:
    """What Tortoise's ``run_cli_async`` does once it has parsed ``args``."""
    from tortoise.cli import cli as tortoise_cli
    from tortoise.cli import utils

    context = tortoise_cli.CLIContext(config=args.config, config_file=args.config_file)
    try:
        await args.func(context, args)
    except utils.CLIUsageError as exc:
        core_cli.say(str(exc))
        return 2
    except utils.CLIError as exc:
        core_cli.say(str(exc))
        return 1
    return 0


async def run_feature(cli: ModuleType, args, locale: str) -> int:
    await open_database(SETTINGS.database_url)
    try:
        return await cli.run(args, locale)
    finally:
        await close_database()


def main(argv: list[str]) -> int:
    try:
        config = store.load(SETTINGS.config_path)
        locale, broken = config.core.locale, None
    except ConfigError as exc:
        locale, broken = DEFAULT_LOCALE, str(exc)
    clis = feature_clis()
    tortoise = tortoise_parser(locale)
    name = argv[0] if argv else None
    if name is None or name in HELP:
        features = [(n, t(locale, cli.SUMMARY)) for n, cli in clis.items()]
        features.append(("config", t(locale, core_cli.CONFIG_SUMMARY)))
        features.append(("new-plugin", t(locale, core_cli.NEW_PLUGIN_SUMMARY)))
        features.append(("docs", t(locale, core_cli.DOCS_SUMMARY)))
        features.sort()
        text = core_cli.overview(
            locale, features, list(tortoise_commands(tortoise).items())
        )
        print(text, file=sys.stdout if name else sys.stderr)
        if broken:
            core_cli.say(core_cli.config_broken(locale, SETTINGS.config_path, broken))
        return 0 if name else 2
    if name == "config":  # core's own: needs neither the YAML nor the database
        args = core_cli.config_parser(locale).parse_args(argv[1:])
        work = lambda: core_cli.run_config(args, locale)  # noqa: E731
    elif name == "docs":  # core's own: the README's generated lists
        args = core_cli.docs_parser(locale).parse_args(argv[1:])
        work = lambda: core_cli.run_docs(args, locale)  # noqa: E731
    elif name == "new-plugin":  # core's own: writes files, no database
        args = core_cli.new_plugin_parser(locale).parse_args(argv[1:])
        work = lambda: core_cli.run_new_plugin(args, locale)  # noqa: E731
    elif name in clis:
        cli = clis[name]
        args = cli.parser(locale).parse_args(argv[1:])  # --help exits here
        if broken:  # a feature needs the YAML; Tortoise's commands do not
            core_cli.say(core_cli.config_broken(locale, SETTINGS.config_path, broken))
            return 2
        work = lambda: run_feature(cli, args, locale)  # noqa: E731
    elif name.startswith("-") or name in tortoise_commands(tortoise):
        with core_cli.speaking(locale):  # --help and usage errors exit here
            args = tortoise.parse_args(["-c", "manage.TORTOISE_ORM", *argv])
        work = lambda: run_tortoise(args)  # noqa: E731
    else:
        core_cli.say(core_cli.unknown_command(locale, name))
        return 2
    return asyncio.run(core_cli.execute(work, locale))


if __name__ == "__main__":
    sys.modules.setdefault("manage", sys.modules[__name__])
    raise SystemExit(main(sys.argv[1:]))
