"""What residents type after ``/投票``, as plain data. Pure functions.

    /投票 小区绿化方案 方案A 方案B 多选 2 匿名 截止 明天 18:00 每户一票 隐藏结果
    /投票 停车费调整 业主决议            (options default to 同意 反对 弃权)
    /投票 2 1 3        vote 2, options 1 and 3     /投票 #57 2   (by global id)
    /投票 结果 [2]     /投票 撤回 [2]     /投票 列表     /投票 查看 2     /投票 结束 2
    2   or   1 3       (a bare reply while exactly one vote is open)

English aliases: ``/vote new …``, ``multi``, ``anonymous``, ``until``,
``per-household``, ``hidden``, ``owners``, ``major``, ``results``, ``retract``,
``list``, ``view``, ``close``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

MAX_TITLE = 100
MAX_OPTION = 60


class UsageError(ValueError):
    """A malformed command: ``key`` is the i18n text to answer with."""

    def __init__(self, key: str, **values: Any) -> None:
        self.key = key
        self.values = values
        super().__init__(key)


@dataclass(frozen=True)
class Ref:
    """A vote: its short number in the group, or ``#id`` (any chat)."""

    number: int | None = None
    vote_id: int | None = None


@dataclass(frozen=True)
class NewVote:
    title: str
    options: tuple[str, ...]
    max_choices: int = 1
    anonymous: bool = False
    deadline: str | None = None
    per_household: bool = False
    hide_results: bool = False
    decision: str = ""  # "" | "ordinary" | "major"


@dataclass(frozen=True)
class Cast:
    ref: Ref | None
    choices: tuple[int, ...]


@dataclass(frozen=True)
class Retract:
    ref: Ref | None = None


@dataclass(frozen=True)
class Results:
    ref: Ref | None = None


@dataclass(frozen=True)
class View:
    ref: Ref | None = None


@dataclass(frozen=True)
class ListVotes:
    pass


@dataclass(frozen=True)
class Close:
    ref: Ref | None = None


@dataclass(frozen=True)
class Help:
    pass


Command = NewVote | Cast | Retract | Results | View | ListVotes | Close | Help

_SUBCOMMANDS: dict[str, type] = {
    **dict.fromkeys(["结果", "results", "result"], Results),
    **dict.fromkeys(["撤回", "撤销", "retract", "withdraw"], Retract),
    **dict.fromkeys(["列表", "list"], ListVotes),
    **dict.fromkeys(["查看", "详情", "view", "show"], View),
    **dict.fromkeys(["结束", "关闭", "close", "end"], Close),
    **dict.fromkeys(["帮助", "help", "?", "？"], Help),
}
_NEW = {"新建", "发起", "new", "create"}

_MULTI = {"多选", "multi", "multiple"}
_ANON = {"匿名", "anonymous", "anon"}
_DEADLINE = {"截止", "截至", "deadline", "until", "due"}
_HOUSEHOLD = {"每户一票", "一户一票", "按户", "per-household", "household"}
_HIDDEN = {"隐藏结果", "hidden", "hide"}
_DECISION = {"业主决议", "业主表决", "owners", "owner-decision"}
_MAJOR = {"重大事项", "major"}
_FLAGS = _MULTI | _ANON | _DEADLINE | _HOUSEHOLD | _HIDDEN | _DECISION | _MAJOR
# flags that may be glued to what follows them: 截止明天9点, 多选2
_PREFIX_FLAGS = ("截止", "截至", "多选")

_QUOTES = {'"': '"', "“": "”", "「": "」", "『": "』", "'": "'"}
_SEP = re.compile(r"[,，、;；]+")
_NUMBERED = re.compile(r"^\d{1,2}\s*[.、．)）:：]\s*(?=\S)")
_BARE = re.compile(r"^\s*\d{1,3}(?:[\s,，、;；]+\d{1,3})*\s*$")
_REF = re.compile(r"^#?(\d{1,9})$")


def _fold(token: str) -> str:
    """Full-width to half-width and lower case, for keywords and numbers."""
    return unicodedata.normalize("NFKC", token).strip().lower()


def tokenize(text: str) -> list[str]:
    """Split on spaces (also the ideographic space); quotes keep spaces inside."""
    tokens: list[str] = []
    current: list[str] = []
    quote: str | None = None
    for ch in text:
        if quote is not None:
            if ch == quote:
                quote = None
                tokens.append("".join(current))
                current = []
            else:
                current.append(ch)
        elif ch in _QUOTES and not current:
            quote = _QUOTES[ch]
        elif ch.isspace():
            if current:
                tokens.append("".join(current))
                current = []
        else:
            current.append(ch)
    if quote is not None or current:
        tokens.append("".join(current))
    return [tok for tok in (t.strip() for t in tokens) if tok]


def numbers(text: str) -> list[int] | None:
    """``1 3`` / ``1,3`` / ``1、3`` → ``[1, 3]``; None if anything else is there."""
    folded = _fold(text)
    parts = [p for p in re.split(r"[\s,，、;；]+", folded) if p]
    if not parts or not all(p.isdigit() for p in parts):
        return None
    return [int(p) for p in parts]


