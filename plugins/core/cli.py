"""What every ``python manage.py <feature> …`` command shares.

manage.py finds a feature's command line in ``plugins/<feature>/cli.py``, which
provides three things::

    SUMMARY = "<feature>.cli.summary"        # its line in python manage.py --help
    def parser(locale: str) -> Parser:       # its subcommands, texts in locale
        ...
    async def run(args, locale: str) -> int: # config and database open; exit code
        ...

Everything an admin reads goes through the locale files (``core.cli.*`` here,
``<feature>.cli.*`` in the features), in ``core.locale`` of the YAML: argparse's
own words too (usage, options, its error messages). A command reports a
failure by raising :class:`CliError`; :func:`execute` prints it as one line on
stderr and returns its exit code, so an admin never sees a traceback.

Things are named as residents and staff see them in chat: a group
(``qq:123456``) and the number shown there (接龙 3, 投票 #2, 案件 #12; ``#``
and leading zeros are fine). The group may be left out when only one group
has that number (:func:`add_group_and_number`, :func:`ref_of`,
:func:`find_numbered`).
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections.abc import Awaitable, Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any, NoReturn

from .config import LinliConfig
from .i18n import t

PROG = "python manage.py"

# argparse's own texts (Python's gettext message ids) → linli's keys
_ARGPARSE = {
    "usage: ": "core.cli.argparse.usage",
    "positional arguments": "core.cli.argparse.positionals",
    "options": "core.cli.argparse.options",
    "show this help message and exit": "core.cli.argparse.help",
    "argument %(argument_name)s: %(message)s": "core.cli.argparse.argument",
    "the following arguments are required: %s": "core.cli.argparse.required",
    "unrecognized arguments: %s": "core.cli.argparse.unrecognized",
    "expected one argument": "core.cli.argparse.expected_one",
    "invalid choice: %(value)r (choose from %(choices)s)": "core.cli.argparse.choice",
    "invalid %(type)s value: %(value)r": "core.cli.argparse.invalid",
    "ambiguous option: %(option)s could match %(matches)s": (
        "core.cli.argparse.ambiguous"
    ),
    "not allowed with argument %s": "core.cli.argparse.not_allowed",
    "one of the arguments %s is required": "core.cli.argparse.one_of",
}

# Tortoise's migration commands, by name (others show Tortoise's English help)
TORTOISE = {
    "init": "core.cli.tortoise.init",
    "makemigrations": "core.cli.tortoise.makemigrations",
    "migrate": "core.cli.tortoise.migrate",
    "upgrade": "core.cli.tortoise.upgrade",
    "downgrade": "core.cli.tortoise.downgrade",
    "history": "core.cli.tortoise.history",
    "heads": "core.cli.tortoise.heads",
    "sqlmigrate": "core.cli.tortoise.sqlmigrate",
    "shell": "core.cli.tortoise.shell",
}


class CliError(Exception):
    """A failure worded for the admin: an i18n key, its values, the exit code."""

    def __init__(self, key: str, /, code: int = 1, **values: Any) -> None:
        self.key = key
        self.code = code
        self.values = values
        super().__init__(key)

    def text(self, locale: str) -> str:
        return t(locale, self.key, **self.values)


@contextmanager
def speaking(locale: str) -> Iterator[None]:
    """argparse's texts in ``locale`` while the block runs (argparse looks its
    words up through the module's ``_`` each time it needs one)."""
    previous = argparse._  # type: ignore[attr-defined]

    def translate(text: str) -> str:
        key = _ARGPARSE.get(text)
        return t(locale, key) if key else previous(text)

    argparse._ = translate  # type: ignore[attr-defined]
    try:
        yield
    finally:
        argparse._ = previous  # type: ignore[attr-defined]


def usage_error(parser: argparse.ArgumentParser, locale: str, message: str) -> NoReturn:
    """A usage error in one line on stderr, exit code 2 (not argparse's usage
    block followed by ``error: …``)."""
    line = t(locale, "core.cli.usage_error", prog=parser.prog, error=message)
    parser.exit(2, line + "\n")


