"""The matching engine: which entry answers a message, and how sure we are.

Pure Python, no NoneBot and no database, so it can be tested and benchmarked
alone. Per message:

- exact questions: one dict lookup on the compact text;
- keyword rules (and the questions of ``contains`` entries): ONE Aho-Corasick
  automaton over every pattern of every entry;
- words (``fuzzy`` entries, the default): the message is cut into words
  (``words.Analyzer``: jieba, synonyms, 三栋 = 3栋) and compared with every
  question that shares a word with it. Each word weighs what it tells apart
  in THIS FAQ (BM25's idf over the entries' own questions: a word most
  questions have weighs little), and the score is the weighted share of
  words both have (2 × shared / (message + question)), so scores compare
  across entries. An inverted index over the words gives the candidates;
  words too light to lift any candidate to ``FLOOR`` on their own are not
  looked up, so the cost does not grow with the number of entries;
- a question contained in the message is evidence, not a verdict: it scores
  by how much of the message it covers;
- regex entries are tried one by one (admins write a few of them).

When the message and an entry each name a building, unit, room, number or
facility and they differ (3栋 / 5栋), the match carries ``conflict`` and is
never answered directly. Ties go to taught entries, then the entries' order.

Scores are confidences in [0, 1]; the caller compares them with the
thresholds of the config.
"""

from __future__ import annotations

import heapq
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import ahocorasick
from rapidfuzz import fuzz

from plugins.core.normalize import compact, normalize

from .words import Analyzer, analyzer, conflict, kind_of, named

CONTAINS_BASE = 0.8  # a keyword rule (or a contains entry's question), before coverage
EVIDENCE_BASE = 0.5  # a fuzzy entry's question contained in a longer message
FLOOR = 0.4  # matches below this are not offered
OPEN = 0.6  # questions that cannot reach this on whole words are not looked for
PSEUDO_DOCS = 20  # idf smoothing: a small FAQ does not make every word rare
SOFT = 1.0  # credit of a word only partly shared (外国 / 国外, 流泪 / 流眼泪)
SOFT_MIN = 0.5  # … when at least this share of their characters is common
CHARS = 0.15  # share of character similarity in the score of the best questions
SOFT_FROM = 0.3  # … looked for in questions scoring at least this on whole words
RESCORE = 6  # questions scored in full (partly shared words, characters)
RETRIEVE_MARGIN = 0.3  # questions this far below the best found are not looked for
LIGHT = 0.5  # weight factor of question and function words (怎么, 是, 有 …)
# words that carry little on their own, in any FAQ (written for linli)
LIGHT_WORDS = " ".join(
    [
        "怎么 什么 多少 谁 吗 么 呢 是 有 在 可以 能 要 会 和 与",
        "跟 还 都 就 也 又 去 到 给 把 被 让 这 那 这个 那个",
        "哪个 一个 个 些 有没有 是不是 能不能 可不可以 没有 不 没 多",
        "好 吧 需要 应该 为什么 如何 怎样 我 你 他 她 它 我家 自己",
        "大家 现在 今天 知道 问 找 办 做 弄 用 说 想 得 地 着 过",
        "下 上 里 中",
    ]
).split()


# 停不停 开不开 有没有 收没收: the A-not-A question, whatever the verb
_A_NOT_A = re.compile(r"([\u4e00-\u9fff])[不没]\1")


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
    conflict: str = ""  # what the message and the entry name differently (3栋/5栋)


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
    """A question mark, a question word (``吗 怎么 几点 多少 …``) or an
    A-not-A question (``停不停``) in ``text``."""
    norm = normalize(text)
    return any(w and normalize(w) in norm for w in words) or bool(_A_NOT_A.search(norm))


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
class _Question:
    """One fuzzy question of an entry, as words."""

    entry: int
    words: dict[str, float]  # word -> weight
    total: float  # sum of the weights
    text: str  # the words joined, for the character similarity
    loose: list[tuple[str, frozenset[str], float]]  # words that may be partly shared
    named: dict[str, frozenset[str]]


