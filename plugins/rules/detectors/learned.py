"""The learned signal: a small naive Bayes classifier per estate, taught by
its admins (``/举报`` an ad, ``/误判`` a case that was not one).

Multinomial naive Bayes on the character 1–3-grams of the compacted text (the
normalisation every detector uses: full-width, case, traditional → simplified,
spaces and punctuation removed), each gram counted once per message, digits
folded into ``0`` so that a phone number or a price is a shape, not a value.
The model is only counts, so teaching one example adds its grams' counts and
nothing is retrained; the counts live in the database (plugins.rules.learning)
and here, in memory, where the guard reads them without touching the database.

``score`` is the mean log-likelihood ratio of the grams the model knows
(mean, not sum: a long message is not surer than a short one), turned into a
probability of "ad". No database, no NoneBot: the bench uses it as it is.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from .textmap import compacted

SIGNAL = "learned"  # its name in the ads verdict's evidence
AD = "ad"
OK = "ok"
LABELS = (AD, OK)

# the longest text looked at (a pasted article says enough in its first part)
MAX_CHARS = 300
_DIGITS = str.maketrans("123456789", "000000000")


def grams(text: str) -> set[str]:
    """The distinct character 1–3-grams of ``text`` as the detectors see it."""
    return grams_of(compacted(text).text)


def grams_of(flat: str) -> set[str]:
    """The grams of an already compacted text."""
    flat = flat[:MAX_CHARS].translate(_DIGITS)
    out: set[str] = set()
    for i in range(len(flat)):
        out.add(flat[i])
        out.add(flat[i : i + 2])
        out.add(flat[i : i + 3])
    return out


@dataclass(frozen=True)
class Guess:
    probability: float  # that the message is an ad, 0..1
    known: int  # how many of its grams the model has seen


@dataclass
class NaiveBayes:
    """Gram counts per label, updated one example at a time."""

    alpha: float = 0.5
    # how steeply the mean log-likelihood ratio becomes a probability
    scale: float = 4.0
    # grams of no opinion added to every message's: a message of which the
    # model knows few grams (or a model that knows little) is not sure
    prior: float = 10.0
    counts: dict[str, Counter[str]] = field(
        default_factory=lambda: {label: Counter() for label in LABELS}
    )
    examples: Counter[str] = field(default_factory=Counter)  # every example
    taught: Counter[str] = field(default_factory=Counter)  # by admins only
    _totals: dict[str, int] = field(default_factory=lambda: dict.fromkeys(LABELS, 0))
    _cache: dict[str, float] = field(default_factory=dict, repr=False)
    _vocabulary: int = 0

    def add(
        self,
        label: str,
        found: Iterable[str],
        *,
        times: int = 1,
        by_admin: bool = False,
    ) -> None:
        """Count one example's grams (``times`` < 0 forgets one)."""
        if label not in self.counts:
            raise ValueError(f"unknown label {label!r}")
        counts = self.counts[label]
        for gram in found:
            counts[gram] += times
            self._totals[label] += times
            if counts[gram] <= 0:
                del counts[gram]
        self.examples[label] += times
        if by_admin:
            self.taught[label] += times
        self._cache.clear()
        self._vocabulary = 0

    def merge(self, label: str, gram: str, count: int) -> None:
        """Add a stored count (loading), without counting an example."""
        self.counts[label][gram] += count
        self._totals[label] += count
        self._cache.clear()
        self._vocabulary = 0

    def teach(self, text: str, label: str, *, by_admin: bool = False) -> set[str]:
        found = grams(text)
        self.add(label, found, by_admin=by_admin)
        return found

    def forget(self, text: str, label: str, *, by_admin: bool = False) -> set[str]:
        found = grams(text)
        self.add(label, found, times=-1, by_admin=by_admin)
        return found

    def ready(self, min_examples: int) -> bool:
        """Admins have taught at least ``min_examples`` of each kind."""
        return all(self.taught[label] >= min_examples for label in LABELS)

    def _ratio(self, gram: str) -> float | None:
        cached = self._cache.get(gram)
        if cached is not None:
            return cached
        ad = self.counts[AD].get(gram, 0)
        ok = self.counts[OK].get(gram, 0)
        if not ad and not ok:
            return None
        vocabulary = self._vocabulary
        if not vocabulary:
            vocabulary = len(self.counts[AD].keys() | self.counts[OK].keys()) or 1
            self._vocabulary = vocabulary
        # per-label sizes: the grams of all examples, smoothed over the vocabulary
        p_ad = (ad + self.alpha) / (self._totals[AD] + self.alpha * vocabulary)
        p_ok = (ok + self.alpha) / (self._totals[OK] + self.alpha * vocabulary)
        ratio = math.log(p_ad / p_ok)
        if len(self._cache) < 200_000:
            self._cache[gram] = ratio
        return ratio

    def guess(self, text: str) -> Guess:
        """How much ``text`` looks like the ads the model was taught."""
        return self.guess_flat(compacted(text).text)

    def guess_flat(self, flat: str) -> Guess:
        """:meth:`guess` of an already compacted text (the detectors have it)."""
        if not self.examples[AD] or not self.examples[OK]:
            return Guess(0.5, 0)
        total = 0.0
        known = 0
        for gram in grams_of(flat):
            ratio = self._ratio(gram)
            if ratio is not None:
                total += ratio
                known += 1
        if not known:
            return Guess(0.5, 0)
        mean = total / (known + self.prior)
        lean = max(-30.0, min(30.0, self.scale * mean))
        return Guess(1 / (1 + math.exp(-lean)), known)


def points(probability: float, weight: float, against: float) -> float:
    """The signal's points: up to ``weight`` as the probability of an ad goes
    from one half to one, down to ``-against`` as it goes to nothing; the
    square of the lean, so that a model that only half thinks so adds little."""
    lean = 2 * probability - 1
    return round(lean * abs(lean) * (weight if lean >= 0 else against), 2)
