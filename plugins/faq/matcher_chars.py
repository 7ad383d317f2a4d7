"""The character matcher linli shipped before issue 17 (rapidfuzz on n-grams).

Kept only so that ``bench/faq_quality.py`` can print today's and the new
matcher's results side by side in one run; the plugin does not use it.
``OLD_SETTINGS`` are the thresholds and word lists shipped with it.
"""

from __future__ import annotations

import heapq
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import chain

import ahocorasick
from rapidfuzz import fuzz

from plugins.core.normalize import compact, normalize

CONTAINS_BASE = 0.8  # a contained question or keyword rule, before coverage
MAX_POSTING = 64  # grams shared by more questions than this are too common
MAX_GRAMS = 16  # at most this many (the rarest) grams of a message are looked up
SHORTLIST = 5  # questions scored by rapidfuzz per message
MIN_SHARED = 0.25  # share of the message's grams a candidate must have
RELATIVE = 0.5  # … and at least this share of what the best candidate has
PER_ENTRY = 3  # wordings of one entry scored per message


# what plugins/faq/config.yaml shipped with this matcher
OLD_SETTINGS = {
    "answer_threshold": 0.8,
    "suggest_threshold": 0.6,
    "suggest_count": 3,
    "statement_penalty": 0.1,
    "question_words": [
        "?", "吗", "么", "呢", "怎么", "怎样", "如何", "几点", "几号", "多少", "哪里",
        "哪儿", "在哪", "什么时候", "什么", "啥", "谁", "能不能", "可不可以", "可以吗",
        "是否", "请问", "有没有", "是不是", "想问", "想知道", "咨询",
        "what", "when", "where", "which", "how do", "how can", "how much", "how to",
        "who do", "who is", "can i", "is there", "are there",
    ],
    "ignore_words": [
        "请问一下", "请问", "问一下", "问下", "想问", "你好", "您好", "大家好", "各位",
        "麻烦", "谢谢", "一下", "咱们", "我们", "小区", "的", "啊", "呀", "呢", "吧",
        "哈", "了",
    ],
}  # fmt: skip


@dataclass(frozen=True)
class Entry:
    """One question/answer pair, from the YAML file or taught in chat."""

    key: str  # "12" for an entry taught in chat, the YAML id otherwise
    answer: str
    questions: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    mode: str = "fuzzy"  # exact | contains | regex | fuzzy
    groups: frozenset[str] = frozenset()
    tags: frozenset[str] = frozenset()
    active_hours: tuple[tuple[int, int], ...] = ()  # minutes of the day, [start, end)
    source: str = "yaml"  # yaml | taught

    @property
    def title(self) -> str:
        """What a resident sees in a suggestion list."""
        if self.questions and self.mode != "regex":
            return self.questions[0]
        if self.keywords:
            return self.keywords[0].split("+")[0].split("|")[0].strip()
        return self.answer.splitlines()[0][:20] if self.answer else self.key

    def in_scope(self, group: str | None, tags: Iterable[str] = ()) -> bool:
        if not self.groups and not self.tags:
            return True
        if group is not None and group in self.groups:
            return True
        return bool(self.tags.intersection(tags))

    def active_at(self, minute: int | None) -> bool:
        if not self.active_hours or minute is None:
            return True
        for start, end in self.active_hours:
            if start <= end:
                if start <= minute < end:
                    return True
            elif minute >= start or minute < end:  # over midnight: 22:00-06:00
                return True
        return False


@dataclass(frozen=True)
class Match:
    entry: Entry
    score: float
    how: str  # exact | contains | keyword | fuzzy | regex


_HOURS = re.compile(r"^\s*(\d{1,2})[:：](\d{2})\s*[-~～—]\s*(\d{1,2})[:：](\d{2})\s*$")


def parse_hours(text: str) -> tuple[int, int]:
    """``"08:00-21:00"`` → minutes (480, 1260); ValueError when malformed."""
    found = _HOURS.match(text)
    if found is None:
        raise ValueError(f"{text!r} is not a time range like 08:00-21:00")
    h1, m1, h2, m2 = (int(x) for x in found.groups())
    if h1 > 24 or h2 > 24 or m1 > 59 or m2 > 59:
        raise ValueError(f"{text!r} is not a time range like 08:00-21:00")
    return h1 * 60 + m1, h2 * 60 + m2


