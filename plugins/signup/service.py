"""接龙 logic on the database: create, join, withdraw, remove, close, draw.

No NoneBot here. Every change to a sheet's entries runs in a transaction that
first locks the sheet's row (``SELECT … FOR UPDATE`` on PostgreSQL; SQLite runs
one writer at a time), so places are counted by one writer at a time; the
UNIQUE constraints of :mod:`.models` make a duplicate impossible even so, and
an IntegrityError is retried (the retry sees the other row and edits it).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from tortoise import timezone
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from plugins.core.audit import audit
from plugins.core.models import Job
from plugins.core.numbering import next_number
from plugins.core.scheduler import cancel, schedule

from . import lottery
from .models import APPLIED, CLOSED, IN, OPEN, WAITLIST, Entry, Sheet
from .parsing import CreateSpec, EntryInput

RETRIES = 5


class SignupError(Exception):
    """Why a request cannot be done: ``key`` is the i18n text to answer with."""

    def __init__(self, key: str, **values: Any) -> None:
        self.key = key
        self.values = values
        super().__init__(key)


@dataclass(frozen=True)
class Member:
    user: str
    display_name: str
    household: str | None = None  # from the nickname (3-2-201)
    name: str = ""  # the nickname without the household

    @property
    def shown_name(self) -> str:
        return self.name or self.display_name or self.user


@dataclass
class Change:
    sheet: Sheet
    entry: Entry | None = None
    created: bool = False
    promoted: list[Entry] = field(default_factory=list)


@dataclass
class View:
    """A sheet with its entries in display order (numbers 1, 2, … by position)."""

    sheet: Sheet
    entries: list[Shown] | list[Entry]  # models only when read ``full``

    @property
    def participants(self) -> list[Entry]:
        return [e for e in self.entries if e.status in (IN, APPLIED)]

    @property
    def waitlist(self) -> list[Entry]:
        return [e for e in self.entries if e.status == WAITLIST]

    @property
    def used(self) -> int:
        return sum(e.count for e in self.entries if e.status == IN)

    @property
    def total(self) -> int:
        return sum(e.count for e in self.entries)

    @property
    def left(self) -> int | None:
        cap = self.sheet.capacity
        return None if cap is None else max(cap - self.used, 0)

    def applied_number(self, entry: Entry) -> int | None:
        """After a draw: the entry's number in the list before the draw."""
        record = self.sheet.draw or {}
        ids = record.get("entries") or []
        return ids.index(entry.id) + 1 if entry.id in ids else None


def display_order(entries: Iterable[Any]) -> list[Any]:
    return sorted(entries, key=lambda e: (e.status == WAITLIST, e.rank, e.id))


# --------------------------------------------------------------------------
# sheets
# --------------------------------------------------------------------------


async def create_sheet(
    group: str,
    creator: Member,
    spec: CreateSpec,
    *,
    default_fields: list[str],
    per_household: bool,
    max_open: int,
    remind_before: timedelta | None,
    now: datetime | None = None,
) -> Sheet:
    """A new open sheet with the group's next number; deadline jobs scheduled."""
    if await Sheet.filter(group=group, status=OPEN).count() >= max_open:
        raise SignupError("signup.error.too_many_open", limit=max_open)
    fields = spec.fields or list(default_fields)
    household = per_household if spec.per_household is None else spec.per_household
    async with in_transaction():
        sheet = await Sheet.create(
            group=group,
            number=await next_number(Sheet, group=group),
            title=spec.title,
            description=spec.description,
            capacity=spec.capacity,
            deadline=spec.deadline,
            field_names=fields,
            lottery=spec.lottery,
            per_household=household,
            creator=creator.user,
            creator_name=creator.display_name,
        )
    await schedule_deadline(sheet, remind_before, now=now)
    await audit(
        creator.user,
        "signup.create",
        group=group,
        target=f"sheet:{sheet.id}",
        title=sheet.title,
        number=sheet.number,
        capacity=sheet.capacity,
        deadline=sheet.deadline.isoformat() if sheet.deadline else None,
        lottery=sheet.lottery,
    )
    return sheet


def close_key(sheet_id: int) -> str:
    return f"signup:close:{sheet_id}"


