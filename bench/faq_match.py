"""faq matching cost per message with 10 and with 10,000 entries (goal: ≤ 1.5×).

    /work/venv/bin/python bench/faq_match.py [--rounds 5] [--messages 3000]

Both indexes are built in the same run and timed on the same messages:
the shipped default entries (config/linli.yaml) plus, for the big one,
synthetic entries written the way residents' questions are (a facility or
service, and an aspect: hours, price, place, how to apply …; several
wordings and a keyword rule each). The messages mix phrasings of the default
questions, phrasings of synthetic entries and ordinary chat.

What is timed is what the faq plugin does per message: the question check and
``Index.match`` (normalisation, the exact lookup, the Aho-Corasick pass, the
n-gram shortlist and rapidfuzz on it). The normaliser's caches are cleared
before each round, as real messages are rarely repeated. Prints the median
cost per message of each round and the ratio. Not a test: it prints numbers.
"""

from __future__ import annotations

import argparse
import importlib
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CHARS = (
    "东南西北中上下前后左右大小新老金银花园林山水湖河桥门楼塔亭台阁宫厅堂院馆场"
    "室房屋家店铺市街路巷村镇区县城国天地日月星云风雨雪春夏秋冬红黄蓝绿白黑青紫"
    "龙凤虎鹤松竹梅兰菊荷桃李杏枫柳杨柏泉溪海港湾岛峰岭谷坡田园庄府苑居轩斋"
    "书画琴棋诗酒茶艺乐舞剑武文德仁义礼智信忠孝廉和安康宁福寿禄喜瑞祥吉庆丰"
)
ASPECTS = [
    ("开放时间", "几点开门", "什么时候开", "几点|时间|开门|开放"),
    ("收费标准", "多少钱", "怎么收费", "多少钱|收费|费用|价格"),
    ("在哪里", "怎么走", "位置在哪", "哪里|在哪|怎么走|位置"),
    ("怎么办理", "办理流程", "需要带什么", "办理|流程|带什么|手续"),
    ("电话是多少", "怎么联系", "联系方式", "电话|联系|号码"),
    ("怎么预约", "能预约吗", "预约方式", "预约|订"),
]
FILLERS = ["", "请问", "大家好，", "想问一下", "麻烦问下"]
ENDINGS = ["", "？", "啊？", "呀", "吗？"]
CHAT = [
    "今天天气真好", "有人一起去买菜吗", "谢谢大家", "哈哈哈哈", "晚上吃什么呢",
    "孩子放学了没有", "明天要下雨了记得收衣服", "谁家的猫跑出来了", "收到",
    "好的好的", "楼下的花开得真漂亮", "周末有没有人打羽毛球", "早上好",
]  # fmt: skip


def synthetic(n: int, rng: random.Random) -> list[dict]:
    seen: set[str] = set()
    out = []
    while len(out) < n:
        name = "".join(rng.choice(CHARS) for _ in range(rng.choice((2, 3, 3, 4))))
        name += rng.choice(("馆", "室", "中心", "站", "店", "点", "场", "班"))
        if name in seen:
            continue
        seen.add(name)
        q1, q2, q3, words = rng.choice(ASPECTS)
        out.append(
            {
                "id": f"S{len(out) + 1}",
                "questions": [name + q1, name + q2, name + q3],
                "keywords": [f"{name} + {words}"],
                "answer": f"{name}：请咨询物业服务中心 XXX-XXXXXXX。",
            }
        )
    return out


def phrase(question: str, rng: random.Random) -> str:
    text = question
    if rng.random() < 0.3 and len(text) > 4:  # a typo-like change
        i = rng.randrange(len(text))
        text = text[:i] + rng.choice(CHARS) + text[i + 1 :]
    return rng.choice(FILLERS) + text + rng.choice(ENDINGS)


def build(entries: list[dict], section):
    from plugins.faq.config import EntryConfig
    from plugins.faq.entries import effective_entries
    from plugins.faq.matcher import Index

    section = section.model_copy(
        update={"entries": [EntryConfig.model_validate(e) for e in entries]}
    )
    return Index(
        effective_entries(section, []),
        ignore_words=section.ignore_words,
        statement_penalty=section.statement_penalty,
    )


def exhaustive(index):
    """The same index, but fuzzy-scoring every question (for --check)."""
    from plugins.faq.matcher import fuzzy_score

    def score_all(whole, offer):
        message = index.strip(whole) or whole
        for eidx, question, _ in index._variants:
            offer(eidx, fuzzy_score(message, question), "fuzzy")

    index._fuzzy = score_all
    return index


