"""The texts linli shows for votes, in the group's language."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from plugins.core import format_time, mask_private, t

from .models import Vote
from .service import Missing, Outcome, Results
from .tally import Threshold, area_text, percent, shares


def unit(vote: Vote, locale: str) -> str:
    return t(
        locale, "vote.unit.households" if vote.per_household else "vote.unit.people"
    )


def choices_text(vote: Vote, choices: tuple[int, ...] | list[int], locale: str) -> str:
    sep = t(locale, "vote.sep")
    return sep.join(f"{c}. {vote.options[c - 1]}" for c in choices)


def _modes(vote: Vote, locale: str, tz: ZoneInfo) -> str:
    parts = []
    if vote.decision == "major":
        parts.append(t(locale, "vote.mode.major"))
    elif vote.decision:
        parts.append(t(locale, "vote.mode.decision"))
    if vote.max_choices > 1:
        parts.append(t(locale, "vote.mode.multi", max=vote.max_choices))
    else:
        parts.append(t(locale, "vote.mode.single"))
    if vote.per_household:
        parts.append(t(locale, "vote.mode.household"))
    if vote.anonymous:
        parts.append(t(locale, "vote.mode.anonymous"))
    if vote.hide_results:
        parts.append(t(locale, "vote.mode.hidden"))
    if vote.deadline is not None:
        parts.append(
            t(locale, "vote.mode.deadline", time=format_time(vote.deadline, locale, tz))
        )
    else:
        parts.append(t(locale, "vote.mode.no_deadline"))
    return t(locale, "vote.sep_modes").join(parts)


def card(vote: Vote, locale: str, tz: ZoneInfo, *, only_open: bool) -> str:
    """The vote as announced: title, numbered options, modes and how to vote."""
    lines = [t(locale, "vote.card.header", number=vote.number, title=vote.title)]
    lines += [f"{i}. {label}" for i, label in enumerate(vote.options, 1)]
    lines.append(_modes(vote, locale, tz))
    if vote.decision:
        lines.append(t(locale, "vote.howto.decision", yes=vote.options[0]))
    if vote.anonymous:
        lines.append(t(locale, "vote.howto.anonymous", id=vote.id))
    elif only_open:
        example = "1 3" if vote.max_choices > 1 and len(vote.options) >= 3 else "1"
        lines.append(t(locale, "vote.howto.bare", example=example))
    else:
        lines.append(t(locale, "vote.howto.command", number=vote.number))
    if vote.max_choices > 1:
        lines.append(t(locale, "vote.howto.multi"))
    return "\n".join(lines)


def view(vote: Vote, voters: int, locale: str, tz: ZoneInfo, *, only_open: bool) -> str:
    text = card(vote, locale, tz, only_open=only_open)
    if vote.is_open:
        status = t(locale, "vote.view.open", voters=voters, unit=unit(vote, locale))
    else:
        status = t(locale, "vote.view.closed")
    return text + "\n" + status


def ack(outcome: Outcome, vote: Vote, locale: str) -> str:
    """The reply to a ballot or a retraction (never the choice when anonymous)."""
    values = {
        "number": vote.number,
        "title": vote.title,
        "choices": choices_text(vote, outcome.choices, locale),
        "household": outcome.household or "",
        "previous": outcome.previous_name or outcome.previous_user or "",
    }
    if outcome.kind == "retracted":
        key = (
            "vote.ack.retracted_household"
            if vote.per_household
            else "vote.ack.retracted"
        )
        return t(locale, key, **values)
    if outcome.kind == "none":
        return t(locale, "vote.ack.retract_none", **values)
    if vote.anonymous:
        key = {
            "new": "vote.ack.anonymous",
            "same": "vote.ack.anonymous",
            "changed": "vote.ack.anonymous_changed",
            "replaced": "vote.ack.anonymous_replaced",
        }[outcome.kind]
        return t(locale, key, **values)
    key = {
        "new": "vote.ack.new",
        "same": "vote.ack.same",
        "changed": "vote.ack.changed",
        "replaced": "vote.ack.replaced",
    }[outcome.kind]
    return t(locale, key, **values)


def replaced_notice(outcome: Outcome, vote: Vote, voter_name: str, locale: str) -> str:
    """To the member whose household ballot was just replaced (named votes)."""
    return t(
        locale,
        "vote.ack.replaced_notice",
        household=outcome.household or "",
        number=vote.number,
        title=vote.title,
        name=voter_name,
        choices=choices_text(vote, outcome.choices, locale),
    )


def _area(centi: int, locale: str) -> str:
    return t(locale, "vote.area", area=area_text(centi))


def _threshold(th: Threshold, locale: str) -> str:
    label = t(locale, f"vote.decision.label.{th.name}")
    if th.met is None:
        return t(locale, "vote.decision.line_unknown", label=label)
    part, whole = (
        (_area(th.part, locale), _area(th.whole, locale))
        if th.area
        else (str(th.part), str(th.whole))
    )
    mark = t(locale, "vote.decision.met" if th.met else "vote.decision.not_met")
    return t(
        locale,
        "vote.decision.line",
        label=label,
        part=part,
        whole=whole,
        percent=percent(th.part, th.whole),
        rule=th.rule.label,
        mark=mark,
    )


def results_text(data: Results, locale: str) -> str:
    """Counts, percentages, bars, participation; Art. 278 for owner decisions.

    Hidden results of an open vote show only how many took part.
    """
    vote = data.vote
    if vote.hide_results and vote.is_open:
        return t(
            locale,
            "vote.result.hidden",
            number=vote.number,
            title=vote.title,
            voters=data.voters,
            unit=unit(vote, locale),
        )
    header = "vote.result.header_open" if vote.is_open else "vote.result.header_final"
    lines = [t(locale, header, number=vote.number, title=vote.title)]
    with_area = bool(vote.per_household and data.voters_area)
    for share in shares(list(vote.options), data.counts, data.areas, data.voters):
        line = t(
            locale,
            "vote.result.line",
            n=share.number,
            label=share.label,
            count=share.count,
            unit=unit(vote, locale)
            if vote.per_household
            else t(locale, "vote.unit.votes"),
            percent=share.percent,
            bar=share.bar,
        )
        if with_area:
            line += " " + _area(share.area, locale)
        lines.append(line)
    if data.eligible:
        lines.append(
            t(
                locale,
                "vote.result.turnout",
                voters=data.voters,
                eligible=data.eligible,
                percent=percent(data.voters, data.eligible),
            )
        )
        if data.eligible_area:
            lines.append(
                t(
                    locale,
                    "vote.result.turnout_area",
                    area=_area(data.voters_area, locale),
                    total=_area(data.eligible_area, locale),
                    percent=percent(data.voters_area, data.eligible_area),
                )
            )
    else:
        lines.append(
            t(locale, "vote.result.voters", voters=data.voters, unit=unit(vote, locale))
        )
        if with_area:
            lines.append(
                t(
                    locale,
                    "vote.result.voters_area",
                    area=_area(data.voters_area, locale),
                )
            )
    if data.decision is not None:
        kind = (
            "vote.decision.major" if data.decision.major else "vote.decision.ordinary"
        )
        lines.append(t(locale, kind))
        lines += [_threshold(th, locale) for th in data.decision.thresholds]
        passed = data.decision.passed
        verdict = {
            True: "vote.decision.passed",
            False: "vote.decision.failed",
            None: "vote.decision.undecided",
        }[passed]
        lines.append(t(locale, verdict))
        if vote.is_open:
            lines.append(t(locale, "vote.decision.so_far"))
    return "\n".join(lines)


def list_text(
    items: list[tuple[Vote, int]],
    locale: str,
    tz: ZoneInfo,
    *,
    group_names: dict[str, str] | None = None,
) -> str:
    """Open votes with how many took part; in a private chat (``group_names``
    given) by ``#id`` with the name of their group."""
    private = group_names is not None
    if not items:
        return t(locale, "vote.list.empty")
    lines = [t(locale, "vote.list.header")]
    for vote, voters in items:
        detail = t(locale, "vote.list.voters", voters=voters, unit=unit(vote, locale))
        if vote.deadline is not None:
            detail += t(
                locale,
                "vote.list.deadline",
                time=format_time(vote.deadline, locale, tz),
            )
        key = "vote.list.item_private" if private else "vote.list.item"
        lines.append(
            t(
                locale,
                key,
                number=vote.number,
                id=vote.id,
                title=vote.title,
                detail=detail,
                group=(group_names or {}).get(vote.group, vote.group),
            )
        )
    lines.append(t(locale, "vote.list.hint_private" if private else "vote.list.hint"))
    return "\n".join(lines)