def remind_key(sheet_id: int) -> str:
    return f"signup:remind:{sheet_id}"


async def repost_unposted() -> int:
    """Request the re-post of open sheets changed since their last list (a
    crash can come between a join and its re-post request); returns how many."""
    count = 0
    for sheet in await Sheet.filter(status=OPEN):
        if sheet.version > sheet.posted_version:
            await request_repost(sheet.id, 0)
            count += 1
    return count


def post_keys(sheet_id: int) -> list[str]:
    return [f"signup:post:{sheet_id}", f"signup:post:{sheet_id}:again"]


async def schedule_deadline(
    sheet: Sheet, remind_before: timedelta | None, *, now: datetime | None = None
) -> None:
    """The durable close job at the deadline and a reminder before it."""
    if sheet.deadline is None:
        return
    now = now or timezone.now()
    payload = {"id": sheet.id}
    await schedule("signup.close", sheet.deadline, payload, key=close_key(sheet.id))
    if remind_before and sheet.deadline - remind_before > now:
        await schedule(
            "signup.remind",
            sheet.deadline - remind_before,
            payload,
            key=remind_key(sheet.id),
        )


async def open_sheets(group: str) -> list[Sheet]:
    return await Sheet.filter(group=group, status=OPEN).order_by("number")


async def sheet_by_number(group: str, number: int) -> Sheet:
    sheet = await Sheet.get_or_none(group=group, number=number)
    if sheet is None:
        raise SignupError("signup.error.not_found", number=number)
    return sheet


async def pick_open(group: str, number: int | None) -> Sheet:
    """The open sheet meant: by number, or the only one open."""
    if number is not None:
        sheet = await sheet_by_number(group, number)
        if sheet.status != OPEN:
            raise SignupError("signup.error.closed", title=sheet.title)
        return sheet
    sheets = await open_sheets(group)
    if not sheets:
        raise SignupError("signup.error.none_open")
    if len(sheets) > 1:
        raise Ambiguous(sheets)
    return sheets[0]


class Ambiguous(SignupError):
    """Several sheets are open: the member must say which."""

    def __init__(self, sheets: list[Sheet]) -> None:
        super().__init__("signup.ask_which", example=sheets[-1].number)
        self.sheets = sheets


class Shown(NamedTuple):
    """An entry as a posted list shows it: plain values, no dates (building
    models, two dates each, was most of the time of re-posting a long list)."""

    id: int
    user: str
    status: str
    rank: int
    count: int
    household: str | None
    name: str
    display_name: str
    values: dict
    note: str


async def view(sheet: Sheet | int, *, reload: bool = True, full: bool = False) -> View:
    """The sheet (read again unless ``reload=False``) and its entries in list
    order, as shown (``full``: as models, every field, to export)."""
    if isinstance(sheet, int) or reload:
        fresh = await Sheet.get(id=sheet if isinstance(sheet, int) else sheet.id)
    else:
        fresh = sheet
    query = Entry.filter(sheet_id=fresh.id).order_by("rank", "id")
    if full:
        entries: list = await query
    else:
        entries = [Shown(*row) for row in await query.values_list(*Shown._fields)]
    return View(fresh, display_order(entries))


# --------------------------------------------------------------------------
# entries
# --------------------------------------------------------------------------


async def _locked(sheet_id: int) -> Sheet:
    sheet = await Sheet.filter(id=sheet_id).select_for_update().first()
    if sheet is None:
        raise SignupError("signup.error.gone")
    return sheet


async def _bump(sheet: Sheet) -> None:
    sheet.version += 1
    await sheet.save(update_fields=["version"])


async def _promote(sheet: Sheet, entries: list[Entry]) -> list[Entry]:
    """Move the head of the waitlist in while its places fit (in order).

    Called after every change that can free places or unblock the head: a
    withdrawal or removal of any entry (also a waitlisted head too big to fit),
    an edit of an entry's count.
    """
    if sheet.capacity is None:
        return []
    used = sum(e.count for e in entries if e.status == IN)
    promoted = []
    for entry in display_order(e for e in entries if e.status == WAITLIST):
        if used + entry.count > sheet.capacity:
            break
        entry.status = IN
        await entry.save(update_fields=["status", "updated_at"])
        used += entry.count
        promoted.append(entry)
    return promoted