def one_line_errors(parser: argparse.ArgumentParser, locale: str) -> None:
    """:func:`usage_error` for a parser built elsewhere (Tortoise's)."""
    parser.error = partial(usage_error, parser, locale)  # type: ignore[method-assign]


class Parser(argparse.ArgumentParser):
    """argparse in the admin's language; a usage error is one line (exit 2)."""

    def __init__(self, *args: Any, locale: str, **kwargs: Any) -> None:
        self.locale = locale
        kwargs.setdefault("formatter_class", argparse.RawDescriptionHelpFormatter)
        with speaking(locale):
            super().__init__(*args, **kwargs)

    def add_subparsers(self, **kwargs: Any) -> Any:
        kwargs.setdefault("parser_class", partial(Parser, locale=self.locale))
        kwargs.setdefault("title", t(self.locale, "core.cli.commands"))
        kwargs.setdefault("dest", "command")
        kwargs.setdefault("required", True)
        kwargs.setdefault("metavar", "COMMAND")
        return super().add_subparsers(**kwargs)

    def parse_known_args(self, *args: Any, **kwargs: Any) -> Any:
        with speaking(self.locale):
            return super().parse_known_args(*args, **kwargs)

    def format_usage(self) -> str:
        with speaking(self.locale):
            return super().format_usage()

    def format_help(self) -> str:
        with speaking(self.locale):
            return super().format_help()

    def error(self, message: str) -> NoReturn:
        usage_error(self, self.locale, message)


def parser(locale: str, feature: str, description: str) -> Parser:
    """The parser of ``python manage.py <feature>``."""
    return Parser(prog=f"{PROG} {feature}", description=description, locale=locale)


def command(
    commands: Any, name: str, help_text: str, epilog: str | None = None
) -> Parser:
    """One subcommand: its line in the list and its own ``--help``."""
    return commands.add_parser(
        name, help=help_text, description=help_text, epilog=epilog
    )


def file_arg(text: str) -> Path:
    """An argparse ``type`` for a file: the full path, printed so, no doubt where."""
    return Path(text).expanduser().resolve()


def day(locale: str) -> Callable[[str], date]:
    """An argparse ``type`` for ``YYYY-MM-DD``, with the error in ``locale``."""

    def parse(text: str) -> date:
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                t(locale, "core.cli.bad_date", value=text)
            ) from None

    return parse


# ---------------------------------------------------------------------------
# a group and a number, as chat shows them
# ---------------------------------------------------------------------------


def add_group_and_number(
    parser: argparse.ArgumentParser, locale: str, number_help: str
) -> None:
    """``[GROUP] NUMBER`` positionals (read them with :func:`ref_of`)."""
    group_help = t(locale, "core.cli.group_help")
    parser.add_argument("ref_group", nargs="?", metavar="GROUP", help=group_help)
    parser.add_argument("ref_number", nargs="?", metavar="NUMBER", help=number_help)


def parse_number(text: str) -> int:
    """``3``, ``#3``, ``#0002``, ``＃3`` → the number; CliError otherwise."""
    digits = text.strip().lstrip("#＃")
    if not digits.isascii() or not digits.isdigit():
        raise CliError("core.cli.bad_number", code=2, value=text)
    return int(digits)


@dataclass(frozen=True)
class Ref:
    group: str | None
    number: int


def ref_of(args: argparse.Namespace) -> Ref:
    """The group and number given as ``[GROUP] NUMBER``.

    argparse fills optional positionals from the left, so ``3`` alone lands in
    GROUP: a value is a group when it names a platform (``qq:``)."""
    groups, numbers = [], []
    for value in (args.ref_group, args.ref_number):
        if value is not None:
            (groups if ":" in value else numbers).append(value.strip())
    if len(groups) > 1:
        raise CliError("core.cli.two_groups", code=2, groups=", ".join(groups))
    if len(numbers) > 1:
        raise CliError("core.cli.two_numbers", code=2, numbers=", ".join(numbers))
    if not numbers:
        raise CliError("core.cli.no_number", code=2)
    return Ref(groups[0] if groups else None, parse_number(numbers[0]))


