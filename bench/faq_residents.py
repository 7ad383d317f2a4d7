"""faq on residents' own language, today's matcher and the character one.

    .venv/bin/python bench/faq_residents.py

The set is tests/faq/residents_language.yaml (written by hand for linli, no
research corpus): 30 entries taught with ONE phrasing each, as ``/问答 添加``
teaches them; each asked five other ways (150 questions); lookalikes about
another building or the opposite action; 100 lines of ordinary chat. Every
message goes through the service's decision rule at the shipped thresholds
(``bench/faq_quality.py``'s ``rule``): answer at once, offer the
"您是不是想问" list, or nothing. Issue 17's goals on this set: ≥ 90 % of the
questions answered at once with the right entry, no chat line answered.
Not a test: it prints numbers (tests/faq/test_residents_language.py holds
what is already true).
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.faq_quality import new_engine, old_engine  # noqa: E402

SET = yaml.safe_load(
    (ROOT / "tests/faq/residents_language.yaml").read_text(encoding="utf-8")
)


def measure(engine) -> dict[str, object]:
    taught = [e["taught"] for e in SET["entries"]]
    index = engine.build(taught)
    s = engine.settings
    counts = dict.fromkeys(("answer", "wrong", "listed", "nothing", "top1"), 0)
    for n, entry in enumerate(SET["entries"]):
        for question in entry["asked"]:
            kind, picks, matches = engine.decide(index, question, s)
            if matches and int(matches[0].entry.key) - 1 == n:
                counts["top1"] += 1
            if kind == "answer":
                counts["answer" if picks == [n] else "wrong"] += 1
            elif kind == "suggest" and n in picks:
                counts["listed"] += 1
            else:
                counts["nothing"] += 1
    chat = []
    for line in SET["chat"]:
        kind, picks, _ = engine.decide(index, line, s)
        if kind == "answer":
            chat.append(f"{line} → {taught[picks[0]]}")
    lookalikes = []
    for case in SET["lookalikes"]:
        kind, picks, _ = engine.decide(index, case["text"], s)
        if kind == "answer" and taught[picks[0]] == case["not"]:
            lookalikes.append(f"{case['text']} → {case['not']}")
    return {"counts": counts, "chat": chat, "lookalikes": lookalikes}


def main() -> None:
    import nonebot

    nonebot.init(log_level="WARNING")  # plugins.faq needs NoneBot to import
    total = sum(len(e["asked"]) for e in SET["entries"])
    engines = [old_engine(), new_engine()]
    results = [measure(engine) for engine in engines]
    print(
        f"residents' language: {len(SET['entries'])} entries (one phrasing each), "
        f"{total} questions, {len(SET['lookalikes'])} lookalikes, "
        f"{len(SET['chat'])} chat lines\n"
    )
    names = [e.name for e in engines]
    print(f"| {'':44} | {names[0]:>16} | {names[1]:>11} |")
    print(f"|{'-' * 46}|{'-' * 18}|{'-' * 13}|")
    rows = (
        ("answered at once with the right entry", "answer"),
        ("answered at once with a wrong entry", "wrong"),
        ('right entry in the "您是不是想问" list', "listed"),
        ("nothing (or a list without it)", "nothing"),
        ("best match is the right entry (any score)", "top1"),
    )
    for label, key in rows:
        cells = [f"{100 * r['counts'][key] / total:.1f}%" for r in results]
        print(f"| {label:44} | {cells[0]:>16} | {cells[1]:>11} |")
    for label, key, size in (
        ("chat lines answered", "chat", len(SET["chat"])),
        ("lookalikes answered with that entry", "lookalikes", len(SET["lookalikes"])),
    ):
        cells = [f"{len(r[key])} of {size}" for r in results]
        print(f"| {label:44} | {cells[0]:>16} | {cells[1]:>11} |")
    for name, result in zip(names, results, strict=True):
        for line in result["chat"] + result["lookalikes"]:
            print(f"  {name}: {line}")


if __name__ == "__main__":
    main()
