"""The matching engine on the shipped default entries and on small hand-made sets."""

from __future__ import annotations

import pytest

from tests.helpers import section_config


def _index(section=None):
    from plugins.faq.entries import effective_entries
    from plugins.faq.matcher import Index

    section = section or section_config("faq", shipped=True)
    return Index(
        effective_entries(section, []),
        ignore_words=section.ignore_words,
        statement_penalty=section.statement_penalty,
        synonyms=section.synonyms,
        words=section.words,
    )


def _best(text: str, *, index=None, section=None, **kwargs):
    from plugins.faq.matcher import looks_like_question

    section = section or section_config("faq", shipped=True)
    index = index or _index(section)
    question_like = looks_like_question(text, section.question_words)
    found = index.match(text, question_like=question_like, **kwargs)
    return found[0] if found else None


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("物业电话是多少？", "物业电话"),
        ("物业电话", "物业电话"),
        ("请问物业的电话号码是多少啊", "物业电话"),
        ("有物业的联系方式吗", "物业电话"),
        ("物業電話幾號？", "物业电话"),  # traditional characters, full-width mark
        ("健身房几点开门？", "健身房"),
        ("小区健身房什么时候开放", "健身房"),
        ("健身房开门时间", "健身房"),
        ("停车费多少钱一个月", "停车费"),
        ("垃圾几点收？", "垃圾分类"),
        ("想问一下垃圾分类", "垃圾分类"),
        ("门禁卡丢了怎么补办", "门禁卡"),
        ("快递放哪里了", "快递"),
        ("物业费怎么交啊", "缴费"),
        ("怎么报修？", "报修"),
        ("群昵称怎么改", "群昵称"),
    ],
)
def test_default_questions_in_many_phrasings_are_answered(text: str, key: str) -> None:
    section = section_config("faq", shipped=True)
    best = _best(text, section=section, minute=10 * 60)
    assert best is not None and best.entry.key == key
    assert best.score >= section.answer_threshold


@pytest.mark.parametrize(
    "text",
    [
        "今天天气真好",
        "有人一起打球吗？",
        "晚上吃什么？",
        "哈哈哈哈",
        "我刚交了停车费",
        "收到",
    ],
)
def test_unrelated_messages_are_not_answered(text: str) -> None:
    section = section_config("faq", shipped=True)
    best = _best(text, section=section)
    assert best is None or best.score < section.answer_threshold


@pytest.mark.parametrize(
    ("text", "key"),
    [
        # what /help and the try-out promise an English group
        ("What is the property office's phone number?", "phone-en"),
        ("How do I contact the property office?", "phone-en"),
        ("When does the gym open?", "gym-en"),
        ("How much is parking per month?", "parking-en"),
        ("Where do parcels go?", "parcels-en"),
        ("I lost my access card, what do I do?", "access-card-en"),
        ("How do I pay the property fee?", "fees-en"),
        ("When is rubbish collected?", "rubbish-en"),
    ],
)
def test_english_questions_get_the_english_entries(text: str, key: str) -> None:
    section = section_config("faq", shipped=True)
    best = _best(text, section=section, minute=10 * 60)
    assert best is not None and best.entry.key == key, best
    assert best.score >= section.answer_threshold


@pytest.mark.parametrize(
    "text",
    ["I'll phone the office tomorrow.", "See you at the gym!", "Thanks, got it."],
)
def test_english_chat_is_not_answered(text: str) -> None:
    section = section_config("faq", shipped=True)
    best = _best(text, section=section, minute=10 * 60)
    assert best is None or best.score < section.answer_threshold, best


def test_chinese_questions_never_get_an_english_answer() -> None:
    for text in ("物业电话是多少？", "健身房几点开门？", "快递放哪里了", "怎么报修？"):
        best = _best(text, minute=10 * 60)
        assert not best.entry.key.endswith("-en"), (text, best.entry.key)


def test_active_hours_pick_the_entry_of_the_moment() -> None:
    assert _best("管理员在吗", minute=10 * 60).entry.key == "上班时间"
    assert _best("管理员在吗", minute=22 * 60).entry.key == "下班时间"
    assert _best("管理员在吗", minute=3 * 60).entry.key == "下班时间"  # after midnight


