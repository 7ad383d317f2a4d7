"""Numbers people see: 接龙 3, 投票 2, 工单 #0012 — one counter row per scope.

``await next_number(Sheet, group=group)`` inside the transaction that creates
the row hands out one more than any number handed out or stored in that
scope, in one atomic statement (an upsert on ``core_counter``): two callers at
the same moment never get the same number, on SQLite (writes are serialised)
or PostgreSQL (the second waits on the counter row until the first commits).
A rolled-back transaction gives its number back. Keep a unique constraint on
(scope fields, number) in the feature's table all the same.
"""

from __future__ import annotations

from typing import Any

from tortoise.models import Model

_SQL = {
    # excluded.value is (the largest stored number + 1): a counter that starts
    # beside existing rows starts after them
    "sqlite": (
        "INSERT INTO core_counter (scope, value) VALUES (?, ?) "
        "ON CONFLICT (scope) DO UPDATE SET "
        "value = MAX(core_counter.value, excluded.value - 1) + 1 RETURNING value"
    ),
    "postgres": (
        "INSERT INTO core_counter (scope, value) VALUES ($1, $2) "
        "ON CONFLICT (scope) DO UPDATE SET "
        "value = GREATEST(core_counter.value, excluded.value - 1) + 1 RETURNING value"
    ),
}


def scope_of(model: type[Model], scope: dict[str, Any]) -> str:
    """``signup_sheet:group=qq:1`` — the counter's name for a model and scope."""
    parts = ",".join(f"{key}={value}" for key, value in sorted(scope.items()))
    return f"{model._meta.db_table}:{parts}"


async def next_number(model: type[Model], field: str = "number", **scope: Any) -> int:
    """The next ``field`` value for a new ``model`` row in ``scope``."""
    db = model._meta.db
    stored = (
        await model.filter(**scope)
        .using_db(db)
        .order_by(f"-{field}")
        .limit(1)
        .values_list(field, flat=True)
    )
    dialect = "postgres" if db.capabilities.dialect == "postgres" else "sqlite"
    rows = await db.execute_query_dict(  # the dict form always fetches RETURNING
        _SQL[dialect], [scope_of(model, scope), (stored[0] if stored else 0) + 1]
    )
    return int(rows[0]["value"])
