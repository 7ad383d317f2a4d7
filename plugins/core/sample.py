"""The admin's file, config/linli.yaml, put together from the plugins' parts.

Each feature keeps its commented section next to its ``config.py``, in
``plugins/<name>/config.yaml``; core keeps its own there too, plus the file's
header (``config.header.yaml``) and the ``groups:`` part
(``config.groups.yaml``). :func:`assemble` joins them, one blank line
between parts, in this order:

    header, core, rules, faq, signup, vote, tickets, notices,
    any other plugin (alphabetically), groups

``python manage.py config sample`` prints the result, ``--write`` writes it
to config/linli.yaml (a test checks that the shipped file is the assembly).
"""

from __future__ import annotations

from pathlib import Path

PLUGINS = Path(__file__).resolve().parents[1]
SHIPPED = PLUGINS.parent / "config/linli.yaml"
PART = "config.yaml"
HEADER = "config.header.yaml"
GROUPS = "config.groups.yaml"
# the features' order in the file; a plugin not listed comes after, by name
ORDER = ("rules", "faq", "signup", "vote", "tickets", "notices")


def _text(path: Path) -> str:
    """A part as it is joined: no blank lines around it, one final newline."""
    return path.read_text(encoding="utf-8").strip("\n") + "\n"


def features(plugins: Path = PLUGINS) -> list[str]:
    """The plugins (folders of ``plugins``) with a section, in the file's order."""
    names = [
        path.parent.name
        for path in plugins.glob(f"*/{PART}")
        if path.parent.name != "core"
    ]
    return sorted(
        names, key=lambda n: (ORDER.index(n) if n in ORDER else len(ORDER), n)
    )


def parts(plugins: Path = PLUGINS) -> list[Path]:
    """The files config/linli.yaml is made of, in order."""
    core = plugins / "core"
    sections = [plugins / name / PART for name in features(plugins)]
    return [core / HEADER, core / PART, *sections, core / GROUPS]


def assemble(plugins: Path = PLUGINS) -> str:
    """The text of config/linli.yaml."""
    return "\n".join(_text(path) for path in parts(plugins))
