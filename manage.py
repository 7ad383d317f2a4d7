"""Developer commands around the database, with linli's plugins loaded.

    python manage.py makemigrations [app]   # after changing a plugin's models.py
    python manage.py migrate                # apply pending ones (the bot does too)
    python manage.py history                # what has been applied

It is Tortoise's own CLI (``tortoise …``) with linli's configuration: the
database from LINLI_DATABASE_URL / LINLI_DATA_DIR and the apps of every plugin.
"""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
os.chdir(ROOT)
sys.path.insert(0, str(ROOT))

import nonebot  # noqa: E402

nonebot.init()
nonebot.load_from_toml("pyproject.toml")

from plugins.core.settings import load_settings  # noqa: E402
from plugins.core.storage import tortoise_config  # noqa: E402

_settings = load_settings()
_settings.data_dir.mkdir(parents=True, exist_ok=True)
TORTOISE_ORM = tortoise_config(_settings.database_url)


def main() -> int:
    from tortoise.cli.cli import run_cli_async

    return asyncio.run(run_cli_async(["-c", "manage.TORTOISE_ORM", *sys.argv[1:]]))


if __name__ == "__main__":
    sys.modules.setdefault("manage", sys.modules[__name__])
    raise SystemExit(main())
