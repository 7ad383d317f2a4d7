"""ID card numbers (GB 11643 check digit) and bank cards (Luhn)."""

from __future__ import annotations

import pytest


def test_id_checksum_region_and_birth_date() -> None:
    from plugins.rules.detectors.personal_data import id_valid

    assert id_valid("11010519491231002X")
    assert id_valid("320102198805061230")
    assert not id_valid("320102198805061231")  # wrong check digit
    assert not id_valid("990102198805061230")  # no such region
    assert not id_valid("320102198813061234")  # month 13
    assert not id_valid("3201021988050612")  # too short


def test_luhn() -> None:
    from plugins.rules.detectors.personal_data import luhn_valid

    assert luhn_valid("6222021234567890128")
    assert luhn_valid("4111111111111111")
    assert not luhn_valid("6222021234567890127")


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("身份证 11010519491231002X", "id_card"),
        ("身份证号：320102 19880506 1230", "id_card"),
        ("卡号 6222 0212 3456 7890 128", "bank_card"),
        ("6217000010012345677 转我", "bank_card"),  # UnionPay: no bank word needed
        ("信用卡 4111 1111 1111 1111", "bank_card"),
    ],
)
def test_found(text: str, found: str) -> None:
    from plugins.rules.config import RulesConfig
    from plugins.rules.detectors import Engine

    hits = Engine(RulesConfig()).content(text, ())
    assert [h.reason for h in hits] == [f"rules.reason.{found}"]
    assert "****" in hits[0].detail  # the case never keeps the number


@pytest.mark.parametrize(
    "text",
    [
        "水管师傅 13812345678",
        "3-2-201 13812345678",
        "淘宝订单号 3456789012345678901 没发货",
        "4111111111111111",  # a Visa-like number without any bank word
        "快递单号 SF1234567890123",
        "电费户号 1234567890",
        "320102198805061231",  # bad check digit
    ],
)
def test_not_found(text: str) -> None:
    from plugins.rules.config import RulesConfig
    from plugins.rules.detectors import Engine

    assert Engine(RulesConfig()).content(text, ()) == []


@pytest.mark.parametrize(
    "text",
    [
        "咨询热线：62297666 62298999",  # two landlines: once read as a UnionPay card
        "电话 62297666 62298999 欢迎来电",
        "银行营业厅电话 62297666 62298999",
        "物业 6229 7666，保安 62298999",
    ],
)
def test_two_phone_numbers_are_not_one_card(text: str) -> None:
    """Issue 18: digits in two phone-sized groups are two numbers."""
    from plugins.rules.config import RulesConfig
    from plugins.rules.detectors import Engine

    hits = Engine(RulesConfig()).content(text, ())
    assert [h for h in hits if h.rule == "personal_data"] == []


@pytest.mark.parametrize(
    "text",
    [
        "卡号 6222 0212 3456 7890 128",
        "卡号 622202 1234 5678 9012 8",
        "6222021234567890128",
        "卡号　6222　0212　3456　7890　128",
    ],
)
def test_cards_written_in_groups_are_still_cards(text: str) -> None:
    from plugins.rules.detectors.personal_data import find_bank_card

    assert find_bank_card(text) == "6222021234567890128"
