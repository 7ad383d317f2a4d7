"""Test setup: NoneBot with linli's adapters and plugins, on a temporary SQLite."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import pytest
from nonebug import NONEBOT_INIT_KWARGS

ROOT = Path(__file__).resolve().parents[1]
os.chdir(ROOT)
sys.path.insert(0, str(ROOT))

_data = tempfile.mkdtemp(prefix="linli-test-")
os.environ["LINLI_DATA_DIR"] = _data
os.environ["LINLI_CONFIG"] = str(ROOT / "tests/fixtures/linli.test.yaml")
os.environ.pop("LINLI_DATABASE_URL", None)

# With LINLI_TEST_DATABASE_URL=postgres://…/db the whole suite (but the e2e
# processes, which keep their own SQLite files) runs on a fresh PostgreSQL
# database created here and dropped at the end.
PG_URL = os.environ.get("LINLI_TEST_DATABASE_URL", "").replace(
    "postgresql://", "postgres://", 1
)
_pg_database: str | None = None


async def _pg(sql: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(PG_URL.replace("postgres://", "postgresql://", 1))
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


if PG_URL:
    import asyncio
    import uuid

    _pg_database = f"linli_test_{uuid.uuid4().hex[:12]}"
    asyncio.run(_pg(f'CREATE DATABASE "{_pg_database}"'))
    os.environ["LINLI_DATABASE_URL"] = f"{PG_URL.rsplit('/', 1)[0]}/{_pg_database}"


def pytest_unconfigure(config: pytest.Config) -> None:
    if _pg_database:
        import asyncio

        asyncio.run(_pg(f'DROP DATABASE IF EXISTS "{_pg_database}" WITH (FORCE)'))


def pytest_report_header(config: pytest.Config) -> str:
    if _pg_database:
        return (
            f"linli database: PostgreSQL {_pg_database} (from LINLI_TEST_DATABASE_URL)"
        )
    return "linli database: SQLite (set LINLI_TEST_DATABASE_URL for PostgreSQL)"


SUPERUSER = "qq:99"

# override_config, app_scheduler_paused, linli_process, linli: tests/helpers
pytest_plugins = ["tests.helpers.fixtures"]


def pytest_configure(config: pytest.Config) -> None:
    config.stash[NONEBOT_INIT_KWARGS] = {
        "driver": "~fastapi",
        "superusers": {SUPERUSER},
        "command_start": {"/", "／"},
        "command_sep": {" "},
        "log_level": "INFO",
    }


@pytest.fixture(scope="session", autouse=True)
async def after_nonebot_init(_nonebot_init: None) -> None:
    import nonebot
    from nonebot.adapters.onebot import v11, v12

    driver = nonebot.get_driver()
    driver.register_adapter(v11.Adapter)
    driver.register_adapter(v12.Adapter)
    nonebot.load_from_toml("pyproject.toml")


@pytest.fixture(autouse=True)
def _no_connect_questions(monkeypatch):
    """nonebug's bots have no implementation behind them: the question core
    asks each new connection (get_supported_actions) would take the place of
    the API call a test expects. learn_actions has its own tests
    (tests/test_port_onebot_v12.py); the question at connect is asked of the
    fake ComWeChat in tests/e2e/test_onebot_v12.py."""
    import plugins.core

    async def nothing(bot) -> None:
        return None

    monkeypatch.setattr(plugins.core, "on_connect", nothing)


@pytest.fixture(autouse=True)
async def _no_jobs_left_behind():
    """Each test starts with no pending scheduled work from earlier tests: a
    leftover job (a coalesced re-post, an SLA nudge) must not fire into the next
    test's fake bot."""
    yield
    from plugins.core.models import Job

    await Job.filter(status__in=["pending", "running"]).update(
        status="cancelled",
        key=None,  # as core's cancel() leaves them
    )
