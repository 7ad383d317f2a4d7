"""500 concurrent ballots: none lost, none counted twice (SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
import random

from tests.helpers import new_group, section_config
from tests.vote.util import make_vote, voter


async def _assert_consistent(vote, expected: dict[str, list[int]]) -> None:
    """Ballots equal ``expected`` (voter key → choices) and the totals agree."""
    from plugins.vote import service
    from plugins.vote.models import Ballot

    rows = await Ballot.filter(vote_id=vote.id)
    assert {b.voter_key: b.choices for b in rows} == expected
    data = await service.results(vote)
    assert data.voters == len(expected)
    for option in range(1, len(vote.options) + 1):
        count = sum(1 for choices in expected.values() if option in choices)
        assert data.counts[option - 1] == count


async def test_500_people_voting_at_once_and_again_at_once() -> None:
    from plugins.vote import service

    vote = await make_vote(new_group(), "绿化 A B C 多选")
    users = [f"qq:{5_000_000 + i}" for i in range(500)]
    rng = random.Random(6)
    first = {u: sorted(rng.sample([1, 2, 3], rng.randint(1, 3))) for u in users}
    outcomes = await asyncio.gather(
        *(service.cast(vote, voter(u, "张三"), first[u]) for u in users)
    )
    assert {o.kind for o in outcomes} == {"new"}
    await _assert_consistent(vote, {f"u:{u}": c for u, c in first.items()})

    # everyone votes twice at the same moment: one ballot each, the last one wins
    second = {u: [rng.randint(1, 3)] for u in users}
    await asyncio.gather(
        *(
            service.cast(vote, voter(u, "张三"), choices)
            for u in users
            for choices in (second[u], second[u])
        )
    )
    await _assert_consistent(vote, {f"u:{u}": c for u, c in second.items()})


async def test_500_household_members_at_once_one_ballot_per_household() -> None:
    from plugins.vote import service

    config = section_config(
        "vote",
        households=[f"3-{1 + i // 100}-{101 + i % 100} 90.5" for i in range(250)],
        roster_only=True,
    )
    vote = await make_vote(new_group(), "绿化 A B 每户一票", config=config)
    # 500 members, two per household, each household's pair voting at once
    members = [
        (f"qq:{6_000_000 + i}", f"3-{1 + (i // 2) // 100}-{101 + (i // 2) % 100} 业主")
        for i in range(500)
    ]
    outcomes = await asyncio.gather(
        *(
            service.cast(vote, voter(u, nick), [1 + i % 2])
            for i, (u, nick) in enumerate(members)
        )
    )
    kinds = [o.kind for o in outcomes]
    assert kinds.count("new") == 250
    assert kinds.count("replaced") == 250
    data = await service.results(vote)
    assert data.voters == 250
    assert sum(data.counts) == 250
    assert data.voters_area == 250 * 9050
    assert sum(data.areas) == data.voters_area
    assert data.eligible == 250
    from plugins.vote.models import Ballot

    assert await Ballot.filter(vote_id=vote.id).count() == 250


async def test_the_schema_itself_refuses_a_second_ballot() -> None:
    import pytest
    from tortoise.exceptions import IntegrityError

    from plugins.vote.models import Ballot

    vote = await make_vote(new_group(), "绿化 A B")
    await Ballot.create(vote_id=vote.id, voter_key="u:qq:1", choices=[1])
    with pytest.raises(IntegrityError):
        await Ballot.create(vote_id=vote.id, voter_key="u:qq:1", choices=[2])


async def test_closing_while_ballots_arrive_leaves_exact_totals() -> None:
    from plugins.vote import service
    from plugins.vote.service import VoteError

    vote = await make_vote(new_group(), "绿化 A B")
    users = [f"qq:{7_000_000 + i}" for i in range(200)]

    async def ballot(u: str) -> bool:
        try:
            await service.cast(vote, voter(u, "张三"), [1])
        except VoteError as exc:
            assert exc.key == "vote.error.closed"
            return False
        return True

    tasks = [asyncio.create_task(ballot(u)) for u in users]
    await asyncio.sleep(0)
    closed = await service.close(vote.id)
    accepted = sum(await asyncio.gather(*tasks))
    assert closed is not None
    data = await service.results(vote)
    assert data.voters == data.counts[0] == accepted