def parse_keyword(rule: str) -> list[list[str]]:
    """``"健身房 + 几点|开门"`` → ``[["健身房"], ["几点", "开门"]]`` (compact).

    Terms joined by ``+`` must all appear; ``|`` separates alternatives.
    """
    terms = []
    for part in rule.split("+"):
        alts = [compact(a) for a in part.split("|")]
        alts = [a for a in alts if a]
        if alts:
            terms.append(alts)
    return terms


def looks_like_question(text: str, words: Sequence[str]) -> bool:
    """A question mark or a question word (``吗 怎么 几点 多少 …``) in ``text``."""
    norm = normalize(text)
    return any(w and normalize(w) in norm for w in words)


class Stripper:
    """Removes filler words (``请问 你好 啊``) before fuzzy comparison."""

    def __init__(self, words: Iterable[str]) -> None:
        cleaned = sorted({compact(w) for w in words if compact(w)}, key=len)[::-1]
        self._pattern = (
            re.compile("|".join(re.escape(w) for w in cleaned)) if cleaned else None
        )

    def __call__(self, compact_text: str) -> str:
        if self._pattern is None:
            return compact_text
        return self._pattern.sub("", compact_text)


def _grams(text: str) -> set[str]:
    if len(text) < 2:
        return {text} if text else set()
    return {text[i : i + 2] for i in range(len(text) - 1)}


def fuzzy_score(message: str, question: str) -> float:
    """Similarity of two compact texts in [0, 1] (rapidfuzz, character level)."""
    if not message or not question:
        return 0.0
    score = fuzz.ratio(message, question) / 100
    shorter, longer = sorted((message, question), key=len)
    if len(shorter) >= 3 and len(longer) > len(shorter):
        # the question said inside a longer message (or the other way round),
        # worth less the more the longer text has besides it
        partial = fuzz.partial_ratio(shorter, longer) / 100
        score = max(score, partial * (0.6 + 0.4 * len(shorter) / len(longer)))
    return score


@dataclass
class _Rule:
    """A question variant (one term) or a keyword rule (terms joined by +).

    Only the rarest term (the anchor) goes into the automaton; the others are
    checked when the anchor is found, so a word that many rules share (几点,
    多少钱) does not make every message visit all of those rules.
    """

    how: str  # contains (a question variant) | keyword
    anchor: int
    terms: list[list[str]]


