"""The warn → mute → kick ladder: steps as the admin writes them, and the choice.

A step is ``warn``, ``mute 10m`` (any duration ``parse_duration`` reads) or
``kick``; Chinese works too: ``警告``, ``禁言 10分钟``, ``移出``. The n-th active
strike takes step n; past the end of the list the last step repeats.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from plugins.core import parse_duration

Action = Literal["warn", "mute", "kick"]
_NAMES: dict[str, Action] = {
    "warn": "warn",
    "警告": "warn",
    "mute": "mute",
    "禁言": "mute",
    "kick": "kick",
    "移出": "kick",
    "踢出": "kick",
    "踢": "kick",
}
DEFAULT_MUTE_SECONDS = 600
# QQ refuses mutes longer than 30 days
MAX_MUTE_SECONDS = 30 * 86400 - 1
_ORDER: dict[Action, int] = {"warn": 0, "mute": 1, "kick": 2}


@dataclass(frozen=True)
class Step:
    action: Action
    seconds: int = 0

    def __str__(self) -> str:
        return f"mute {self.seconds}s" if self.action == "mute" else self.action


@lru_cache(maxsize=256)
def parse_step(text: str) -> Step:
    """``"mute 10m"`` → Step("mute", 600); ValueError with a hint otherwise."""
    words = text.strip().split(None, 1)
    name = _NAMES.get(words[0].lower()) if words else None
    if name is None:
        raise ValueError(
            f"{text!r} is not a ladder step: use warn, mute <duration> (e.g. "
            "mute 10m) or kick"
        )
    if name != "mute":
        if len(words) > 1:
            raise ValueError(f"{text!r}: only a mute step takes a duration")
        return Step(name)
    if len(words) == 1:
        return Step("mute", DEFAULT_MUTE_SECONDS)
    delta = parse_duration(words[1])
    if delta is None or delta.total_seconds() < 1:
        raise ValueError(f"{text!r}: the mute needs a duration such as 10m, 2h, 1d")
    return Step("mute", min(int(delta.total_seconds()), MAX_MUTE_SECONDS))


def steps_of(texts: list[str] | tuple[str, ...]) -> tuple[Step, ...]:
    return tuple(parse_step(t) for t in texts)


def step_for(count: int, steps: tuple[Step, ...]) -> Step:
    """The step for the ``count``-th active strike (1-based)."""
    if count < 1:
        raise ValueError("a step needs at least one strike")
    return steps[min(count, len(steps)) - 1]


def first_mute(steps: tuple[Step, ...]) -> Step:
    """The ladder's first mute (raids: a new member's first strike mutes)."""
    for step in steps:
        if step.action == "mute":
            return step
    return Step("mute", DEFAULT_MUTE_SECONDS)


def harsher(step: Step, steps: tuple[Step, ...]) -> list[Step]:
    """The steps to fall back to when ``step`` cannot be done: harsher ones, once each.

    After a mute comes the ladder's next harsher step (kick); a warning never
    fails and a kick has nothing harsher.
    """
    out: list[Step] = []
    seen = {step.action}
    for candidate in [*steps, Step("kick")]:
        if _ORDER[candidate.action] > _ORDER[step.action] and (
            candidate.action not in seen
        ):
            out.append(candidate)
            seen.add(candidate.action)
    return out
