"""Issue 20: one Duration field type in core, read the same in every section."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from pydantic import BaseModel, ValidationError

MESSAGE = "not a duration: 'soon' (write e.g. 2h, 30m, 1d, 2小时)"


def _model():
    from plugins.core import Duration, OptionalDuration, Seconds

    class Times(BaseModel):
        length: Duration = timedelta(0)
        optional: OptionalDuration = None
        seconds: Seconds = 0.0

    return Times


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("2h", timedelta(hours=2)),
        ("30m", timedelta(minutes=30)),
        ("1d", timedelta(days=1)),
        ("90s", timedelta(seconds=90)),
        ("1h30m", timedelta(minutes=90)),
        ("2小时", timedelta(hours=2)),
        ("3天", timedelta(days=3)),
        ("10分钟", timedelta(minutes=10)),
        ("半小时", timedelta(minutes=30)),
        ("1个半小时", timedelta(minutes=90)),
        (" 2h ", timedelta(hours=2)),
        (600, timedelta(minutes=10)),
        (1.5, timedelta(seconds=1.5)),
        ("600", timedelta(minutes=10)),
        (0, timedelta(0)),
        (timedelta(hours=1), timedelta(hours=1)),
    ],
)
def test_a_duration_reads_what_admins_write(written: object, expected) -> None:
    times = _model()(length=written, seconds=written)
    assert times.length == expected
    assert times.seconds == expected.total_seconds()


@pytest.mark.parametrize("written", ["", "0", 0, "0m", None])
def test_an_optional_duration_of_nothing_or_zero_is_none(written: object) -> None:
    assert _model()(optional=written).optional is None


def test_an_optional_duration_otherwise_reads_like_a_duration() -> None:
    assert _model()(optional="2小时").optional == timedelta(hours=2)


@pytest.mark.parametrize(
    ("written", "shown"),
    [
        ("soon", "'soon'"),
        ("", "''"),
        ("-5", "'-5'"),
        (-5, "-5"),
        (True, "true"),
        ("两小时", "'两小时'"),
        ("inf", "'inf'"),
        ([1], "[1]"),
    ],
)
def test_anything_else_is_refused_in_one_message(written: object, shown: str) -> None:
    with pytest.raises(ValidationError) as info:
        _model()(length=written)
    (error,) = info.value.errors()
    assert str(error["ctx"]["error"]) == (
        f"not a duration: {shown} (write e.g. 2h, 30m, 1d, 2小时)"
    )


def _problem(tmp_path: Path, yaml: str) -> str:
    from plugins.core.config import ConfigError, load

    path = tmp_path / "linli.yaml"
    path.write_text(yaml, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load(path)
    (problem,) = info.value.problems
    return problem.message


@pytest.mark.parametrize(
    ("section", "key"),
    [
        ("signup", "remind_before"),
        ("vote", "remind_before"),
        ("vote", "default_duration"),
        ("notices", "confirm_window"),
        ("rules", "ladder: {window: soon}"),
        ("tickets", "sla: {normal: {acknowledge: soon}}"),
    ],
)
def test_every_section_says_it_the_same_way(
    tmp_path: Path, section: str, key: str
) -> None:
    line = f"  {key}\n" if ":" in key else f"  {key}: soon\n"
    message = _problem(tmp_path, f"{section}:\n{line}")
    assert message.endswith(MESSAGE), message
    assert "(got" not in message


def test_no_feature_keeps_its_own_duration_type() -> None:
    from plugins.core import Duration, OptionalDuration
    from plugins.notices import config as notices
    from plugins.signup import config as signup
    from plugins.tickets import config as tickets
    from plugins.vote import config as vote

    assert notices.NoticesConfig.model_fields["confirm_window"].annotation is not None
    for module in (notices, signup, tickets, vote):
        assert getattr(module, "Duration", Duration) is Duration
        assert getattr(module, "OptionalDuration", OptionalDuration) is (
            OptionalDuration
        )
        assert not hasattr(module, "_duration")
