"""``python manage.py rules``: the group rules' records, for an admin on the server.

    python manage.py rules cases qq:123456              # the group's latest cases
    python manage.py rules cases --member qq:42         # one member's, in every group
    python manage.py rules strikes qq:123456            # who has active strikes
    python manage.py rules strikes qq:123456 --member qq:42
    python manage.py rules pardon 12                    # undo case #12

Cases are numbered as the group sees them (案件号 #12). ``pardon`` does what
``/撤销 12`` does in chat: the case's strikes stop counting, its mute record
is lifted (a member who rejoins is not muted again) and its blacklisting ends.
The command line is not connected to the chat: a mute still running on the
platform is lifted in the group (``/解禁 @某人``) or in the chat app.
"""

from __future__ import annotations

import argparse
import getpass

from tortoise import timezone

from adapters import PlatformError
from plugins.core import cli, format_time, store, t

from . import service
from .models import Case, Mute

SUMMARY = "rules.cli.summary"


def parser(locale: str) -> cli.Parser:
    root = cli.parser(locale, "rules", t(locale, "rules.cli.summary"))
    commands = root.add_subparsers()
    member_help = t(locale, "rules.cli.member")
    group_help = t(locale, "rules.cli.group")

    cases = cli.command(commands, "cases", t(locale, "rules.cli.cases"))
    cases.add_argument("group", nargs="?", metavar="GROUP", help=group_help)
    cases.add_argument("--member", metavar="USER", help=member_help)
    cases.add_argument(
        "--limit", type=int, default=20, metavar="N", help=t(locale, "rules.cli.limit")
    )

    strikes = cli.command(commands, "strikes", t(locale, "rules.cli.strikes"))
    strikes.add_argument("group", metavar="GROUP", help=group_help)
    strikes.add_argument("--member", metavar="USER", help=member_help)

    pardon = cli.command(commands, "pardon", t(locale, "rules.cli.pardon"))
    pardon.add_argument("case", metavar="CASE", help=t(locale, "rules.cli.case"))
    return root


async def run(args: argparse.Namespace, locale: str) -> int:
    config = store.current
    if getattr(args, "group", None):
        await cli.check_group(config, args.group, Case, locale)
    if args.command == "cases":
        return await _cases(args, locale)
    if args.command == "strikes":
        return await _strikes(args, locale)
    return await _pardon(args, locale)


def _who(name: str, user: str, locale: str) -> str:
    return t(locale, "rules.cli.who", name=name or user, user=user)


async def _cases(args: argparse.Namespace, locale: str) -> int:
    config = store.current
    if not args.group and not args.member:
        raise cli.CliError("rules.cli.which", code=2)
    query = Case.all()
    if args.group:
        query = query.filter(group=args.group)
    if args.member:
        query = query.filter(user=args.member)
    rows = await query.order_by("-at", "-id").limit(max(args.limit, 1))
    if not rows:
        print(t(locale, "rules.cli.no_cases"))
        return 0
    for case in rows:
        print(
            t(
                locale,
                "rules.cli.case_line",
                case=case.id,
                time=format_time(case.at, locale, config.core.timezone),
                group=cli.group_label(config, case.group, locale),
                who=_who(case.display_name, case.user, locale),
                reason=service.reason_text(case, locale),
                action=service.action_text(case.action, case.mute_seconds, locale),
                pardoned=t(locale, "rules.cli.pardoned") if case.pardoned_at else "",
            )
        )
    return 0


async def _strikes(args: argparse.Namespace, locale: str) -> int:
    config = store.current
    cfg = config.section("rules", args.group)
    window = cfg.ladder.window
    where = cli.group_label(config, args.group, locale)
    within = service.window_text(cfg, locale)
    if args.member is None:
        members = await service.warned_members(args.group, window, limit=100)
        if not members:
            print(t(locale, "rules.cli.no_strikes", group=where, window=within))
            return 0
        print(t(locale, "rules.cli.strikes_header", group=where, window=within))
        for n, (user, name, count) in enumerate(members, 1):
            who = _who(name, user, locale)
            print(t(locale, "rules.cli.strikes_line", n=n, who=who, count=count))
        return 0
    warnings = await service.warnings(args.group, args.member, window)
    if not warnings:
        print(t(locale, "rules.cli.no_strikes", group=where, window=within))
        return 0
    who = _who(warnings[-1].case.display_name, args.member, locale)
    total = sum(w.strikes for w in warnings)
    print(
        t(
            locale,
            "rules.cli.member_header",
            who=who,
            group=where,
            window=within,
            count=total,
        )
    )
    for warning in warnings:
        case = warning.case
        print(
            t(
                locale,
                "rules.cli.member_line",
                case=case.id,
                time=format_time(case.at, locale, config.core.timezone),
                reason=service.reason_text(case, locale),
                strikes=warning.strikes,
            )
        )
    return 0


async def _pardon(args: argparse.Namespace, locale: str) -> int:
    config = store.current
    number = cli.parse_number(args.case)
    now = timezone.now()
    muted = await Mute.filter(case_id=number, lifted=False, ends_at__gt=now).first()

    def offline(group: str):  # the bot's connection lives in the bot's process
        raise PlatformError("unmute", "offline")

    result = await service.pardon(
        number,
        actor=f"cli:{getpass.getuser()}",
        config=config,
        ports=offline,
        now=now,
    )
    case = result.case
    if case is None:
        raise cli.CliError("rules.cli.no_case", case=number)
    if result.already:
        raise cli.CliError("rules.cli.already", case=number)
    who = _who(case.display_name, case.user, locale)
    print(
        t(
            locale,
            "rules.cli.pardoned_case",
            case=case.id,
            group=cli.group_label(config, case.group, locale),
            who=who,
            count=result.strikes,
        )
    )
    if result.unblacklisted:
        print(t(locale, "rules.cli.unblacklisted"))
    if muted is not None:
        until = format_time(muted.ends_at, locale, config.core.timezone)
        cli.say(t(locale, "rules.cli.still_muted", who=who, until=until))
    return 0
