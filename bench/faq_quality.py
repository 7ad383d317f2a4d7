"""faq matching quality on real paraphrases (LCQMC), today's matcher and the new one.

    .venv/bin/python bench/faq_quality.py [--split test|dev] [--sweep] [--rounds 3]

The protocol of issue 17, built from ``../shared/data/lcqmc/<split>.csv``
(Chinese question pairs, label 1 = same intent, 0 = different intent; see
``../shared/data/README.md``):

- an FAQ of 1,000 entries, each taught with ONE phrasing: the first sentence
  of a pair (distinct first sentences, shuffled with a fixed seed);
- must-answer: the second sentence of every label-1 pair of those entries
  (should get that entry);
- must-not: the second sentence of every label-0 pair (a lookalike about a
  different thing: must not be answered with that entry);
- unrelated: questions of other pairs (no entry was built from them) and
  ordinary chat (NUS SMS corpus, Chinese part): should get nothing.

Each question goes through linli's own decision rule at the shipped
thresholds: answer at once (score >= answer_threshold), offer the
"您是不是想问" list (question-like and >= suggest_threshold), or nothing.
Both matchers run in the same process on the same questions. The cost per
question (question check + match) is timed at 1,000 and at 10,000 entries
(the 10,000 include the 1,000), normaliser caches cleared before each round.

Thresholds are chosen on ``--split dev`` (``--sweep`` prints the new
matcher's results over a grid of answer thresholds) and reported on test.
Not a test: it prints numbers. The corpora stay in ../shared/data (research
licences): nothing from them is shipped.
"""

from __future__ import annotations

import argparse
import csv
import importlib
import random
import statistics
import sys
import time
import xml.etree.ElementTree as ET
import zipfile
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DATA = ROOT.parent / "shared" / "data"
SEED = 17
FAQ_SIZE = 1_000
BIG_SIZE = 10_000
UNRELATED = 1_000
SUGGEST_MARGIN = 0.15  # as plugins/faq/service.py


@dataclass
class Protocol:
    questions: list[str]  # the FAQ's entries, one phrasing each (BIG_SIZE)
    must: list[tuple[str, int]] = field(default_factory=list)  # (text, entry)
    lookalike: list[tuple[str, int]] = field(default_factory=list)
    unrelated: list[str] = field(default_factory=list)  # other LCQMC questions
    chat: list[str] = field(default_factory=list)  # NUS SMS


def read_pairs(split: str) -> list[tuple[str, str, int]]:
    path = DATA / "lcqmc" / f"{split}.csv"
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))[1:]
    seen: set[tuple[str, str, int]] = set()
    pairs = []
    for row in rows:
        pair = (row[1].strip(), row[2].strip(), int(row[3]))
        if pair[0] and pair[1] and pair not in seen:
            seen.add(pair)
            pairs.append(pair)
    return pairs


def read_chat(limit: int, rng: random.Random) -> list[str]:
    path = DATA / "chat" / "nus_sms_zh_xml_2015.03.09.zip"
    with zipfile.ZipFile(path) as z:
        root = ET.fromstring(z.read(z.namelist()[0]))
    texts = sorted(
        {
            t.strip()
            for m in root.iter("message")
            if (t := m.findtext("text")) and 2 <= len(t.strip()) <= 200
        }
    )
    rng.shuffle(texts)
    return texts[:limit]


def build_protocol(split: str) -> Protocol:
    rng = random.Random(SEED)
    pairs = read_pairs(split)
    firsts = sorted({p[0] for p in pairs})
    rng.shuffle(firsts)
    pool = firsts[:BIG_SIZE]
    if len(pool) < BIG_SIZE:  # dev has fewer: fill with second sentences
        extra = sorted({p[1] for p in pairs} - set(pool))
        rng.shuffle(extra)
        pool += extra[: BIG_SIZE - len(pool)]
    faq = {q: i for i, q in enumerate(pool[:FAQ_SIZE])}
    proto = Protocol(questions=pool)
    used: set[str] = set(faq)
    for first, second, label in pairs:
        if first in faq:
            used.add(second)
            (proto.must if label else proto.lookalike).append((second, faq[first]))
    others = sorted({s for p in pairs for s in p[:2]} - used - set(pool[:FAQ_SIZE]))
    rng.shuffle(others)
    proto.unrelated = others[:UNRELATED]
    proto.chat = read_chat(UNRELATED, rng)
    return proto


# -- the two matchers, each with its own settings and decision rule ----------


@dataclass
class Engine:
    name: str
    build: Callable[[list[str]], object]  # questions -> index
    decide: Callable[[object, str, dict], tuple[str, list[int], list]]
    settings: dict


