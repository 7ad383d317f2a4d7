"""Residents' text as words: segmentation, synonyms, numbers and named things.

``Analyzer.terms`` turns a message into the words the matcher compares:
normalised (full-width, case, traditional → simplified), numbers written the
same way (三栋 = 3号楼 = 3幢 → ``3栋``), cut into words by jieba (the Rust
binding ``rjieba``, its default dictionary; the synonyms, the admin's extra
words and the entries' own terms stay whole, each analyzer its own), filler words
dropped, and every synonym replaced by the first word of its group.

``named`` tells which buildings, units, rooms, numbers and facilities a text
names, so that the matcher never answers the 3栋 entry to a 5栋 question.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Sequence
from functools import lru_cache

import rjieba

from plugins.core.normalize import compact, normalize

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
           "六": 6, "七": 7, "八": 8, "九": 9}  # fmt: skip
# units after which a Chinese numeral is a number (三栋 二单元 五楼 十二点)
_UNITS = (
    "栋|幢|号楼|号|单元|楼|层|室|户|期|区|座|点|月|块|元|路|个月|天|年|岁|次|分钟|小时"
)
_CN_NUMBER = re.compile(rf"([零〇一二两三四五六七八九十百]+)(?=(?:{_UNITS}))")
_BUILDING = re.compile(r"(\d+)\s*(?:号楼|幢|栋楼|号栋|栋)")
# a number with its unit is one word: 3栋 2单元 201室 8点
_PIECES = re.compile(
    r"(\d+(?:\.\d+)?(?:单元|栋|室|户|层|楼|期|区|座|号|点|月|日|元|块|天|年|次)?)"
    r"|([a-z][a-z0-9]*)"
    r"|([\u3400-\u9fff]+)"
)
# a facility or place: 羽毛球场 健身房 快递柜 自行车棚 北门
_PLACE_SUFFIX = (*tuple("场馆房室池园站厅亭棚库柜桩门间"), "中心", "乐园", "驿站")
_NOT_PLACE_START = frozenset("开关出进上串锁敲送回到去在下")  # 开门 上门 出门 …
_lock = threading.Lock()
_jieba: rjieba.Jieba | None = None


def _segmenter() -> rjieba.Jieba:
    """jieba with its own default dictionary, never changed: how a text is cut
    must not depend on what other FAQs (or tests) taught before."""
    global _jieba
    if _jieba is None:
        with _lock:
            if _jieba is None:
                _jieba = rjieba.Jieba()
    return _jieba


class _Whole:
    """The words one analyzer keeps whole (synonyms, extra words, entries'
    own terms). jieba cuts with its default dictionary; then neighbouring
    pieces that together make one of these words are joined again (羽毛球 +
    场 → 羽毛球场), longest first. Pieces are never split: "怎么办理" stays
    怎么 + 办理 even though 怎么办 is a word."""

    SPAN = 4  # pieces a word may be made of

    def __init__(self) -> None:
        self.words: set[str] = set()

    def add(self, words: Iterable[str]) -> bool:
        """True when one of them is new (texts cut before are cut differently)."""
        new = {w for w in words if len(w) >= 2 and _is_cjk(w)} - self.words
        self.words |= new
        return bool(new)

    def cut(self, text: str) -> list[str]:
        pieces = _segmenter().cut(text, False)
        if not self.words or len(pieces) < 2:
            return pieces
        out: list[str] = []
        i, n = 0, len(pieces)
        while i < n:
            for j in range(min(n, i + self.SPAN), i + 1, -1):
                joined = "".join(pieces[i:j])
                if joined in self.words:
                    out.append(joined)
                    i = j
                    break
            else:
                out.append(pieces[i])
                i += 1
        return out


def _is_cjk(word: str) -> bool:
    return all("\u3400" <= ch <= "\u9fff" for ch in word)


def _cn_to_int(text: str) -> int | None:
    if all(ch in _DIGITS for ch in text):
        return int("".join(str(_DIGITS[ch]) for ch in text))
    if "百" in text:
        return None
    if "十" in text:  # 十 十二 二十 二十三
        tens, _, ones = text.partition("十")
        if len(tens) > 1 or len(ones) > 1:
            return None
        value = (_DIGITS.get(tens, 1) if tens else 1) * 10
        return value + (_DIGITS.get(ones, 0) if ones else 0)
    return None


def numbers(text: str) -> str:
    """三栋 → 3栋, 3号楼 / 3幢 → 3栋 (normalised text in, normalised text out)."""

    def arabic(match: re.Match[str]) -> str:
        value = _cn_to_int(match[1])
        return match[1] if value is None else str(value)

    text = _CN_NUMBER.sub(arabic, text)
    return _BUILDING.sub(r"\1栋", text)


def is_place(word: str) -> bool:
    return (
        len(word) >= 2
        and word.endswith(_PLACE_SUFFIX)
        and word[0] not in _NOT_PLACE_START
        and not any(ch.isdigit() for ch in word)
    )


@lru_cache(maxsize=65536)
def kind_of(word: str) -> str | None:
    """What a word names: building, unit, room … (None for ordinary words)."""
    if any(ch.isdigit() for ch in word):
        if word.endswith("栋"):
            return "building"
        if word.endswith("单元"):
            return "unit"
        if word.endswith(("室", "户")) or (word.isdigit() and len(word) >= 3):
            return "room"
        if word.endswith(("层", "楼")):
            return "floor"
        if word.endswith(("点", "月", "日", "号", "天", "年", "次")):
            return "time"
        return "number"  # 苹果5, iphone6, a price
    if is_place(word):
        return "place"
    return None


def named(words: Iterable[str]) -> dict[str, frozenset[str]]:
    """{kind: the words of that kind} for the words of one text."""
    found: dict[str, set[str]] = {}
    for word in words:
        kind = kind_of(word)
        if kind is not None:
            found.setdefault(kind, set()).add(word)
    return {k: frozenset(v) for k, v in found.items()}


def conflict(a: dict[str, frozenset[str]], b: dict[str, frozenset[str]]) -> str:
    """The kind of thing both texts name differently ("" when none)."""
    for kind, words in a.items():
        other = b.get(kind)
        if other and other != words:
            return kind
    return ""


class Analyzer:
    """Cuts texts into the words the matcher compares (see the module doc)."""

    def __init__(
        self,
        synonyms: Sequence[Sequence[str]] = (),
        ignore_words: Iterable[str] = (),
        words: Iterable[str] = (),
    ) -> None:
        self.canon: dict[str, str] = {}
        dictionary: list[str] = list(words)
        for group in synonyms:
            forms = [self._key(w) for w in group]
            forms = [f for f in forms if f]
            if not forms:
                continue
            for form in forms:
                self.canon.setdefault(form, forms[0])
            dictionary.extend(forms)
        self.ignore = frozenset(k for w in ignore_words if (k := self._key(w)))
        dictionary.extend(self.ignore)
        self._whole = _Whole()
        self._whole.add(self._key(w) for w in dictionary)
        self._cache: dict[str, tuple[str, ...]] = {}

    @staticmethod
    def _key(word: str) -> str:
        return numbers(compact(word))

    def learn(self, texts: Iterable[str]) -> None:
        """Add an entry's own terms (keyword words, places) to the dictionary."""
        if self._whole.add(self._key(t) for t in texts):
            self._cache.clear()  # cut before these words were known

    def forget(self) -> None:
        """Drop the cache of cut texts (benchmarks: messages rarely repeat)."""
        self._cache.clear()

    def terms(self, text: str) -> tuple[str, ...]:
        """The canonical words of ``text``, fillers left out, in order."""
        found = self._cache.get(text)
        if found is not None:
            return found
        found = self._terms(text)
        if len(self._cache) > 4096:
            self._cache.clear()
        self._cache[text] = found
        return found

    def _terms(self, text: str) -> tuple[str, ...]:
        norm = numbers(normalize(text))
        raw: list[str] = []
        cut = self._whole.cut
        for digits, latin, cjk in _PIECES.findall(norm):
            if cjk:
                raw.extend(cut(cjk))
            else:
                raw.append(digits or latin)
        out: list[str] = []
        canon, ignore = self.canon, self.ignore
        for i, word in enumerate(raw):
            if word in ignore:
                continue
            if (
                len(word) == 1
                and out
                and raw[i - 1] == out[-1]
                and is_place(out[-1] + word)
            ):
                out[-1] = canon.get(out[-1] + word, out[-1] + word)  # 自行车 + 棚
                continue
            out.append(canon.get(word, word))
        return tuple(out)


@lru_cache(maxsize=64)
def analyzer(
    synonyms: tuple[tuple[str, ...], ...],
    ignore_words: tuple[str, ...],
    words: tuple[str, ...] = (),
) -> Analyzer:
    return Analyzer(synonyms, ignore_words, words)