def parse_bare(text: str) -> list[int] | None:
    """A bare reply made only of option numbers (``2``, ``1 3``), else None."""
    folded = _fold(text)
    if not _BARE.match(folded):
        return None
    return numbers(folded)


def _ref(token: str) -> Ref | None:
    folded = _fold(token)
    match = _REF.match(folded)
    if match is None:
        return None
    value = int(match.group(1))
    return Ref(vote_id=value) if folded.startswith("#") else Ref(number=value)


def parse_command(text: str) -> Command:
    """What ``/投票 …`` asks for; UsageError when it cannot be understood."""
    tokens = tokenize(text)
    if not tokens:
        return ListVotes()
    head = _fold(tokens[0])
    kind = _SUBCOMMANDS.get(head)
    if kind is not None:
        return _subcommand(kind, tokens[1:])
    if head in _NEW:
        return parse_new(tokens[1:])
    ref = _ref(tokens[0])
    if ref is not None:
        if len(tokens) == 1:
            return View(ref)
        choices = numbers(" ".join(tokens[1:]))
        if choices is None:
            raise UsageError("vote.usage.cast")
        return Cast(ref, tuple(choices))
    return parse_new(tokens)


def _subcommand(kind: type, rest: list[str]) -> Command:
    if kind in (ListVotes, Help):
        return kind()
    if not rest:
        return kind()
    ref = _ref(rest[0])
    if ref is None or len(rest) > 1:
        raise UsageError("vote.usage.ref")
    return kind(ref)


@dataclass
class _Flags:
    multi: int | None = None  # 0: as many as there are options
    anonymous: bool = False
    deadline: list[str] | None = None  # [] after 截止 with no time yet
    per_household: bool = False
    hidden: bool = False
    decision: str = ""


def _split_prefix(token: str) -> tuple[str, str] | None:
    folded = _fold(token)
    for prefix in _PREFIX_FLAGS:
        if folded.startswith(prefix) and len(folded) > len(prefix):
            return prefix, token[len(prefix) :].strip()
    return None


def parse_new(tokens: list[str]) -> NewVote:
    if not tokens:
        raise UsageError("vote.usage.new")
    title, rest = tokens[0], tokens[1:]
    if _fold(title) in _FLAGS:
        raise UsageError("vote.usage.new")
    options: list[str] = []
    flags = _Flags()
    in_deadline = False
    i = 0
    while i < len(rest):
        token = rest[i]
        folded = _fold(token)
        glued = None if folded in _FLAGS else _split_prefix(token)
        if glued is not None:
            folded, token = glued[0], glued[1]
            rest = [*rest[:i], folded, token, *rest[i + 1 :]]
            continue
        if folded in _FLAGS:
            in_deadline = False
        if folded in _MULTI:
            flags.multi = 0
            if i + 1 < len(rest) and _fold(rest[i + 1]).isdigit():
                flags.multi = int(_fold(rest[i + 1]))
                i += 1
        elif folded in _ANON:
            flags.anonymous = True
        elif folded in _DEADLINE:
            in_deadline = True
            flags.deadline = []
        elif folded in _HOUSEHOLD:
            flags.per_household = True
        elif folded in _HIDDEN:
            flags.hidden = True
        elif folded in _MAJOR:
            flags.decision = "major"
        elif folded in _DECISION:
            flags.decision = flags.decision or "ordinary"
        elif in_deadline and flags.deadline is not None:
            flags.deadline.append(token)
        else:
            options.append(_NUMBERED.sub("", token))
        i += 1
    return _build(title, options, flags)


def _build(title: str, options: list[str], flags: _Flags) -> NewVote:
    if len(title) > MAX_TITLE:
        raise UsageError("vote.error.title_long", max=MAX_TITLE)
    if any(len(o) > MAX_OPTION for o in options):
        raise UsageError("vote.error.option_long", max=MAX_OPTION)
    if len({_fold(o) for o in options}) != len(options):
        raise UsageError("vote.error.option_twice")
    if flags.deadline == []:
        raise UsageError("vote.error.deadline_missing")
    deadline = " ".join(flags.deadline) if flags.deadline else None
    if flags.decision:
        if flags.multi is not None:
            raise UsageError("vote.error.decision_multi")
        return NewVote(
            title=title,
            options=tuple(options),
            max_choices=1,
            anonymous=flags.anonymous,
            deadline=deadline,
            per_household=True,
            hide_results=flags.hidden,
            decision=flags.decision,
        )
    if len(options) < 2:
        raise UsageError("vote.usage.new")
    max_choices = 1
    if flags.multi is not None:
        max_choices = flags.multi or len(options)
        if not 1 <= max_choices <= len(options):
            raise UsageError("vote.error.multi_range", n=len(options))
    return NewVote(
        title=title,
        options=tuple(options),
        max_choices=max_choices,
        anonymous=flags.anonymous,
        deadline=deadline,
        per_household=flags.per_household,
        hide_results=flags.hidden,
    )
