"""Banned words, wildcards and regexes: one Aho-Corasick automaton, one regex.

Every list (words, ad phrases, fraud phrases) goes into the same automaton, each
key carrying which entries it belongs to, so the cost of scanning a message
depends on the message, not on how many words there are. Entries and messages
are compared after ``compact`` (full-width, case, zero-width characters,
spacing and punctuation tricks, traditional characters folded).

- ``傻逼``: a literal. An entry of plain ASCII letters and digits (``cnm``) must
  stand alone in the message (``usb`` does not contain ``sb``).
- ``免费*鸡蛋``: a wildcard: the parts in order, at most ``gap`` characters
  between them. Every part is a key of the automaton.
- ``re:…``: a regular expression on the compacted text. All regexes of all
  lists are joined into ONE alternation compiled once.

A list whose name has a colon (``ads:cta``, a signal of the scored evidence)
reports every distinct entry found, not just the first.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from plugins.core import compact

from .textmap import Compacted, compacted

try:  # the C implementation; pure Python below if it is missing
    import ahocorasick as _ahocorasick
except ImportError:  # pragma: no cover - exercised by forcing the fallback
    _ahocorasick = None

_ASCII_WORD = re.compile(r"^[a-z0-9]+$")


@dataclass(frozen=True)
class Entry:
    rule: str
    raw: str
    parts: tuple[str, ...]
    ascii_word: bool = False
    key: str = ""  # the rule, or rule + entry for signal lists


@dataclass(frozen=True)
class WordHit:
    rule: str
    entry: str
    start: int  # in the compacted text
    end: int


class PyAutomaton:
    """A small Aho-Corasick automaton, used when pyahocorasick is not installed."""

    def __init__(self) -> None:
        self._goto: list[dict[str, int]] = [{}]
        self._fail: list[int] = [0]
        self._out: list[list[tuple[str, object]]] = [[]]

    def add_word(self, key: str, value: object) -> None:
        node = 0
        for ch in key:
            nxt = self._goto[node].get(ch)
            if nxt is None:
                nxt = len(self._goto)
                self._goto[node][ch] = nxt
                self._goto.append({})
                self._fail.append(0)
                self._out.append([])
            node = nxt
        self._out[node].append((key, value))

    def make_automaton(self) -> None:
        queue = list(self._goto[0].values())
        for child in queue:
            self._fail[child] = 0
        i = 0
        while i < len(queue):
            node = queue[i]
            i += 1
            for ch, child in self._goto[node].items():
                queue.append(child)
                f = self._fail[node]
                while f and ch not in self._goto[f]:
                    f = self._fail[f]
                target = self._goto[f].get(ch, 0)
                self._fail[child] = target if target != child else 0
                self._out[child] = self._out[child] + self._out[self._fail[child]]

    def iter(self, text: str) -> Iterable[tuple[int, object]]:
        node = 0
        goto, fail, out = self._goto, self._fail, self._out
        for i, ch in enumerate(text):
            while node and ch not in goto[node]:
                node = fail[node]
            node = goto[node].get(ch, 0)
            for _, value in out[node]:
                yield i, value


def _new_automaton(force_python: bool) -> object:
    if _ahocorasick is not None and not force_python:
        return _ahocorasick.Automaton()
    return PyAutomaton()


@dataclass
class WordMatcher:
    """All word lists of one configuration, compiled once."""

    lists: Mapping[str, Sequence[str]]
    gap: int = 6
    force_python: bool = False
    entries: list[Entry] = field(default_factory=list, init=False)
    regex: re.Pattern[str] | None = field(default=None, init=False)
    _regex_rules: dict[str, tuple[str, str]] = field(default_factory=dict, init=False)
    _automaton: object | None = field(default=None, init=False)
    _multi: frozenset[str] = field(default=frozenset(), init=False)

    def __post_init__(self) -> None:
        self._multi = frozenset(r for r in self.lists if ":" in r)
        keys: dict[str, list[tuple[int, int]]] = {}
        alternatives: list[str] = []
        for rule, words in self.lists.items():
            for raw in words:
                if raw.startswith("re:"):
                    name = f"r{len(alternatives)}"
                    alternatives.append(f"(?P<{name}>{raw[3:]})")
                    self._regex_rules[name] = (rule, raw)
                    continue
                parts = tuple(p for p in (compact(s) for s in raw.split("*")) if p)
                if not parts:
                    continue
                entry = Entry(
                    rule,
                    raw,
                    parts,
                    ascii_word=len(parts) == 1 and bool(_ASCII_WORD.match(parts[0])),
                    key=f"{rule}\0{raw}" if rule in self._multi else rule,
                )
                index = len(self.entries)
                self.entries.append(entry)
                for part_no, part in enumerate(parts):
                    keys.setdefault(part, []).append((index, part_no))
        if keys:
            automaton = _new_automaton(self.force_python)
            for key, refs in keys.items():
                automaton.add_word(key, (len(key), tuple(refs)))  # type: ignore[attr-defined]
            automaton.make_automaton()  # type: ignore[attr-defined]
            self._automaton = automaton
        if alternatives:
            self.regex = re.compile("|".join(alternatives))

    def __len__(self) -> int:
        return len(self.entries) + len(self._regex_rules)

    def scan(self, text: str | Compacted) -> list[WordHit]:
        """Every rule hit in ``text``: at most one per rule, except for signal
        lists (``ads:cta``), which give one per distinct entry."""
        target = text if isinstance(text, Compacted) else compacted(text)
        flat = target.text
        hits: dict[str, WordHit] = {}
        multi = self._multi
        if self._automaton is not None and flat:
            occurrences: dict[int, list[list[tuple[int, int]]]] = {}
            for end, (length, refs) in self._automaton.iter(flat):  # type: ignore[attr-defined]
                start = end + 1 - length
                for index, part_no in refs:
                    entry = self.entries[index]
                    key = entry.key
                    if key in hits:
                        continue
                    if len(entry.parts) == 1:
                        if entry.ascii_word and not target.stands_alone(start, end + 1):
                            continue
                        hits[key] = WordHit(entry.rule, entry.raw, start, end + 1)
                        continue
                    slots = occurrences.setdefault(
                        index, [[] for _ in range(len(entry.parts))]
                    )
                    slots[part_no].append((start, end + 1))
                    if part_no == len(entry.parts) - 1:
                        span = _chain(slots, self.gap)
                        if span is not None:
                            hits[key] = WordHit(entry.rule, entry.raw, *span)
        if self.regex is not None and flat:
            for match in self.regex.finditer(flat):
                rule, raw = self._regex_rules[match.lastgroup or ""]
                key = f"{rule}\0{raw}" if rule in multi else rule
                if key not in hits:
                    hits[key] = WordHit(rule, raw, match.start(), match.end())
                if not multi and len(hits) == len(self.lists):
                    break
        return list(hits.values())


def _chain(slots: list[list[tuple[int, int]]], gap: int) -> tuple[int, int] | None:
    """A run of the parts in order, each starting at most ``gap`` after the last."""

    def extend(part_no: int, prev_end: int) -> int | None:
        if part_no == len(slots):
            return prev_end
        for start, end in slots[part_no]:
            if prev_end <= start <= prev_end + gap:
                found = extend(part_no + 1, end)
                if found is not None:
                    return found
        return None

    for start, end in slots[0]:
        found = extend(1, end)
        if found is not None:
            return start, found
    return None
