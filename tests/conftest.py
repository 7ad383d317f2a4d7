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

SUPERUSER = "qq:99"


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
