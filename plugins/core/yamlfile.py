"""Read a YAML file and keep where every key stands, so errors can name the line."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

MERGE_TAG = "tag:yaml.org,2002:merge"


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
    # mistakes found while reading that still gave a document (duplicate keys)
    problems: list[YamlProblem] = field(default_factory=list)

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

    def has(self, loc: tuple[Any, ...]) -> bool:
        """Whether every key (or item) along ``loc`` is written in the file."""
        node = self.root
        for part in loc:
            found = _child(node, part)
            if found is None:
                return False
            node = found[1]
        return True


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


# what PyYAML says → what the admin reads
_PLAIN_PROBLEMS = [
    (
        "expected <block end>",
        "this line is indented differently from the lines around it "
        "(the keys of one block must start in the same column)",
    ),
    ("found character '\\t'", "a tab: indent with spaces, never with tabs"),
    (
        "that cannot start any token",
        "a character that cannot begin a value here "
        "(put text that begins with @, ` or % in quotes)",
    ),
    (
        "mapping values are not allowed here",
        "an unexpected ':' (put a value that contains ': ' in quotes, "
        "or check the indentation)",
    ),
    (
        "could not find expected ':'",
        "a line without ':' (every setting is written as key: value)",
    ),
    ("found undefined alias", "a *name that no &name defines"),
    ("found duplicate anchor", "the same &name is defined twice"),
]


def _plain(problem: str | None) -> str:
    text = problem or "not valid YAML"
    for needle, plain in _PLAIN_PROBLEMS:
        if needle in text:
            return plain
    return text


def _opened(context: str, text: str, mark: yaml.Mark) -> str | None:
    """The bracket or quote a flow construct or quoted text started with."""
    if "flow sequence" in context:
        return "["
    if "flow mapping" in context:
        return "{"
    if "quoted scalar" in context:
        char = text[mark.index : mark.index + 1]
        return char if char in "\"'" else "quote"
    return None


def syntax_problem(path: Path, text: str, exc: yaml.MarkedYAMLError) -> YamlProblem:
    """A PyYAML error as the admin's problem: where the mistake is, not only
    where the parser gave up (an unclosed ``[`` is noticed lines later)."""
    begin, end = exc.context_mark, exc.problem_mark
    problem = exc.problem or ""
    if end is None:
        line = begin.line + 1 if begin else None
        return YamlProblem(str(path), line, "", f"YAML syntax: {_plain(problem)}")
    end_line = end.line + 1
    if begin is None or begin.line == end.line or not exc.context:
        return YamlProblem(str(path), end_line, "", f"YAML syntax: {_plain(problem)}")
    begin_line = begin.line + 1
    opened = _opened(exc.context, text, begin)
    if opened is not None:
        # the end of the stream is past the last newline: name the last line
        last = min(end_line, len(text.splitlines()) or 1)
        where = (
            f"line {last}, the end of the file"
            if "end of stream" in problem or "stream end" in problem
            else f"line {end_line}"
        )
        return YamlProblem(
            str(path),
            begin_line,
            "",
            f"YAML syntax: the {opened} opened here is never closed "
            f"(noticed at {where})",
        )
    if "block collection" in exc.context or "block sequence" in exc.context:
        message = (
            f"a line that is not a '- ' item, inside the list that begins at line "
            f"{begin_line} (a list and key: value lines cannot share one block; "
            "check the indentation)"
        )
    elif "block mapping" in exc.context and "expected <block end>" in problem:
        message = (
            "this line is indented differently from the keys above it, in the "
            f"block that begins at line {begin_line} (the keys of one block start "
            "in the same column)"
        )
    else:
        what = exc.context.removeprefix("while parsing a ").removeprefix("while ")
        message = f"{_plain(problem)} (in the {what} that begins at line {begin_line})"
    return YamlProblem(str(path), end_line, "", f"YAML syntax: {message}")


def _duplicates(
    loader: yaml.SafeLoader,
    node: yaml.Node,
    path: tuple[str, ...],
    file: str,
    seen: set[int],
) -> list[YamlProblem]:
    """Keys written twice in one mapping, at any depth (YAML keeps the last)."""
    if id(node) in seen:
        return []
    seen.add(id(node))
    out: list[YamlProblem] = []
    if isinstance(node, yaml.MappingNode):
        first: dict[Any, yaml.Node] = {}
        for key_node, value_node in node.value:
            if key_node.tag == MERGE_TAG:
                out += _duplicates(loader, value_node, path, file, seen)
                continue
            key: Any = None
            if isinstance(key_node, yaml.ScalarNode):
                try:
                    key = loader.construct_object(key_node)
                    hash(key)
                except (yaml.YAMLError, TypeError):
                    key = None
            name = str(key if key is not None else key_node.value)
            if key is not None:
                before = first.get(key)
                if before is not None:
                    line1 = before.start_mark.line + 1
                    line2 = key_node.start_mark.line + 1
                    where = (
                        f"twice on line {line1}"
                        if line1 == line2
                        else f"twice, at line {line1} and at line {line2}"
                    )
                    out.append(
                        YamlProblem(
                            file,
                            line2,
                            ".".join((*path, name)),
                            f"{name} is written {where}: only the last one would "
                            "count; write it once (merge the two)",
                        )
                    )
                else:
                    first[key] = key_node
            out += _duplicates(loader, value_node, (*path, name), file, seen)
    elif isinstance(node, yaml.SequenceNode):
        for number, item in enumerate(node.value):
            out += _duplicates(loader, item, (*path, str(number)), file, seen)
    return out


def read_yaml(path: Path) -> YamlDocument:
    """Parse ``path``; a syntax error becomes a YamlProblem with its line, and
    keys written twice are listed in ``problems``."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise YamlProblem(str(path), None, "", "file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise YamlProblem(str(path), None, "", f"cannot read: {exc}") from None
    loader: yaml.SafeLoader | None = None
    try:
        loader = yaml.SafeLoader(text)
        root = loader.get_single_node()
        problems = (
            _duplicates(loader, root, (), str(path), set()) if root is not None else []
        )
        data = loader.construct_document(root) if root is not None else None
    except yaml.MarkedYAMLError as exc:
        raise syntax_problem(path, text, exc) from None
    except yaml.reader.ReaderError as exc:  # a control character
        line = text[: exc.position].count("\n") + 1
        raise YamlProblem(
            str(path),
            line,
            "",
            f"YAML syntax: a control character (#x{exc.character:04x}) that YAML "
            "does not allow; delete it or write the text in quotes with \\x escapes",
        ) from None
    except yaml.YAMLError as exc:
        raise YamlProblem(str(path), None, "", f"YAML syntax: {exc}") from None
    finally:
        if loader is not None:
            loader.dispose()
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise YamlProblem(str(path), 1, "", "the top level must be a mapping of keys")
    return YamlDocument(path=path, data=data, root=root, problems=problems)