def group_label(config: LinliConfig, group: str, locale: str) -> str:
    """``qq:1000（3栋业主群）``: the id, and the name the YAML gives it."""
    name = config.group(group).name
    return t(locale, "core.cli.group_named", group=group, name=name) if name else group


async def check_group(
    config: LinliConfig, group: str, model: Any, locale: str, **where: Any
) -> None:
    """CliError unless ``group`` is in the YAML or ``model`` has rows of it."""
    if group in config.groups:
        return
    if await model.filter(group=group, **where).exists():
        return
    raise CliError(
        "core.cli.unknown_group",
        group=group,
        config=str(config.path),
        known=t(locale, "core.cli.sep").join(config.groups) or "-",
    )


async def find_numbered(
    model: Any,
    ref: Ref,
    *,
    locale: str,
    what: str,
    describe: Callable[[str], str] = str,
) -> Any:
    """The row of ``model`` with ``ref``'s number in ``ref``'s group. Without a
    group: the only row with that number; several → CliError naming their
    groups (``describe`` words a group, e.g. :func:`group_label`)."""
    shown = str(ref.number)
    if ref.group is not None:
        row = await model.get_or_none(group=ref.group, number=ref.number)
        if row is None:
            where = describe(ref.group)
            raise CliError("core.cli.not_found", what=what, number=shown, where=where)
        return row
    rows = await model.filter(number=ref.number).order_by("group")
    if not rows:
        raise CliError("core.cli.not_found_anywhere", what=what, number=shown)
    if len(rows) > 1:
        places = t(locale, "core.cli.sep").join(describe(row.group) for row in rows)
        raise CliError("core.cli.ambiguous", what=what, number=shown, places=places)
    return rows[0]


# ---------------------------------------------------------------------------
# files
# ---------------------------------------------------------------------------


def write_csv(path: Path, rows: Iterable[Sequence[Any]]) -> None:
    """UTF-8 with a BOM, so that Excel and WPS show the Chinese correctly."""
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f).writerows(rows)


# ---------------------------------------------------------------------------
# running a command, and python manage.py --help
# ---------------------------------------------------------------------------


def say(line: str) -> None:
    print(line, file=sys.stderr)


async def execute(work: Callable[[], Awaitable[int]], locale: str) -> int:
    """Await ``work``; any failure becomes one line on stderr and an exit code."""
    from tortoise.exceptions import DBConnectionError, OperationalError

    try:
        return await work()
    except CliError as exc:
        say(exc.text(locale))
        return exc.code
    except OSError as exc:
        say(
            t(
                locale,
                "core.cli.file",
                path=exc.filename or "",
                error=exc.strerror or str(exc),
            )
        )
        return 1
    except DBConnectionError as exc:
        say(t(locale, "core.cli.database", error=str(exc)))
        return 1
    except OperationalError as exc:
        say(t(locale, "core.cli.no_tables", error=str(exc)))
        return 1
    except Exception as exc:  # the admin gets one line, never a traceback
        say(t(locale, "core.cli.failed", error=f"{type(exc).__name__}: {exc}"))
        return 1


def tortoise_help(locale: str, name: str, english: str | None) -> str:
    """The line of one of Tortoise's commands, in ``locale`` when linli knows it."""
    key = TORTOISE.get(name)
    return t(locale, key) if key else english or ""


