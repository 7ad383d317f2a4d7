"""State several linli processes on one PostgreSQL share.

(Filled in below: the backend choice; the sliding windows and marks.)
"""

from __future__ import annotations

from tortoise import connections


def on_postgres() -> bool:
    """Whether the database is PostgreSQL (where several processes may serve
    one group); False before it is open."""
    try:
        return connections.get("default").capabilities.dialect == "postgres"
    except Exception:  # not initialised
        return False
