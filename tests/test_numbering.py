"""core's numbering: the numbers residents see, handed out once each."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from nonebug import App
from tortoise.transactions import in_transaction


def _group() -> str:
    return f"qq:{uuid.uuid4().int % 10**9}"


async def _new_sheet(group: str) -> int:
    from plugins.core.numbering import next_number
    from plugins.signup.models import Sheet

    async with in_transaction():
        number = await next_number(Sheet, group=group)
        await Sheet.create(group=group, number=number, title="t", creator="qq:1")
    return number


async def test_numbers_count_up_per_group(app: App) -> None:
    first, second = _group(), _group()
    assert [await _new_sheet(first) for _ in range(3)] == [1, 2, 3]
    assert await _new_sheet(second) == 1
    assert await _new_sheet(first) == 4


async def test_many_at_once_never_share_a_number(app: App) -> None:
    """20 creations racing in one group (each in its own transaction): 1…20
    once each, on SQLite and on PostgreSQL (LINLI_TEST_DATABASE_URL)."""
    group = _group()
    numbers = await asyncio.gather(*(_new_sheet(group) for _ in range(20)))
    assert sorted(numbers) == list(range(1, 21))


async def test_a_counter_starts_after_rows_numbered_before_it(app: App) -> None:
    from plugins.signup.models import Sheet

    group = _group()
    await Sheet.create(group=group, number=7, title="old", creator="qq:1")
    assert await _new_sheet(group) == 8


async def test_a_rolled_back_creation_gives_its_number_back(app: App) -> None:
    from plugins.core.numbering import next_number
    from plugins.signup.models import Sheet

    group = _group()
    assert await _new_sheet(group) == 1
    with pytest.raises(RuntimeError):
        async with in_transaction():
            assert await next_number(Sheet, group=group) == 2
            raise RuntimeError("the insert failed")
    assert await _new_sheet(group) == 2