def check(entries, section, messages, threshold) -> None:
    """How often the shortlist answers as scoring every question would."""
    fast = build(entries, section)
    slow = exhaustive(build(entries, section))
    same = missed = 0
    for text in messages:
        want = slow.match(text, question_like=True, limit=1)
        got = fast.match(text, question_like=True, limit=1)
        if not want or want[0].score < threshold:
            continue
        if got and got[0].score >= threshold and got[0].entry.key == want[0].entry.key:
            same += 1
        else:
            missed += 1
    print(
        f"check on {len(messages)} messages: {same} answered as by exhaustive "
        f"scoring, {missed} not"
    )


def time_round(index, messages: list[str], words: list[str]) -> float:
    from plugins.faq.matcher import looks_like_question

    norm_module = importlib.import_module("plugins.core.normalize")

    norm_module.normalize.cache_clear()
    norm_module.compact.cache_clear()
    for w in words:  # the question words stay cached in real use
        norm_module.normalize(w)
    costs = []
    for text in messages:
        start = time.perf_counter()
        question_like = looks_like_question(text, words)
        index.match(text, question_like=question_like, limit=3)
        costs.append(time.perf_counter() - start)
    return statistics.mean(costs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--messages", type=int, default=3000)
    parser.add_argument("--big", type=int, default=10_000)
    parser.add_argument(
        "--check",
        type=int,
        default=0,
        metavar="N",
        help="also compare N messages with exhaustive fuzzy scoring (slow)",
    )
    args = parser.parse_args()

    import nonebot
    import yaml

    nonebot.init(log_level="WARNING")
    from plugins.faq.config import FaqConfig

    data = yaml.safe_load((ROOT / "config/linli.yaml").read_text("utf-8"))
    section = FaqConfig.model_validate(data["faq"])
    defaults = [e.model_dump(exclude_none=True) for e in section.entries]
    rng = random.Random(20241028)
    extra = synthetic(args.big - len(defaults), rng)

    started = time.perf_counter()
    small = build(defaults[:10], section)
    big = build(defaults + extra, section)
    built = time.perf_counter() - started

    kinds: dict[str, list[str]] = {"default": [], "big-only": [], "chat": []}
    messages = []
    for _ in range(args.messages):
        kind = rng.random()
        if kind < 0.4:
            text = phrase(rng.choice(rng.choice(defaults)["questions"]), rng)
            kinds["default"].append(text)
        elif kind < 0.7:
            text = phrase(rng.choice(rng.choice(extra)["questions"]), rng)
            kinds["big-only"].append(text)
        else:
            text = rng.choice(CHAT) + rng.choice(("", "！", "~", "。"))
            kinds["chat"].append(text)
        messages.append(text)
    words = section.question_words

    answered = sum(
        1
        for m in messages
        if (found := big.match(m, question_like=True, limit=1))
        and found[0].score >= section.answer_threshold
    )
    print(
        f"entries: {len(small)} and {len(big)} (built in {built:.1f} s); "
        f"{len(messages)} messages, {answered} answered by the big index"
    )
    if args.check:
        check(
            defaults + extra, section, messages[: args.check], section.answer_threshold
        )
    ratios = []
    for n in range(1, args.rounds + 1):
        if n % 2:  # alternate which goes first
            pair = [time_round(small, messages, words)]
            pair.append(time_round(big, messages, words))
        else:
            later = time_round(big, messages, words)
            pair = [time_round(small, messages, words), later]
        ratio = pair[1] / pair[0]
        ratios.append(ratio)
        print(
            f"round {n}: {len(small):>6} entries {pair[0] * 1e6:7.1f} µs/message   "
            f"{len(big):>6} entries {pair[1] * 1e6:7.1f} µs/message   "
            f"ratio {ratio:.2f}×"
        )
    median = statistics.median(ratios)
    verdict = "meets" if median <= 1.5 else "MISSES"
    print(f"median ratio {median:.2f}× ({verdict} the goal of ≤ 1.5×)")
    print("by kind of message (best of 3 rounds):")
    for kind, texts in kinds.items():
        small_cost = min(time_round(small, texts, words) for _ in range(3))
        big_cost = min(time_round(big, texts, words) for _ in range(3))
        print(
            f"  {kind:>8} ({len(texts):>4}): {small_cost * 1e6:6.1f} → "
            f"{big_cost * 1e6:6.1f} µs/message, {big_cost / small_cost:.2f}×"
        )
    print(
        "  (default: questions both indexes answer; big-only: questions only the "
        "10,000-entry index can answer, so it does more work for them; chat: "
        "ordinary messages)"
    )


if __name__ == "__main__":
    main()
