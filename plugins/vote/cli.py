"""``python manage.py vote``: a vote's results and ballots to CSV files.

    python manage.py vote export qq:123456 3 --results 结果.csv
    python manage.py vote export qq:123456 3 --ballots 选票.csv
    python manage.py vote export 3 --results 结果.csv     # only one group has a #3

The vote is named as the group shows it (【投票】#3): its group and number.
Ballots exist only for named votes: an anonymous vote keeps no record of who
chose what. Results of a vote with hidden results are exported once it has
closed. Headers and words are in ``core.locale`` of the YAML.
Exit codes: 0 written, 1 refused or not found, 2 bad config or arguments.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from zoneinfo import ZoneInfo

from plugins.core import cli, store, t

from . import service
from .models import Vote
from .service import VoteError
from .tally import area_text, percent

SUMMARY = "vote.cli.summary"
RESULT_COLUMNS = (
    "item", "number", "label", "count", "of", "percent", "area_m2", "required", "met",
)  # fmt: skip
BALLOT_COLUMNS = (
    "vote", "number", "household", "user", "name", "choices", "options", "cast_at",
)  # fmt: skip


def _area(centi: int | None) -> str:
    return "" if centi is None else area_text(centi)


def _word(locale: str, name: str) -> str:
    return t(locale, f"vote.cli.word.{name}")


def result_rows(data: service.Results, locale: str) -> list[list[str]]:
    """The results as CSV rows (header first): options, turnout, Art. 278."""
    vote = data.vote
    word = lambda name: _word(locale, name)  # noqa: E731
    rows = [[t(locale, f"vote.cli.result.{name}") for name in RESULT_COLUMNS]]
    with_area = vote.per_household and bool(vote.roster)
    for i, (label, count, area) in enumerate(
        zip(vote.options, data.counts, data.areas, strict=True), 1
    ):
        rows.append(
            [
                word("option"),
                str(i),
                label,
                str(count),
                str(data.voters),
                percent(count, data.voters),
                _area(area) if with_area else "",
                "",
                "",
            ]
        )
    of = str(data.eligible) if data.eligible else ""
    rows.append(
        [
            word("voters"),
            "",
            t(
                locale,
                "vote.unit.households" if vote.per_household else "vote.unit.people",
            ),
            str(data.voters),
            of,
            percent(data.voters, data.eligible) if data.eligible else "",
            _area(data.voters_area) if with_area else "",
            "",
            "",
        ]
    )
    if data.eligible_area:
        rows.append(
            [
                word("voters_area"),
                "",
                word("m2"),
                _area(data.voters_area),
                _area(data.eligible_area),
                percent(data.voters_area, data.eligible_area),
                "",
                "",
                "",
            ]
        )
    if data.decision is not None:
        met = {True: word("yes"), False: word("no"), None: word("unknown")}
        for th in data.decision.thresholds:
            show = _area if th.area else str
            rows.append(
                [
                    word("threshold"),
                    "",
                    t(locale, f"vote.decision.label.{th.name}"),
                    show(th.part),
                    show(th.whole) if th.met is not None else "",
                    percent(th.part, th.whole) if th.met is not None else "",
                    "",
                    th.rule.label,
                    met[th.met],
                ]
            )
        verdict = {True: "passed", False: "failed", None: "undecided"}
        rows.append(
            [word("decision"), "", word(verdict[data.decision.passed]), *[""] * 6]
        )
    return rows


def ballot_rows(
    vote: Vote, ballots: list, tz: ZoneInfo, locale: str
) -> list[list[str]]:
    rows = [[t(locale, f"vote.cli.ballot.{name}") for name in BALLOT_COLUMNS]]
    for ballot in ballots:
        rows.append(
            [
                str(vote.id),
                str(vote.number),
                ballot.household or "",
                ballot.user or "",
                ballot.name or "",
                ";".join(str(c) for c in ballot.choices),
                ";".join(vote.options[c - 1] for c in ballot.choices),
                ballot.cast_at.astimezone(tz).isoformat() if ballot.cast_at else "",
            ]
        )
    return rows


async def export(
    vote: Vote | int,
    *,
    ballots: Path | None = None,
    results: Path | None = None,
    locale: str = "zh-CN",
    tz: ZoneInfo | None = None,
) -> list[str]:
    """Write the CSV files asked for; returns what to print. VoteError refuses.
    ``vote`` is the row or its database id."""
    if not isinstance(vote, Vote):
        vote = await Vote.get(id=vote)
    tz = tz or ZoneInfo("Asia/Shanghai")
    done = []
    if ballots is not None:
        rows = ballot_rows(vote, await service.ballots(vote), tz, locale)
        cli.write_csv(ballots, rows)
        done.append(t(locale, "vote.cli.written", path=ballots, rows=len(rows) - 1))
    if results is not None:
        if vote.hide_results and vote.is_open:
            raise VoteError("vote.error.hidden_export", number=vote.number)
        rows = result_rows(await service.results(vote), locale)
        cli.write_csv(results, rows)
        done.append(t(locale, "vote.cli.written", path=results, rows=len(rows) - 1))
    return done


def parser(locale: str) -> cli.Parser:
    root = cli.parser(locale, "vote", t(locale, "vote.cli.summary"))
    commands = root.add_subparsers()
    cmd = cli.command(commands, "export", t(locale, "vote.cli.export"))
    cli.add_group_and_number(cmd, locale, t(locale, "vote.cli.number"))
    for name in ("results", "ballots"):
        cmd.add_argument(
            f"--{name}",
            type=cli.file_arg,
            metavar="FILE.csv",
            help=t(locale, f"vote.cli.{name}"),
        )
    return root


async def run(args: argparse.Namespace, locale: str) -> int:
    if args.ballots is None and args.results is None:
        raise cli.CliError("vote.cli.nothing", code=2)
    config = store.current
    vote = await cli.find_numbered(
        Vote,
        cli.ref_of(args),
        locale=locale,
        what=t(locale, "vote.cli.what"),
        describe=lambda group: cli.group_label(config, group, locale),
    )
    try:
        lines = await export(
            vote,
            ballots=args.ballots,
            results=args.results,
            locale=locale,
            tz=ZoneInfo(config.core.timezone),
        )
    except VoteError as err:
        raise cli.CliError(err.key, **err.values) from None
    for line in lines:
        print(line)
    return 0
