"""Personal data in a group: Chinese ID card numbers and bank card numbers.

An ID number counts only with a valid region, a real birth date and the right
check character (GB 11643); a bank card number only with 16-19 digits, a valid
Luhn sum and a card prefix — and, unless it is a UnionPay number (62…), a bank
word nearby (卡号, 银行…). Order and parcel numbers are not cards.

Digits written in groups are read as one number only when the groups look like
the way that number is written: a card in fours (``6222 0212 3456 7890 128``),
an ID as 6-8-4 or in fours. Two phone numbers side by side
(``62297666 62298999``) stay two numbers.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

_PROVINCES = frozenset(
    {11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44,
     45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83, 91}
)  # fmt: skip
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10x98765432"
# digits written in groups ("6222 0212 3456 7890"): a run of them, each group
# separated by blanks; whether it is one number depends on the group lengths
_RUN = re.compile(r"(?<![0-9a-z])\d+(?:[ \t\u3000]+\d+)+x?(?![0-9a-z])", re.I)
_BLANKS = re.compile(r"[ \t\u3000]+")
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


def _card_groups(lengths: list[int]) -> bool:
    """``4 4 4 4 [1-4]``, also with a first group of 6 (``622202 …``)."""
    head, last = lengths[:-1], lengths[-1]
    if head and head[0] == 6:
        head = head[1:]
    return all(n == 4 for n in head) and 1 <= last <= 4


def _id_groups(lengths: list[int]) -> bool:
    """``6 8 4`` (region, birth date, rest) or ``6 4 4 4`` / fours."""
    return lengths == [6, 8, 4] or _card_groups(lengths)


def _joined(normalized: str, fits: Callable[[list[int]], bool]) -> str:
    def join(match: re.Match[str]) -> str:
        groups = _BLANKS.split(match.group(0))
        lengths = [len(g) for g in groups]  # an ID's final x counts as a digit
        return "".join(groups) if fits(lengths) else match.group(0)

    if not _RUN.search(normalized):
        return normalized
    return _RUN.sub(join, normalized)


def find_id(normalized: str) -> str | None:
    text = _joined(normalized, _id_groups)
    for match in _ID.finditer(text):
        if id_valid(match.group(1)):
            return match.group(1)
    return None


def find_bank_card(
    normalized: str, prefixes: tuple[str, ...] = BANK_PREFIXES
) -> str | None:
    text = _joined(normalized, _card_groups)
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
