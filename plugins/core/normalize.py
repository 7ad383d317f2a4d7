"""One normaliser for everything that matches residents' text (rules, faq, …).

``normalize`` folds full-width to half-width (NFKC), case, zero-width characters
and traditional to simplified Chinese. ``compact`` also drops spaces,
punctuation and symbols, so ``微 信:加.我`` and ``微信加我`` look the same.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import opencc

_ZERO_WIDTH = re.compile("[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")
_converter = opencc.OpenCC("t2s")


@lru_cache(maxsize=4096)
def normalize(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = _ZERO_WIDTH.sub("", text).lower()
    return _converter.convert(text)


def _keep(ch: str) -> bool:
    return unicodedata.category(ch)[0] not in "PZSC"


@lru_cache(maxsize=4096)
def compact(text: str) -> str:
    """``normalize`` without spaces, punctuation, symbols or control characters."""
    return "".join(ch for ch in normalize(text) if _keep(ch))
