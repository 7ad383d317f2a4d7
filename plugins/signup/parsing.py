"""Pure parsers: the /接龙 command line, ``+1`` / ``接龙 3-201 2人`` and pasted
WeChat 接龙 lists. No database, no NoneBot: unit-tested in tests/signup.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from plugins.core.identity import parse_household
from plugins.core.privacy import mask_private
from plugins.core.timeparse import parse_when


class ParseError(Exception):
    """A mistake in what the user typed: ``key`` is the i18n text to answer with."""

    def __init__(self, key: str, **values: Any) -> None:
        self.key = key
        self.values = values
        super().__init__(key)


def _fold(text: str) -> str:
    """Full-width to half-width (＋１ → +1, ：→ :), keeping Chinese as typed."""
    return unicodedata.normalize("NFKC", text or "").strip()


# ---------------------------------------------------------------------------
# the /接龙 command line
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Command:
    """``kind``: create, join, leave, close, list, show, remove, export, usage."""

    kind: str
    number: int | None = None  # the sheet's short number
    text: str = ""  # create: the spec; join: the entry text
    position: int | None = None  # remove: the line number
    count: int | None = None  # join: "+2" typed glued


_SUB = {
    "列表": "list", "list": "list", "ls": "list",
    "查看": "show", "show": "show", "view": "show",
    "结束": "close", "关闭": "close", "close": "close", "end": "close",
    "退出": "leave", "取消": "leave", "leave": "leave", "withdraw": "leave",
    "移除": "remove", "删除": "remove", "remove": "remove",
    "导出": "export", "export": "export",
    "new": "create", "新建": "create", "发起": "create",
    "join": "join", "+": "join",
}  # fmt: skip
_SUB.update(dict.fromkeys(("帮助", "help", "用法"), "usage"))
_PLUS = re.compile(r"^\+\s*(\d{1,3})?$")
_INT = re.compile(r"^#?(\d{1,6})$")


def _int(token: str | None) -> int | None:
    match = _INT.match(token or "")
    return int(match.group(1)) if match else None


def parse_command(text: str) -> Command:
    """What ``/接龙 …`` asks for; anything not a sub-command creates a sheet."""
    text = _fold(text)
    if not text:
        return Command("list")
    head, rest = _head(text)
    lowered = head.lower()
    plus = _PLUS.match(head)
    if plus:  # "/接龙 +", "/接龙 +1", "/接龙 +2 带孩子"
        glued = int(plus.group(1)) if plus.group(1) else None
        count = glued if glued and glued > 1 else None
        return _join(rest, count=count, numbered=glued is None)
    kind = _SUB.get(lowered)
    if kind is None:
        return Command("create", text=text)
    args = rest.split()
    if kind == "create":
        return Command("create", text=rest) if rest else Command("usage")
    if kind == "join":
        return _join(rest, count=None, numbered=True)
    if kind in {"list", "usage"}:
        return Command(kind)
    if kind == "remove":
        number = _int(args[0]) if args else None
        position = _int(args[1]) if len(args) > 1 else None
        if number is None or position is None or len(args) > 2:
            return Command("usage")
        return Command("remove", number=number, position=position)
    # show, close, leave, export: an optional number
    if len(args) > 1 or (args and _int(args[0]) is None):
        return Command("usage")
    return Command(kind, number=_int(args[0]) if args else None)


def _head(text: str) -> tuple[str, str]:
    """The first word and the rest (split at any whitespace)."""
    parts = text.split(None, 1)
    if not parts:
        return "", ""
    return parts[0], (parts[1].strip() if len(parts) > 1 else "")


def _join(rest: str, *, count: int | None, numbered: bool) -> Command:
    """``+ 2 备注``: a bare leading number may be the sheet's number."""
    number = None
    if numbered:
        first, after = _head(rest)
        number = _int(first)
        if number is not None:
            rest = after
    return Command("join", number=number, text=rest, count=count)


# ---------------------------------------------------------------------------
# creating a sheet: /接龙 <标题> [上限 N] [截止 <时间>] [字段 房号,人数] [说明 …]
# ---------------------------------------------------------------------------


@dataclass
class CreateSpec:
    title: str
    capacity: int | None = None
    deadline: datetime | None = None
    fields: list[str] = field(default_factory=list)
    description: str = ""
    lottery: bool = False
    per_household: bool | None = None  # None: as configured


_KEYWORD = re.compile(
    r"(?<!\S)(?:(?P<zh>上限|名额|截止|截至|字段|说明|抽签|每户)"
    r"|(?P<en>limit|cap|deadline|until|fields|description|desc|lottery"
    r"|per-household)(?=[\s:]|$))",
    re.IGNORECASE,
)
_KEY_KIND = {
    "上限": "cap", "名额": "cap", "limit": "cap", "cap": "cap",
    "截止": "deadline", "截至": "deadline", "deadline": "deadline", "until": "deadline",
    "字段": "fields", "fields": "fields",
    "说明": "desc", "description": "desc", "desc": "desc",
    "抽签": "lottery", "lottery": "lottery",
    "每户": "household", "per-household": "household",
}  # fmt: skip
_FLAG_VALUE = re.compile(r"^(?:[一1]?[份个户人次]?|only|one)$")
_CAPACITY = re.compile(r"^(\d{1,5})\s*(?:人|位|个|份|名|places?)?$")
_FIELD_SPLIT = re.compile(r"[,，、;；/\s]+")
MAX_TITLE = 60


