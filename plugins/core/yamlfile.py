"""Read a YAML file and keep where every key stands, so errors can name the line."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml


@dataclass
class YamlProblem(Exception):
    """A problem in an admin's YAML file, worded for the admin."""

    file: str
    line: int | None
    key: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        key = f" [{self.key}]" if self.key else ""
        return f"{where}{key}: {self.message}"


@dataclass
class YamlDocument:
    path: Path
    data: Any
    root: yaml.Node | None

    def line_of(self, loc: tuple[Any, ...]) -> int | None:
        """1-based line of the deepest key (or item) that exists along ``loc``."""
        node = self.root
        line = node.start_mark.line + 1 if node is not None else None
        for part in loc:
            found = _child(node, part)
            if found is None:
                break
            mark, node = found
            line = mark.line + 1
        return line


def _child(node: yaml.Node | None, part: Any) -> tuple[yaml.Mark, yaml.Node] | None:
    """The entry ``part`` of ``node``: where its key stands, and its value."""
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if str(key.value) == str(part):
                return key.start_mark, value
    if (
        isinstance(node, yaml.SequenceNode)
        and isinstance(part, int)
        and 0 <= part < len(node.value)
    ):
        item = node.value[part]
        return item.start_mark, item
    return None


def read_yaml(path: Path) -> YamlDocument:
    """Parse ``path``; a syntax error becomes a YamlProblem with its line."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise YamlProblem(str(path), None, "", "file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise YamlProblem(str(path), None, "", f"cannot read: {exc}") from None
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise YamlProblem(str(path), line, "", f"YAML syntax: {exc.problem}") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise YamlProblem(str(path), 1, "", "the top level must be a mapping of keys")
    return YamlDocument(path=path, data=data, root=root)
