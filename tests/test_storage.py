"""core.storage: how the database URL reaches Tortoise."""

from __future__ import annotations

from tortoise.backends.base.config_generator import expand_db_url


def test_sqlite_commits_without_a_disk_flush_unless_told(app) -> None:
    from plugins.core.storage import sqlite_url

    def pragmas(url: str) -> dict:
        return expand_db_url(sqlite_url(url))["credentials"]

    assert pragmas("sqlite:///data/linli.sqlite3")["synchronous"] == "NORMAL"
    assert pragmas("sqlite:///data/linli.sqlite3")["journal_mode"] == "WAL"
    assert pragmas("sqlite:///d/x.db?synchronous=FULL")["synchronous"] == "FULL"
    assert pragmas("sqlite:///d/x.db?foreign_keys=ON")["synchronous"] == "NORMAL"
    assert sqlite_url("postgres://u@h/db") == "postgres://u@h/db"


async def test_the_running_database_uses_it(app) -> None:
    from tortoise import connections

    from plugins.core.settings import load_settings

    if not load_settings().database_url.startswith("sqlite://"):
        return  # the PostgreSQL pass
    rows = await connections.get("default").execute_query_dict("PRAGMA synchronous")
    assert rows[0]["synchronous"] == 1  # NORMAL