def parse_create(text: str, now: datetime) -> CreateSpec:
    """The new sheet's spec; ParseError (with an i18n key) on a mistake."""
    text = _fold(text)
    marks = [m for m in _KEYWORD.finditer(text) if m.start() > 0]
    end_title = marks[0].start() if marks else len(text)
    title = " ".join(text[:end_title].split())
    if not title:
        raise ParseError("signup.error.no_title")
    if len(title) > MAX_TITLE:
        raise ParseError("signup.error.title_long", limit=MAX_TITLE)
    spec = CreateSpec(title=title)
    for i, mark in enumerate(marks):
        kind = _KEY_KIND[mark.group(0).lower()]
        if kind == "desc":
            spec.description = text[mark.end() :].lstrip(" :").strip()
            break
        stop = marks[i + 1].start() if i + 1 < len(marks) else len(text)
        value = " ".join(text[mark.end() : stop].lstrip(":").split())
        if kind == "cap":
            match = _CAPACITY.match(value)
            if not match or int(match.group(1)) < 1:
                raise ParseError("signup.error.bad_capacity", value=value)
            spec.capacity = int(match.group(1))
        elif kind == "deadline":
            when = parse_when(value, now) if value else None
            if when is None:
                raise ParseError("signup.error.bad_time", value=value)
            if when <= now:
                raise ParseError("signup.error.past_time", value=value)
            spec.deadline = when
        elif kind == "fields":
            names = [n for n in _FIELD_SPLIT.split(value) if n]
            if not names or len(names) > 8 or any(len(n) > 12 for n in names):
                raise ParseError("signup.error.bad_fields", value=value)
            spec.fields = list(dict.fromkeys(names))
        elif not _FLAG_VALUE.match(value.lower()):
            raise ParseError("signup.error.bad_option", value=value)
        elif kind == "lottery":
            spec.lottery = True
        else:
            spec.per_household = True
    if spec.lottery and (spec.capacity is None or spec.deadline is None):
        raise ParseError("signup.error.lottery_needs")
    return spec


# ---------------------------------------------------------------------------
# an entry: "3-201 2人 带孩子", "房号:3-201 电话 13800000000"
# ---------------------------------------------------------------------------


@dataclass
class EntryInput:
    household: str | None = None  # typed, e.g. 3-201 (a household key)
    count: int | None = None
    values: dict[str, str] = field(default_factory=dict)
    name: str = ""  # with name_first: the first free word (a pasted line's name)
    rest: str = ""  # words that are none of the above: a note


@dataclass(frozen=True)
class FieldKinds:
    """How a sheet's field names are read (from the signup config)."""

    count: dict[str, str]  # name → unit shown (人数 → 人)
    household: tuple[str, ...]
    household_pattern: str
    private: tuple[str, ...] = ()  # phone, ID: only such numbers go there


_COUNT = re.compile(r"^[x×*]?(\d{1,4})\s*(人|位|个人|份|个|袋|箱|斤|件|张|只|桶)?$")
_PEOPLE = {"人", "位", "个人"}
_SPLIT = re.compile(r"[\s,，、;；]+")


def _count(token: str, bare: bool, units: set[str] | None = None) -> int | None:
    """``2人``, ``x3``, ``2`` (``bare``): the number; ``units`` limits the units."""
    match = _COUNT.match(token)
    if match is None or (match.group(2) is None and not bare):
        return None
    if units is not None and match.group(2) not in units:
        return None
    return int(match.group(1))


def _is_private_number(token: str) -> bool:
    """A phone, ID or card number: what :func:`mask_private` masks (the
    token is folded already: no full-width digits)."""
    return mask_private(token) != token


def household_key(text: str, pattern: str) -> tuple[str | None, str]:
    """The household in ``text`` (``3-2-201 张三`` → ``3-2-201``) and the rest."""
    found = parse_household(text, pattern)
    if found is None:
        return None, text.strip()
    match = re.match(pattern, text)
    name = (match.groupdict().get("name") or "") if match else ""
    return found.key, name.strip()


