"""tally.py: the 民法典 Art. 278 thresholds, shares and bars (pure functions)."""

from __future__ import annotations

import pytest


def _decision(**kw):
    from plugins.vote.tally import art278

    values = {"major": False, **kw}
    return art278(**values)


def _met(decision) -> dict[str, bool | None]:
    return {th.name: th.met for th in decision.thresholds}


def test_roster_with_different_areas_ordinary_matter_passes() -> None:
    # 9 households, areas differ: 3 big (150 m²), 6 small (60 m²) = 810 m²
    # voting: 3 big + 3 small = 6 households (2/3 exactly), 630 m² (77.8 %)
    # approving: 3 big + 1 small = 4 of 6 households, 510 of 630 m²
    d = _decision(
        households=9,
        area=81000,
        voted=6,
        voted_area=63000,
        approved=4,
        approved_area=51000,
    )
    assert _met(d) == {
        "turnout_households": True,
        "turnout_area": True,
        "approval_households": True,
        "approval_area": True,
    }
    assert d.passed is True


def test_many_small_households_cannot_outvote_the_area_rule() -> None:
    # the same roster: 6 small flats approve, the 3 big ones reject
    # households 6/9 approve, but only 360 of 810 m² (44 %) approve
    d = _decision(
        households=9,
        area=81000,
        voted=9,
        voted_area=81000,
        approved=6,
        approved_area=36000,
    )
    met = _met(d)
    assert met["approval_households"] is True
    assert met["approval_area"] is False
    assert d.passed is False


def test_exactly_two_thirds_participation_is_enough() -> None:
    d = _decision(
        households=3, area=300, voted=2, voted_area=200, approved=2, approved_area=200
    )
    assert _met(d)["turnout_households"] is True
    assert _met(d)["turnout_area"] is True
    just_under = _decision(
        households=3, area=300, voted=2, voted_area=199, approved=2, approved_area=199
    )
    assert _met(just_under)["turnout_area"] is False
    assert just_under.passed is False


def test_exactly_half_is_not_more_than_half() -> None:
    d = _decision(
        households=4, area=400, voted=4, voted_area=400, approved=2, approved_area=200
    )
    assert _met(d)["approval_households"] is False
    assert _met(d)["approval_area"] is False
    one_more = _decision(
        households=4, area=400, voted=4, voted_area=400, approved=3, approved_area=201
    )
    assert _met(one_more)["approval_households"] is True
    assert _met(one_more)["approval_area"] is True


def test_major_matter_needs_three_quarters_exactly_three_quarters_is_enough() -> None:
    d = _decision(
        households=4,
        area=40000,
        voted=4,
        voted_area=40000,
        approved=3,
        approved_area=30000,
        major=True,
    )
    assert d.passed is True
    assert {th.rule.label for th in d.thresholds[2:]} == {"≥3/4"}
    short = _decision(
        households=4,
        area=40000,
        voted=4,
        voted_area=40000,
        approved=3,
        approved_area=29999,
        major=True,
    )
    assert _met(short)["approval_area"] is False
    assert short.passed is False
    # 2 of 3 (66.7 %) passes an ordinary matter but not a major one
    ordinary = dict(
        households=3, area=300, voted=3, voted_area=300, approved=2, approved_area=200
    )
    assert _decision(**ordinary).passed is True
    assert _decision(**ordinary, major=True).passed is False


def test_approval_counts_against_participants_not_all_households() -> None:
    # 10 households; 7 vote (70 %), 4 approve: 4/7 > 1/2 although 4/10 < 1/2
    d = _decision(
        households=10,
        area=1000,
        voted=7,
        voted_area=700,
        approved=4,
        approved_area=400,
    )
    assert d.passed is True
    th = d.thresholds[2]
    assert (th.part, th.whole) == (4, 7)


def test_low_turnout_fails_even_if_everyone_approves() -> None:
    d = _decision(
        households=10, area=1000, voted=6, voted_area=900, approved=6, approved_area=900
    )
    assert _met(d)["turnout_households"] is False
    assert _met(d)["turnout_area"] is True
    assert d.passed is False


def test_unknown_areas_make_the_outcome_undecided_unless_something_fails() -> None:
    d = _decision(
        households=3, area=None, voted=3, voted_area=0, approved=3, approved_area=0
    )
    assert _met(d)["turnout_area"] is None
    assert _met(d)["approval_area"] is None
    assert d.passed is None
    failing = _decision(
        households=3, area=None, voted=1, voted_area=0, approved=1, approved_area=0
    )
    assert failing.passed is False


def test_nobody_voted_nothing_is_approved() -> None:
    d = _decision(
        households=5, area=500, voted=0, voted_area=0, approved=0, approved_area=0
    )
    assert d.passed is False
    assert _met(d)["approval_households"] is False


def test_impossible_counts_are_refused() -> None:
    with pytest.raises(ValueError):
        _decision(
            households=2, area=200, voted=3, voted_area=200, approved=1, approved_area=1
        )
    with pytest.raises(ValueError):
        _decision(
            households=5,
            area=500,
            voted=2,
            voted_area=100,
            approved=1,
            approved_area=101,
        )


def test_percent_and_bars() -> None:
    from plugins.vote.tally import bar, percent

    assert percent(2, 3) == "66.7"
    assert percent(1, 8) == "12.5"
    assert percent(1, 16) == "6.3"  # half up, not banker's rounding
    assert percent(0, 0) == "0.0"
    assert bar(5, 10) == "█████░░░░░"
    assert bar(10, 10) == "██████████"
    assert bar(0, 10) == "░░░░░░░░░░"
    assert bar(1, 100) == "█░░░░░░░░░"  # a non-zero share is always visible
    assert bar(3, 0) == "░░░░░░░░░░"


def test_areas_are_exact_hundredths() -> None:
    from decimal import Decimal

    from plugins.vote.tally import area_text, to_centi

    assert to_centi("89.5") == 8950
    assert to_centi(Decimal("89.475")) == 8948
    assert to_centi(120) == 12000
    assert area_text(8950) == "89.50"
    assert area_text(5) == "0.05"
    assert area_text(30) == "0.30"


def test_ballot_delta_in_option_order() -> None:
    from plugins.vote.tally import ballot_delta

    assert ballot_delta(None, [2], 8950) == {0: (1, 8950), 2: (1, 8950)}
    assert ballot_delta([2], [1, 3], 100) == {1: (1, 100), 2: (-1, -100), 3: (1, 100)}
    assert ballot_delta([2], [2], 100) == {}
    assert ballot_delta([1, 3], None, 0) == {0: (-1, 0), 1: (-1, 0), 3: (-1, 0)}
    assert list(ballot_delta([3], [1], 0)) == [1, 3]


def test_shares_of_a_multiple_choice_vote_use_voters_as_base() -> None:
    from plugins.vote.tally import shares

    rows = shares(["A", "B", "C"], [4, 2, 0], [0, 0, 0], voters=4)
    assert [(r.number, r.percent) for r in rows] == [
        (1, "100.0"),
        (2, "50.0"),
        (3, "0.0"),
    ]
    assert rows[0].bar == "██████████"
