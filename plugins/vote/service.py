"""Votes: create, cast, retract, close, count. No NoneBot here.

Every ballot runs in one transaction that first locks the vote's row, so a
ballot and the closing of the vote never interleave and the running totals
stay exact; the unique (vote, voter_key) constraint makes a second ballot of
the same voter impossible in the schema itself.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from tortoise import timezone
from tortoise.exceptions import IntegrityError
from tortoise.expressions import F
from tortoise.transactions import in_transaction

from plugins.core import (
    audit,
    cancel,
    next_number,
    parse_household,
    parse_when,
    schedule,
    store,
    t,
)
from plugins.core.config import DEFAULT_HOUSEHOLD_PATTERN
from plugins.core.identity import Household
from plugins.core.models import KnownMember

from .config import VoteConfig
from .models import Ballot, Total, Vote
from .parsing import NewVote, Ref
from .roster import Roster, RosterError
from .tally import Decision, art278, ballot_delta


class VoteError(Exception):
    """A refusal to show the user: ``key`` is the i18n text."""

    def __init__(self, key: str, **values: Any) -> None:
        self.key = key
        self.values = values
        super().__init__(key)


@dataclass(frozen=True)
class Voter:
    """Who is voting: id, the name shown in the group, the household of the
    nickname (None when it has none), and the group the vote is in."""

    user: str
    name: str
    household: Household | None = None


@dataclass(frozen=True)
class Outcome:
    """What a ballot (or a retraction) did.

    kind: new, changed (same voter, new choice), replaced (another member of the
    household had voted), same (nothing changed), retracted, none (nothing to
    retract). ``previous_user``/``previous_name``: who was replaced (named votes).
    """

    kind: str
    choices: tuple[int, ...] = ()
    household: str | None = None
    previous_user: str | None = None
    previous_name: str | None = None


@dataclass
class Results:
    vote: Vote
    voters: int
    voters_area: int
    counts: list[int]
    areas: list[int]
    eligible: int | None = None  # households (or members) that may vote
    eligible_area: int | None = None
    decision: Decision | None = None


@dataclass
class Missing:
    """Who has not voted yet: how many, and (named votes) whom to name."""

    count: int
    households: list[str] = field(default_factory=list)
    members: list[tuple[str, str]] = field(default_factory=list)  # (user, name)


def _now() -> datetime:
    return timezone.now()


def _default_options(locale: str) -> tuple[str, ...]:
    return (
        t(locale, "vote.decision.yes"),
        t(locale, "vote.decision.no"),
        t(locale, "vote.decision.abstain"),
    )


def is_live(vote: Vote, now: datetime | None = None) -> bool:
    """Open and its deadline not passed (the closing job may not have run yet)."""
    now = now or _now()
    return vote.is_open and (vote.deadline is None or now < vote.deadline)


async def create(
    group: str,
    user: str,
    spec: NewVote,
    *,
    config: VoteConfig,
    locale: str,
    tz: ZoneInfo,
    building: str | None = None,
    now: datetime | None = None,
) -> Vote:
    now = now or _now()
    live = await open_votes(group, now)
    if len(live) >= config.max_open:
        raise VoteError("vote.error.too_many_open", max=config.max_open)
    options = spec.options or (_default_options(locale) if spec.decision else ())
    if len(options) < 2:
        raise VoteError("vote.usage.new")
    if len(options) > config.max_options:
        raise VoteError("vote.error.too_many_options", max=config.max_options)
    deadline = _deadline(spec.deadline, config.default_duration, now, tz)
    try:
        roster = config.roster(building)
    except RosterError as exc:
        raise VoteError("vote.error.roster", error=str(exc)) from None
    roster_only = config.roster_only or bool(spec.decision)
    if roster_only and not roster:
        raise VoteError("vote.error.no_roster")
    if spec.decision and 0 < roster.missing_areas < len(roster):
        raise VoteError("vote.error.roster_areas", n=roster.missing_areas)
    snapshot = roster.areas if roster and (spec.per_household or roster_only) else None
    vote = await _insert(
        group=group,
        title=spec.title,
        options=list(options),
        max_choices=spec.max_choices,
        anonymous=spec.anonymous,
        per_household=spec.per_household,
        hide_results=spec.hide_results,
        decision=spec.decision,
        allow_change=config.allow_change,
        roster_only=roster_only,
        roster=snapshot,
        deadline=deadline,
        secret=secrets.token_hex(32) if spec.anonymous else None,
        created_by=user,
    )
    if deadline is not None:
        await schedule("vote.close", deadline, {"id": vote.id}, key=_close_key(vote))
        before = config.remind_before
        if before and deadline - before > now:
            remind_at = deadline - before
            await schedule(
                "vote.remind", remind_at, {"id": vote.id}, key=_remind_key(vote)
            )
    await audit(
        user,
        "vote.create",
        group=group,
        target=f"vote:{vote.id}",
        title=vote.title,
        number=vote.number,
        anonymous=vote.anonymous,
        per_household=vote.per_household,
        decision=vote.decision,
    )
    return vote


def _deadline(
    text: str | None, default: timedelta | None, now: datetime, tz: ZoneInfo
) -> datetime | None:
    if text:
        when = parse_when(text, now.astimezone(tz))
        if when is None:
            raise VoteError("vote.error.deadline", text=text)
        if when <= now:
            raise VoteError("vote.error.deadline_past", text=text)
        return when
    return now + default if default else None


async def _insert(**values: Any) -> Vote:
    """A new vote with the next number of its group, and its total rows."""
    async with in_transaction():
        number = await next_number(Vote, group=values["group"])
        vote = await Vote.create(number=number, **values)
        await Total.bulk_create(
            [
                Total(vote=vote, option=option)
                for option in range(len(values["options"]) + 1)
            ]
        )
    return vote


def _close_key(vote: Vote) -> str:
    return f"vote:close:{vote.id}"


def _remind_key(vote: Vote) -> str:
    return f"vote:remind:{vote.id}"


async def open_votes(group: str, now: datetime | None = None) -> list[Vote]:
    """The votes of ``group`` that take ballots now, by number."""
    now = now or _now()
    votes = await Vote.filter(group=group, status="open").order_by("number")
    return [v for v in votes if is_live(v, now)]


async def find(group: str | None, ref: Ref) -> Vote | None:
    if ref.vote_id is not None:
        vote = await Vote.get_or_none(id=ref.vote_id)
        if vote is not None and group is not None and vote.group != group:
            return None
        return vote
    if group is None:
        return None
    return await Vote.get_or_none(group=group, number=ref.number)


async def groups_of(user: str) -> list[str]:
    return list(await KnownMember.filter(user=user).values_list("group", flat=True))


async def find_for_member(user: str, ref: Ref) -> list[Vote]:
    """In a private chat: the votes ``ref`` may mean in the user's groups."""
    groups = await groups_of(user)
    if not groups:
        return []
    if ref.vote_id is not None:
        vote = await Vote.get_or_none(id=ref.vote_id, group__in=groups)
        return [vote] if vote is not None else []
    return await Vote.filter(group__in=groups, number=ref.number).order_by("-id")