def parse_entry(
    text: str, fields: list[str], kinds: FieldKinds, *, name_first: bool = False
) -> EntryInput:
    """Read the sheet's fields out of what the member typed; the rest is a note.

    The count is people (or portions) and takes places: ``2人`` on any sheet,
    a bare ``2`` only where the sheet has a count field (人数). With
    ``name_first`` (a line of a pasted list: ``王五 3-201``) the first free word
    is the name. Whether the count is allowed is the service's to say.
    """
    text = _fold(text)
    out = EntryInput()
    count_field = next((f for f in fields if f in kinds.count), None)
    house_field = next((f for f in fields if f in kinds.household), None)
    others = [f for f in fields if f not in (count_field, house_field)]
    private = {f.lower() for f in kinds.private}
    tokens = [t for t in _SPLIT.split(text) if t]
    rest: list[str] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        name, value = _labelled(token, fields)
        if name is not None and not value and i + 1 < len(tokens):
            i += 1
            value = tokens[i]
        i += 1
        if name is not None and value:
            if name == count_field:
                number = _count(value, bare=True)
                if number is None:
                    raise ParseError("signup.error.bad_count", value=value)
                out.count = number
            elif name == house_field:
                key, _ = household_key(value, kinds.household_pattern)
                out.household = key or value
            else:
                out.values[name] = value
            continue
        if out.count is None:
            # with a count field, a bare number is a count after a household
            # or on its own; without one, only people ("2人") are
            bare = count_field is not None and (
                out.household is not None or len(tokens) == 1
            )
            units = None if count_field else _PEOPLE
            number = _count(token, bare=bare, units=units)
            if number is not None:
                out.count = number
                continue
        if out.household is None:
            key, leftover = household_key(token, kinds.household_pattern)
            if key is not None:
                out.household = key
                if leftover:
                    rest.append(leftover)
                continue
        rest.append(token)
    if name_first and rest:
        out.name = rest.pop(0)
    if others and rest and not out.values:
        # "接龙 3-201 13800000000": unlabelled words fill the other fields in
        # order; a private field (电话) only takes a phone or ID number, so a
        # remark ("带老人") never hides behind ****
        for name in others:
            if name.lower() in private:
                found = next((w for w in rest if _is_private_number(w)), None)
                if found is not None:
                    rest.remove(found)
                    out.values[name] = found
            elif rest:
                word = next((w for w in rest if not _is_private_number(w)), None)
                if word is not None:
                    rest.remove(word)
                    out.values[name] = word
    out.rest = " ".join(rest)
    return out


def _labelled(token: str, fields: list[str]) -> tuple[str | None, str]:
    """``人数:2`` / ``人数2`` / ``人数`` (value in the next token)."""
    for name in sorted(fields, key=len, reverse=True):
        if token.lower().startswith(name.lower()):
            value = token[len(name) :].lstrip(":=").strip()
            return name, value
    return None, ""


# ---------------------------------------------------------------------------
# free text in the group: "+1", "接龙 3-201 2人", a pasted WeChat 接龙 list
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PlainJoin:
    text: str = ""
    count: int | None = None


_PLUS_TEXT = re.compile(r"^\+\s*(\d{1,3})?(?:\s+(?P<rest>.*))?$", re.DOTALL)
_JIELONG_TEXT = re.compile(r"^接龙(?:\s*\+\s*1?)?(?:[\s:]+(?P<rest>.+))?$", re.DOTALL)
_QUESTION = re.compile(r"[?？吗呢么]")


def parse_plain(text: str, max_count: int = 10) -> PlainJoin | None:
    """``+1``, ``+2 带孩子``, ``接龙``, ``接龙 3-201 2人``; None for anything else.

    ``+11`` (over ``max_count``) is a join too, for the service to refuse with
    the limit; but ``+86 13800000000`` is a phone number, not 86 people.
    """
    text = _fold(text)
    if not text or "\n" in text:
        return None
    match = _PLUS_TEXT.match(text)
    if match:
        n = int(match.group(1)) if match.group(1) else 1
        rest = (match.group("rest") or "").strip()
        if n < 1 or (n > max_count and rest[:1].isdigit()):
            return None
        return PlainJoin(text=rest, count=n if n > 1 else None)
    match = _JIELONG_TEXT.match(text)
    if match:
        rest = (match.group("rest") or "").strip()
        if len(rest) > 40 or _QUESTION.search(rest):
            return None  # a question about 接龙, not an entry
        return PlainJoin(text=rest)
    return None


@dataclass(frozen=True)
class Pasted:
    """A WeChat 接龙 list pasted back with the sender's new line at the end."""

    title: str
    position: int  # the number of the new (last) line
    line: str  # its text, without the number


_NUMBERED = re.compile(r"^\s*(\d{1,4})\s*[.、:)]\s*(.*?)\s*$")


def parse_pasted(text: str) -> Pasted | None:
    """``#接龙 标题 … 1. 张三 2. 李四 3. 王五 3-201`` → the last line.

    Here ``王五 3-201``: the sender's own line, appended to the list.
    """
    text = _fold(text)
    if not text.startswith("#接龙"):
        return None
    body = text[len("#接龙") :]
    lines = [line for line in body.splitlines() if line.strip()]
    if len(lines) == 1:  # all on one line: split before each "N. "
        lines = [
            s for s in re.split(r"\s+(?=\d{1,4}\s*[.、]\s*\S)", lines[0]) if s.strip()
        ]
    title = ""
    last: tuple[int, str] | None = None
    for line in lines:
        match = _NUMBERED.match(line)
        if match:
            last = (int(match.group(1)), match.group(2))
        elif last is None and not title:
            title = line.strip()
    if last is None or not last[1]:
        return None
    return Pasted(title=title, position=last[0], line=last[1])
