"""The audit log: every moderation action and admin change."""

from __future__ import annotations

from typing import Any

from .models import AuditEntry


async def audit(
    actor: str,
    action: str,
    *,
    group: str | None = None,
    target: str | None = None,
    reason: str = "",
    **details: Any,
) -> AuditEntry:
    """Record who did what, where, to whom and why (``at`` is filled in)."""
    return await AuditEntry.create(
        actor=actor,
        action=action,
        group=group,
        target=target,
        reason=reason,
        details=details,
    )


async def recent(group: str | None = None, limit: int = 20) -> list[AuditEntry]:
    query = AuditEntry.all()
    if group is not None:
        query = query.filter(group=group)
    return await query.order_by("-at", "-id").limit(limit)