async def open_votes_of_member(user: str) -> list[Vote]:
    groups = await groups_of(user)
    if not groups:
        return []
    votes = await Vote.filter(group__in=groups, status="open").order_by("id")
    return [v for v in votes if is_live(v)]


async def member(group: str, user: str) -> Voter | None:
    """A known member of ``group`` as a Voter (for ballots sent in private)."""
    row = await KnownMember.get_or_none(group=group, user=user)
    if row is None:
        return None
    return Voter(
        user=user,
        name=row.display_name,
        household=parse_household(row.display_name, _pattern())
        or parse_household(row.household or "", DEFAULT_HOUSEHOLD_PATTERN),
    )


def _pattern() -> str:
    """The estate's nickname format (core.household_pattern)."""
    if not store.loaded:
        return DEFAULT_HOUSEHOLD_PATTERN
    return store.current.core.household_pattern


def _hash(secret: str, raw: str) -> str:
    return hmac.new(bytes.fromhex(secret), raw.encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class _Key:
    raw: str  # u:qq:42 or h:3-2-201
    household: str | None
    weight: int  # hundredths of m² counted for this ballot


def _resolve(vote: Vote, voter: Voter, roster: Roster | None) -> _Key:
    """The voter key of a ballot, or a VoteError saying what the member must fix.

    ``roster``: the live roster, for households that list member ids.
    """
    snapshot = Roster.from_areas(vote.roster) if vote.roster else None
    entry = None
    household = None
    listed = roster.for_member(voter.user) if roster else None
    if listed is not None:
        household = listed.key
    elif voter.household is not None:
        household = voter.household.key
    if snapshot is not None:
        if listed is not None and listed.key in snapshot.entries:
            entry = snapshot.entries[listed.key]
        elif voter.household is not None:
            entry = snapshot.match(voter.household)
        if entry is not None:
            household = entry.key
    needs_household = vote.per_household or vote.roster_only
    if needs_household and household is None:
        raise VoteError("vote.error.no_household", name=voter.name or voter.user)
    if vote.roster_only and entry is None:
        raise VoteError("vote.error.not_on_roster", household=household)
    if vote.per_household:
        assert household is not None
        weight = (entry.area or 0) if entry is not None else 0
        return _Key(f"h:{household}", household, weight)
    return _Key(f"u:{voter.user}", household, 0)


def check_choices(vote: Vote, choices: tuple[int, ...] | list[int]) -> tuple[int, ...]:
    """Sorted, de-duplicated choices; VoteError if out of range or too many."""
    picked = tuple(sorted(set(choices)))
    n = len(vote.options)
    if not picked or any(c < 1 or c > n for c in picked):
        raise VoteError("vote.error.choice_range", n=n)
    if len(picked) > vote.max_choices:
        if vote.max_choices == 1:
            raise VoteError("vote.error.single_choice")
        raise VoteError("vote.error.too_many_choices", max=vote.max_choices)
    return picked


async def _apply(vote_id: int, deltas: dict[int, tuple[int, int]]) -> None:
    for option, (count, area) in deltas.items():  # in option order: no deadlocks
        await Total.filter(vote_id=vote_id, option=option).update(
            count=F("count") + count, area=F("area") + area
        )


async def _locked(vote_id: int) -> Vote:
    vote = await Vote.select_for_update().get_or_none(id=vote_id)
    if vote is None:
        raise VoteError("vote.error.gone")
    return vote


async def cast(
    vote: Vote,
    voter: Voter,
    choices: tuple[int, ...] | list[int],
    *,
    roster: Roster | None = None,
    now: datetime | None = None,
) -> Outcome:
    """Record ``voter``'s ballot; a later ballot of the same key replaces it."""
    picked = check_choices(vote, choices)
    key = _resolve(vote, voter, roster)
    for _ in range(5):
        try:
            return await _cast_once(vote.id, voter, key, picked, now or _now())
        except IntegrityError:  # a racing first ballot of the same key: go again
            continue
    raise VoteError("vote.error.busy")


async def _cast_once(
    vote_id: int, voter: Voter, key: _Key, picked: tuple[int, ...], now: datetime
) -> Outcome:
    async with in_transaction():
        vote = await _locked(vote_id)
        if not is_live(vote, now):
            raise VoteError("vote.error.closed", number=vote.number)
        voter_key = _hash(vote.secret or "", key.raw) if vote.anonymous else key.raw
        named = (
            {}
            if vote.anonymous
            else {
                "user": voter.user,
                "name": voter.name,
                "household": key.household,
                "cast_at": now,
            }
        )
        ballot = await Ballot.get_or_none(vote_id=vote.id, voter_key=voter_key)
        if ballot is None:
            await Ballot.create(
                vote_id=vote.id, voter_key=voter_key, choices=list(picked), **named
            )
            await _apply(vote.id, ballot_delta(None, list(picked), key.weight))
            return Outcome("new", picked, key.household)
        if not vote.allow_change:
            raise VoteError("vote.error.no_change", number=vote.number)
        old = tuple(ballot.choices)
        other = not vote.anonymous and ballot.user not in (None, voter.user)
        kind = "replaced" if other else "changed"
        if old == picked and not other:
            return Outcome("same", picked, key.household)
        previous = (ballot.user, ballot.name) if other else (None, None)
        if vote.anonymous and vote.per_household:
            kind = "replaced"  # a household's ballot: whoever cast it before
        ballot.choices = list(picked)
        for name, value in named.items():
            setattr(ballot, name, value)
        await ballot.save()
        await _apply(vote.id, ballot_delta(list(old), list(picked), key.weight))
        return Outcome(kind, picked, key.household, *previous)


async def retract(
    vote: Vote,
    voter: Voter,
    *,
    roster: Roster | None = None,
    now: datetime | None = None,
) -> Outcome:
    key = _resolve(vote, voter, roster)
    async with in_transaction():
        locked = await _locked(vote.id)
        if not is_live(locked, now or _now()):
            raise VoteError("vote.error.closed", number=locked.number)
        if not locked.allow_change:
            raise VoteError("vote.error.no_change", number=locked.number)
        voter_key = _hash(locked.secret or "", key.raw) if locked.anonymous else key.raw
        ballot = await Ballot.get_or_none(vote_id=locked.id, voter_key=voter_key)
        if ballot is None:
            return Outcome("none", (), key.household)
        old = list(ballot.choices)
        await ballot.delete()
        await _apply(locked.id, ballot_delta(old, None, key.weight))
        return Outcome("retracted", tuple(old), key.household)


async def close(
    vote_id: int, *, actor: str | None = None, now: datetime | None = None
) -> Vote | None:
    """Close the vote (erasing an anonymous vote's secret); None if it was not open.

    ``actor``: who closed it early (audited); None for the deadline.
    """
    now = now or _now()
    async with in_transaction():
        vote = await Vote.select_for_update().get_or_none(id=vote_id)
        if vote is None or not vote.is_open:
            return None
        vote.status = "closed"
        vote.closed_at = now
        vote.secret = None
        await vote.save(update_fields=["status", "closed_at", "secret"])
    await cancel(_remind_key(vote))
    if actor is not None:
        await cancel(_close_key(vote))
        await audit(actor, "vote.close", group=vote.group, target=f"vote:{vote.id}")
    return vote


async def claim_announcement(vote: Vote) -> bool:
    """True for the one caller that is to post a closed vote's results."""
    won = await Vote.filter(id=vote.id, announced=False).update(announced=True)
    return bool(won)


async def release_announcement(vote: Vote) -> None:
    """Posting failed: let the next attempt post the results."""
    await Vote.filter(id=vote.id).update(announced=False)


async def results(vote: Vote) -> Results:
    rows = {
        row.option: row
        for row in await Total.filter(vote_id=vote.id).order_by("option")
    }
    n = len(vote.options)
    counts = [rows[i].count if i in rows else 0 for i in range(1, n + 1)]
    areas = [rows[i].area if i in rows else 0 for i in range(1, n + 1)]
    voters = rows[0].count if 0 in rows else 0
    voters_area = rows[0].area if 0 in rows else 0
    data = Results(vote, voters, voters_area, counts, areas)
    if vote.roster and vote.roster_only:
        values = list(vote.roster.values())
        data.eligible = len(values)
        known = all(v is not None for v in values)
        data.eligible_area = sum(values) if known and values else None
    if vote.decision and data.eligible:
        data.decision = art278(
            households=data.eligible,
            area=data.eligible_area,
            voted=voters,
            voted_area=voters_area,
            approved=counts[0],
            approved_area=areas[0],
            major=vote.decision == "major",
        )
    return data


async def missing(vote: Vote) -> Missing:
    """Who has not voted (households or members); names only for named votes."""
    known = await KnownMember.filter(group=vote.group).order_by("-last_seen")
    voted = (await Total.get(vote_id=vote.id, option=0)).count
    snapshot = Roster.from_areas(vote.roster) if vote.roster else None

    def household_of(row: KnownMember) -> str | None:
        household = parse_household(row.display_name, _pattern())
        if household is None:
            return row.household
        if snapshot is not None:
            entry = snapshot.match(household)
            return entry.key if entry else None
        return household.key

    if vote.per_household or vote.roster_only:
        members = [(row, household_of(row)) for row in known]
        members = [(row, h) for row, h in members if h is not None]
    else:
        members = [(row, None) for row in known]
    if vote.per_household:
        eligible = (
            list(snapshot.entries) if snapshot else sorted({h for _, h in members})
        )
        if vote.anonymous:
            return Missing(max(0, len(eligible) - voted))
        done = set(
            await Ballot.filter(vote_id=vote.id).values_list("household", flat=True)
        )
        left = [h for h in eligible if h not in done]
        named, seen = [], set()
        for row, h in members:
            if h in left and h not in seen:
                seen.add(h)
                named.append((row.user, row.display_name))
        return Missing(len(left), left, named)
    if vote.anonymous:
        return Missing(max(0, len(members) - voted))
    done = set(await Ballot.filter(vote_id=vote.id).values_list("user", flat=True))
    left_members = [(row.user, row.display_name) for row, _ in members]
    left_members = [(u, name) for u, name in left_members if u not in done]
    return Missing(len(left_members), [], left_members)


async def ballots(vote: Vote) -> list[Ballot]:
    """The ballots of a named vote, for the CSV export; anonymous: refused."""
    if vote.anonymous:
        raise VoteError("vote.error.anonymous_export")
    return await Ballot.filter(vote_id=vote.id).order_by("household", "cast_at", "id")