def test_scope_by_group_and_tag() -> None:
    section = section_config(
        "faq",
        shipped=True,
        entries=[
            {"id": "A", "questions": ["水费怎么交"], "answer": "a", "groups": ["qq:1"]},
            {"id": "B", "questions": ["电费怎么交"], "answer": "b", "tags": ["3栋"]},
        ],
    )
    index = _index(section)
    assert _best("水费怎么交", index=index, group="qq:1").entry.key == "A"
    assert _best("水费怎么交", index=index, group="qq:2") is None
    assert _best("电费怎么交", index=index, group="qq:2", tags=["3栋"]).entry.key == "B"
    assert _best("电费怎么交", index=index, group="qq:2", tags=["5栋"]) is None


def test_modes_exact_contains_regex() -> None:
    section = section_config("faq", shipped=True,
        entries=[
            {"id": "E", "questions": ["开门"], "answer": "e", "mode": "exact"},
            {"id": "C", "keywords": ["电梯 + 年检|检测"], "answer": "c",
             "mode": "contains"},
            {"id": "R", "questions": [r"\d+号楼.*(停水|停电)"], "answer": "r",
             "mode": "regex"},
        ]
    )  # fmt: skip
    index = _index(section)
    assert _best("开门！", index=index).entry.key == "E"
    assert _best("几点开门？", index=index) is None  # exact means the whole message
    assert _best("电梯什么时候年检？", index=index).entry.key == "C"
    assert _best("电梯什么时候修？", index=index) is None  # both words are needed
    found = _best("3号楼明天停水吗", index=index)
    assert found.entry.key == "R" and found.how == "regex"


def test_fuzzy_scores_are_confidences() -> None:
    section = section_config(
        "faq",
        shipped=True,
        entries=[{"id": "P", "questions": ["游泳池开放时间"], "answer": "p"}],
    )
    index = _index(section)
    near = _best("游泳池的开门时间是几点？", index=index)
    far = _best("游泳馆几点关？", index=index)
    assert near.how == "fuzzy" and 0.8 <= near.score < 1
    assert far is None or far.score < near.score


def test_looks_like_question() -> None:
    from plugins.faq.matcher import looks_like_question

    words = section_config("faq", shipped=True).question_words
    for text in ("物业电话？", "物业电话?", "有人在吗", "几点开门", "停车费多少"):
        assert looks_like_question(text, words)
    for text in ("今天天气真好", "收到", "好的"):
        assert not looks_like_question(text, words)


def test_keyword_rule_syntax() -> None:
    from plugins.faq.matcher import parse_hours, parse_keyword

    assert parse_keyword("健身房 + 几点|开门") == [["健身房"], ["几点", "开门"]]
    assert parse_keyword("ＷＩＦＩ 密码") == [["wifi密码"]]
    assert parse_hours("18:00-09:00") == (18 * 60, 9 * 60)
    with pytest.raises(ValueError):
        parse_hours("9点")


def test_ties_follow_the_entries_order_not_hash_order() -> None:
    """Two entries that score alike: the first in the file wins, whatever
    Python's hash seed (the same answer after a restart)."""
    from plugins.faq.matcher import Entry, Index

    def entry(key: str) -> Entry:
        return Entry(key=key, answer=key, questions=("会所几点开门",))

    for keys in (["甲", "乙"], ["乙", "甲"]):
        index = Index([entry(k) for k in keys])
        found = index.match("会所几点开门呀", question_like=True)
        assert [m.entry.key for m in found] == keys
        assert found[0].score == found[1].score


def test_numbers_are_written_one_way_and_buildings_are_guarded() -> None:
    """三栋, 3号楼 and 3幢 are one building; the 3栋 entry is never taken for a
    question about 5栋 (the match carries the clash, and the service does not
    answer it)."""
    section = section_config(
        "faq",
        shipped=True,
        entries=[{"id": "W", "questions": ["3栋停水到几点"], "answer": "w"}],
    )
    index = _index(section)
    for text in ("三栋停水到几点？", "3号楼停水到几点", "3幢停水到几点呀"):
        found = _best(text, index=index)
        assert found.entry.key == "W" and not found.conflict, text
    other = _best("5栋停水到几点？", index=index)
    assert other is None or other.conflict == "building"
