"""Counting votes, pure functions: shares, bars, and the 民法典 Art. 278 thresholds.

Floor areas are integers in hundredths of a square metre (``8950`` = 89.50 m²)
so every comparison is exact: "exactly 2/3" is met, "exactly 1/2" is not
"more than half".

Art. 278 (民法典第二百七十八条), as linli applies it to households:

- participation: at least 2/3 of all households AND at least 2/3 of the total
  floor area took part (``三分之二以上`` includes exactly 2/3);
- ordinary matters: approved by more than half (``过半数``, strictly) of the
  participating households AND of the participating floor area;
- major matters (repair fund, rebuilding, changing the use of common parts):
  at least 3/4 (``四分之三以上``) of the participating households AND area.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

BAR_WIDTH = 10
FULL, EMPTY = "█", "░"


@dataclass(frozen=True)
class Rule:
    """``part / whole`` must be ``>= num/den`` (or ``>`` when ``strict``)."""

    num: int
    den: int
    strict: bool = False

    def met(self, part: int, whole: int) -> bool:
        if self.strict:
            return part * self.den > whole * self.num
        return part * self.den >= whole * self.num

    @property
    def label(self) -> str:
        return f"{'>' if self.strict else '≥'}{self.num}/{self.den}"


TWO_THIRDS = Rule(2, 3)
MORE_THAN_HALF = Rule(1, 2, strict=True)
THREE_QUARTERS = Rule(3, 4)


@dataclass(frozen=True)
class Threshold:
    """One test of Art. 278: ``part`` of ``whole`` against ``rule``.

    ``met`` is None when it cannot be decided (no floor areas are known).
    ``area`` says whether part/whole are areas (hundredths of m²) or households.
    """

    name: str
    part: int
    whole: int
    rule: Rule
    area: bool
    met: bool | None


@dataclass(frozen=True)
class Decision:
    major: bool
    thresholds: tuple[Threshold, ...]

    @property
    def passed(self) -> bool | None:
        """True when every threshold is met; False when one is not; else None."""
        results = [th.met for th in self.thresholds]
        if False in results:
            return False
        if None in results:
            return None
        return True


def art278(
    *,
    households: int,
    area: int | None,
    voted: int,
    voted_area: int,
    approved: int,
    approved_area: int,
    major: bool,
) -> Decision:
    """The four thresholds of an owners' decision.

    ``households``/``area``: all households on the roster and their total floor
    area (None or 0 when the roster has no areas); ``voted``/``voted_area``:
    households that cast a ballot (abstaining counts as taking part);
    ``approved``/``approved_area``: those that chose the approving option.
    """
    if min(households, voted, voted_area, approved, approved_area) < 0:
        raise ValueError("counts and areas cannot be negative")
    if voted > households or approved > voted:
        raise ValueError("more voters than households, or approvals than voters")
    if approved_area > voted_area:
        raise ValueError("approving area larger than the participating area")
    known_area = bool(area)
    approval = THREE_QUARTERS if major else MORE_THAN_HALF

    def test(name: str, part: int, whole: int, rule: Rule, is_area: bool) -> Threshold:
        if is_area and not known_area:
            return Threshold(name, part, 0, rule, True, None)
        if whole == 0:  # nobody took part: nothing can be approved
            return Threshold(name, part, whole, rule, is_area, False)
        return Threshold(name, part, whole, rule, is_area, rule.met(part, whole))

    return Decision(
        major=major,
        thresholds=(
            test("turnout_households", voted, households, TWO_THIRDS, False),
            test("turnout_area", voted_area, area or 0, TWO_THIRDS, True),
            test("approval_households", approved, voted, approval, False),
            test("approval_area", approved_area, voted_area, approval, True),
        ),
    )


def percent(part: int, whole: int) -> str:
    """``58.8`` — one decimal, rounded half up; ``0.0`` when ``whole`` is 0."""
    if whole <= 0:
        return "0.0"
    value = Decimal(part * 100) / Decimal(whole)
    return str(value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def bar(part: int, whole: int, width: int = BAR_WIDTH) -> str:
    """``██████░░░░``: ``part/whole`` of ``width`` cells; a non-zero part shows."""
    if whole <= 0 or part <= 0:
        return EMPTY * width
    filled = (2 * part * width + whole) // (2 * whole)  # round half up
    filled = max(1, min(width, filled))
    return FULL * filled + EMPTY * (width - filled)


def area_text(centi: int) -> str:
    """``8950`` → ``89.50`` (exact, no float)."""
    sign = "-" if centi < 0 else ""
    centi = abs(centi)
    return f"{sign}{centi // 100}.{centi % 100:02d}"


def to_centi(value: Decimal | str | int | float) -> int:
    """An area in m² as hundredths, rounded half up (``89.475`` → ``8948``)."""
    dec = Decimal(str(value))
    return int((dec * 100).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class OptionShare:
    number: int
    label: str
    count: int
    area: int
    percent: str
    bar: str


def shares(
    labels: list[str], counts: list[int], areas: list[int], voters: int
) -> list[OptionShare]:
    """Each option's count, area, percentage of the voters and bar."""
    if not (len(labels) == len(counts) == len(areas)):
        raise ValueError("labels, counts and areas differ in length")
    return [
        OptionShare(
            number=i,
            label=label,
            count=count,
            area=area,
            percent=percent(count, voters),
            bar=bar(count, voters),
        )
        for i, (label, count, area) in enumerate(
            zip(labels, counts, areas, strict=True), 1
        )
    ]


def ballot_delta(
    old: list[int] | None, new: list[int] | None, weight: int
) -> dict[int, tuple[int, int]]:
    """The change to per-option totals when a ballot goes from ``old`` to ``new``.

    ``None`` means no ballot (a first vote has ``old=None``, a retraction
    ``new=None``). Option ``0`` is the participation row. Returns
    ``{option: (Δcount, Δarea)}`` in option order (the order rows are updated
    in), without the options that do not change.
    """
    delta: dict[int, tuple[int, int]] = {}

    def add(option: int, sign: int) -> None:
        c, a = delta.get(option, (0, 0))
        delta[option] = (c + sign, a + sign * weight)

    if old is not None:
        add(0, -1)
        for option in set(old):
            add(option, -1)
    if new is not None:
        add(0, 1)
        for option in set(new):
            add(option, 1)
    return {k: v for k, v in sorted(delta.items()) if v != (0, 0)}
