"""The texts a group sees: the list in the familiar 接龙 format, reminders.

``【接龙】标题`` / description / ``1. 3-201 张三 2人`` / ``候补：`` lines / places
left / deadline. Residents' phone and ID numbers never appear in a group: the
entries are masked (the title and description are the staff's own words).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from plugins.core.i18n import t
from plugins.core.privacy import mask_private
from plugins.core.timeparse import format_time

from .models import APPLIED, CLOSED, WAITLIST, Entry, Sheet
from .service import View


def mask_all(value: str) -> str:
    """A private field's value: only the last 4 characters are shown."""
    value = value.strip()
    return "*" * max(len(value) - 4, 2) + value[-4:] if len(value) > 4 else "****"


@dataclass(frozen=True)
class Style:
    """What render needs from the config and the group."""

    locale: str
    timezone: str
    count_units: dict[str, str]
    private_fields: tuple[str, ...] = ()
    max_lines: int = 100


def entry_line(n: int, entry: Entry, sheet: Sheet, style: Style, view: View) -> str:
    parts = [f"{n}."]
    if entry.household:
        parts.append(entry.household)
    parts.append(entry.name or entry.display_name or entry.user)
    private = {f.lower() for f in style.private_fields}
    counted = any(name in style.count_units for name in sheet.field_names)
    for name in sheet.field_names:
        if name in style.count_units:
            parts.append(f"{entry.count}{style.count_units[name]}")
            continue
        value = (entry.values or {}).get(name)
        if value:
            parts.append(mask_all(value) if name.lower() in private else value)
    if not counted and entry.count > 1:  # "+2" on a sheet without 人数
        parts.append(t(style.locale, "signup.sheet.people", count=entry.count))
    if entry.note:
        parts.append(entry.note)
    line = mask_private(" ".join(parts))
    applied = view.applied_number(entry)
    if applied is not None:
        line += t(style.locale, "signup.sheet.applied_no", n=applied)
    return line


def render_sheet(view: View, style: Style) -> str:
    """The whole list as the group sees it."""
    sheet, loc = view.sheet, style.locale
    closed = sheet.status == CLOSED
    head = "signup.sheet.header_closed" if closed else "signup.sheet.header"
    lines = [t(loc, head, title=sheet.title)]
    if sheet.description:  # written by staff: a contact number there is meant
        lines.append(sheet.description)
    shown = view.entries[: style.max_lines]
    waitlist_started = False
    for n, entry in enumerate(shown, 1):
        if entry.status == WAITLIST and not waitlist_started:
            lines.append(t(loc, "signup.sheet.waitlist"))
            waitlist_started = True
        lines.append(entry_line(n, entry, sheet, style, view))
    if not view.entries:
        lines.append(t(loc, "signup.sheet.empty"))
    if len(view.entries) > len(shown):
        lines.append(
            t(
                loc,
                "signup.sheet.more",
                more=len(view.entries) - len(shown),
                number=sheet.number,
            )
        )
    lines.extend(_footer(view, style))
    return "\n".join(lines)


def _footer(view: View, style: Style) -> list[str]:
    sheet, loc = view.sheet, style.locale
    out = []
    pending_draw = any(e.status == APPLIED for e in view.entries) or (
        sheet.lottery and sheet.draw is None
    )
    if sheet.capacity is not None and sheet.lottery and pending_draw:
        out.append(
            t(
                loc,
                "signup.sheet.lottery_pending",
                capacity=sheet.capacity,
                applied=view.total,
            )
        )
    elif sheet.capacity is not None:
        left = view.left or 0
        if left > 0:
            out.append(
                t(loc, "signup.sheet.places_left", left=left, capacity=sheet.capacity)
            )
        else:
            out.append(t(loc, "signup.sheet.full", capacity=sheet.capacity))
    else:
        out.append(
            t(loc, "signup.sheet.count", entries=len(view.entries), total=view.total)
        )
    if sheet.draw:
        out.append(t(loc, "signup.sheet.lottery_done", seed=sheet.draw["seed"]))
    if sheet.deadline is not None and sheet.status != CLOSED:
        when = format_time(sheet.deadline, loc, style.timezone)
        out.append(t(loc, "signup.sheet.deadline", time=when))
    if sheet.status == CLOSED:
        out.append(t(loc, "signup.sheet.closed"))
    else:
        out.append(t(loc, "signup.sheet.how_to_join", number=sheet.number))
    return out


def render_index(views: Iterable[View], style: Style) -> str:
    """``/接龙 列表``: one line per open sheet."""
    lines = [t(style.locale, "signup.index.header")]
    for view in views:
        sheet = view.sheet
        if sheet.capacity is not None:
            size = t(
                style.locale,
                "signup.index.places",
                used=view.used if not sheet.lottery else view.total,
                capacity=sheet.capacity,
            )
        else:
            size = t(style.locale, "signup.index.entries", entries=len(view.entries))
        line = t(
            style.locale,
            "signup.index.line",
            number=sheet.number,
            title=sheet.title,
            size=size,
        )
        if sheet.deadline is not None:
            line += t(
                style.locale,
                "signup.index.until",
                time=format_time(sheet.deadline, style.locale, style.timezone),
            )
        lines.append(line)
    return "\n".join(lines)


def render_ask_which(sheets: Iterable[Sheet], style: Style, example: int) -> str:
    lines = [t(style.locale, "signup.ask_which_header")]
    lines.extend(
        t(style.locale, "signup.index.line_short", number=s.number, title=s.title)
        for s in sheets
    )
    lines.append(t(style.locale, "signup.ask_which", example=example))
    return "\n".join(lines)


def render_remind(view: View, style: Style) -> str:
    sheet = view.sheet
    when = format_time(sheet.deadline, style.locale, style.timezone)  # type: ignore[arg-type]
    if sheet.capacity is not None and not sheet.lottery:
        key = "signup.remind.places"
    else:
        key = "signup.remind.entries"
    return t(
        style.locale,
        key,
        title=sheet.title,
        time=when,
        left=view.left,
        capacity=sheet.capacity,
        entries=len(view.entries),
        number=sheet.number,
    )
