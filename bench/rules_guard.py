"""How much the rules guard costs per ordinary message, with 10 and with 10,000
banned words. Not a test: run it and read the ratio.

    python bench/rules_guard.py [--repeats 7] [--passes 20]

Each sample runs the guard's whole judgement (exemptions, every detector, the
flood counter; no database: ordinary messages never reach it) over the
ordinary-message corpus (tests/rules/corpus_ordinary.txt), each message from
its own member, with the text caches cleared before every pass so that every
message is normalised afresh as it would be in a real group. The two word lists
are measured alternately in the same run; the median of the repeats is shown.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import nonebot  # noqa: E402

COMMON = (
    "的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年得就那要下以生会自着去之过家学"
    "对可她里后小么心多天而能好都然没日于起还发成事只作当想看文无开手十用主行方又如前所本见经头面"
    "公同三已老从动两长知民样现分将外但身些与高意进把法此实回二理美点月明其种声全工己话儿者向情部"
    "正名定女问力机给等几很业最间新什打便位因重被走电四第门相次东政海口使教西再平真听世气信北少关"
)


def banned_words(count: int, seed: int = 42) -> list[str]:
    """``count`` distinct entries, one in twenty a wildcard: a common character
    then 1-5 others, so the automaton walks real prefixes of ordinary text.
    Entries that happen to occur in the corpus are dropped (they would be
    false positives, and the benchmark is about ordinary messages)."""
    from plugins.core import compact

    corpus = "\n".join(compact(m) for m in messages())
    rng = random.Random(seed)
    words: set[str] = set()
    while len(words) < count:
        rest = "".join(
            chr(rng.randint(0x4E00, 0x9FA5)) for _ in range(rng.randint(1, 5))
        )
        word = rng.choice(COMMON) + rest
        if any(part in corpus for part in (word, word[:2])):
            continue
        if rng.random() < 0.05 and len(word) >= 4:
            word = word[:2] + "*" + word[2:]
        words.add(word)
    return sorted(words)


def config_for(words: list[str], workdir: Path):
    import yaml

    from plugins.core.config import load

    text = yaml.safe_dump(
        {
            "groups": {"qq:1000": {"name": "bench"}},
            "rules": {
                "words": {"words": words},
                "ads": {"words": ["砍一刀", "re:加(?:v|vx)信?[a-z][a-z0-9]{5,19}"]},
                "fraud": {"words": ["刷单返利"]},
            },
        },
        allow_unicode=True,
    )
    path = workdir / f"bench-{len(words)}.yaml"
    path.write_text(text, encoding="utf-8")
    return load(path)


def messages() -> list[str]:
    corpus = (ROOT / "tests/rules/corpus_ordinary.txt").read_text(encoding="utf-8")
    return [line for line in corpus.splitlines() if line.strip() and line[0] != "#"]


async def _never():
    raise AssertionError("an ordinary message was flagged: the benchmark is invalid")


async def one_pass(
    guard, config, texts: list[str], port, tag: int, each: list[float] | None = None
) -> float:
    """Seconds per message for one pass over ``texts`` (caches cold); with
    ``each``, every message's own time is appended to it too."""
    from adapters.port import EventInfo, Segment
    from plugins.core.normalize import compact, normalize
    from plugins.rules.detectors.textmap import compacted

    infos = [
        EventInfo(
            platform="qq",
            self_id="10000",
            user=f"qq:{tag}{n:04d}",
            group="qq:1000",
            message_id=str(n),
            display_name="3-2-201 张三",
            sender_role="member",
            to_me=False,
            text=text,
            segments=(Segment("text", "text", {"text": text}),),
        )
        for n, text in enumerate(texts)
    ]
    for cache in (compacted, compact, normalize):
        cache.cache_clear()
    start = time.perf_counter()
    for info in infos:
        began = time.perf_counter()
        if await guard.judge(info, port, config, _never):
            raise AssertionError(f"flagged: {info.text}")
        if each is not None:
            each.append(time.perf_counter() - began)
    return (time.perf_counter() - start) / len(infos)


async def main(repeats: int, passes: int) -> None:
    from plugins.rules.guard import Guard

    texts = messages()
    with tempfile.TemporaryDirectory() as tmp:
        small = config_for(banned_words(10), Path(tmp))
        large = config_for(banned_words(10_000), Path(tmp))
    guard = Guard()
    built = time.perf_counter()
    guard.engine(large.section("rules", "qq:1000"))
    compile_ms = (time.perf_counter() - built) * 1000
    guard.engine(small.section("rules", "qq:1000"))

    class NoPort:
        platform = "qq"

    samples: dict[str, list[float]] = {"10": [], "10000": []}
    each: dict[str, list[float]] = {"10": [], "10000": []}
    tag = 0
    for _ in range(2):  # warm up both
        tag += 1
        await one_pass(guard, small, texts, NoPort(), tag)
        tag += 1
        await one_pass(guard, large, texts, NoPort(), tag)
    for _ in range(repeats):
        for name, config in (("10", small), ("10000", large)):
            per = []
            for _ in range(passes):
                tag += 1
                per.append(
                    await one_pass(guard, config, texts, NoPort(), tag, each[name])
                )
            samples[name].append(statistics.median(per))
    a = statistics.median(samples["10"])
    b = statistics.median(samples["10000"])
    print(f"rules guard, {len(texts)} ordinary messages × {passes} passes × {repeats}")
    print(f"  compiling 10,000 words: {compile_ms:.0f} ms (once per configuration)")
    print(f"  10 banned words:     {a * 1e6:7.1f} µs per message (median)")
    print(f"  10,000 banned words: {b * 1e6:7.1f} µs per message (median)")
    print(f"  ratio 10,000 / 10:   {b / a:.2f}")
    for name, label in (("10", "10"), ("10000", "10,000")):
        cut = statistics.quantiles(each[name], n=100)
        print(
            f"  {label} banned words, one message: p50 {cut[49] * 1e6:.1f} µs,"
            f" p99 {cut[98] * 1e6:.1f} µs (goal p99 ≤ 300 µs)"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--passes", type=int, default=20)
    args = parser.parse_args()
    nonebot.init(log_level="WARNING")
    nonebot.load_plugin("plugins.core")
    nonebot.load_plugin("plugins.rules")
    asyncio.run(main(args.repeats, args.passes))