@dataclass
class Index:
    """Everything needed to match a message against a set of entries."""

    entries: list[Entry]
    ignore_words: Sequence[str] = ()
    statement_penalty: float = 0.1
    _exact: dict[str, list[int]] = field(default_factory=dict, init=False)
    _rules: list[list[_Rule]] = field(default_factory=list, init=False)
    _automaton: ahocorasick.Automaton | None = field(default=None, init=False)
    _variants: list[tuple[int, str, int]] = field(default_factory=list, init=False)
    _postings: dict[str, tuple[int, ...]] = field(default_factory=dict, init=False)
    _regex: list[tuple[int, list[re.Pattern[str]]]] = field(
        default_factory=list, init=False
    )

    def __post_init__(self) -> None:
        self.strip = Stripper(self.ignore_words)
        postings: dict[str, list[int]] = {}
        for eidx, entry in enumerate(self.entries):
            rules: list[_Rule] = []
            self._rules.append(rules)
            if entry.mode == "regex":
                compiled = [re.compile(q) for q in entry.questions]
                self._regex.append((eidx, compiled))
                continue
            for question in entry.questions:
                text = compact(question)
                if not text:
                    continue
                self._exact.setdefault(text, []).append(eidx)
                if entry.mode == "exact":
                    continue
                rules.append(_Rule("contains", 0, [[text]]))
                if entry.mode == "fuzzy":
                    fuzzy_text = self.strip(text) or text
                    grams = _grams(fuzzy_text)
                    vid = len(self._variants)
                    self._variants.append((eidx, fuzzy_text, len(grams)))
                    for gram in grams:
                        postings.setdefault(gram, []).append(vid)
            if entry.mode == "exact":
                continue
            for keyword in entry.keywords:
                terms = parse_keyword(keyword)
                if terms:
                    rules.append(_Rule("keyword", 0, terms))
        self._postings = {g: tuple(v) for g, v in postings.items()}
        self._build_automaton()

    def _build_automaton(self) -> None:
        uses = Counter(
            alt
            for rules in self._rules
            for rule in rules
            for alts in rule.terms
            for alt in set(alts)
        )
        patterns: dict[str, list[tuple[int, int]]] = {}
        for eidx, rules in enumerate(self._rules):
            for ridx, rule in enumerate(rules):
                rule.anchor = min(
                    range(len(rule.terms)),
                    key=lambda t, r=rule: sum(uses[a] for a in r.terms[t]),
                )
                for alt in rule.terms[rule.anchor]:
                    patterns.setdefault(alt, []).append((eidx, ridx))
        if patterns:
            automaton = ahocorasick.Automaton()
            for text, hits in patterns.items():
                automaton.add_word(text, (len(text), tuple(hits)))
            automaton.make_automaton()
            self._automaton = automaton

    def __len__(self) -> int:
        return len(self.entries)

    def match(
        self,
        text: str,
        *,
        question_like: bool,
        group: str | None = None,
        tags: Iterable[str] = (),
        minute: int | None = None,
        limit: int = 5,
    ) -> list[Match]:
        """The best entries for ``text``, best first, one match per entry."""
        whole = compact(text)
        if not whole:
            return []
        best: dict[int, Match] = {}

        def offer(eidx: int, score: float, how: str) -> None:
            if not question_like and how not in ("exact", "regex"):
                score -= self.statement_penalty  # statements are rarely questions
            found = best.get(eidx)
            if found is None or score > found.score:
                best[eidx] = Match(self.entries[eidx], round(score, 4), how)

        for eidx in self._exact.get(whole, ()):
            offer(eidx, 1.0, "exact")
        self._contained(whole, offer)
        if not any(m.how == "exact" for m in best.values()):
            self._fuzzy(whole, offer)  # nothing could beat the whole question
        if self._regex:
            norm = normalize(text)
            for eidx, patterns in self._regex:
                if any(p.search(norm) for p in patterns):
                    offer(eidx, 1.0, "regex")

        tags = tuple(tags)
        usable = [
            m
            for m in best.values()
            if m.entry.in_scope(group, tags) and m.entry.active_at(minute)
        ]
        # ties: taught entries first, then the order of the entries (stable
        # across restarts; no set or hash order decides)
        order = {id(entry): i for i, entry in enumerate(self.entries)}
        usable.sort(
            key=lambda m: (-m.score, m.entry.source != "taught", order[id(m.entry)])
        )
        return usable[:limit]

    def _contained(self, whole: str, offer) -> None:
        if self._automaton is None:
            return
        # (entry, rule) -> longest anchor found
        anchors: dict[tuple[int, int], int] = {}
        for _end, (length, hits) in self._automaton.iter(whole):
            for hit in hits:
                if anchors.get(hit, 0) < length:
                    anchors[hit] = length
        size = len(whole)
        for (eidx, ridx), length in anchors.items():
            rule = self._rules[eidx][ridx]
            covered = length
            for tidx, alts in enumerate(rule.terms):
                if tidx == rule.anchor:
                    continue
                longest = max((len(a) for a in alts if a in whole), default=0)
                if not longest:
                    break
                covered += longest
            else:
                coverage = min(1.0, covered / size)
                if coverage >= 1.0 and rule.how == "contains":
                    offer(eidx, 1.0, "exact")
                else:
                    offer(
                        eidx, CONTAINS_BASE + (1 - CONTAINS_BASE) * coverage, rule.how
                    )

    def _fuzzy(self, whole: str, offer) -> None:
        if not self._postings:
            return
        message = self.strip(whole) or whole
        grams = _grams(message)
        lists = [  # in gram order, not set order: the same answer after a restart
            posting
            for gram in sorted(grams)
            if (posting := self._postings.get(gram)) and len(posting) <= MAX_POSTING
        ]
        if not lists:
            return
        if len(lists) > MAX_GRAMS:
            lists = heapq.nsmallest(MAX_GRAMS, lists, key=len)
        counts = Counter(chain.from_iterable(lists))
        ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
        # a candidate sharing far fewer grams than the best one is noise
        need = max(1, MIN_SHARED * len(grams), RELATIVE * ranked[0][1])
        per_entry: dict[int, int] = {}
        scored = 0
        for vid, count in ranked:
            if count < need or scored == SHORTLIST:
                break
            eidx, question, _ = self._variants[vid]
            seen = per_entry.get(eidx, 0)
            if seen == PER_ENTRY:
                continue  # its best wordings are already on the list
            per_entry[eidx] = seen + 1
            scored += 1
            offer(eidx, fuzzy_score(message, question), "fuzzy")