def _entries(module, questions: list[str]) -> list:
    return [
        module.Entry(key=str(i + 1), answer=f"a{i}", questions=(q,), source="taught")
        for i, q in enumerate(questions)
    ]


def old_engine() -> Engine:
    from plugins.faq import matcher_chars as m

    settings = dict(m.OLD_SETTINGS)

    def build(questions):
        return m.Index(
            _entries(m, questions),
            ignore_words=settings["ignore_words"],
            statement_penalty=settings["statement_penalty"],
        )

    def decide(index, text, s):
        """plugins/faq/service.py Faq.respond as it was (no cooldowns)."""
        from plugins.core.normalize import compact

        whole = compact(text)
        meaningful = bool(index.strip(whole))
        question_like = meaningful and m.looks_like_question(text, s["question_words"])
        matches = index.match(
            text, question_like=question_like, limit=s["suggest_count"]
        )
        return rule(matches, question_like, s)

    return Engine("old (characters)", build, decide, settings)


def rule(matches, question_like: bool, s: dict, conflicts: bool = False):
    """answer / suggest / nothing, as the service decides; ``conflicts``: the
    first match not about another building, unit, room or place is the one
    answered (today's service), not simply the best."""
    picks = [int(m.entry.key) - 1 for m in matches]
    if not matches:
        return "nothing", [], matches
    best = matches[0]
    direct = next((m for m in matches if not m.conflict), None) if conflicts else best
    if direct is not None and direct.score >= s["answer_threshold"]:
        return "answer", [int(direct.entry.key) - 1], matches
    if question_like and best.score >= s["suggest_threshold"]:
        floor = max(s["suggest_threshold"], best.score - SUGGEST_MARGIN)
        chosen = [p for p, m in zip(picks, matches, strict=True) if m.score >= floor]
        return "suggest", chosen[: s["suggest_count"]], matches
    return "nothing", [], matches


def new_engine() -> Engine:
    from plugins.faq import matcher as m
    from plugins.faq.config import FaqConfig

    section = FaqConfig()  # the shipped defaults of the config model
    settings = {
        "answer_threshold": section.answer_threshold,
        "suggest_threshold": section.suggest_threshold,
        "suggest_count": section.suggest_count,
        "statement_penalty": section.statement_penalty,
        "question_words": section.question_words,
        "ignore_words": section.ignore_words,
        "synonyms": getattr(section, "synonyms", []),
        "words": getattr(section, "words", []),
    }

    def build(questions):
        return m.Index(
            _entries(m, questions),
            ignore_words=settings["ignore_words"],
            statement_penalty=settings["statement_penalty"],
            synonyms=settings["synonyms"],
            words=settings["words"],
        )

    def decide(index, text, s):
        from plugins.core.normalize import compact

        whole = compact(text)
        meaningful = bool(index.strip(whole))
        question_like = meaningful and m.looks_like_question(text, s["question_words"])
        matches = index.match(
            text, question_like=question_like, limit=s["suggest_count"]
        )
        return rule(matches, question_like, s, conflicts=True)

    return Engine("new (words)", build, decide, settings)


# -- measuring -----------------------------------------------------------------


def evaluate(engine: Engine, index, proto: Protocol, s: dict) -> dict[str, float]:
    out: dict[str, float] = defaultdict(float)
    for text, want in proto.must:
        kind, picks, matches = engine.decide(index, text, s)
        out["right direct"] += kind == "answer" and picks == [want]
        out["wrong direct"] += kind == "answer" and picks != [want]
        out["right in list"] += kind == "suggest" and want in picks
        out["nothing"] += kind == "nothing"
        out["top-1"] += bool(matches) and int(matches[0].entry.key) - 1 == want
    for key in ("right direct", "wrong direct", "right in list", "nothing", "top-1"):
        out[key] /= len(proto.must)
    for text, other in proto.lookalike:
        kind, picks, _ = engine.decide(index, text, s)
        out["lookalike answered"] += kind == "answer" and picks == [other]
        out["lookalike any direct"] += kind == "answer"
    out["lookalike answered"] /= len(proto.lookalike)
    out["lookalike any direct"] /= len(proto.lookalike)
    for name, texts in (("unrelated", proto.unrelated), ("chat", proto.chat)):
        for text in texts:
            kind, _, _ = engine.decide(index, text, s)
            out[f"{name} answered"] += kind == "answer"
            out[f"{name} suggested"] += kind == "suggest"
        out[f"{name} answered"] /= len(texts)
        out[f"{name} suggested"] /= len(texts)
    return out


