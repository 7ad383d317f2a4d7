"""Fixtures of the rules tests: a recording outbox and fresh in-memory state."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import pytest

from tests.rules.fakes import RecordingOutbox

_groups = itertools.count(910000)


@pytest.fixture
def outbox() -> Iterator[RecordingOutbox]:
    from plugins.rules import service
    from plugins.rules.guard import GUARD

    box = RecordingOutbox()
    previous = service.use_outbox(box)
    GUARD.reset()
    try:
        yield box
    finally:
        service.use_outbox(previous)
        GUARD.reset()


@pytest.fixture
def group_id() -> str:
    """A group no other test uses (the database is shared by the session)."""
    return f"qq:{next(_groups)}"


def make_config(tmp_path, group: str, rules: str = "", extra_groups: str = ""):
    """A LinliConfig with ``group`` (residents), a staff group and ``rules:``."""
    from plugins.core.config import load

    text = (
        "core:\n  admins: ['qq:500']\n"
        f"groups:\n  '{group}':\n    name: 测试群\n"
        "  'qq:2000':\n    name: 物业工作群\n    role: staff\n"
        f"{extra_groups}"
        f"rules:\n{rules}"
    )
    path = tmp_path / "linli.yaml"
    path.write_text(text, encoding="utf-8")
    return load(path)
