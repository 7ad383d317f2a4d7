"""The word automaton: normalisation tricks, wildcards, one combined regex."""

from __future__ import annotations

import random

import pytest


def _matcher(words, **kw):
    from plugins.rules.detectors.words import WordMatcher

    return WordMatcher({"words": words}, **kw)


def _rules(matcher, text: str) -> list[str]:
    return [hit.entry for hit in matcher.scan(text)]


@pytest.mark.parametrize(
    "text",
    [
        "你个傻逼",
        "傻 逼",  # spaces inserted
        "傻.逼！",  # punctuation inserted
        "傻\u200b逼",  # zero-width space
        "傻\u3000逼",  # full-width space
        "傻\u200d逼",  # zero-width joiner
    ],
)
def test_literal_survives_spacing_tricks(text: str) -> None:
    assert _rules(_matcher(["傻逼"]), text) == ["傻逼"]


def test_full_width_case_and_traditional_are_folded() -> None:
    m = _matcher(["博彩", "nmsl", "赌场"])
    assert _rules(m, "ＮＭＳＬ") == ["nmsl"]
    assert _rules(m, "NmSl 你") == ["nmsl"]
    assert _rules(m, "線上賭場") == ["赌场"]  # traditional → simplified
    # the entries are folded too
    assert _rules(_matcher(["賭場"]), "线上赌场") == ["賭場"]


def test_ascii_word_must_stand_alone() -> None:
    m = _matcher(["cnm", "sb"])
    assert _rules(m, "cnm 什么玩意") == ["cnm"]
    assert _rules(m, "你sb吧") == ["sb"]
    assert _rules(m, "hello s b world") == ["sb"]
    assert _rules(m, "usb 坏了") == []
    assert _rules(m, "sbc") == []
    assert _rules(m, "cnmb") == []


def test_wildcard_parts_in_order_within_the_gap() -> None:
    m = _matcher(["免费*鸡蛋"], gap=4)
    assert _rules(m, "免费领鸡蛋") == ["免费*鸡蛋"]
    assert _rules(m, "免费 每人 领 鸡蛋") == ["免费*鸡蛋"]  # 每人领 = 3 chars
    assert _rules(m, "免费鸡蛋") == ["免费*鸡蛋"]  # * may be empty
    assert _rules(m, "鸡蛋不是免费的") == []  # wrong order
    assert _rules(m, "免费停车，另外超市的鸡蛋涨价了") == []  # too far apart
    three = _matcher(["恭喜*中奖*领取"])
    assert _rules(three, "恭喜您中奖了，请点击领取") == ["恭喜*中奖*领取"]
    assert _rules(three, "恭喜您中奖了") == []


def test_regexes_are_one_alternation() -> None:
    m = _matcher(["傻逼", "re:v信[a-z]{3,}", "re:\\d{3}元一单"])
    assert isinstance(m.regex, __import__("re").Pattern)
    assert m.regex.pattern.count("(?P<") == 2  # both in one compiled pattern
    assert _rules(m, "V信 abcd 联系") == ["re:v信[a-z]{3,}"]
    assert _rules(m, "200元一单") == ["re:\\d{3}元一单"]
    assert _rules(m, "v信 12") == []


def test_each_list_reports_its_rule() -> None:
    from plugins.rules.detectors.words import WordMatcher

    m = WordMatcher({"words": ["傻逼"], "fraud": ["刷单返利"], "ads": ["砍一刀"]})
    rules = sorted(hit.rule for hit in m.scan("傻逼，刷单返利，帮我砍一刀"))
    assert rules == ["ads", "fraud", "words"]
    # a key shared by two lists belongs to both
    shared = WordMatcher({"words": ["代开发票"], "ads": ["代开发票"]})
    assert sorted(h.rule for h in shared.scan("代开发票")) == ["ads", "words"]


def test_python_fallback_agrees_with_pyahocorasick() -> None:
    from plugins.rules.detectors.words import WordMatcher

    rng = random.Random(7)
    alphabet = "的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年"
    words = ["".join(rng.choices(alphabet, k=rng.randint(2, 4))) for _ in range(300)]
    words += ["a*b", "甲*乙*丙"]
    fast = WordMatcher({"words": words})
    slow = WordMatcher({"words": words}, force_python=True)
    for _ in range(300):
        text = "".join(rng.choices(alphabet + "甲乙丙ab ", k=rng.randint(0, 40)))
        assert fast.scan(text) == slow.scan(text), text


def test_ten_thousand_words_compile_and_match() -> None:
    from plugins.rules.detectors.words import WordMatcher

    rng = random.Random(1)
    words = {
        "".join(chr(rng.randint(0x4E00, 0x9FA5)) for _ in range(rng.randint(2, 5)))
        for _ in range(10_000)
    }
    words.add("刷单返利")
    m = WordMatcher({"fraud": sorted(words)})
    assert len(m) == len(words)
    assert [h.entry for h in m.scan("兼职 刷 单 返 利，日结")] == ["刷单返利"]


def test_config_rejects_bad_entries() -> None:
    from pydantic import ValidationError

    from plugins.rules.config import WordsConfig

    for bad in (["re:(unclosed"], ["re:(?P<x>a)"], ["re:a*"], ["*"], [" "]):
        with pytest.raises(ValidationError):
            WordsConfig(words=bad)


def test_the_shipped_list_catches_what_the_guide_says() -> None:
    """plugins/rules/README.md: `傻 逼`, `傻‌逼` and `ＳＢ` are caught; `usb` is not."""
    from plugins.rules.defaults import DEFAULT_BANNED_WORDS

    m = _matcher(list(DEFAULT_BANNED_WORDS))
    for text in ("傻 逼", "傻\u200c逼", "ＳＢ", "你是SB吧", "傻Ｂ"):
        assert _rules(m, text), text
    for text in ("usb 坏了", "3栋的SBS快递", "B1 停车场"):
        assert _rules(m, text) == [], text
