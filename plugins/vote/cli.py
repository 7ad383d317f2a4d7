"""Export a vote to CSV from the command line.

    python manage.py vote export 12 --results results.csv
    python manage.py vote export 12 --ballots ballots.csv
    python manage.py vote export 3 --group qq:123456 --results results.csv

``12`` is the vote's id (the ``#12`` of anonymous votes; ``/投票 列表`` in a
private chat shows it); with ``--group`` the number is the vote's short number
in that group. manage.py reads the config and opens the database as the bot
does (LINLI_DATABASE_URL / LINLI_DATA_DIR, LINLI_CONFIG). Ballots exist only for
named votes: an anonymous vote keeps no record of who chose what. Results of a
vote with hidden results are exported once it has closed.
Exit codes: 0 written, 1 refused or not found, 2 bad config or arguments.
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

from tortoise.exceptions import OperationalError

from plugins.core import store, t
from plugins.core.settings import load_settings
from plugins.core.storage import describe

from . import service
from .models import Vote
from .parsing import Ref
from .service import VoteError
from .tally import area_text, percent

RESULT_COLUMNS = [
    "item", "number", "label", "count", "of", "percent", "area_m2", "required", "met",
]  # fmt: skip
BALLOT_COLUMNS = [
    "vote", "number", "household", "user", "name", "choices", "options", "cast_at",
]  # fmt: skip


def _area(centi: int | None) -> str:
    return "" if centi is None else area_text(centi)


def result_rows(data: service.Results) -> list[list[str]]:
    """The results as CSV rows (header first): options, turnout, Art. 278."""
    vote = data.vote
    rows = [RESULT_COLUMNS]
    with_area = vote.per_household and bool(vote.roster)
    for i, (label, count, area) in enumerate(
        zip(vote.options, data.counts, data.areas, strict=True), 1
    ):
        rows.append(
            [
                "option",
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
            "voters",
            "",
            "households" if vote.per_household else "people",
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
                "voters_area",
                "",
                "m2",
                _area(data.voters_area),
                _area(data.eligible_area),
                percent(data.voters_area, data.eligible_area),
                "",
                "",
                "",
            ]
        )
    if data.decision is not None:
        for th in data.decision.thresholds:
            show = _area if th.area else str
            rows.append(
                [
                    "threshold",
                    "",
                    th.name,
                    show(th.part),
                    show(th.whole) if th.met is not None else "",
                    percent(th.part, th.whole) if th.met is not None else "",
                    "",
                    th.rule.label,
                    {True: "yes", False: "no", None: "unknown"}[th.met],
                ]
            )
        verdict = {True: "passed", False: "failed", None: "undecided"}
        rows.append(
            ["decision", "", verdict[data.decision.passed], "", "", "", "", "", ""]
        )
    return rows


def ballot_rows(vote: Vote, ballots: list, tz: ZoneInfo) -> list[list[str]]:
    rows = [BALLOT_COLUMNS]
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


def write_csv(path: Path, rows: list[list[str]]) -> None:
    """UTF-8 with a BOM, so that Excel shows the Chinese correctly."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f).writerows(rows)


async def export(
    vote_ref: int,
    *,
    group: str | None = None,
    ballots: Path | None = None,
    results: Path | None = None,
    locale: str = "zh-CN",
    tz: ZoneInfo | None = None,
) -> list[str]:
    """Write the CSV files asked for; returns what to print. VoteError refuses."""
    tz = tz or ZoneInfo("Asia/Shanghai")
    ref = Ref(number=vote_ref) if group else Ref(vote_id=vote_ref)
    vote = await service.find(group, ref)
    if vote is None:
        shown = str(vote_ref) if group else f"#{vote_ref}"
        raise VoteError("vote.error.not_found", ref=shown)
    done = []
    if ballots is not None:
        rows = ballot_rows(vote, await service.ballots(vote), tz)
        write_csv(ballots, rows)
        done.append(t(locale, "vote.cli.written", path=ballots, rows=len(rows) - 1))
    if results is not None:
        if vote.hide_results and vote.is_open:
            raise VoteError("vote.error.hidden_export", number=vote.number)
        rows = result_rows(await service.results(vote))
        write_csv(results, rows)
        done.append(t(locale, "vote.cli.written", path=results, rows=len(rows) - 1))
    return done


def _file(text: str) -> Path:
    return Path(text).expanduser().resolve()  # printed in full: no doubt where


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python manage.py vote", description="Export a linli vote to CSV."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    exp = sub.add_parser("export", help="write ballots and/or results to CSV files")
    exp.add_argument("vote", type=int, help="the vote's id (#12), or with --group "
                     "its number in that group")  # fmt: skip
    exp.add_argument("--group", help="a group id such as qq:123456")
    exp.add_argument("--ballots", type=_file, help="CSV file for the ballots")
    exp.add_argument("--results", type=_file, help="CSV file for the results")
    return parser


async def main(argv: list[str]) -> int:
    """Run by ``python manage.py vote …``, with the config and database open."""
    parser = _parser()
    args = parser.parse_args(argv)
    if args.ballots is None and args.results is None:
        parser.error("give --ballots FILE.csv and/or --results FILE.csv")
    config = store.current
    locale, tz = config.core.locale, ZoneInfo(config.core.timezone)
    try:
        lines = await export(
            args.vote,
            group=args.group,
            ballots=args.ballots,
            results=args.results,
            locale=locale,
            tz=tz,
        )
    except VoteError as err:
        print(t(locale, err.key, **err.values), file=sys.stderr)
        return 1
    except OperationalError as exc:
        database = describe(load_settings().database_url)
        print(t(locale, "vote.cli.no_tables", database=database), file=sys.stderr)
        print(exc, file=sys.stderr)
        return 2
    for line in lines:
        print(line)
    return 0
