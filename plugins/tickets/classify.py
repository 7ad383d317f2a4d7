"""Reading a report: category, P1, location, contact.

Pure functions. Matching uses core's ``compact`` (full-width, case, traditional
characters and punctuation folded), so ``电 梯`` and ``電梯`` both count.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from plugins.core import compact

from .config import TicketsConfig

_FULLWIDTH = str.maketrans("０１２３４５６７８９－＋　", "0123456789-+ ")

# 18-digit resident ID numbers (last character may be X)
_ID = re.compile(r"(?<![0-9A-Za-z])(\d{6})(\d{8})(\d{3}[\dXx])(?![0-9A-Za-z])")
# mainland mobiles, optionally +86 and split by spaces or dashes
_MOBILE = re.compile(
    r"(?<![\d])(?:\+?86[\s-]?)?(1[3-9]\d)[\s-]?(\d{4})[\s-]?(\d{4})(?!\d)"
)
# landlines: 010-12345678, 0755 1234567
_LANDLINE = re.compile(r"(?<![\d])(0\d{2,3})[\s-]?(\d{3,4})(\d{4})(?!\d)")


_CONTACT_WORD = re.compile(
    r"(联系方式|联系电话|电话|手机|tel|phone)\s*[:：]?\s*(?=$|[,，+。;；\s])",
    re.IGNORECASE,
)


def _ascii_digits(text: str) -> str:
    return text.translate(_FULLWIDTH)


def find_contact(text: str) -> str | None:
    """The first phone number in ``text`` (as written, digits only)."""
    plain = _ascii_digits(text)
    plain = _ID.sub(" ", plain)
    found = _MOBILE.search(plain)
    if found:
        return "".join(found.groups())
    found = _LANDLINE.search(plain)
    if found:
        return f"{found.group(1)}-{found.group(2)}{found.group(3)}"
    return None


def strip_contact(text: str) -> str:
    """The text without phone numbers (and the words that introduce them)."""
    plain = _ascii_digits(text)
    plain = _MOBILE.sub("", plain)
    plain = _LANDLINE.sub("", plain)
    plain = _CONTACT_WORD.sub("", plain)
    return re.sub(r"[\s+,，;；]+$", "", plain).strip()


@dataclass(frozen=True)
class Location:
    building: str | None = None
    unit: str | None = None
    room: str | None = None
    floor: str | None = None  # read from the text, not kept on the ticket

    @property
    def empty(self) -> bool:
        return not (self.building or self.unit or self.room)

    @property
    def known(self) -> bool:
        """The building is known: without it, no two places can be called the
        same (``301`` is in every building)."""
        return bool(self.building)

    def parts(self) -> tuple[str | None, str | None, str | None]:
        return self.building, self.unit, self.room


_B = r"(?P<b>\d{1,3}|[A-Za-z])\s*(?:栋|幢|号楼|座|#楼?)"
_U = r"(?P<u>\d{1,2})\s*(?:单元|门洞)"
_R = r"(?P<r>\d{3,4})\s*(?:室|房|号)?"
_FULL = re.compile(rf"{_B}\s*(?:{_U})?\s*(?:{_R})?")
_UNIT_ONLY = re.compile(rf"{_U}\s*(?:{_R})?")
_DASHED = re.compile(r"(?<![\d-])(\d{1,3})-(\d{1,2})-(\d{3,4})(?![\d-])")
_DASHED2 = re.compile(r"(?<![\d-])(\d{1,3})-(\d{3,4})(?![\d-])")
_ROOM = re.compile(r"(?<!\d)(\d{3,4})\s*(?:室|房)")
# 三栋, 十二栋, 二单元, 五楼 → 3栋, 12栋, 2单元, 5楼 (两栋楼 is "two buildings")
_CN_DIGITS = {c: n for n, c in enumerate("一二三四五六七八九", 1)}
_CN_PLACE = re.compile(
    r"(?<![一二三四五六七八九十\d])"
    r"([一二三四五六七八九]?十[一二三四五六七八九]?|[一二三四五六七八九])"
    r"(?=\s*(?:栋|幢|号楼|座|单元|门洞|层|楼))"
)
# English: "building 5", "Bldg 5", "Block A", "unit 2", "room 301", "Rm 301",
# "flat 1203", "5th floor", "floor 5" (the words in any case; a letter
# building only in capitals, so that "building a fence" is no place)
_NO = r"(?:(?i:no)\.?\s*)?#?\s*"
_EN_BUILDING = re.compile(
    rf"(?<![A-Za-z])(?i:building|bldg|blk|block|tower)\.?\s*{_NO}"
    r"(\d{1,3}|[A-Z])(?![A-Za-z0-9])"
)
_EN_UNIT = re.compile(
    rf"(?<![A-Za-z])(?i:unit|entrance|stairwell)\.?\s*{_NO}(\d{{1,4}})(?!\d)"
)
_EN_ROOM = re.compile(
    rf"(?<![A-Za-z])(?i:room|rm|flat|apt|apartment)\.?\s*{_NO}(\d{{3,4}})(?!\d)"
)
_FLOOR = re.compile(
    r"(?<![\d#A-Za-z])(\d{1,2})\s*(?:(?i:st|nd|rd|th)\s*)?(?i:floor|fl)(?![A-Za-z])"
    r"|(?<![A-Za-z])(?i:floor)\s*(\d{1,2})(?!\d)"
    r"|(?<![\d#])(\d{1,2})\s*(?:层|楼)"
)


def _clean(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip().upper()
    return value.lstrip("0") or value


def _cn_number(text: str) -> int:
    tens, ten, ones = text.partition("十")
    if not ten:
        return _CN_DIGITS[text]
    return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[ones] if ones else 0)


def _plain(text: str) -> str:
    plain = _ascii_digits(text)
    plain = _ID.sub(" ", _MOBILE.sub(" ", _LANDLINE.sub(" ", plain)))
    return _CN_PLACE.sub(lambda m: str(_cn_number(m.group(1))), plain)


def _first(pattern: re.Pattern[str], text: str) -> str | None:
    found = pattern.search(text)
    if found is None:
        return None
    return next(g for g in found.groups() if g is not None)


def parse_location(text: str) -> Location:
    """楼栋/单元/房号 (and the floor) written in ``text``: ``3栋2单元201``,
    ``3-2-201``, ``5号楼``, ``三栋``, ``building 5 unit 2 room 301``, ``5th floor``."""
    plain = _plain(text)
    if m := _DASHED.search(plain):
        return Location(_clean(m.group(1)), _clean(m.group(2)), m.group(3))
    building = unit = room = None
    if m := _FULL.search(plain):
        building, unit, room = _clean(m.group("b")), _clean(m.group("u")), m.group("r")
    elif m := _DASHED2.search(plain):
        building, room = _clean(m.group(1)), m.group(2)
    elif m := _UNIT_ONLY.search(plain):
        unit, room = _clean(m.group("u")), m.group("r")
    elif m := _ROOM.search(plain):
        room = m.group(1)
    building = building or _clean(_first(_EN_BUILDING, plain))
    if unit is None and (found := _first(_EN_UNIT, plain)) is not None:
        if len(found) <= 2:
            unit = _clean(found)
        else:  # "unit 1203" is a flat
            room = room or found
    room = room or _first(_EN_ROOM, plain)
    return Location(building, unit, room, _clean(_first(_FLOOR, plain)))


def location_for(
    text: str,
    household: tuple[str, str | None, str] | None,
    group_building: str | None,
) -> Location:
    """The text's location first; else the reporter's household; else the group's
    building. A building written without a room (``3栋电梯``) is a public place and
    keeps no room."""
    found = parse_location(text)
    if not found.empty or found.floor:
        if found.building is None and household and household[0]:
            return Location(
                household[0], found.unit or household[1], found.room, found.floor
            )
        if found.building is None and group_building:
            return Location(group_building, found.unit, found.room, found.floor)
        return found
    if household is not None:
        return Location(*household)
    if group_building:
        return Location(group_building)
    return Location()


def classify(text: str, config: TicketsConfig) -> str:
    """The category whose keywords cover most of ``text`` (config order breaks ties)."""
    body = compact(text)
    best, best_score = config.default_category, 0
    for name, category in config.categories.items():
        score = sum(len(k) for k in category.keywords if k and compact(k) in body)
        if score > best_score:
            best, best_score = name, score
    return best


def is_p1(text: str, config: TicketsConfig) -> bool:
    body = compact(text)
    return any(k and compact(k) in body for k in config.p1_keywords)


def same_place(a: Location, b: Location, scope: str) -> bool:
    """Do two locations name the same place at ``scope`` (room, unit, building,
    estate)? A level known on one side only matches, except the room."""
    depth = {"estate": 0, "building": 1, "unit": 2, "room": 3}[scope]
    for level, (x, y) in enumerate(zip(a.parts(), b.parts(), strict=True)):
        if level >= depth:
            break
        if x and y and x != y:
            return False
        if level == 2 and bool(x) != bool(y):
            return False
    return True


_NUMBER = re.compile(r"^#?0*(\d{1,9})$")


def parse_number(text: str) -> int | None:
    """``12``, ``#12``, ``#0012`` → 12."""
    m = _NUMBER.match(_ascii_digits(text.strip()))
    return int(m.group(1)) if m else None


def free_format(text: str, tags: list[str]) -> tuple[str, str] | None:
    """(tag, body) of ``【问题】地点 + 现象 + 联系方式`` (also ``[问题]``), or None."""
    plain = text.strip()
    for tag in tags:
        for left, right in (("【", "】"), ("[", "]"), ("［", "］")):
            opener = f"{left}{tag}{right}"
            if plain.startswith(opener):
                body = re.sub(r"\s*[+＋]\s*", " ", plain[len(opener) :]).strip()
                return (tag, body) if body else None
    return None
