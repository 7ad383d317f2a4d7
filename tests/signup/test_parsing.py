"""The pure parsers: /接龙 command lines, entries, +1, pasted WeChat lists."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 10, 26, 14, 30, tzinfo=TZ)  # a Monday afternoon
PATTERN = (
    r"^\s*(?P<building>\d+)\s*(?:栋|幢|号楼|-)\s*"
    r"(?:(?P<unit>\d+)\s*(?:单元|-)\s*)?"
    r"(?P<room>\d{3,4})\s*室?[\s\-_]*(?P<name>.*?)\s*$"
)


def _kinds():
    from plugins.signup.parsing import FieldKinds

    return FieldKinds(
        count={"人数": "人", "份数": "份"},
        household=("房号",),
        household_pattern=PATTERN,
        private=("电话", "身份证"),
    )


@pytest.mark.parametrize(
    ("text", "kind", "number", "rest", "position", "count"),
    [
        ("", "list", None, "", None, None),
        ("列表", "list", None, "", None, None),
        ("list", "list", None, "", None, None),
        ("查看 3", "show", 3, "", None, None),
        ("show #3", "show", 3, "", None, None),
        ("结束", "close", None, "", None, None),
        ("结束 2", "close", 2, "", None, None),
        ("退出", "leave", None, "", None, None),
        ("leave 4", "leave", 4, "", None, None),
        ("移除 2 5", "remove", 2, "", 5, None),
        ("导出 7", "export", 7, "", None, None),
        ("+", "join", None, "", None, None),
        ("+1", "join", None, "", None, None),
        ("＋１ 带孩子", "join", None, "带孩子", None, None),
        ("+ 2", "join", 2, "", None, None),
        ("+ 2 3-201 2人", "join", 2, "3-201 2人", None, None),
        ("+2", "join", None, "", None, 2),
        ("join 3 note", "join", 3, "note", None, None),
        ("周六义诊 上限 30", "create", None, "周六义诊 上限 30", None, None),
        ("new 周六义诊", "create", None, "周六义诊", None, None),
        ("new", "usage", None, "", None, None),
        ("移除 2", "usage", None, "", None, None),
        ("查看 abc", "usage", None, "", None, None),
        ("帮助", "usage", None, "", None, None),
    ],
)
def test_parse_command(text, kind, number, rest, position, count) -> None:
    from plugins.signup.parsing import parse_command

    command = parse_command(text)
    assert (command.kind, command.number, command.text) == (kind, number, rest)
    assert (command.position, command.count) == (position, count)


def test_parse_create_everything() -> None:
    from plugins.signup.parsing import parse_create

    spec = parse_create(
        "周六义诊 上限 30 截止 周五 17:00 字段 房号,人数 说明 请带医保卡，截止后不退",
        NOW,
    )
    assert spec.title == "周六义诊"
    assert spec.capacity == 30
    assert spec.deadline == datetime(2026, 10, 30, 17, 0, tzinfo=TZ)
    assert spec.fields == ["房号", "人数"]
    # the description takes the rest, keywords and all
    assert spec.description == "请带医保卡,截止后不退"
    assert not spec.lottery


@pytest.mark.parametrize(
    ("text", "deadline"),
    [
        ("团购 截止 今天18:00", datetime(2026, 10, 26, 18, 0)),
        ("团购 截止明天 9点", datetime(2026, 10, 27, 9, 0)),
        ("团购 截止 10月28日 12:00", datetime(2026, 10, 28, 12, 0)),
        ("团购 截止 2h", datetime(2026, 10, 26, 16, 30)),
        ("团购 截止 2026-10-28T12:00", datetime(2026, 10, 28, 12, 0)),
        ("Rice order until 周五 17:00", datetime(2026, 10, 30, 17, 0)),
    ],
)
def test_parse_create_deadlines(text: str, deadline: datetime) -> None:
    from plugins.signup.parsing import parse_create

    assert parse_create(text, NOW).deadline == deadline.replace(tzinfo=TZ)


def test_parse_create_glued_english_and_flags() -> None:
    from plugins.signup.parsing import parse_create

    spec = parse_create("大米团购 上限30份 每户一份 抽签 截止 周五 17:00", NOW)
    assert (spec.title, spec.capacity, spec.lottery, spec.per_household) == (
        "大米团购",
        30,
        True,
        True,
    )
    spec = parse_create(
        "Health check limit 20 fields room, people desc bring card", NOW
    )
    assert (spec.title, spec.capacity, spec.fields, spec.description) == (
        "Health check",
        20,
        ["room", "people"],
        "bring card",
    )
    # a keyword at the start is part of the title
    assert parse_create("说明会报名", NOW).title == "说明会报名"


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("上限 30", "signup.error.no_title"),  # the first word is the title...
        ("义诊 上限 很多", "signup.error.bad_capacity"),
        ("义诊 上限 0", "signup.error.bad_capacity"),
        ("义诊 截止 下雨天", "signup.error.bad_time"),
        ("义诊 截止 2026-01-01 09:00", "signup.error.past_time"),
        ("义诊 抽签", "signup.error.lottery_needs"),
        ("义诊 上限 5 抽签", "signup.error.lottery_needs"),
        ("义诊 抽签 随便写", "signup.error.bad_option"),
        ("义" * 61, "signup.error.title_long"),
    ],
)
def test_parse_create_mistakes(text: str, key: str) -> None:
    from plugins.signup.parsing import ParseError, parse_create

    if key == "signup.error.no_title":
        # "上限 30" alone: 上限 is the title's first word, not a keyword
        assert parse_create(text, NOW).title == "上限 30"
        return
    with pytest.raises(ParseError) as info:
        parse_create(text, NOW)
    assert info.value.key == key


def test_parse_entry_fields() -> None:
    from plugins.signup.parsing import parse_entry

    kinds = _kinds()
    entry = parse_entry("3-201 2人 带孩子", ["房号", "人数"], kinds)
    assert (entry.household, entry.count, entry.rest) == ("3-201", 2, "带孩子")
    entry = parse_entry("3栋2单元201", ["房号", "人数"], kinds)
    assert (entry.household, entry.count) == ("3-2-201", None)
    entry = parse_entry("房号:5-101 人数 3", ["房号", "人数"], kinds)
    assert (entry.household, entry.count) == ("5-101", 3)
    entry = parse_entry("3-201 2", ["房号", "人数"], kinds)  # a bare count
    assert entry.count == 2
    assert parse_entry("2", ["人数"], kinds).count == 2
    assert parse_entry("2 带孩子", ["人数"], kinds).count is None
    # no count field: people still count ("2人"), a bare number or other
    # units do not (a note)
    entry = parse_entry("2人", [], kinds)
    assert (entry.count, entry.rest) == (2, "")
    entry = parse_entry("8-1-102 11人", [], kinds)  # the service says it is too many
    assert (entry.household, entry.count, entry.rest) == ("8-1-102", 11, "")
    entry = parse_entry("3-201 2 2斤", [], kinds)
    assert (entry.count, entry.rest) == (None, "2 2斤")
    # other fields: labelled, or filled in order by unlabelled words
    entry = parse_entry("3-201 电话 13812345678", ["房号", "电话"], kinds)
    assert entry.values == {"电话": "13812345678"}
    entry = parse_entry("3-201 13812345678", ["房号", "电话"], kinds)
    assert (entry.values, entry.rest) == ({"电话": "13812345678"}, "")


def test_a_private_field_takes_only_a_private_number() -> None:
    """A remark never goes into 电话 (masked ****, exported as a phone)."""
    from plugins.signup.parsing import parse_entry

    fields = ["房号", "电话"]
    entry = parse_entry("3-2-201 1人 带老人", fields, _kinds())
    assert (entry.household, entry.count, entry.values, entry.rest) == (
        "3-2-201",
        1,
        {},
        "带老人",
    )
    entry = parse_entry("带孩子", fields, _kinds())  # "+1 带孩子"
    assert (entry.values, entry.rest) == ({}, "带孩子")
    entry = parse_entry("3-201 带老人 138 1234 5678", fields, _kinds())
    assert (entry.values, entry.rest) == ({}, "带老人 138 1234 5678")  # split
    entry = parse_entry("3-201 带老人 13812345678", fields, _kinds())
    assert (entry.values, entry.rest) == ({"电话": "13812345678"}, "带老人")
    # an ordinary field still takes the first free word, not the phone
    entry = parse_entry("13812345678 沪A12345", ["电话", "车牌"], _kinds())
    assert (entry.values, entry.rest) == (
        {"电话": "13812345678", "车牌": "沪A12345"},
        "",
    )
    # labelled, the member said what it is
    entry = parse_entry("电话 找王阿姨", fields, _kinds())
    assert entry.values == {"电话": "找王阿姨"}


def test_parse_entry_rejects_bad_counts() -> None:
    from plugins.signup.parsing import ParseError, parse_entry

    # the size of a count is the service's to refuse (with the limit)
    assert parse_entry("3-201 20人", ["房号", "人数"], _kinds()).count == 20
    with pytest.raises(ParseError) as info:
        parse_entry("人数 很多", ["人数"], _kinds())
    assert info.value.key == "signup.error.bad_count"


def test_parse_entry_name_first_for_pasted_lines() -> None:
    from plugins.signup.parsing import parse_entry

    entry = parse_entry("王五 3-201", ["房号"], _kinds(), name_first=True)
    assert (entry.name, entry.household, entry.rest) == ("王五", "3-201", "")
    entry = parse_entry("3-201王五 2人", ["人数"], _kinds(), name_first=True)
    assert (entry.name, entry.household, entry.count) == ("王五", "3-201", 2)


@pytest.mark.parametrize(
    ("text", "rest", "count"),
    [
        ("+1", "", None),
        ("＋１", "", None),
        ("+", "", None),
        ("+1 带孩子", "带孩子", None),
        ("+2", "", 2),
        ("+11", "", 11),  # over max_count: answered by the service
        ("+12 带孩子", "带孩子", 12),
        ("接龙", "", None),
        ("接龙 3-201 2人", "3-201 2人", None),
        ("接龙：3-201", "3-201", None),
        ("接龙+1", "", None),
    ],
)
def test_parse_plain_joins(text: str, rest: str, count: int | None) -> None:
    from plugins.signup.parsing import PlainJoin, parse_plain

    assert parse_plain(text) == PlainJoin(text=rest, count=count)


@pytest.mark.parametrize(
    "text",
    [
        "+86 13800000000",
        "+852 91234567",
        "+0",
        "+1000",
        "接龙在哪里看",
        "接龙 怎么报名？",
        "今天接龙了吗",
        "1+1",
        "+1\n+1",
    ],
)
def test_parse_plain_ignores_other_text(text: str) -> None:
    from plugins.signup.parsing import parse_plain

    assert parse_plain(text) is None


def test_parse_pasted_wechat_list() -> None:
    from plugins.signup.parsing import Pasted, parse_pasted

    multi = "#接龙\n周六义诊报名\n例 张三 3-201\n\n1. 张三\n2. 李四\n3. 王五 3-201"
    assert parse_pasted(multi) == Pasted("周六义诊报名", 3, "王五 3-201")
    one_line = "#接龙 周六义诊 1. 张三 2. 李四 3. 王五 3-201"
    assert parse_pasted(one_line) == Pasted("周六义诊", 3, "王五 3-201")
    assert parse_pasted("#接龙\n周六义诊\n1、张三\n2、李四") == Pasted(
        "周六义诊", 2, "李四"
    )
    assert parse_pasted("#接龙 周六义诊") is None  # no lines
    assert parse_pasted("1. 张三\n2. 李四") is None  # not a 接龙 paste


def test_lottery_draw_is_reproducible_from_the_seed() -> None:
    import random

    from plugins.signup.lottery import draw

    candidates = [(n, 2 if n % 5 == 0 else 1) for n in range(1, 41)]
    first = draw(candidates, 20, seed=12345678)
    again = draw(candidates, 20, seed=12345678)
    assert first == again
    assert sum(dict(candidates)[k] for k in first.winners) <= 20
    assert sorted(first.winners + first.waitlist) == list(range(1, 41))
    # what anyone can do with the published seed
    order = list(candidates)
    random.Random(12345678).shuffle(order)
    assert [k for k, _ in order] == first.order
    assert draw(candidates, 20, seed=87654321).order != first.order
