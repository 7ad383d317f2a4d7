"""Reading reports: categories, P1, locations, contacts, duplicates."""

from __future__ import annotations

import pytest


def cfg():
    from plugins.tickets.config import TicketsConfig

    return TicketsConfig()


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("3栋2单元电梯坏了", "电梯"),
        ("有人被困在电梯里", "电梯"),
        ("楼道灯不亮", "水电"),
        ("地下车库漏水", "水电"),  # tie 水电/停车: config order
        ("垃圾三天没人清", "保洁"),
        ("门禁坏了，陌生人随便进", "安保"),
        ("草坪该修剪了", "绿化"),
        ("有车占道挡车", "停车"),
        ("楼上装修太吵", "噪音"),
        ("想问一下快递柜", "其他"),
        ("電梯故障", "电梯"),  # traditional characters
    ],
)
def test_category_by_keywords(text: str, category: str) -> None:
    from plugins.tickets.classify import classify

    assert classify(text, cfg()) == category


def test_p1_keywords() -> None:
    from plugins.tickets.classify import is_p1

    assert is_p1("电梯困人了！快来", cfg())
    assert is_p1("厨房燃气味很重", cfg())
    assert is_p1("卫生间漏水到楼下", cfg())
    assert not is_p1("楼道灯坏了", cfg())


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3栋2单元201室 水管爆了", ("3", "2", "201")),
        ("3号楼 电梯坏了", ("3", None, None)),
        ("5-101 马桶堵了", ("5", None, "101")),
        ("3-2-201 没水", ("3", "2", "201")),
        ("２栋１单元５０２漏水", ("2", "1", "502")),
        ("2单元 楼道灯", (None, "2", None)),
        ("小区东门道闸坏了", (None, None, None)),
        ("电话 138-1234-5678 楼道灯坏了", (None, None, None)),
    ],
)
def test_location_from_the_text(text: str, expected: tuple) -> None:
    from plugins.tickets.classify import parse_location

    assert parse_location(text).parts() == expected


@pytest.mark.parametrize(
    ("text", "expected", "floor"),
    [
        ("the lift in building 5 is broken", ("5", None, None), None),
        ("Bldg 3 unit 2 hallway light broken", ("3", "2", None), None),
        ("BLDG 5, RM 1203: no water", ("5", None, "1203"), None),
        ("room 301 toilet blocked", (None, None, "301"), None),
        ("unit 1203 leaking", (None, None, "1203"), None),  # a flat, not 单元
        ("Block A lift stuck", ("A", None, None), None),
        ("5th floor corridor light", (None, None, None), "5"),
        ("building 3, floor 12, lights out", ("3", None, None), "12"),
        ("they are building a fence", (None, None, None), None),
        ("the drain is blocked", (None, None, None), None),
        ("三栋电梯坏了", ("3", None, None), None),
        ("十二栋二单元楼道灯", ("12", "2", None), None),
        ("3栋5楼楼道灯不亮", ("3", None, None), "5"),
        ("一楼大厅漏水", (None, None, None), "1"),
        ("两栋楼之间的路灯坏了", (None, None, None), None),  # two buildings
        ("楼上装修太吵", (None, None, None), None),
    ],
)
def test_english_places_chinese_numerals_and_floors(
    text: str, expected: tuple, floor: str | None
) -> None:
    from plugins.tickets.classify import parse_location

    found = parse_location(text)
    assert (found.parts(), found.floor) == (expected, floor)


def test_a_floor_alone_is_no_known_place() -> None:
    from plugins.tickets.classify import location_for

    found = location_for("5th floor lift", None, None)
    assert (found.known, found.floor) == (False, "5")
    # the reporter's building and stairwell, the floor from the text, no flat
    found = location_for("5楼楼道灯", ("3", "2", "201"), None)
    assert (found.parts(), found.floor) == (("3", "2", None), "5")


def test_location_falls_back_to_household_then_group_building() -> None:
    from plugins.tickets.classify import location_for

    household = ("3", "2", "201")
    assert location_for("水管爆了", household, "3").parts() == ("3", "2", "201")
    assert location_for("水管爆了", None, "5").parts() == ("5", None, None)
    assert location_for("5栋电梯坏了", household, "3").parts() == ("5", None, None)
    # a unit without a building: the reporter's building
    assert location_for("2单元楼道灯", household, None).parts() == ("3", "2", None)


def test_contact_found_and_stripped() -> None:
    from plugins.tickets.classify import find_contact, strip_contact

    text = "3栋楼道灯坏了，联系电话：138 1234 5678"
    assert find_contact(text) == "13812345678"
    assert strip_contact(text) == "3栋楼道灯坏了"
    assert find_contact("座机 0755-1234567") == "0755-1234567"
    assert find_contact("没有电话") is None


def test_same_place_by_scope() -> None:
    from plugins.tickets.classify import Location, same_place

    a = Location("3", "2", "201")
    assert same_place(a, Location("3", "2", "201"), "room")
    assert not same_place(a, Location("3", "2", "202"), "room")
    assert not same_place(a, Location("3", "2", None), "room")  # a flat vs the stair
    assert same_place(a, Location("3", "2", "502"), "unit")
    assert same_place(a, Location("3", None, None), "unit")  # "3栋电梯"
    assert not same_place(a, Location("3", "1", None), "unit")
    assert same_place(a, Location("3", "1", "101"), "building")
    assert not same_place(a, Location("5", None, None), "building")
    assert same_place(a, Location("5", None, None), "estate")


def test_numbers_and_free_format() -> None:
    from plugins.tickets.classify import free_format, parse_number

    assert parse_number("12") == parse_number("#0012") == 12
    assert parse_number("#0012") == 12
    assert parse_number("１２") == 12
    assert parse_number("十二") is None
    tags = ["问题", "投诉"]
    assert free_format("【问题】3栋2单元 + 楼道灯坏了 + 13812345678", tags) == (
        "问题",
        "3栋2单元 楼道灯坏了 13812345678",
    )
    assert free_format("[投诉] 楼上太吵", tags) == ("投诉", "楼上太吵")
    assert free_format("【问题】", tags) is None
    assert free_format("今天【问题】不少", tags) is None