def reminder(
    vote: Vote,
    missing: Missing,
    locale: str,
    tz: ZoneInfo,
    *,
    limit: int,
    style: str = "mention",
) -> tuple[str, list[str]]:
    """How many have not voted, and the members to @ (the platform puts those
    first). A named vote names up to ``limit`` of them: with ``style``
    "mention" as a real @, except a member whose name holds a phone or ID
    number (the platform would show it unmasked), who is written masked."""
    lines = [
        t(
            locale,
            "vote.remind.text",
            number=vote.number,
            title=vote.title,
            time=format_time(vote.deadline, locale, tz) if vote.deadline else "",
            count=missing.count,
            unit=unit(vote, locale),
        )
    ]
    mention: list[str] = []
    if not vote.anonymous and limit and missing.members:
        shown = missing.members[:limit]
        written = []
        for user, name in shown:
            name = name or user
            if style == "mention" and mask_private(name) == name:
                mention.append(user)
            else:
                written.append(f"@{mask_private(name)}")
        if written:
            lines.append(t(locale, "vote.remind.names", names=" ".join(written)))
        if missing.count > len(shown):
            lines.append(
                t(
                    locale,
                    "vote.remind.more",
                    count=missing.count,
                    unit=unit(vote, locale),
                )
            )
    if vote.anonymous:
        lines.append(t(locale, "vote.howto.anonymous", id=vote.id))
    else:
        lines.append(t(locale, "vote.howto.command", number=vote.number))
    return "\n".join(lines), mention
