"""Fixtures of the rules tests: a recording outbox and fresh in-memory state."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.helpers import linli_config, new_group
from tests.rules.fakes import RecordingOutbox


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
    return new_group()


def make_config(group: str, rules: str = "", extra_groups: str = ""):
    """A LinliConfig with ``group`` (residents), a staff group and ``rules:``."""
    text = (
        "core:\n  admins: ['qq:500']\n"
        f"groups:\n  '{group}':\n    name: 测试群\n"
        "  'qq:2000':\n    name: 物业工作群\n    role: staff\n"
        f"{extra_groups}"
        f"rules:\n{rules}"
    )
    return linli_config(text, base=None)
