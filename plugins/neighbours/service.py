"""邻里互助's logic, testable without a chat: post, list, close, expire, digest.

Items (求助 ask, 提供 offer, 失物 lost, 招领 found) are numbered per group; each
open item with an expiry has a durable ``neighbours.expire`` job (key
``neighbours.expire:<id>``); a group with the weekly digest on has one
``neighbours.digest`` job (key ``neighbours.digest:<group>``) that reschedules
itself.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from nonebot import logger

from adapters import Capability, PlatformError, PortError
from plugins.core import (
    cancel,
    job_handler,
    mask_private,
    next_number,
    port_for_group,
    schedule,
    send_queue,
    store,
    t,
)
from plugins.core.models import Job

from .config import DigestConfig, NeighboursConfig
from .models import KINDS, Item

EXPIRE = "neighbours.expire"
DIGEST = "neighbours.digest"


def expire_key(item_id: int) -> str:
    return f"{EXPIRE}:{item_id}"


def digest_key(group: str) -> str:
    return f"{DIGEST}:{group}"


def _now() -> datetime:
    return datetime.now(UTC)


def section_of(group: str) -> NeighboursConfig:
    return store.current.section("neighbours", group)  # type: ignore[return-value]


def group_name(group: str) -> str:
    return store.current.group(group).name or group


# -- posting ----------------------------------------------------------------


async def post(
    group: str,
    user: str,
    name: str,
    kind: str,
    text: str,
    *,
    expire_after: timedelta | None,
    now: datetime | None = None,
) -> Item:
    """Keep ``text`` as the group's next numbered item; schedule its expiry."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}")
    now = now or _now()
    number = await next_number(Item, group=group)
    expires_at = now + expire_after if expire_after else None
    item = await Item.create(
        group=group,
        number=number,
        kind=kind,
        author=user,
        author_name=name[:128],
        text=text,
        expires_at=expires_at,
    )
    if expires_at is not None:
        await schedule(EXPIRE, expires_at, {"id": item.id}, key=expire_key(item.id))
    return item


async def find(group: str, number: int) -> Item | None:
    return await Item.get_or_none(group=group, number=number)


async def open_items(group: str, limit: int) -> dict[str, tuple[list[Item], int]]:
    """Per kind (in KINDS order, only kinds with items): the newest ``limit``
    open items, newest first, and how many are open in all."""
    found: dict[str, tuple[list[Item], int]] = {}
    for kind in KINDS:
        query = Item.filter(group=group, kind=kind, status="open")
        total = await query.count()
        if total:
            found[kind] = (await query.order_by("-number").limit(limit), total)
    return found


# -- closing ----------------------------------------------------------------


class Closed(enum.Enum):
    CLOSED = "closed"
    NOT_FOUND = "not_found"
    NOT_OPEN = "not_open"  # closed or expired already
    DENIED = "denied"  # neither the poster nor staff


@dataclass
class CloseResult:
    outcome: Closed
    item: Item | None = None


async def close(
    group: str,
    number: int,
    user: str,
    *,
    may_close_any: bool,
    now: datetime | None = None,
) -> CloseResult:
    """Close item ``number`` for ``user``: the poster may, and staff
    (``may_close_any``) may close any. The expiry job goes."""
    item = await find(group, number)
    if item is None:
        return CloseResult(Closed.NOT_FOUND)
    if item.status != "open":
        return CloseResult(Closed.NOT_OPEN, item)
    if item.author != user and not may_close_any:
        return CloseResult(Closed.DENIED, item)
    now = now or _now()
    changed = await Item.filter(id=item.id, status="open").update(
        status="closed", ended_at=now, ended_by=user
    )
    await item.refresh_from_db()
    if not changed:  # expired or closed meanwhile
        return CloseResult(Closed.NOT_OPEN, item)
    await cancel(expire_key(item.id))
    return CloseResult(Closed.CLOSED, item)


# -- expiry -----------------------------------------------------------------


async def expire(item_id: int, now: datetime | None = None) -> Item | None:
    """Mark the item expired if it is still open; the item when it is expired
    (now or by an earlier run), else None."""
    now = now or _now()
    await Item.filter(id=item_id, status="open").update(status="expired", ended_at=now)
    item = await Item.get_or_none(id=item_id)
    return item if item is not None and item.status == "expired" else None


