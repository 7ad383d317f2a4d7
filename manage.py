"""linli's command line, with its plugins loaded and its configuration read.

    python manage.py makemigrations [app]   # after changing a plugin's models.py
    python manage.py migrate                # apply pending ones (the bot does too)
    python manage.py history                # what has been applied
    python manage.py faq export faq.csv     # a plugin's own command (see below)

``python manage.py PLUGIN …`` runs the commands of a plugin that has a ``cli``
module: manage.py reads the YAML configuration and opens the database as the
bot does (applying migrations), then awaits ``plugins/PLUGIN/cli.py``'s
``async def main(argv: list[str]) -> int`` with the rest of the arguments;
its result is the exit code. Plugins with commands: faq, signup, tickets,
vote (``python manage.py vote --help``). Like the bot, every command runs in
the project directory: relative file names are relative to it.

Anything else is Tortoise's own CLI (``tortoise …``) with linli's configuration:
the database from LINLI_DATABASE_URL / LINLI_DATA_DIR and the apps of every
plugin. LINLI_* may also come from a .env file, as for bot.py.
"""

from __future__ import annotations

import asyncio
import importlib
import importlib.util
import os
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path

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
from plugins.core.settings import load_settings  # noqa: E402
from plugins.core.storage import (  # noqa: E402
    close_database,
    open_database,
    tortoise_config,
)

SETTINGS = load_settings()
SETTINGS.data_dir.mkdir(parents=True, exist_ok=True)
TORTOISE_ORM = tortoise_config(SETTINGS.database_url)

CliMain = Callable[[list[str]], Awaitable[int]]


def plugin_cli(name: str) -> CliMain | None:
    """The ``main`` of the loaded plugin ``name``'s ``cli`` module, if it has one."""
    plugin = nonebot.get_plugin(name)
    if plugin is None:
        return None
    module = f"{plugin.module_name}.cli"
    if importlib.util.find_spec(module) is None:
        return None
    return importlib.import_module(module).main


async def run_plugin_cli(cli: CliMain, argv: list[str]) -> int:
    await open_database(SETTINGS.database_url)
    try:
        return await cli(argv)
    finally:
        await close_database()


def main(argv: list[str]) -> int:
    cli = plugin_cli(argv[0]) if argv else None
    if cli is None:
        from tortoise.cli.cli import run_cli_async

        return asyncio.run(run_cli_async(["-c", "manage.TORTOISE_ORM", *argv]))
    try:
        store.load(SETTINGS.config_path)
    except ConfigError as exc:
        print(
            f"linli: the configuration file {SETTINGS.config_path} has errors\n{exc}",
            file=sys.stderr,
        )
        return 2
    return asyncio.run(run_plugin_cli(cli, argv[1:]))


if __name__ == "__main__":
    sys.modules.setdefault("manage", sys.modules[__name__])
    raise SystemExit(main(sys.argv[1:]))
