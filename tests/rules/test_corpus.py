"""False positives and misses: ordinary residents' talk is never flagged with
the default config; real ads, disguised links and frauds are always caught."""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).parent


def _lines(name: str) -> list[str]:
    text = (HERE / name).read_text(encoding="utf-8")
    return [line for line in text.splitlines() if line.strip() and line[0] != "#"]


def _default_engine():
    from plugins.rules.config import RulesConfig
    from plugins.rules.detectors import Engine

    return Engine(RulesConfig())


def test_ordinary_messages_produce_no_violation() -> None:
    from plugins.rules.detectors.flood import FloodTracker
    from plugins.rules.detectors.quiet_hours import QuietReminders

    messages = _lines("corpus_ordinary.txt")
    assert len(messages) >= 200
    engine = _default_engine()
    flagged = {m: engine.content(m, ()) for m in messages}
    assert {m: h for m, h in flagged.items() if h} == {}
    # ordinary pace (one message each few seconds, each from their own member)
    # is never a flood either
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    flood, quiet = FloodTracker(), QuietReminders()
    for n, message in enumerate(messages):
        hit = engine.behaviour(
            "qq:1", f"qq:{n % 40}", message, now=n * 2.0,
            wall=datetime(2024, 5, 6, 4, tzinfo=UTC), tz=ZoneInfo("Asia/Shanghai"),
            flood=flood, quiet=quiet,
        )  # fmt: skip
        assert hit is None, message


def test_real_violations_are_caught_with_their_rule() -> None:
    engine = _default_engine()
    missed = []
    rows = [line.split("\t", 1) for line in _lines("corpus_violations.txt")]
    assert len(rows) >= 50
    for rule, message in rows:
        if rule not in {hit.rule for hit in engine.content(message, ())}:
            missed.append((rule, message))
    assert missed == []
