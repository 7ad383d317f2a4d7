"""The detectors, compiled once per configuration into an :class:`Engine`.

``engine.scan(...)`` looks at one message and returns what it broke, most
serious first. It never touches the database: an ordinary message costs a
pass of the automaton, a few regular expressions and a flood counter.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from pathlib import Path

from nonebot import logger

from adapters.port import Segment
from plugins.core.privacy import mask_private

from ..config import RulesConfig
from . import ads, learned, personal_data, score
from .flood import FloodTracker
from .mention_all import mentions_all
from .quiet_hours import QuietReminders, in_quiet_hours, local_time, urgent
from .textmap import compacted
from .words import WordMatcher

_HAS_ALNUM_PAIR = re.compile(r"[a-z0-9][a-z0-9.点點。 ]")
_LONG_NUMBER = re.compile(r"\d(?:[ \t\u3000]*\d){15}")
_COMMAND = re.compile(r"^\s*[/／]")


@dataclass(frozen=True)
class Hit:
    rule: str  # the detector section: words, fraud, ads, flood, …
    reason: str  # i18n key of the short reason shown to people
    detail: str  # what matched, for the case (masked where private)
    # scored evidence: below the detector's act threshold, only a report to
    # the staff group; the verdict keeps every contribution
    report: bool = False
    verdict: score.Verdict | None = None
    scheme: str | None = None  # fraud: who the scam pretends to be


def read_word_files(files: Sequence[str], base: Path | None) -> list[str]:
    """Entries from word files (one per line, ``#`` comments), relative to the
    config file's folder. A missing file is logged, not fatal."""
    out: list[str] = []
    for name in files:
        path = Path(name)
        if not path.is_absolute() and base is not None:
            path = base / path
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            logger.error(f"rules: cannot read the word file {path}: {exc}")
            continue
        out.extend(s for line in lines if (s := line.strip()) and s[0] != "#")
    return out


def word_lists(cfg: RulesConfig, base: Path | None = None) -> dict[str, list[str]]:
    """The entries of every enabled word list (inline and from files), by rule;
    the word signals of the scored evidence as ``ads:cta``, ``fraud:money``…"""
    lists: dict[str, list[str]] = {}
    for rule in ("words", "ads", "fraud"):
        section = getattr(cfg, rule)
        if section.enabled:
            entries = [*section.words, *read_word_files(section.files, base)]
            if entries:
                lists[rule] = entries
    for rule in ("ads", "fraud"):
        section = getattr(cfg, rule)
        if section.enabled and section.score.enabled:
            for name, signal in section.score.signals.items():
                if signal.enabled and signal.weight and signal.words:
                    lists[f"{rule}{score.SEP}{name}"] = list(signal.words)
    return lists


def _weights(scoring) -> dict[str, float]:
    return {
        name: s.weight for name, s in scoring.signals.items() if s.enabled and s.weight
    }


class Engine:
    def __init__(
        self,
        cfg: RulesConfig,
        words: WordMatcher | None = None,
        base: Path | None = None,
    ) -> None:
        self.cfg = cfg
        if words is None:
            words = WordMatcher(word_lists(cfg, base), gap=cfg.words.wildcard_gap)
        self.words = words

    def content(
        self,
        text: str,
        segments: Sequence[Segment],
        *,
        strict: bool = False,
        model: learned.NaiveBayes | None = None,
    ) -> list[Hit]:
        """What the message itself breaks (words, ads, fraud, @all, private data).

        ``model``: what the estate's admins taught (the ``learned`` signal of
        the ads verdict), in memory."""
        cfg = self.cfg
        hits: list[Hit] = []
        flat = compacted(text)
        signals: dict[str, dict[str, list[str]]] = {}
        for found in self.words.scan(flat):
            rule, sep, signal = found.rule.partition(score.SEP)
            if sep:  # the words as written in the message, for the evidence
                seen = signals.setdefault(rule, {}).setdefault(signal, [])
                word = flat.text[found.start : found.end]
                if not any(word in other for other in seen):
                    seen[:] = [w for w in seen if w not in word] + [word]
                continue
            reason = "rules.reason.ads_words" if found.rule == "ads" else None
            hits.append(
                Hit(found.rule, reason or f"rules.reason.{found.rule}", found.entry)
            )
        if (
            cfg.fraud.enabled
            and cfg.fraud.score.enabled
            and "fraud" in signals
            and not any(h.rule == "fraud" for h in hits)
        ):
            found_fraud = self._fraud(flat.normalized, signals["fraud"])
            if found_fraud is not None:
                hits.append(found_fraud)
        if cfg.ads.enabled and not any(
            h.rule in ("ads", "fraud") and not h.report for h in hits
        ):
            found_ad = self._ads(
                flat.normalized,
                segments,
                strict=strict,
                found=signals.get("ads", {}),
                learnt=(flat.text, model) if model is not None else None,
            )
            if found_ad is not None:
                hits.append(found_ad)
        if cfg.mention_all.enabled and mentions_all(segments):
            hits.append(Hit("mention_all", "rules.reason.mention_all", "@all"))
        if cfg.personal_data.enabled and _LONG_NUMBER.search(flat.normalized):
            found_pd = self._personal(flat.normalized)
            if found_pd is not None:
                hits.append(found_pd)
        return hits

    def _fraud(self, normalized: str, found: dict[str, list[str]]) -> Hit | None:
        scoring = self.cfg.fraud.score
        weights = _weights(scoring)
        caps = {name: sig.most for name, sig in scoring.signals.items()}
        parts = score.word_contributions(found, weights, caps)
        verdict = score.judge(parts, scoring.act, scoring.report, scoring.needs)
        if not verdict.level:
            return None
        schemes = [
            (c.points, scoring.signals[c.signal].scheme)
            for c in parts
            if scoring.signals[c.signal].scheme
        ]
        scheme = max(schemes)[1] if schemes else None
        return Hit(
            "fraud",
            "rules.reason.fraud",
            verdict.evidence("fraud"),
            report=verdict.level == "report",
            verdict=verdict,
            scheme=scheme,
        )

    def _ad_score(
        self,
        normalized: str,
        found: dict[str, list[str]],
        *,
        links: bool,
        learnt: tuple[str, learned.NaiveBayes] | None = None,
    ) -> Hit | None:
        cfg = self.cfg.ads
        lcfg = self.cfg.learning
        if not lcfg.enabled:
            learnt = None
        scoring = cfg.score
        weights = _weights(scoring)
        caps = {name: sig.most for name, sig in scoring.signals.items()}
        parts = score.word_contributions(found, weights, caps)
        so_far = sum(c.points for c in parts)
        floor = scoring.report if scoring.report is not None else scoring.act
        # the patterns run only when they could lift the words over a threshold
        reach = max(0.0, weights.get("contact", 0.0))
        if links:
            reach += max(0.0, weights.get("link", 0.0))
            reach += max(0.0, weights.get("suspicious_host", 0.0))
        if learnt is not None:
            reach += lcfg.weight
        if so_far + reach < floor:
            return None
        if links and _HAS_ALNUM_PAIR.search(normalized):
            parts += score.link_contributions(
                normalized, cfg.whitelist_domains, cfg.suspicious_hosts, weights
            )
        if "contact" in weights and not any(c.signal == "contact" for c in parts):
            handle = score.contact(normalized)
            if handle is not None:
                parts.append(score.Contribution("contact", handle, weights["contact"]))
        verdict = score.judge(parts, scoring.act, scoring.report, scoring.needs)
        if learnt is not None:
            verdict = self._learned(verdict, parts, *learnt)
        if not verdict.level:
            return None
        linked = any(c.signal == "link" for c in verdict.contributions)
        return Hit(
            "ads",
            "rules.reason.link" if linked else "rules.reason.ads_score",
            verdict.evidence("ads"),
            report=verdict.level == "report",
            verdict=verdict,
        )

    def _learned(
        self,
        verdict: score.Verdict,
        parts: list[score.Contribution],
        flat: str,
        model: learned.NaiveBayes,
    ) -> score.Verdict:
        """The verdict with the learned signal. The model speaks only when it
        is sure of the message (the probability of an ad at least
        ``confidence``, or at most one minus it for ``against``). Taught
        enough by admins, it then counts as business language (``needs``) and
        may lift a message over the act threshold; before that it lifts a
        message to a report at most."""
        lcfg = self.cfg.learning
        scoring = self.cfg.ads.score
        guess = model.guess_flat(flat)
        if not guess.known:
            return verdict
        ready = model.ready(lcfg.min_examples)
        # an opinion only when the model is sure of this message either way:
        # points off only from a model admins taught enough
        if guess.probability >= lcfg.confidence:
            points = learned.points(guess.probability, lcfg.weight, 0.0)
        elif ready and guess.probability <= 1 - lcfg.confidence:
            points = learned.points(guess.probability, 0.0, lcfg.against)
        else:
            return verdict
        if not points:
            return verdict
        sure = ready and points > 0
        signal = score.Contribution(
            learned.SIGNAL, f"p={guess.probability:.2f}", points
        )
        # sure, it is business language enough (the words' ``needs``)
        needs = list(scoring.needs)
        if needs and sure:
            needs.append(learned.SIGNAL)
        lifted = score.judge([*parts, signal], scoring.act, scoring.report, needs)
        if lifted.level == "act" and verdict.level != "act" and not sure:
            if scoring.report is None:
                return verdict
            return score.Verdict(
                lifted.score, lifted.contributions, "report", scoring.report
            )
        return lifted

    def _ads(
        self,
        normalized: str,
        segments: Sequence[Segment],
        *,
        strict: bool,
        found: dict[str, list[str]] | None = None,
        learnt: tuple[str, learned.NaiveBayes] | None = None,
    ) -> Hit | None:
        cfg = self.cfg.ads
        if cfg.cards or cfg.invites:
            card = ads.find_card(
                segments,
                card_types=cfg.card_types,
                card_whitelist=cfg.card_whitelist,
                cards=cfg.cards,
                invites=cfg.invites,
                strict=strict,
            )
            if card is not None:
                return Hit("ads", f"rules.reason.{card.kind}", card.detail)
        scored = cfg.score.enabled and not strict
        if cfg.links and not scored and _HAS_ALNUM_PAIR.search(normalized):
            host = ads.find_link(normalized, cfg.whitelist_domains, strict=strict)
            if host is not None:
                return Hit("ads", "rules.reason.link", host)
        if cfg.invites:
            number = ads.find_text_invite(normalized)
            if number is not None:
                return Hit("ads", "rules.reason.invite", number)
        if scored:
            return self._ad_score(
                normalized, found or {}, links=cfg.links, learnt=learnt
            )
        return None

    def _personal(self, normalized: str) -> Hit | None:
        cfg = self.cfg.personal_data
        if cfg.id_cards:
            number = personal_data.find_id(normalized)
            if number is not None:
                return Hit(
                    "personal_data",
                    "rules.reason.id_card",
                    mask_private(number),
                )
        if cfg.bank_cards:
            number = personal_data.find_bank_card(normalized)
            if number is not None:
                return Hit(
                    "personal_data",
                    "rules.reason.bank_card",
                    mask_private(number),
                )
        return None

    def behaviour(
        self,
        group: str,
        user: str,
        text: str,
        *,
        now: float,
        wall: datetime,
        tz: tzinfo,
        flood: FloodTracker,
        quiet: QuietReminders,
    ) -> Hit | None:
        """How the member behaves: flooding, chatting in quiet hours."""
        cfg = self.cfg
        if _COMMAND.match(text):
            return None
        if cfg.flood.enabled:
            f = cfg.flood
            found = flood.check(
                group,
                user,
                compacted(text).text,
                now,
                messages=f.messages,
                seconds=f.seconds,
                repeats=f.repeats,
                repeat_seconds=f.repeat_seconds,
                repeat_min_chars=f.repeat_min_chars,
            )
            if found is not None:
                return Hit("flood", f"rules.reason.{found.kind}", str(found.count))
        q = cfg.quiet_hours
        if q.enabled:
            start, end = q.times()
            if (
                in_quiet_hours(local_time(wall, tz), start, end)
                and not urgent(text, q.urgent_words)
                and quiet.due(group, user, now, q.remind_every)
            ):
                return Hit("quiet_hours", "rules.reason.quiet_hours", f"{start}-{end}")
        return None
