"""A message's compacted text, with the way back to where each character was.

``compact`` (plugins.core) drops spaces and punctuation, so ``hello sb world``
becomes ``hellosbworld``; to know whether ``sb`` stood alone, look at the
normalised text around it. The map is built only when someone asks.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from plugins.core import compact, normalize


def _kept(ch: str) -> bool:
    # the same test as plugins.core.normalize.compact
    return unicodedata.category(ch)[0] not in "PZSC"


def _alnum(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


@dataclass
class Compacted:
    raw: str
    text: str
    _map: list[int] | None = field(default=None, repr=False)

    @property
    def normalized(self) -> str:
        return normalize(self.raw)

    def position(self, index: int) -> int:
        """Where the compacted character ``index`` is in the normalised text."""
        if self._map is None:
            self._map = [i for i, ch in enumerate(self.normalized) if _kept(ch)]
        return self._map[index]

    def stands_alone(self, start: int, end: int) -> bool:
        """No ASCII letter or digit right before or after ``[start, end)``."""
        norm = self.normalized
        before = self.position(start) - 1
        after = self.position(end - 1) + 1
        if before >= 0 and _alnum(norm[before]):
            return False
        return not (after < len(norm) and _alnum(norm[after]))


@lru_cache(maxsize=4096)
def compacted(raw: str) -> Compacted:
    return Compacted(raw, compact(raw))
