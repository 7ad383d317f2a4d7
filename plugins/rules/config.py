"""The ``rules:`` section of the admin's YAML: detectors, the ladder, joining.

Every key has a default, so an empty section works. Durations are core's
``Seconds`` (``600``, ``10m``, ``2h``, ``30d``, ``10分钟``), read as float
seconds; a group can override any key under ``groups: <id>: rules:``.
"""

from __future__ import annotations

import re
from datetime import time as dtime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from plugins.core import Seconds, Section, register_section

from .defaults import (
    DEFAULT_AD_SIGNALS,
    DEFAULT_AD_WORDS,
    DEFAULT_BANNED_WORDS,
    DEFAULT_CARD_WHITELIST,
    DEFAULT_FRAUD_SIGNALS,
    DEFAULT_FRAUD_WORDS,
    DEFAULT_SUSPICIOUS_HOSTS,
    DEFAULT_URGENT_WORDS,
    DEFAULT_WHITELIST_DOMAINS,
    FRAUD_SCHEMES,
)
from .ladder import parse_step

# rules count on a monotonic clock, so its lengths are core's Seconds (a float)
PositiveSeconds = Annotated[Seconds, Field(gt=0)]
_CLOCK = re.compile(r"^([01]?\d|2[0-3])[:：]([0-5]\d)$")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _check_action(value: str) -> str:
    if value in ("ladder", "remind"):
        return value
    try:
        parse_step(value)
    except ValueError as exc:
        raise ValueError(
            f"{exc}; or use 'ladder' (the ladder decides) or 'remind' "
            "(recall and remind privately, no strike)"
        ) from None
    return value


class Detector(_Model):
    """What every detector has: on/off, strikes, action, dry-run, recall."""

    enabled: bool = True
    strikes: int = Field(1, ge=0, le=10)
    action: str = "ladder"
    dry_run: bool = False
    recall: bool = True

    @field_validator("action")
    @classmethod
    def _action(cls, value: str) -> str:
        return _check_action(value)


def _check_entries(entries: list[str]) -> list[str]:
    for entry in entries:
        if not entry.strip():
            raise ValueError("an empty entry matches everything: remove it")
        if entry.startswith("re:"):
            body = entry[3:]
            try:
                compiled = re.compile(f"(?:{body})")
            except re.error as exc:
                raise ValueError(f"{entry!r}: not a valid regex: {exc}") from None
            if compiled.groupindex:
                raise ValueError(
                    f"{entry!r}: named groups (?P<…>) are not allowed in a word regex"
                )
            if compiled.search(""):
                raise ValueError(f"{entry!r}: this regex matches an empty text")
        elif not entry.replace("*", "").strip():
            raise ValueError(f"{entry!r}: a wildcard needs some text around '*'")
    return entries


class WordList(Detector):
    """Literal words, ``a*b`` wildcards and ``re:…`` regexes."""

    words: list[str] = Field(default_factory=list)
    files: list[str] = Field(default_factory=list)

    @field_validator("words")
    @classmethod
    def _words(cls, value: list[str]) -> list[str]:
        return _check_entries(value)


class Signal(_Model):
    """One kind of evidence: its weight and (for word signals) its words."""

    enabled: bool = True
    weight: float = Field(1.0, ge=-20, le=20)
    # at most this much however many of its words a message has (default:
    # twice the weight)
    most: float | None = Field(None, ge=-40, le=40)
    words: list[str] = Field(default_factory=list)
    # fraud: who the scam pretends to be, for the group warning
    scheme: str | None = None

    @field_validator("words")
    @classmethod
    def _words(cls, value: list[str]) -> list[str]:
        return _check_entries(value)

    @field_validator("scheme")
    @classmethod
    def _scheme(cls, value: str | None) -> str | None:
        if value is not None and value not in FRAUD_SCHEMES:
            raise ValueError(
                f"{value!r} is not a scheme; use one of {', '.join(FRAUD_SCHEMES)}"
            )
        return value


def _with_defaults(defaults: dict[str, dict[str, object]]):
    """A ``signals:`` mapping as written, on top of the built-in one: an admin
    writes only what changes (``cta: {weight: 2}``, ``trade: {enabled: false}``,
    or a new signal with its weight and words)."""

    def merge(value: object) -> object:
        if not isinstance(value, dict):
            return value
        out: dict[str, object] = {k: dict(v) for k, v in defaults.items()}
        for name, given in value.items():
            base = out.get(name, {})
            out[name] = {**base, **given} if isinstance(given, dict) else given
        return out

    return merge


class Scoring(_Model):
    """Scored evidence: the signals found in a message are added up; at
    ``act`` the detector acts (its ``action``), at ``report`` a case is only
    recorded and posted to the staff group."""

    enabled: bool = True
    act: float = Field(5.0, gt=0)
    report: float | None = Field(3.5, gt=0)
    # a verdict needs one of these signals too (else nothing): for ads, some
    # business language or a link, so that a neighbour's "请联系我 138…" is
    # neither punished nor reported
    needs: list[str] = Field(default_factory=list)
    signals: dict[str, Signal] = Field(default_factory=dict)

    @field_validator("report")
    @classmethod
    def _report(cls, value: float | None, info) -> float | None:
        act = info.data.get("act")
        if value is not None and act is not None and value > act:
            raise ValueError(f"report ({value}) must not be above act ({act})")
        return value