async def join(
    sheet_id: int,
    member: Member,
    data: EntryInput,
    *,
    max_count: int = 10,
    max_entries: int = 500,
    name: str | None = None,
) -> Change:
    """Add the member's entry, or replace it if they have one (an edit).

    The entry takes ``data.count`` places (people; 1 when none was given), on
    every sheet, with or without a 人数 field; more than ``max_count`` is
    refused with the limit.
    """
    count = 1 if data.count is None else data.count
    if not 1 <= count <= max_count:
        raise SignupError("signup.error.count_range", limit=max_count)
    for attempt in range(RETRIES):
        try:
            return await _join_once(sheet_id, member, data, count, max_entries, name)
        except IntegrityError:
            # a concurrent join of the same person/household won the race: the
            # retry finds that row and edits it, or reports the household taken
            if attempt == RETRIES - 1:
                raise
    raise AssertionError("unreachable")


class _Row(NamedTuple):
    id: int
    user: str
    slot: str
    status: str
    count: int
    name: str


async def _join_once(
    sheet_id: int,
    member: Member,
    data: EntryInput,
    count: int,
    max_entries: int,
    name: str | None,
) -> Change:
    async with in_transaction():
        sheet = await _locked(sheet_id)
        if sheet.status != OPEN:
            raise SignupError("signup.error.closed", title=sheet.title)
        if sheet.capacity is not None and count > sheet.capacity:
            raise SignupError("signup.error.over_capacity", capacity=sheet.capacity)
        household = data.household or member.household
        slot = (
            f"hh:{household}"
            if sheet.per_household and household
            else f"u:{member.user}"
        )
        # plain rows, not models: a long list is read on every join
        rows = [
            _Row(*row)
            for row in await Entry.filter(sheet_id=sheet.id).values_list(
                "id", "user", "slot", "status", "count", "name"
            )
        ]
        mine_row = next((r for r in rows if r.user == member.user), None)
        holder = next((r for r in rows if r.slot == slot), None)
        if holder is not None and holder is not mine_row:
            raise SignupError("signup.error.household_taken", name=holder.name)
        values = {
            "display_name": member.display_name,
            "name": name or member.shown_name,
            "household": household,
            "slot": slot,
            "count": count,
            "values": data.values,
            "note": data.rest,
        }
        if mine_row is not None:
            if mine_row.status == IN and sheet.capacity is not None:
                others = sum(r.count for r in rows if r.status == IN) - mine_row.count
                if others + count > sheet.capacity:
                    raise SignupError(
                        "signup.error.no_room", left=max(sheet.capacity - others, 0)
                    )
            entries = await Entry.filter(sheet_id=sheet.id).order_by("rank", "id")
            mine = next(e for e in entries if e.id == mine_row.id)
            mine.update_from_dict(values)
            await mine.save()
            promoted = await _promote(sheet, entries)
            await _bump(sheet)
            return Change(sheet, mine, created=False, promoted=promoted)
        if len(rows) >= max_entries:
            raise SignupError("signup.error.max_entries", limit=max_entries)
        if sheet.lottery:
            status = APPLIED
        elif sheet.capacity is None:
            status = IN
        else:
            used = sum(r.count for r in rows if r.status == IN)
            queued = any(r.status == WAITLIST for r in rows)
            status = WAITLIST if queued or used + count > sheet.capacity else IN
        entry = await Entry.create(
            sheet_id=sheet.id, user=member.user, status=status, **values
        )
        await _bump(sheet)
        return Change(sheet, entry, created=True)


async def withdraw(sheet_id: int, user: str) -> Change:
    """The member takes their entry back; the waitlist moves up."""
    async with in_transaction():
        sheet = await _locked(sheet_id)
        entries = await Entry.filter(sheet_id=sheet.id).order_by("rank", "id")
        mine = next((e for e in entries if e.user == user), None)
        if mine is None:
            raise SignupError("signup.error.not_in", title=sheet.title)
        return await _drop(sheet, entries, mine)


