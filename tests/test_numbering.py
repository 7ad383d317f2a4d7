"""core's numbering: the numbers residents see, handed out once each."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import uuid
from pathlib import Path

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


async def _counter(scope: str) -> int | None:
    from tortoise import Tortoise

    db = Tortoise.get_connection("default")
    rows = await db.execute_query_dict(
        "SELECT value FROM core_counter WHERE scope = "
        + ("$1" if db.capabilities.dialect == "postgres" else "?"),
        [scope],
    )
    return rows[0]["value"] if rows else None


async def test_sheets_and_votes_created_at_once_take_core_numbers(app: App) -> None:
    """signup and vote number through core: 10 at once in a group are 1…10."""
    from plugins.signup.models import Sheet
    from plugins.vote.models import Vote
    from tests.signup.util import make_sheet
    from tests.vote.util import make_vote

    group = _group()
    sheets = await asyncio.gather(*(make_sheet(group) for _ in range(10)))
    assert sorted(s.number for s in sheets) == list(range(1, 11))
    assert await _counter(f"signup_sheet:group={group}") == 10
    assert await Sheet.filter(group=group).count() == 10

    votes = await asyncio.gather(*(make_vote(group, "绿化 A B") for _ in range(10)))
    assert sorted(v.number for v in votes) == list(range(1, 11))
    assert await _counter(f"vote_vote:group={group}") == 10
    assert await Vote.filter(group=group).count() == 10


MIGRATION_CHECK = """
import asyncio, sys
import nonebot
nonebot.init()
nonebot.load_plugin("plugins.core")
nonebot.load_plugin("plugins.tickets")
from tortoise import Tortoise
from tortoise.migrations.api import migrate
from tortoise.transactions import in_transaction
from plugins.core.numbering import next_number
from plugins.core.storage import tortoise_config
from plugins.tickets.models import Ticket

async def main():
    apps = {"core": "plugins.core", "tickets": "plugins.tickets"}
    cfg = tortoise_config(sys.argv[1], apps)
    await migrate(config=cfg, app_labels=["core"])
    await migrate(config=cfg, target="tickets.0001_initial")
    await Tortoise.get_connection("default").execute_script(
        "INSERT INTO tickets_counter (estate, value) VALUES ('east', 12);"
    )
    await Tortoise.close_connections()
    await migrate(config=cfg)
    await Tortoise.init(config=cfg)
    tables = await Tortoise.get_connection("default").execute_query_dict(
        "SELECT name FROM sqlite_master WHERE name = 'tickets_counter'"
    )
    async with in_transaction():
        east = await next_number(Ticket, estate="east")
        west = await next_number(Ticket, estate="west")
    print("RESULT", len(tables), east, west)
    await Tortoise.close_connections()

asyncio.run(main())
"""


def test_an_estate_keeps_counting_tickets_after_the_move_to_core(
    tmp_path: Path,
) -> None:
    """tickets' migration 0002 moves tickets_counter into core_counter."""
    root = Path(__file__).resolve().parents[1]
    script = tmp_path / "check.py"
    script.write_text(MIGRATION_CHECK, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(root)}
    env.pop("LINLI_DATABASE_URL", None)
    done = subprocess.run(
        [sys.executable, str(script), f"sqlite://{tmp_path / 'old.sqlite'}"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    # the old table is gone, east goes on from #0012, a new estate starts at 1
    (result,) = [x for x in done.stdout.splitlines() if x.startswith("RESULT")]
    assert result.split()[1:] == ["0", "13", "1"]