class AdScoring(Scoring):
    act: float = Field(3.5, gt=0)
    report: float | None = Field(3.5, gt=0)
    needs: list[str] = Field(
        default_factory=lambda: ["promo", "merchant", "event", "trade", "link"]
    )
    signals: dict[str, Signal] = Field(
        default_factory=lambda: {
            k: Signal.model_validate(v) for k, v in DEFAULT_AD_SIGNALS.items()
        }
    )

    @field_validator("signals", mode="before")
    @classmethod
    def _defaults(cls, value: object) -> object:
        return _with_defaults(DEFAULT_AD_SIGNALS)(value)


class FraudScoring(Scoring):
    report: float | None = Field(4.0, gt=0)
    signals: dict[str, Signal] = Field(
        default_factory=lambda: {
            k: Signal.model_validate(v) for k, v in DEFAULT_FRAUD_SIGNALS.items()
        }
    )

    @field_validator("signals", mode="before")
    @classmethod
    def _defaults(cls, value: object) -> object:
        return _with_defaults(DEFAULT_FRAUD_SIGNALS)(value)


class WordsConfig(WordList):
    words: list[str] = Field(default_factory=lambda: list(DEFAULT_BANNED_WORDS))
    wildcard_gap: int = Field(6, ge=0, le=50)


class FraudConfig(WordList):
    strikes: int = Field(3, ge=0, le=10)
    words: list[str] = Field(default_factory=lambda: list(DEFAULT_FRAUD_WORDS))
    score: FraudScoring = Field(default_factory=FraudScoring)
    # warn the group that it was a scam (instead of the ladder's usual notice)
    warn_group: bool = True


class AdsConfig(WordList):
    words: list[str] = Field(default_factory=lambda: list(DEFAULT_AD_WORDS))
    links: bool = True
    whitelist_domains: list[str] = Field(
        default_factory=lambda: list(DEFAULT_WHITELIST_DOMAINS)
    )
    cards: bool = True
    card_types: list[str] = Field(
        default_factory=lambda: ["json", "xml", "share", "contact", "miniapp"]
    )
    card_whitelist: list[str] = Field(
        default_factory=lambda: list(DEFAULT_CARD_WHITELIST)
    )
    invites: bool = True
    score: AdScoring = Field(default_factory=AdScoring)
    # link hosts that weigh more (short links, throwaway domains): suspicious_host
    suspicious_hosts: list[str] = Field(
        default_factory=lambda: list(DEFAULT_SUSPICIOUS_HOSTS)
    )

    @field_validator("whitelist_domains")
    @classmethod
    def _domains(cls, value: list[str]) -> list[str]:
        out = []
        for domain in value:
            d = domain.strip().lower().removeprefix("https://").removeprefix("http://")
            d = d.split("/", 1)[0].removeprefix("www.").strip(".")
            if not re.fullmatch(r"[a-z0-9-]+(\.[a-z0-9-]+)+", d):
                raise ValueError(f"{domain!r} is not a domain such as gov.cn")
            out.append(d)
        return out


class LearningConfig(_Model):
    """The learned signal: what admins taught with /举报 and /误判, added to
    the ads verdict."""

    enabled: bool = True
    # admins must have taught this many ads and this many ordinary messages
    # before the signal may act; until then it only reports
    min_examples: int = Field(20, ge=0, le=100_000)
    # points for a message the model is sure is an ad (probability 1)
    weight: float = Field(2.0, ge=0, le=20)
    # points taken off a message it is sure is ordinary (probability 0)
    against: float = Field(0.0, ge=0, le=20)
    # the signal speaks only of messages it is this sure of (the probability
    # of an ad at least this, or at most one minus this for ``against``)
    confidence: float = Field(0.9, gt=0.5, le=1)


QrKind = Literal["invite", "payment", "miniapp", "link", "text"]


class QrConfig(_Model):
    """QR codes in images, checked in the background after the text; a hit is
    an ``ads`` hit (the ads section's strikes, action, dry_run, recall)."""

    enabled: bool = True
    # an image bigger than this is not fetched (bytes; default 2 MB)
    max_bytes: int = Field(2 * 1024 * 1024, ge=1024, le=50 * 1024 * 1024)
    # fetching one image may take this long
    timeout: PositiveSeconds = 5.0
    # decoded texts that are fine, exactly or as a prefix: the estate's own
    # payment code, its own group's code
    whitelist: list[str] = Field(default_factory=list)
    # which kinds of QR code act
    act: list[QrKind] = Field(
        default_factory=lambda: ["invite", "payment", "miniapp", "link", "text"]
    )

    @field_validator("whitelist")
    @classmethod
    def _whitelist(cls, value: list[str]) -> list[str]:
        out = [entry.strip() for entry in value]
        if any(not entry for entry in out):
            raise ValueError("an empty entry would allow every QR code: remove it")
        return out