def _can_send_private(group: str) -> bool:
    """Whether the group's platform sends private messages (PlatformError,
    retryable, when no bot of it is online: the job is tried again)."""
    return port_for_group(group).can(Capability.SEND_PRIVATE)


@job_handler(EXPIRE)
async def _expire_job(payload: dict) -> None:
    """Idempotent: an item is expired once and its poster told once."""
    item = await expire(int(payload["id"]))
    if item is None or item.notified:
        return
    section = section_of(item.group)
    if section.enabled and section.announce_expiry and _can_send_private(item.group):
        locale = store.current.locale_of(item.group)
        text = t(
            locale,
            "neighbours.expired_private",
            group=group_name(item.group),
            number=item.number,
            kind=t(locale, f"neighbours.kind.{item.kind}"),
            text=item.text,
        )
        try:
            await send_queue().send_private(item.author, text)
        except PlatformError as exc:
            if exc.retryable:
                raise  # the job is tried again
            logger.warning(f"neighbours: #{item.number} in {item.group}: {exc}")
        except PortError as exc:
            logger.warning(f"neighbours: #{item.number} in {item.group}: {exc}")
    await Item.filter(id=item.id).update(notified=True)


# -- the list and the weekly digest -----------------------------------------


def render_list(
    locale: str, header: str, lists: dict[str, tuple[list[Item], int]]
) -> str:
    """The open items by kind; residents' words through mask_private."""
    lines = [header]
    for kind, (items, total) in lists.items():
        lines.append(t(locale, f"neighbours.kind.{kind}"))
        for item in items:
            who = mask_private(item.author_name) if item.author_name else ""
            lines.append(
                t(
                    locale,
                    "neighbours.line",
                    number=item.number,
                    text=mask_private(item.text),
                    name=who,
                )
                if who
                else f"#{item.number} {mask_private(item.text)}"
            )
        if total > len(items):
            lines.append(t(locale, "neighbours.more", count=total - len(items)))
    lines.append(t(locale, "neighbours.list_footer"))
    return "\n".join(lines)


def next_digest(digest: DigestConfig, tz: str, now: datetime | None = None) -> datetime:
    """The next ``weekday`` at ``time`` in ``tz`` strictly after ``now``."""
    zone = ZoneInfo(tz)
    local = (now or _now()).astimezone(zone)
    hour, minute = (int(part) for part in digest.time.split(":"))
    days = (digest.weekday - local.isoweekday()) % 7
    candidate = (local + timedelta(days=days)).replace(
        hour=hour, minute=minute, second=0, microsecond=0
    )
    if candidate <= local:
        candidate += timedelta(days=7)
    return candidate.astimezone(UTC)


async def plan_digest(group: str, now: datetime | None = None) -> datetime | None:
    """Schedule the group's next digest if it is on there; when it is due.

    A pending digest already due (the bot was down) is left to run; one at
    another time (the admin changed ``weekday``) is moved."""
    section = section_of(group)
    if not (section.enabled and section.digest.enabled):
        return None
    now = now or _now()
    pending = await Job.get_or_none(key=digest_key(group), status="pending")
    if pending is not None and pending.due_at <= now:
        return pending.due_at
    due = next_digest(section.digest, store.current.core.timezone, now)
    if pending is None or pending.due_at != due:
        await schedule(DIGEST, due, {"group": group}, key=digest_key(group))
    return due


async def plan_digests() -> int:
    """At start: plan the digest of every group with open items where it is
    on (turned on while the bot was stopped); how many are planned."""
    groups = await Item.filter(status="open").distinct().values_list("group", flat=True)
    planned = 0
    for group in sorted(set(groups)):
        if await plan_digest(group) is not None:
            planned += 1
    return planned


@job_handler(DIGEST)
async def _digest_job(payload: dict) -> None:
    """Post the open items, then plan next week; a group with nothing open
    gets no post and no next digest (the next item plans one again)."""
    group = payload["group"]
    section = section_of(group)
    if not (section.enabled and section.digest.enabled):
        return
    lists = await open_items(group, section.list_limit)
    if not lists:
        return
    await plan_digest(group)  # first: a failed post below retries this job only
    locale = store.current.locale_of(group)
    text = render_list(locale, t(locale, "neighbours.digest_header"), lists)
    await send_queue().send_group(group, text)


# -- contact ----------------------------------------------------------------


async def send_private(user: str, text: str) -> None:
    """Through the send queue; PortError when it cannot be delivered."""
    await send_queue().send_private(user, text)
