"""How often the rules catch real ads and frauds, and how often they flag
ordinary chat: OLD (one phrase or one link is enough) and NEW (scored evidence)
side by side, per detector. Not a test: run it and read the table.

    python bench/rules_quality.py [--data ../shared/data] [--show 5]

Data (third-party research corpora, read from ../shared/data, never shipped):
- spam: the label-1 rows of ``sms-spam/80w_slice.csv`` (digits masked as
  ``x`` in the original), exact duplicates removed. Measured twice: as given,
  and with each run of masking ``x`` put back as digits of the same length
  (``xxxxxxxxxxx`` → ``13800138000``), since real messages carry real numbers.
- web sentences: the label-0 rows of the same file (not chat, a second check).
- chat: the NUS SMS Corpus, Chinese part (personal messages between people).

Each message is judged as a plain text message of an ordinary member with the
shipped defaults (``Engine.content``: the detectors that look at the text;
flooding and quiet hours are about pace, not content). OLD is the same code
with ``ads.score.enabled: false`` and ``fraud.score.enabled: false``, which is
exactly the rule set before scored evidence (the phrase lists, every
non-whitelisted link, cards, invitations).

``--half tune`` / ``--half held-out`` keeps one half of every set (by a hash
of the text, so the halves are stable): word lists and thresholds are chosen
looking at the tune half only, and the figures to report are the held-out
half's.

"act" counts messages the detector acts on (recall, ladder); "report" counts
those only posted to the staff group for an admin to judge (NEW only).

``--learn`` adds the admins' protocol (the ``learned`` signal): from the tune
half, an admin marks ``--teach`` spam messages (label 1) with /举报 and as many
NUS chat messages with /误判, chosen at random with a fixed seed; they are
taught to a fresh classifier (the product's own class, in memory), and the
measured half (held-out by default) is judged with and without the learned
signal, side by side. Nothing learned here is kept or shipped.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import re
import sys
import time
import xml.etree.ElementTree as ET
import zipfile
from collections import Counter
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import nonebot  # noqa: E402

_MASK = re.compile(r"(?<![a-wyz])x+(?![a-wyz])")
_DIGITS = "13800138000" * 3


def unmask(text: str) -> str:
    return _MASK.sub(lambda m: _DIGITS[: len(m.group(0))], text)


def read_sms(data: Path) -> tuple[list[str], list[str]]:
    spam: dict[str, None] = {}
    ham: dict[str, None] = {}
    with (data / "sms-spam/80w_slice.csv").open(newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            text = (row.get("content") or "").strip()
            if text:
                (spam if row["label"].strip() == "1" else ham)[text] = None
    return list(spam), list(ham)


def read_chat(data: Path) -> list[str]:
    with zipfile.ZipFile(data / "chat/nus_sms_zh_xml_2015.03.09.zip") as z:
        name = next(n for n in z.namelist() if n.endswith(".xml"))
        root = ET.fromstring(z.read(name))
    texts: dict[str, None] = {}
    for message in root.iter("message"):
        node = message.find("text")
        if node is not None and node.text and node.text.strip():
            texts[node.text.strip()] = None
    return list(texts)


def in_half(text: str, half: str) -> bool:
    if half == "all":
        return True
    odd = hashlib.md5(text.encode("utf-8")).digest()[0] & 1
    return bool(odd) == (half == "held-out")


def kinds(hits) -> set[str]:
    """What fired, by detector: ads:phrase, ads:link, ads:score, fraud:score…"""
    out = set()
    for h in hits:
        if h.rule == "ads":
            if h.verdict is not None:
                kind = "ads:score"
            else:
                kind = {
                    "rules.reason.ads_words": "ads:phrase",
                    "rules.reason.link": "ads:link",
                    "rules.reason.invite": "ads:invite",
                    "rules.reason.card": "ads:card",
                }.get(h.reason, "ads:other")
        elif h.rule == "fraud":
            kind = "fraud:score" if h.verdict is not None else "fraud:phrase"
        else:
            kind = h.rule
        out.add(kind + (" (report)" if h.report else ""))
    return out


def run(engine, texts: list[str]) -> tuple[Counter, dict[str, list[str]], float]:
    counts: Counter = Counter()
    examples: dict[str, list[str]] = {}
    start = time.perf_counter()
    for text in texts:
        found = kinds(engine.content(text, ()))
        acted = {k for k in found if not k.endswith("(report)")}
        reported = found - acted
        for k in found:
            counts[k] += 1
            examples.setdefault(k, []).append(text)
        if any(k.startswith(("ads", "fraud")) for k in acted):
            counts["ADS+FRAUD act"] += 1
            examples.setdefault("ADS+FRAUD act", []).append(text)
        elif any(k.startswith(("ads", "fraud")) for k in reported):
            counts["ADS+FRAUD report"] += 1
    return counts, examples, (time.perf_counter() - start) / max(1, len(texts))


def learn(data: Path, half: str, teach: int, show: int, seed: int = 18) -> None:
    """The admins' protocol: teach ``teach`` spam and chat messages of the tune
    half, judge the measured half with and without what was learnt."""
    import random

    from plugins.rules.config import RulesConfig
    from plugins.rules.detectors import Engine
    from plugins.rules.detectors.learned import AD, OK, NaiveBayes

    spam, _ = read_sms(data)
    chat = read_chat(data)
    rng = random.Random(seed)
    model = NaiveBayes()
    start = time.perf_counter()
    for text in rng.sample([t for t in spam if in_half(t, "tune")], teach):
        model.teach(text, AD, by_admin=True)
    for text in rng.sample([t for t in chat if in_half(t, "tune")], teach):
        model.teach(text, OK, by_admin=True)
    taught = (time.perf_counter() - start) / (2 * teach)
    if half != "held-out":
        print(f"(--learn measured on half {half!r}: the taught examples are in it)")
    spam = [t for t in spam if in_half(t, half)]
    chat = [t for t in chat if in_half(t, half)]
    sets = {
        "spam (masked)": spam,
        "spam (x→digits)": [unmask(t) for t in spam],
        "NUS chat": chat,
    }
    engine = Engine(RulesConfig())

    def judged(texts: list[str], with_model: bool) -> tuple[int, int, float, list]:
        acted = reported = 0
        caught: list[str] = []
        begin = time.perf_counter()
        for text in texts:
            hits = engine.content(text, (), model=model if with_model else None)
            ours = [h for h in hits if h.rule in ("ads", "fraud")]
            if any(not h.report for h in ours):
                acted += 1
                caught.append(text)
            elif ours:
                reported += 1
        return acted, reported, (time.perf_counter() - begin) / len(texts), caught

    print(
        f"\nlearning: an admin taught {teach} spam + {teach} chat messages of the"
        f" tune half ({taught * 1e6:.0f} µs each); half measured: {half}"
    )
    print(f"{'':<18}{'without learned':>26}{'with learned':>26}")
    print(f"{'':<18}" + f"{'act':>9}{'report':>9}{'µs':>8}" * 2)
    results = {}
    for name, texts in sets.items():
        line = f"{name:<18}"
        for with_model in (False, True):
            acted, reported, cost, caught = judged(texts, with_model)
            results[(name, with_model)] = (acted, caught)
            line += (
                f"{100 * acted / len(texts):>8.2f}%"
                f"{100 * reported / len(texts):>8.2f}%{cost * 1e6:>8.1f}"
            )
        print(line)
    for name, goal in (("spam (masked)", "≥ 60%"), ("NUS chat", "≤ 0.02%")):
        texts = sets[name]
        before, after = (results[(name, w)][0] for w in (False, True))
        print(
            f"{name}: acted {before:,} → {after:,} of {len(texts):,}"
            f" = {100 * before / len(texts):.3f}% → {100 * after / len(texts):.3f}%"
            f"  (goal {goal})"
        )
    if show:
        before = set(results[("NUS chat", False)][1])
        for text in results[("NUS chat", True)][1][:show]:
            new = "" if text in before else " (new)"
            print(f"  [NUS chat false positive{new}] {text[:100]!r}")


def main(data: Path, show: int, half: str = "all") -> None:
    from plugins.rules.config import RulesConfig
    from plugins.rules.detectors import Engine

    engines: dict[str, Engine] = {
        "OLD": Engine(
            RulesConfig(
                ads={"score": {"enabled": False}}, fraud={"score": {"enabled": False}}
            )
        ),
        "NEW": Engine(RulesConfig()),
    }
    spam, ham = read_sms(data)
    chat = read_chat(data)
    spam, ham, chat = ([t for t in s if in_half(t, half)] for s in (spam, ham, chat))
    sets: dict[str, list[str]] = {
        "spam (masked)": spam,
        "spam (x→digits)": [unmask(t) for t in spam],
        "web sentences": ham,
        "NUS chat": chat,
    }
    results: dict[tuple[str, str], tuple[Counter, dict[str, list[str]], float]] = {}
    for set_name, texts in sets.items():
        for eng_name, engine in engines.items():
            results[(set_name, eng_name)] = run(engine, texts)

    rows = sorted(
        {k for (c, _, _) in results.values() for k in c},
        key=lambda k: (not k.startswith("ADS"), k),
    )
    print(
        "rules quality: OLD (one phrase / one link) vs NEW (scored evidence);"
        f" half: {half}"
    )
    print("  " + ", ".join(f"{n}: {len(t):,}" for n, t in sets.items()))
    head = f"{'detector':<24}" + "".join(f"{n:>26}" for n in sets)
    print(head)
    print(f"{'':<24}" + "".join(f"{'OLD':>13}{'NEW':>13}" for _ in sets))
    pct: Callable[[int, int], str] = lambda n, d: f"{100 * n / d:.3f}%"  # noqa: E731
    for key in rows:
        line = f"{key:<24}"
        for set_name, texts in sets.items():
            for eng_name in engines:
                n = results[(set_name, eng_name)][0].get(key, 0)
                line += f"{pct(n, len(texts)):>13}"
        print(line)
    line = f"{'µs per message':<24}"
    for set_name in sets:
        for eng_name in engines:
            line += f"{results[(set_name, eng_name)][2] * 1e6:>13.1f}"
    print(line)
    chat_new = results[("NUS chat", "NEW")][0].get("ADS+FRAUD act", 0)
    print(
        f"\nNUS chat flagged by ads/fraud (act), NEW: {chat_new} of {len(chat):,}"
        f" = {100 * chat_new / len(chat):.4f}%  (goal ≤ 0.02%)"
    )
    for set_name in ("spam (masked)", "spam (x→digits)"):
        n = results[(set_name, "NEW")][0].get("ADS+FRAUD act", 0)
        print(f"{set_name} caught by ads/fraud (act), NEW: {100 * n / len(spam):.1f}%")
    if show:
        for set_name in ("NUS chat", "web sentences"):
            _, examples, _ = results[(set_name, "NEW")]
            for text in examples.get("ADS+FRAUD act", [])[:show]:
                print(f"  [{set_name} false positive] {text[:100]!r}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared/data")
    parser.add_argument("--show", type=int, default=0, help="print false positives")
    parser.add_argument(
        "--half", choices=("all", "tune", "held-out"), default="held-out"
    )
    parser.add_argument(
        "--learn", action="store_true", help="add the admins' teaching protocol"
    )
    parser.add_argument(
        "--teach", type=int, default=200, help="--learn: messages of each kind"
    )
    parser.add_argument(
        "--learn-only", action="store_true", help="only the learning section"
    )
    args = parser.parse_args()
    nonebot.init(log_level="WARNING")
    nonebot.load_plugin("plugins.core")
    nonebot.load_plugin("plugins.rules")
    if not args.learn_only:
        main(args.data, args.show, args.half)
    if args.learn or args.learn_only:
        learn(args.data, args.half, args.teach, args.show)
