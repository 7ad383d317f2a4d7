"""Fixtures for end-to-end scenarios: ``linli`` is a started process."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.e2e.harness import LinliProcess

E2E_CONFIG = """
core:
  admins: ["qq:500"]
  scheduler:
    poll_seconds: 0.2
    retry_base_seconds: 0.5
groups:
  "qq:1000":
    name: 3栋业主群
    role: residents
  "qq:2000":
    name: 物业工作群
    role: staff
"""


@pytest.fixture
def linli_process(tmp_path: Path) -> LinliProcess:
    """A linli process that is not started yet (edit its config first if needed)."""
    return LinliProcess(workdir=tmp_path / "linli", config_text=E2E_CONFIG)


@pytest.fixture
async def linli(linli_process: LinliProcess) -> AsyncIterator[LinliProcess]:
    """A running linli process; stopped (and its log shown on failure) afterwards."""
    await linli_process.start()
    try:
        yield linli_process
    finally:
        await linli_process.stop()
        print(linli_process.log()[-4000:])
