"""Durations in the admin's YAML: one field type for every feature.

``Duration`` reads what admins write — ``90s``, ``30m``, ``2h``, ``1d``,
``1h30m``, ``2小时``, ``3天``, ``半小时``, ``1个半小时`` (whatever
:func:`~plugins.core.timeparse.parse_duration` reads), a plain number of
seconds (``600`` or ``"600"``) or a ``timedelta`` — and gives a
:class:`datetime.timedelta`. Zero is allowed; a negative length is not.

``OptionalDuration`` is the same where a length may be "none" (a reminder
that is off, a vote that stays open until closed): ``""``, ``"0"``, ``0``,
any zero length such as ``0m``, or nothing at all gives ``None``.

``Seconds`` is the same reading as a ``float`` number of seconds, for code
that counts on a monotonic clock (rules' detectors); prefer ``Duration``
everywhere else. Add limits with ``Annotated[Seconds, Field(gt=0)]``.

Anything else is refused with one message that names the value once::

    not a duration: 'soon' (write e.g. 2h, 30m, 1d, 2小时)
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from pydantic import BeforeValidator

from .timeparse import parse_duration

EXAMPLES = "2h, 30m, 1d, 2小时"


def _refuse(value: Any) -> ValueError:
    if isinstance(value, bool):
        shown = "true" if value else "false"
    elif isinstance(value, str):
        shown = repr(value)
    else:
        shown = str(value)
    return ValueError(f"not a duration: {shown} (write e.g. {EXAMPLES})")


def to_timedelta(value: Any) -> timedelta:
    """``value`` as the admin wrote it → a ``timedelta``; ``ValueError`` if it
    is not a duration (or is negative)."""
    if isinstance(value, timedelta):
        delta = value
    elif isinstance(value, int | float) and not isinstance(value, bool):
        try:
            delta = timedelta(seconds=value)
        except (OverflowError, ValueError):
            raise _refuse(value) from None
    elif isinstance(value, str):
        text = value.strip()
        try:
            delta = timedelta(seconds=float(text))
        except (OverflowError, ValueError):
            found = parse_duration(text)
            if found is None:
                raise _refuse(value) from None
            delta = found
    else:
        raise _refuse(value)
    if delta < timedelta(0):
        raise _refuse(value)
    return delta


def _optional(value: Any) -> timedelta | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    delta = to_timedelta(value)
    return delta or None


def _seconds(value: Any) -> float:
    return to_timedelta(value).total_seconds()


Duration = Annotated[timedelta, BeforeValidator(to_timedelta)]
OptionalDuration = Annotated[timedelta | None, BeforeValidator(_optional)]
Seconds = Annotated[float, BeforeValidator(_seconds)]