async def remove(sheet_id: int, position: int, actor: str) -> Change:
    """An admin removes line ``position`` (as numbered in the list)."""
    async with in_transaction():
        sheet = await _locked(sheet_id)
        entries = display_order(await Entry.filter(sheet_id=sheet.id))
        if not 1 <= position <= len(entries):
            raise SignupError("signup.error.no_line", position=position)
        change = await _drop(sheet, entries, entries[position - 1])
    gone = change.entry
    assert gone is not None
    await audit(
        actor,
        "signup.remove",
        group=sheet.group,
        target=gone.user,
        sheet=sheet.id,
        number=sheet.number,
        position=position,
        name=gone.name,
    )
    return change


async def _drop(sheet: Sheet, entries: list[Entry], entry: Entry) -> Change:
    await entry.delete()
    rest = [e for e in entries if e.id != entry.id]
    # an entry in frees its places; a waitlisted head that did not fit
    # (3 people, 1 place left) no longer blocks the smaller ones behind it
    promoted = await _promote(sheet, rest)
    await _bump(sheet)
    return Change(sheet, entry, promoted=promoted)


# --------------------------------------------------------------------------
# closing, the draw, posting
# --------------------------------------------------------------------------


@dataclass
class Closed:
    sheet: Sheet
    now: bool  # closed by this call (False: it was closed already)
    draw: lottery.Draw | None = None


async def close(sheet_id: int, by: str, *, seed: int | None = None) -> Closed:
    """Close the sheet (once); a lottery sheet draws its participants."""
    async with in_transaction():
        sheet = await _locked(sheet_id)
        if sheet.status != OPEN:
            return Closed(sheet, now=False)
        result = None
        if sheet.lottery and sheet.capacity is not None:
            result = await _draw(sheet, lottery.new_seed() if seed is None else seed)
        sheet.status = CLOSED
        sheet.closed_at = timezone.now()
        sheet.closed_by = by
        sheet.version += 1
        await sheet.save()
    await cancel(remind_key(sheet.id))
    if by != "deadline":
        await cancel(close_key(sheet.id))
    await audit(
        by,
        "signup.close",
        group=sheet.group,
        target=f"sheet:{sheet.id}",
        number=sheet.number,
        title=sheet.title,
        seed=result.seed if result else None,
    )
    return Closed(sheet, now=True, draw=result)


async def _draw(sheet: Sheet, seed: int) -> lottery.Draw:
    """Draw among the entries in join order; rank = the draw order."""
    entries = await Entry.filter(sheet_id=sheet.id, status=APPLIED).order_by("id")
    by_number = {i: e for i, e in enumerate(entries, 1)}
    result = lottery.draw(
        [(i, e.count) for i, e in by_number.items()], sheet.capacity or 0, seed
    )
    winners = set(result.winners)
    for rank, number in enumerate(result.order, 1):
        entry = by_number[number]
        entry.status = IN if number in winners else WAITLIST
        entry.rank = rank
        await entry.save(update_fields=["status", "rank", "updated_at"])
    sheet.draw = {"seed": seed, "entries": [e.id for e in entries]}
    return result


async def mark_posted(sheet_id: int, version: int, *, final: bool = False) -> None:
    query = Sheet.filter(id=sheet_id)
    if final:
        await query.update(final_posted=True)
    await query.filter(posted_version__lt=version).update(posted_version=version)


async def request_repost(sheet_id: int, delay: float) -> None:
    """Re-post the list once, ``delay`` seconds from now, however many changes.

    A pending job (under one of two keys: the second is for a change made while
    the first job runs) absorbs further changes: twenty quick joins, one post;
    one due later than ``delay`` from now is brought forward (a join nobody saw
    acknowledged wants its list sooner).
    """
    keys = post_keys(sheet_id)
    due = timezone.now() + timedelta(seconds=delay)
    pending = await Job.filter(key__in=keys, status="pending").first()
    if pending is not None:
        if pending.due_at > due and pending.key is not None:
            with contextlib.suppress(IntegrityError):  # taken meanwhile: it runs
                await schedule("signup.post", due, {"id": sheet_id}, key=pending.key)
        return
    for key in keys:
        try:
            await schedule("signup.post", due, {"id": sheet_id}, key=key)
            return
        except IntegrityError:
            if await Job.filter(key__in=keys, status="pending").exists():
                return
