"""Scored evidence for ads and fraud: signals added up, each contribution kept.

A signal is one kind of evidence (a contact handle, a call to action, a
promotion, a trade, a link; for fraud: who the scammer pretends to be, money
moving, pressure). Word signals are keys of the shared automaton (words.py),
so finding all of them costs one pass over the message; ``contact`` and
``link`` are found by patterns here, and only when the words already found
could reach a threshold with them.

Each signal counts its weight once; each further distinct word of the same
signal adds half the weight again, at most twice the weight in all. The sum is
compared with ``act`` (the detector acts) and ``report`` (a case for the staff
group only). Every contribution is kept for the case's evidence.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from plugins.core.privacy import mask_private

from . import ads

# the prefix of a signal's key in the shared word matcher: "ads:cta"
SEP = ":"

# WeChat ids, phone numbers, QQ numbers, on the normalised text
_CONTACT = re.compile(
    r"(?:微信|威信|薇信|v信|vx|wx|weixin|wechat|加v|加微)\s*号?\s*[:：]?\s*"
    r"(?P<wx>[a-z][-_a-z0-9]{5,19}|1[3-9]\d{9})(?![a-z0-9])"
    r"|(?:qq|扣扣|企鹅)\s*号?\s*[:：]?\s*(?P<qq>[1-9]\d{4,10})(?!\d)"
    r"|(?<![\d.])(?P<mobile>1[3-9]\d[ -]?\d{4}[ -]?\d{4})(?![\d.])"
    r"|(?<![\d.])(?P<hotline>[48]00[ -]?\d{3}[ -]?\d{4})(?![\d.])"
    r"|(?<![\d.-])(?P<landline>0\d{2,3}[ -]?\d{7,8})(?![\d.-])"
    r"|(?:电话|热线|致电|手机|tel|电)\s*[:：]?\s*(?P<phone>\d{7,8})(?![\d.])",
    re.IGNORECASE,
)
_IP = re.compile(r"^\d{1,3}(?:\.\d{1,3}){3}$")


@dataclass(frozen=True)
class Contribution:
    signal: str
    found: str  # the words, the handle or the host (masked where private)
    points: float

    def __str__(self) -> str:
        sign = "+" if self.points >= 0 else ""
        return f"{self.signal} {self.found} {sign}{self.points:g}"


@dataclass(frozen=True)
class Verdict:
    score: float
    contributions: tuple[Contribution, ...]
    level: str  # "act" | "report" | ""
    threshold: float

    def evidence(self, rule: str) -> str:
        """``ads 6.5≥5: contact 138****5678 +2; cta 详询 +1.5; …`` for the case."""
        parts = "; ".join(str(c) for c in self.contributions)
        return f"{rule} {self.score:g}≥{self.threshold:g}: {parts}"


def points(weight: float, count: int, most: float | None = None) -> float:
    """One word: the weight; each further word half of it again, at most
    ``most`` (twice the weight unless given)."""
    if count <= 0:
        return 0.0
    total = weight * (1 + 0.5 * (count - 1))
    cap = 2 * weight if most is None else most
    return max(total, cap) if weight < 0 else min(total, cap)


def contact(normalized: str) -> str | None:
    """The first contact handle in the text, masked."""
    match = _CONTACT.search(normalized)
    if match is None:
        return None
    kind = match.lastgroup or "contact"
    value = match.group(kind) or match.group(0)
    return f"{kind}={mask_private(value)}"


def host_matches(host: str, patterns: Iterable[str]) -> bool:
    for pattern in patterns:
        if pattern.startswith("*."):
            if host.endswith(pattern[1:]):
                return True
        elif host == pattern or host.endswith("." + pattern):
            return True
    return False


def suspicious(host: str, patterns: Sequence[str]) -> bool:
    return bool(_IP.match(host)) or host_matches(host, patterns)


def word_contributions(
    found: Mapping[str, list[str]],
    weights: Mapping[str, float],
    caps: Mapping[str, float | None] | None = None,
) -> list[Contribution]:
    """``found``: signal → the distinct words of it in the message."""
    out = []
    caps = caps or {}
    for signal, words in found.items():
        weight = weights.get(signal)
        if weight is None or not words:
            continue
        out.append(
            Contribution(
                signal,
                "/".join(words[:3]),
                points(weight, len(words), caps.get(signal)),
            )
        )
    return out


def judge(
    contributions: list[Contribution],
    act: float,
    report: float | None,
    needs: Sequence[str] = (),
) -> Verdict:
    """The sum against the thresholds; with ``needs``, one of those signals
    must be there too (else nothing: a neighbour's "请联系我 138…" is neither
    acted on nor reported)."""
    score = round(sum(c.points for c in contributions), 2)
    ordered = tuple(sorted(contributions, key=lambda c: -abs(c.points)))
    if needs and not any(c.signal in needs and c.points > 0 for c in ordered):
        return Verdict(score, ordered, "", report or act)
    if score >= act:
        return Verdict(score, ordered, "act", act)
    if report is not None and score >= report:
        return Verdict(score, ordered, "report", report)
    return Verdict(score, ordered, "", report or act)


def link_contributions(
    normalized: str,
    whitelist: Sequence[str],
    suspicious_hosts: Sequence[str],
    weights: Mapping[str, float],
) -> list[Contribution]:
    """The first link that is not whitelisted, and whether its host is suspicious."""
    out: list[Contribution] = []
    for host in ads.links(normalized):
        if ads.whitelisted(host, whitelist):
            continue
        if "link" in weights:
            out.append(Contribution("link", host, weights["link"]))
        if "suspicious_host" in weights and suspicious(host, suspicious_hosts):
            out.append(
                Contribution("suspicious_host", host, weights["suspicious_host"])
            )
        break
    return out
