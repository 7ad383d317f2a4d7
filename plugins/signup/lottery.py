"""The seeded draw of a lottery sheet (先到先得 + 随机抽签), re-checkable by anyone.

How to re-check a published draw with the seed, in any Python 3::

    import random
    entries = [(1, 1), (2, 2), (3, 1), …]   # (line number, places) in the
                                            # order of the list before the draw
    order = list(entries)
    random.Random(SEED).shuffle(order)
    # walk ``order``: an entry wins if its places still fit; the others are the
    # waitlist, in that order.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Sequence
from dataclasses import dataclass


def new_seed() -> int:
    """An 8-digit seed, short enough to read out in a group."""
    return 10_000_000 + secrets.randbelow(90_000_000)


@dataclass(frozen=True)
class Draw:
    seed: int
    order: list[int]  # every candidate key, in draw order
    winners: list[int]  # keys that won, in draw order
    waitlist: list[int]  # keys that did not, in draw order


def draw(candidates: Sequence[tuple[int, int]], capacity: int, seed: int) -> Draw:
    """``candidates``: (key, places) in join order; the draw fills ``capacity``."""
    order = list(candidates)
    random.Random(seed).shuffle(order)
    used, winners, waitlist = 0, [], []
    for key, places in order:
        if used + places <= capacity:
            used += places
            winners.append(key)
        else:
            waitlist.append(key)
    return Draw(seed, [k for k, _ in order], winners, waitlist)