def costs(engine: Engine, index, texts: list[str], rounds: int) -> list[float]:
    """Per question: the median over rounds of the decision's cost (µs)."""
    norm = importlib.import_module("plugins.core.normalize")
    per: list[list[float]] = [[] for _ in texts]
    s = engine.settings
    for _ in range(rounds):
        norm.normalize.cache_clear()
        norm.compact.cache_clear()
        if hasattr(index, "analyzer"):
            index.analyzer.forget()
        for w in s["question_words"]:  # the question words stay cached in use
            norm.normalize(w)
        for i, text in enumerate(texts):
            start = time.perf_counter_ns()
            engine.decide(index, text, s)
            per[i].append((time.perf_counter_ns() - start) / 1000)
    return [statistics.median(v) for v in per]


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


ROWS = [
    ("paraphrase answered directly with the right entry", "right direct"),
    ("answered with a wrong entry", "wrong direct"),
    ('right entry in the "您是不是想问" list', "right in list"),
    ("nothing (neither answer nor list)", "nothing"),
    ("top-1 accuracy (best match is right, any score)", "top-1"),
    ("lookalike (label 0) answered with that entry", "lookalike answered"),
    ("lookalike answered directly with any entry", "lookalike any direct"),
    ("unrelated question (other pairs) answered", "unrelated answered"),
    ("unrelated question given a list", "unrelated suggested"),
    ("ordinary chat (NUS SMS) answered", "chat answered"),
    ("ordinary chat given a list", "chat suggested"),
]


def sweep(engine: Engine, index, proto: Protocol) -> None:
    print(f"\n{engine.name}: answer_threshold sweep on this split")
    print("  answer  right  wrong  list  lookalike  unrelated  chat")
    for thr in [x / 100 for x in range(50, 96, 5)]:
        s = dict(engine.settings, answer_threshold=thr)
        s["suggest_threshold"] = min(s["suggest_threshold"], thr)
        r = evaluate(engine, index, proto, s)
        print(
            f"  {thr:5.2f}  {r['right direct']:5.1%}  {r['wrong direct']:5.1%} "
            f"{r['right in list']:5.1%}  {r['lookalike answered']:8.1%}  "
            f"{r['unrelated answered']:8.1%}  {r['chat answered']:5.1%}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="test", choices=("test", "dev"))
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--sweep", action="store_true")
    parser.add_argument("--no-cost", action="store_true")
    args = parser.parse_args()

    import nonebot

    nonebot.init(log_level="WARNING")
    proto = build_protocol(args.split)
    print(
        f"LCQMC {args.split}: {FAQ_SIZE} entries (one phrasing each); "
        f"{len(proto.must)} must-answer, {len(proto.lookalike)} lookalikes, "
        f"{len(proto.unrelated)} unrelated questions, {len(proto.chat)} chat lines"
    )
    engines = [old_engine(), new_engine()]
    results, timing = {}, {}
    for engine in engines:
        started = time.perf_counter()
        small = engine.build(proto.questions[:FAQ_SIZE])
        built = time.perf_counter() - started
        results[engine.name] = evaluate(engine, small, proto, engine.settings)
        print(
            f"{engine.name}: answer {engine.settings['answer_threshold']}, suggest "
            f"{engine.settings['suggest_threshold']}; built in {built * 1000:.0f} ms"
        )
        if args.sweep:
            sweep(engine, small, proto)
        if not args.no_cost:
            texts = (
                [t for t, _ in proto.must]
                + [t for t, _ in proto.lookalike]
                + proto.unrelated
                + proto.chat
            )
            big = engine.build(proto.questions)
            timing[engine.name] = [
                costs(engine, small, texts, args.rounds),
                costs(engine, big, texts, args.rounds),
            ]
    names = [e.name for e in engines]
    width = max(len(label) for label, _ in ROWS) + 2
    print()
    print("| at the shipped thresholds".ljust(width) + "| " + " | ".join(names) + " |")
    print("|" + "-" * (width - 1) + "|" + "|".join("-" * (len(n) + 2) for n in names))
    for label, key in ROWS:
        cells = " | ".join(f"{results[n][key]:.1%}".rjust(len(n)) for n in names)
        print(f"| {label}".ljust(width) + "| " + cells + " |")
    for n in timing:
        small, big = timing[n]
        p50s, p95s, p50b, p95b = (
            pct(small, 0.5),
            pct(small, 0.95),
            pct(big, 0.5),
            pct(big, 0.95),
        )
        print(
            f"{n}: µs per question p50/p95 {p50s:.1f}/{p95s:.1f} at {FAQ_SIZE} "
            f"entries, {p50b:.1f}/{p95b:.1f} at {BIG_SIZE}; growth p50 "
            f"{p50b / p50s:.2f}×, p95 {p95b / p95s:.2f}×"
        )


if __name__ == "__main__":
    main()
