"""``python manage.py tickets``: the tracking table as a CSV file (Excel / WPS).

    python manage.py tickets export tickets.csv
    python manage.py tickets export oct.csv --since 2025-10-01 --until 2025-11-01
    python manage.py tickets export tickets.csv --estate 东区 --full

Columns: 编号, 描述, 提出时间, 处理状态, 负责人, 解决时间 (the seeds' table), then
分类, 地点, 优先级, 评分, in ``core.locale`` of the YAML. Phone and ID numbers
are masked unless ``--full`` (which also adds the 联系方式 column).
"""

from __future__ import annotations

import argparse
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from plugins.core import cli, mask_private, t

from .env import Env, now_utc
from .models import Ticket
from .render import assignee, number, status_name, where


def _rows(tickets: list[Any], cfg: Any, locale: str, tz: Any, full: bool) -> list:
    def stamp(moment: datetime | None) -> str:
        return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M") if moment else ""

    rows = [t(locale, "tickets.csv.columns").split(",")]
    if full:
        rows[0].append(t(locale, "tickets.csv.contact"))
    for ticket in tickets:
        description = ticket.description if full else mask_private(ticket.description)
        rows.append(
            [
                number(ticket.number),
                description,
                stamp(ticket.created_at),
                status_name(ticket.status, locale),
                assignee(ticket, locale),
                stamp(ticket.resolved_at) or t(locale, "tickets.table.pending"),
                cfg.label(ticket.category, locale),
                where(ticket, locale),
                t(locale, f"tickets.priority.{ticket.priority}"),
                "" if ticket.rating is None else str(ticket.rating),
                *([ticket.contact or ""] if full else []),
            ]
        )
    return rows


async def export(
    path: Path,
    *,
    estate: str | None = None,
    since: date | None = None,
    until: date | None = None,
    full: bool = False,
    env: Env | None = None,
) -> int:
    """Write the tracking table of ``estate`` to ``path``; returns the row count."""
    env = env or Env()
    cfg = env.section()
    locale = env.config.core.locale
    query = Ticket.filter(estate=estate or cfg.estate)
    if since is not None:
        query = query.filter(
            created_at__gte=now_utc(datetime.combine(since, time(0), env.tz))
        )
    if until is not None:
        query = query.filter(
            created_at__lt=now_utc(datetime.combine(until, time(0), env.tz))
        )
    tickets = await query.order_by("number")
    cli.write_csv(path, _rows(tickets, cfg, locale, env.tz, full))
    return len(tickets)


SUMMARY = "tickets.cli.summary"


def parser(locale: str) -> cli.Parser:
    root = cli.parser(locale, "tickets", t(locale, "tickets.cli.summary"))
    commands = root.add_subparsers()
    cmd = cli.command(commands, "export", t(locale, "tickets.cli.export"))
    cmd.add_argument("file", type=cli.file_arg, help=t(locale, "tickets.cli.file"))
    cmd.add_argument("--estate", help=t(locale, "tickets.cli.estate"))
    day = cli.day(locale)
    cmd.add_argument("--since", type=day, help=t(locale, "tickets.cli.since"))
    cmd.add_argument("--until", type=day, help=t(locale, "tickets.cli.until"))
    cmd.add_argument("--full", action="store_true", help=t(locale, "tickets.cli.full"))
    return root


async def run(args: argparse.Namespace, locale: str) -> int:
    count = await export(
        args.file,
        estate=args.estate,
        since=args.since,
        until=args.until,
        full=args.full,
    )
    print(t(locale, "tickets.cli.done", count=count, path=str(args.file)))
    return 0
