"""The README's lists of features, made from each plugin's metadata.

Two blocks of README.md are generated, between ``<!-- generated: NAME -->``
and ``<!-- end of generated: NAME -->``:

- ``features``: the table at the top (name, what residents type, the guide),
  from each feature's help texts (``<feature>.help.name`` and ``.resident``
  in zh-CN and en) and its folder's README.md;
- ``layout``: the features' lines of the project layout, from the metadata's
  ``description``.

``python manage.py docs --write`` rewrites them (a test fails when they are
stale), so adding a plugin edits no shared list by hand.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from nonebot import get_plugin

from .help import topics
from .i18n import t
from .sample import ORDER, PLUGINS

README = PLUGINS.parent / "README.md"
_BLOCK = re.compile(
    r"(<!-- generated: (?P<name>\w+) -->\n).*?(<!-- end of generated: (?P=name) -->)",
    re.DOTALL,
)


@dataclass(frozen=True)
class Feature:
    name: str
    description: str
    help: str


def features() -> list[Feature]:
    """The loaded features with help texts (as /帮助 finds them), in
    config/linli.yaml's order."""
    found = []
    for topic in topics():
        plugin = get_plugin(topic.plugin)
        if topic.plugin == "core" or plugin is None or plugin.metadata is None:
            continue
        found.append(Feature(topic.plugin, plugin.metadata.description, topic.prefix))
    rank = {name: i for i, name in enumerate(ORDER)}
    return sorted(found, key=lambda f: (rank.get(f.name, len(ORDER)), f.name))


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def features_table() -> str:
    lines = [
        "| Feature / 功能 | Residents type / 居民怎么用 | Guide |",
        "|---|---|---|",
    ]
    for f in features():
        zh, en = t("zh-CN", f"{f.help}.name"), t("en", f"{f.help}.name")
        name = zh if zh == en else f"{zh} {en}"
        guide = f"plugins/{f.name}/README.md"
        # a staff-only feature (the console) shows what staff type instead
        said = t("zh-CN", f"{f.help}.resident") or t("zh-CN", f"{f.help}.manage")
        resident = _cell(said.strip())
        lines.append(f"| {_cell(name)} ({f.name}) | {resident} | [{guide}]({guide}) |")
    return "\n".join(lines) + "\n"


def layout() -> str:
    lines = ["```"]
    for f in features():  # the column of the layout above; a long name pushes it
        lines.append(f"{f'plugins/{f.name}/':<20} {f.description}")
    lines.append("```")
    return "\n".join(lines) + "\n"


BLOCKS = {"features": features_table, "layout": layout}


def render(text: str) -> str:
    """``text`` (the README) with every generated block made afresh."""

    def fresh(match: re.Match[str]) -> str:
        make = BLOCKS.get(match["name"])
        if make is None:
            return match[0]
        return match[1] + make() + match[3]

    return _BLOCK.sub(fresh, text)