def overview(
    locale: str, features: list[tuple[str, str]], tortoise: list[tuple[str, str]]
) -> str:
    """``python manage.py --help``: linli's commands, then Tortoise's, as
    (name, line) pairs."""
    width = max(len(name) for name, _ in [*features, *tortoise]) + 2
    lines = [
        t(locale, "core.cli.usage", prog=PROG),
        "",
        t(locale, "core.cli.about"),
        "",
        t(locale, "core.cli.features"),
    ]
    lines += [f"  {name:<{width}}{text}" for name, text in features]
    lines += ["", t(locale, "core.cli.migrations")]
    lines += [f"  {name:<{width}}{text}" for name, text in tortoise]
    example = features[0][0] if features else "migrate"
    lines += ["", t(locale, "core.cli.more", prog=PROG, example=example)]
    return "\n".join(lines)


def unknown_command(locale: str, name: str) -> str:
    return t(locale, "core.cli.unknown_command", name=name, prog=PROG)


def config_broken(locale: str, path: Path, problems: str) -> str:
    return t(locale, "core.cli.config", path=str(path), problems=problems)


# ---------------------------------------------------------------------------
# python manage.py config (core's own command: no database, no YAML needed)
# ---------------------------------------------------------------------------

CONFIG_SUMMARY = "core.cli.config_summary"


def config_parser(locale: str) -> Parser:
    """``python manage.py config sample [--write]``."""
    from .sample import SHIPPED

    root = parser(locale, "config", t(locale, CONFIG_SUMMARY))
    commands = root.add_subparsers()
    sample = command(commands, "sample", t(locale, "core.cli.config_sample"))
    sample.add_argument(
        "--write",
        action="store_true",
        help=t(locale, "core.cli.config_write", path=str(SHIPPED)),
    )
    return root


async def run_config(args: argparse.Namespace, locale: str) -> int:
    """The assembled config/linli.yaml on stdout, or written with ``--write``."""
    from .sample import SHIPPED, assemble

    return _print_or_write(assemble(), SHIPPED, args.write, locale)


def _print_or_write(text: str, path: Path, write: bool, locale: str) -> int:
    """A generated file: written to ``path`` (and said so), or printed."""
    if write:
        path.write_text(text, encoding="utf-8", newline="\n")
        say(t(locale, "core.cli.config_written", path=str(path)))
    else:
        sys.stdout.write(text)
    return 0


NEW_PLUGIN_SUMMARY = "core.cli.new_plugin.summary"


def new_plugin_parser(locale: str) -> Parser:
    """``python manage.py new-plugin <name>``."""
    root = parser(locale, "new-plugin", t(locale, NEW_PLUGIN_SUMMARY))
    root.add_argument("name", help=t(locale, "core.cli.new_plugin.name"))
    return root


async def run_new_plugin(args: argparse.Namespace, locale: str) -> int:
    """Write plugins/<name>/ and tests/<name>/ from the scaffold."""
    from .sample import SHIPPED
    from .scaffold import ScaffoldError, create

    root = SHIPPED.parents[1]
    try:
        written = create(args.name, root)
    except ScaffoldError as exc:
        raise CliError(exc.key, code=2, **exc.values) from None
    paths = [str(root / "plugins" / args.name), str(root / "tests" / args.name)]
    say(
        t(
            locale,
            "core.cli.new_plugin.done",
            name=args.name,
            files=len(written),
            plugin=paths[0],
            tests=paths[1],
        )
    )
    return 0


DOCS_SUMMARY = "core.cli.docs.summary"


def docs_parser(locale: str) -> Parser:
    """``python manage.py docs [--write]``."""
    from .readme import README

    root = parser(locale, "docs", t(locale, DOCS_SUMMARY))
    root.add_argument(
        "--write",
        action="store_true",
        help=t(locale, "core.cli.docs.write", path=str(README)),
    )
    return root


async def run_docs(args: argparse.Namespace, locale: str) -> int:
    """README.md with its generated lists made afresh: printed, or written."""
    from .readme import README, render

    text = render(README.read_text(encoding="utf-8"))
    return _print_or_write(text, README, args.write, locale)
