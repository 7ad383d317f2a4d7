"""The one owner of ``Tortoise.init``: models from loaded plugins, migrations first.

Each plugin with tables calls ``register_models("signup", "plugins.signup")``;
its models live in ``<package>.models`` and its migrations in
``<package>.migrations`` (made with ``python manage.py makemigrations``).
"""

from __future__ import annotations

from typing import Any

from nonebot import logger
from tortoise import Tortoise
from tortoise.migrations.api import migrate

_apps: dict[str, str] = {"core": "plugins.core"}


def register_models(label: str, package: str) -> None:
    """Declare that plugin ``package`` keeps its tables in app ``label``."""
    existing = _apps.get(label)
    if existing is not None and existing != package:
        raise RuntimeError(f"model app {label!r} is already registered by {existing}")
    _apps[label] = package


def registered_apps() -> dict[str, str]:
    return dict(_apps)


def sqlite_url(url: str) -> str:
    """SQLite in WAL mode with ``synchronous=NORMAL`` unless the URL says otherwise.

    A commit then waits for no disk flush: it survives the process being killed
    (``bench/durability.py`` kills it mid-load and loses nothing), and a power
    cut can lose only the last moments. ``?synchronous=FULL`` flushes every
    commit, at several milliseconds per message on a slow or shared disk.
    """
    if not url.startswith("sqlite://") or "synchronous=" in url:
        return url
    return url + ("&" if "?" in url else "?") + "synchronous=NORMAL"


def tortoise_config(url: str, apps: dict[str, str] | None = None) -> dict[str, Any]:
    apps = apps if apps is not None else _apps
    return {
        "connections": {"default": sqlite_url(url)},
        "apps": {
            label: {
                "models": [f"{package}.models"],
                "default_connection": "default",
                "migrations": f"{package}.migrations",
            }
            for label, package in apps.items()
        },
        "use_tz": True,
        "timezone": "UTC",
    }


def describe(url: str) -> str:
    """The database URL without its password, for logs."""
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        creds, host = rest.rsplit("@", 1)
        user = creds.split(":", 1)[0]
        return f"{scheme}://{user}:***@{host}"
    return url


async def open_database(url: str, *, create: bool = False) -> None:
    """Apply pending migrations, then initialise Tortoise for the whole process."""
    if url.startswith("sqlite://"):
        from pathlib import Path

        path = url.removeprefix("sqlite://")
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
    config = tortoise_config(url)
    if create:
        await Tortoise.init(config=config, _create_db=True)
        await Tortoise.close_connections()
    await migrate(config=config)
    await Tortoise.init(config=config, _enable_global_fallback=True)
    logger.info(f"linli: database ready at {describe(url)} (apps: {', '.join(_apps)})")


async def close_database() -> None:
    await Tortoise.close_connections()