@dataclass
class Index:
    """Everything needed to match a message against a set of entries."""

    entries: list[Entry]
    ignore_words: Sequence[str] = ()
    statement_penalty: float = 0.1
    synonyms: Sequence[Sequence[str]] = ()
    words: Sequence[str] = ()  # extra words the segmenter keeps whole
    _exact: dict[str, list[int]] = field(default_factory=dict, init=False)
    _rules: list[list[_Rule]] = field(default_factory=list, init=False)
    _automaton: ahocorasick.Automaton | None = field(default=None, init=False)
    _questions: list[_Question] = field(default_factory=list, init=False)
    _postings: dict[str, tuple[int, ...]] = field(default_factory=dict, init=False)
    _regex: list[tuple[int, list[re.Pattern[str]]]] = field(
        default_factory=list, init=False
    )
    _named: list[dict[str, frozenset[str]]] = field(default_factory=list, init=False)

    def __post_init__(self) -> None:
        self.strip = Stripper(self.ignore_words)
        self.analyzer: Analyzer = analyzer(
            tuple(tuple(g) for g in self.synonyms),
            tuple(self.ignore_words),
            tuple(self.words),
        )
        texts: list[tuple[int, tuple[str, ...]]] = []
        for eidx, entry in enumerate(self.entries):
            rules: list[_Rule] = []
            self._rules.append(rules)
            if entry.mode == "regex":
                compiled = [re.compile(q) for q in entry.questions]
                self._regex.append((eidx, compiled))
                continue
            if entry.mode != "exact":
                for keyword in entry.keywords:
                    terms = parse_keyword(keyword)
                    if terms:
                        rules.append(_Rule("keyword", 0, terms))
                        self.analyzer.learn(a for alts in terms for a in alts)
            for question in entry.questions:
                text = compact(question)
                if not text:
                    continue
                self._exact.setdefault(text, []).append(eidx)
                if entry.mode == "exact":
                    continue
                # contains: a verdict; fuzzy: evidence (scored by coverage)
                how = "contains" if entry.mode == "contains" else "evidence"
                rules.append(_Rule(how, 0, [[text]]))
                if entry.mode == "fuzzy":
                    texts.append((eidx, self.analyzer.terms(question)))
        self._named = [
            named(w for q in e.questions for w in self.analyzer.terms(q))
            if e.mode not in ("regex",)
            else {}
            for e in self.entries
        ]
        self._build_words(texts)
        self._build_automaton()

    # -- building ---------------------------------------------------------------

    def _build_words(self, texts: list[tuple[int, tuple[str, ...]]]) -> None:
        seen: Counter[str] = Counter()
        for _, terms in texts:
            seen.update(set(terms))
        size = len(texts) + PSEUDO_DOCS
        light = {self.analyzer.canon.get(w, w) for w in LIGHT_WORDS}
        self._light = light
        self._size = size

        def idf(n: int) -> float:
            return math.log(1 + (size - n + 0.5) / (n + 0.5))

        self._weights = {w: idf(n) * (LIGHT if w in light else 1.0)
                         for w, n in seen.items()}  # fmt: skip
        self._unknown = idf(0)
        postings: dict[str, list[int]] = {}
        for eidx, terms in texts:
            weights = {w: self._weights[w] for w in dict.fromkeys(terms)}
            if not weights:
                continue
            qid = len(self._questions)
            self._questions.append(
                _Question(
                    eidx,
                    weights,
                    sum(weights.values()),
                    "".join(terms),
                    _loose(weights),
                    named(weights),
                )
            )
            for word in weights:
                postings.setdefault(word, []).append(qid)
        self._postings = {w: tuple(v) for w, v in postings.items()}

    def weight(self, word: str) -> float:
        """How much ``word`` tells the entries apart (unknown words weigh most)."""
        found = self._weights.get(word)
        if found is not None:
            return found
        return self._unknown * (LIGHT if word in self._light else 1.0)

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

    # -- one message --------------------------------------------------------------

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
        best: dict[int, tuple[float, str]] = {}

        def offer(eidx: int, score: float, how: str) -> None:
            found = best.get(eidx)
            if found is None or score > found[0]:
                best[eidx] = (score, how)

        for eidx in self._exact.get(whole, ()):
            offer(eidx, 1.0, "exact")
        self._contained(whole, offer)
        terms = self.analyzer.terms(text)
        if not any(how == "exact" for _, how in best.values()):
            self._words(terms, offer)  # nothing could beat the whole question
        if self._regex:
            norm = normalize(text)
            for eidx, patterns in self._regex:
                if any(p.search(norm) for p in patterns):
                    offer(eidx, 1.0, "regex")

        tags = tuple(tags)
        mine = named(terms)
        usable = []
        for eidx, (score, how) in best.items():
            entry = self.entries[eidx]
            if not (entry.in_scope(group, tags) and entry.active_at(minute)):
                continue
            if not question_like and how not in ("exact", "regex"):
                score -= self.statement_penalty  # statements are rarely questions
            clash = ""
            if how not in ("exact", "regex"):
                clash = conflict(mine, self._named[eidx])
            usable.append((eidx, Match(entry, round(score, 4), how, clash)))
        # ties: taught entries first, then the order of the entries (stable
        # across restarts; no set or hash order decides)
        usable.sort(key=lambda p: (-p[1].score, p[1].entry.source != "taught", p[0]))
        return [m for _, m in usable[:limit]]

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
        for (eidx, ridx), length in sorted(anchors.items()):
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
                if coverage >= 1.0 and rule.how != "keyword":
                    offer(eidx, 1.0, "exact")
                elif rule.how == "evidence":
                    offer(eidx, EVIDENCE_BASE + (1 - EVIDENCE_BASE) * coverage, "fuzzy")
                else:
                    base = CONTAINS_BASE
                    offer(eidx, base + (1 - base) * coverage, rule.how)

    def _words(self, terms: tuple[str, ...], offer) -> None:
        if not terms or not self._questions:
            return
        weights = {w: self.weight(w) for w in dict.fromkeys(terms)}
        total = sum(weights.values())
        postings, questions = self._postings, self._questions
        # the heaviest words first. A question not found yet can share only
        # the words still to come: once those could not lift it to FLOOR (or
        # near the best found so far), the rest only add to the questions found
        ranked = [
            (w, x, found)
            for w, x in sorted(weights.items(), key=lambda item: -item[1])
            if (found := postings.get(w))
        ]
        rest = sum(x for _, x, _ in ranked)
        shared: dict[int, float] = {}
        growing = True
        for word, weight, posting in ranked:
            if growing:
                bound = 2 * rest / (total + rest)
                if bound < OPEN or (
                    shared and bound < self._best(shared, total) - RETRIEVE_MARGIN
                ):
                    growing = False
            rest -= weight
            if growing and word not in self._light:  # 是 什么: never on their own
                get = shared.get
                for qid in posting:
                    shared[qid] = get(qid, 0.0) + weight
            elif len(posting) <= len(shared):
                for qid in posting:
                    if qid in shared:
                        shared[qid] += weight
            else:
                for qid in shared:
                    if word in questions[qid].words:
                        shared[qid] += weight
        if not shared:
            return
        scored = heapq.nlargest(
            RESCORE,
            ((2 * x / (total + questions[q].total), -q, x) for q, x in shared.items()),
        )
        loose = None
        joined = "".join(terms)
        for score, negative, common in scored:
            question = questions[-negative]
            if SOFT and score >= SOFT_FROM:
                if loose is None:
                    loose = _loose(weights)
                common += _partly(loose, question.words, question.loose, weights)
                score = 2 * common / (total + question.total)
            if CHARS:
                similar = fuzz.ratio(joined, question.text) / 100
                score = (1 - CHARS) * score + CHARS * similar
            if score >= FLOOR:
                offer(question.entry, score, "fuzzy")

    def _best(self, shared: dict[int, float], total: float) -> float:
        questions = self._questions
        return max(2 * x / (total + questions[q].total) for q, x in shared.items())


def _loose(weights: dict[str, float]) -> list[tuple[str, frozenset[str], float]]:
    """The words that may be partly shared: not numbers, buildings or places."""
    return [(w, frozenset(w), x) for w, x in weights.items() if kind_of(w) is None]


def _partly(
    mine: list[tuple[str, frozenset[str], float]],
    words: dict[str, float],
    theirs: list[tuple[str, frozenset[str], float]],
    own: dict[str, float],
) -> float:
    """Credit for words only one side has that share characters (外国 / 国外)."""
    right = [item for item in theirs if item[0] not in own]
    if not right:
        return 0.0
    credit = 0.0
    used: set[str] = set()
    for word, chars, weight in mine:
        if word in words:
            continue
        best, pick, other_weight = 0.0, "", 0.0
        for other, other_chars, their_weight in right:
            if other in used:
                continue
            common = len(chars & other_chars)
            if not common:
                continue
            share = 2 * common / (len(word) + len(other))
            if share > best:
                best, pick, other_weight = share, other, their_weight
        if best >= SOFT_MIN:
            used.add(pick)
            credit += SOFT * best * min(weight, other_weight)
    return credit