class FloodConfig(Detector):
    messages: int = Field(8, ge=2)
    seconds: PositiveSeconds = 5.0
    repeats: int = Field(3, ge=2)
    repeat_seconds: PositiveSeconds = 120.0
    repeat_min_chars: int = Field(5, ge=1)


class MentionAllConfig(Detector):
    pass


class PersonalDataConfig(Detector):
    strikes: int = Field(0, ge=0, le=10)
    action: str = "remind"
    id_cards: bool = True
    bank_cards: bool = True


class QuietHoursConfig(Detector):
    enabled: bool = False
    strikes: int = Field(0, ge=0, le=10)
    action: str = "remind"
    recall: bool = False
    start: str = "22:00"
    end: str = "07:00"
    urgent_words: list[str] = Field(default_factory=lambda: list(DEFAULT_URGENT_WORDS))
    remind_every: PositiveSeconds = 8 * 3600.0

    @field_validator("start", "end")
    @classmethod
    def _clock(cls, value: str) -> str:
        if not _CLOCK.match(value.strip()):
            raise ValueError(f"{value!r} is not a time of day such as 22:00")
        return value.strip()

    def times(self) -> tuple[dtime, dtime]:
        def parse(text: str) -> dtime:
            h, m = _CLOCK.match(text).groups()  # type: ignore[union-attr]
            return dtime(int(h), int(m))

        return parse(self.start), parse(self.end)


class RaidConfig(_Model):
    enabled: bool = True
    joins: int = Field(10, ge=2)
    seconds: PositiveSeconds = 300.0
    guard: PositiveSeconds = 1800.0
    new_member: PositiveSeconds = 86400.0


class NicknameConfig(_Model):
    enabled: bool = True
    grace: PositiveSeconds = 86400.0
    action: Literal["remind", "strike", "kick"] = "remind"
    pattern: str | None = None
    example: str = "3-2-201 张三"

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                re.compile(value)
            except re.error as exc:
                raise ValueError(f"not a valid regular expression: {exc}") from None
        return value


class LadderConfig(_Model):
    steps: list[str] = Field(
        default_factory=lambda: ["warn", "mute 10m", "kick"], min_length=1
    )
    window: PositiveSeconds = 30 * 86400.0
    fallback: Literal["next", "notify"] = "notify"

    @field_validator("steps")
    @classmethod
    def _steps(cls, value: list[str]) -> list[str]:
        for step in value:
            parse_step(step)
        return value


class NoticesConfig(_Model):
    per_group: int = Field(5, ge=1)
    seconds: PositiveSeconds = 60.0


class BlacklistConfig(_Model):
    enabled: bool = False
    rules: list[str] = Field(default_factory=lambda: ["ads", "fraud"])


class JoinConfig(_Model):
    welcome: bool = True
    welcome_text: str | None = None
    approve_by_pattern: bool = True
    roster: list[str] = Field(default_factory=list)
    refuse_blacklisted: bool = True


class RulesConfig(Section):
    text: str | None = None
    whitelist: list[str] = Field(default_factory=list)
    ladder: LadderConfig = Field(default_factory=LadderConfig)
    notices: NoticesConfig = Field(default_factory=NoticesConfig)
    blacklist: BlacklistConfig = Field(default_factory=BlacklistConfig)
    join: JoinConfig = Field(default_factory=JoinConfig)
    words: WordsConfig = Field(default_factory=WordsConfig)
    fraud: FraudConfig = Field(default_factory=FraudConfig)
    ads: AdsConfig = Field(default_factory=AdsConfig)
    qr: QrConfig = Field(default_factory=QrConfig)
    flood: FloodConfig = Field(default_factory=FloodConfig)
    mention_all: MentionAllConfig = Field(default_factory=MentionAllConfig)
    personal_data: PersonalDataConfig = Field(default_factory=PersonalDataConfig)
    quiet_hours: QuietHoursConfig = Field(default_factory=QuietHoursConfig)
    raid: RaidConfig = Field(default_factory=RaidConfig)
    nickname: NicknameConfig = Field(default_factory=NicknameConfig)
    learning: LearningConfig = Field(default_factory=LearningConfig)

    def detector(self, rule: str) -> Detector:
        """The settings of the detector that reports ``rule``."""
        name = DETECTOR_OF.get(rule, rule)
        return getattr(self, name)


# rules (what a case says was broken) → the detector section that reports them
DETECTOR_OF = {
    "words": "words",
    "fraud": "fraud",
    "ads": "ads",
    "flood": "flood",
    "mention_all": "mention_all",
    "personal_data": "personal_data",
    "quiet_hours": "quiet_hours",
}


register_section("rules", RulesConfig)
