"""Personal data in a group: Chinese ID card numbers and bank card numbers.

An ID number counts only with a valid region, a real birth date and the right
check character (GB 11643); a bank card number only with 16-19 digits, a valid
Luhn sum and a card prefix — and, unless it is a UnionPay number (62…), a bank
word nearby (卡号, 银行…). Order and parcel numbers are not cards.
"""

from __future__ import annotations

import re
from datetime import date

_PROVINCES = frozenset(
    {11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44,
     45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83, 91}
)  # fmt: skip
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10x98765432"
# digits written in groups ("6222 0212 3456 7890") are read as one number
_GROUPED = re.compile(r"(?<=\d)[ \t\u3000]+(?=\d)")
_ID = re.compile(r"(?<![0-9a-z])(\d{17}[0-9x])(?![0-9a-z])", re.IGNORECASE)
_CARD = re.compile(r"(?<![0-9a-z])(\d{16,19})(?![0-9a-z])", re.IGNORECASE)
_BANK_WORDS = re.compile(
    r"卡号|银行|账号|帐号|转账|汇款|收款|开户|储蓄卡|借记卡|信用卡|工资卡|社保卡|"
    r"bank|card",
    re.IGNORECASE,
)
_NOT_CARD_WORDS = re.compile(r"订单|单号|快递|运单|物流|取件|户号|编号|工单")
BANK_PREFIXES = ("62", "4", "5", "3", "6", "9")


def id_valid(number: str) -> bool:
    number = number.lower()
    if len(number) != 18 or not number[:17].isdigit():
        return False
    if int(number[:2]) not in _PROVINCES:
        return False
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    if born.year < 1900 or born > date.today():
        return False
    total = sum(int(d) * w for d, w in zip(number[:17], _WEIGHTS, strict=True))
    return _CHECK[total % 11] == number[17]


def luhn_valid(number: str) -> bool:
    if not number.isdigit():
        return False
    total = 0
    for i, ch in enumerate(reversed(number)):
        d = int(ch)
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def find_id(normalized: str) -> str | None:
    text = _GROUPED.sub("", normalized)
    for match in _ID.finditer(text):
        if id_valid(match.group(1)):
            return match.group(1)
    return None


def find_bank_card(
    normalized: str, prefixes: tuple[str, ...] = BANK_PREFIXES
) -> str | None:
    text = _GROUPED.sub("", normalized)
    bank_context = bool(_BANK_WORDS.search(text))
    if not bank_context and _NOT_CARD_WORDS.search(text):
        return None
    for match in _CARD.finditer(text):
        number = match.group(1)
        if not number.startswith(prefixes) or not luhn_valid(number):
            continue
        if number.startswith("62") or bank_context:
            return number
    return None
