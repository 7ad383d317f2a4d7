"""投票 votes: per person or per household, anonymous or named, with the
民法典 Art. 278 thresholds for owners' decisions. The /投票 command, the
bare-number hook and the jobs."""

from __future__ import annotations

import asyncio
from zoneinfo import ZoneInfo

from nonebot import logger, require
from nonebot.adapters import Message
from nonebot.plugin import PluginMetadata

require("plugins.core")
from adapters import NotSupported, PlatformError  # noqa: E402
from plugins.core import (  # noqa: E402
    Context,
    command,
    hook,
    job_handler,
    mask_private,
    register_models,
    send_queue,
    store,
)
from plugins.core.acks import acknowledge_reply  # noqa: E402

from . import config, render, service  # noqa: E402, F401  (config registers vote:)
from .config import VoteConfig  # noqa: E402
from .models import Vote  # noqa: E402
from .parsing import (  # noqa: E402
    Cast,
    Close,
    Command,
    Help,
    ListVotes,
    NewVote,
    Ref,
    Results,
    Retract,
    UsageError,
    View,
    parse_bare,
    parse_command,
)
from .roster import Roster, RosterError  # noqa: E402
from .service import VoteError, Voter  # noqa: E402

register_models("vote", "plugins.vote")

__plugin_meta__ = PluginMetadata(
    name="vote",
    description="投票: votes per person or per household, anonymous or named",
    usage="/投票 标题 选项1 选项2 … | /投票 编号 选项号 | /投票 结果",
    type="application",
    supported_adapters={"~onebot.v11", "~onebot.v12"},
    extra={"linli": {"section": "vote", "help": "vote.help"}},
)


def _tz() -> ZoneInfo:
    return ZoneInfo(store.current.core.timezone)


def _section(group: str | None) -> VoteConfig:
    return store.current.section("vote", group)  # type: ignore[return-value]


def _roster(vote: Vote) -> Roster | None:
    """The live roster (for households that list member ids), if the vote uses one."""
    if not (vote.per_household or vote.roster_only):
        return None
    try:
        building = store.current.group(vote.group).building
        return _section(vote.group).roster(building)
    except RosterError as exc:
        logger.warning(f"vote: the roster cannot be read: {exc}")
        return None


def _post(group: str, text: str, *, mention: str | None = None) -> None:
    """Queue a message to ``group``; a failure is logged, never raised here."""
    future = send_queue().send_group(group, text, mention=mention)

    def done(fut: asyncio.Future[str | None]) -> None:
        if not fut.cancelled() and fut.exception() is not None:
            logger.warning(f"vote: could not post to {group}: {fut.exception()}")

    future.add_done_callback(done)


@command("投票", "vote")
async def _vote(ctx: Context, args: Message) -> None:
    section: VoteConfig = ctx.section("vote")
    try:
        command = parse_command(args.extract_plain_text())
        text = await _dispatch(ctx, section, command)
    except (UsageError, VoteError) as err:
        values = {"example": section.nickname_example, **err.values}
        text = ctx.t(err.key, **values)
    await ctx.finish(text)


async def _dispatch(ctx: Context, section: VoteConfig, command: Command) -> str:
    if isinstance(command, Help):
        return ctx.t("vote.help.usage")
    if isinstance(command, ListVotes):
        return await _list(ctx)
    if isinstance(command, NewVote):
        return await _create(ctx, section, command)
    if isinstance(command, Cast):
        vote = await _pick(ctx, command.ref, live_only=True)
        return await _cast(ctx, vote, command.choices)
    if isinstance(command, Retract):
        vote = await _pick(ctx, command.ref, live_only=True)
        voter = await _voter(ctx, vote)
        outcome = await service.retract(vote, voter, roster=_roster(vote))
        return render.ack(outcome, vote, ctx.locale)
    if isinstance(command, Results):
        vote = await _pick(ctx, command.ref, live_only=False)
        return render.results_text(await service.results(vote), ctx.locale)
    if isinstance(command, View):
        ballot = await _number_meant_as_option(ctx, command.ref)
        if ballot is not None:
            return await _cast(ctx, ballot, [command.ref.number])  # type: ignore[union-attr]
        vote = await _pick(ctx, command.ref, live_only=False)
        data = await service.results(vote)
        only_open = await _only_open(vote)
        return render.view(vote, data.voters, ctx.locale, _tz(), only_open=only_open)
    if isinstance(command, Close):
        return await _close(ctx, section, command)
    raise AssertionError(command)


async def _number_meant_as_option(ctx: Context, ref: Ref | None) -> Vote | None:
    """``/投票 2`` when there is no vote #2 but one open vote with an option 2:
    residents mean the option (the open vote is returned), not a vote number."""
    if ctx.group is None or ref is None or ref.number is None:
        return None
    if await service.find(ctx.group, ref) is not None:
        return None
    live = await service.open_votes(ctx.group)
    if len(live) == 1 and 1 <= ref.number <= len(live[0].options):
        return live[0]
    return None


async def _only_open(vote: Vote) -> bool:
    live = await service.open_votes(vote.group)
    return len(live) == 1 and live[0].id == vote.id


async def _list(ctx: Context) -> str:
    names = None
    if ctx.group is not None:
        votes = await service.open_votes(ctx.group)
    else:
        votes = await service.open_votes_of_member(ctx.user)
        names = {v.group: store.current.group(v.group).name or v.group for v in votes}
    items = [(v, (await service.results(v)).voters) for v in votes]
    return render.list_text(items, ctx.locale, _tz(), group_names=names)


async def _create(ctx: Context, section: VoteConfig, spec: NewVote) -> str:
    if ctx.group is None:
        raise VoteError("vote.error.group_only")
    await ctx.require(section.creator_role)
    vote = await service.create(
        ctx.group,
        ctx.user,
        spec,
        config=section,
        locale=ctx.locale,
        tz=_tz(),
        building=ctx.profile.building,
    )
    return render.card(vote, ctx.locale, _tz(), only_open=await _only_open(vote))


async def _pick(ctx: Context, ref: Ref | None, *, live_only: bool) -> Vote:
    """The vote a command means: by number/#id, else the only open one (or, for
    results, the latest); VoteError says what to write when it is unclear."""
    if ctx.group is None:
        return await _pick_private(ctx, ref)
    if ref is not None:
        vote = await service.find(ctx.group, ref)
        if vote is None:
            raise VoteError("vote.error.not_found", ref=_ref_text(ref))
        return vote
    live = await service.open_votes(ctx.group)
    if len(live) == 1:
        return live[0]
    if len(live) > 1:
        listing = "\n".join(f"#{v.number} {v.title}" for v in live)
        raise VoteError("vote.error.which", votes=listing, number=live[0].number)
    if not live_only:
        latest = await Vote.filter(group=ctx.group).order_by("-id").first()
        if latest is not None:
            return latest
    raise VoteError("vote.error.none_open")


async def _pick_private(ctx: Context, ref: Ref | None) -> Vote:
    if ref is None:
        live = await service.open_votes_of_member(ctx.user)
        if len(live) == 1:
            return live[0]
        if not live:
            raise VoteError("vote.error.none_open")
        listing = "\n".join(f"#{v.id} {v.title}" for v in live)
        raise VoteError("vote.error.which_private", votes=listing, id=live[0].id)
    found = await service.find_for_member(ctx.user, ref)
    if not found:
        if ref.vote_id is not None and await Vote.exists(id=ref.vote_id):
            raise VoteError("vote.error.not_member")
        raise VoteError("vote.error.not_found", ref=_ref_text(ref))
    if len(found) > 1:
        listing = "\n".join(f"#{v.id} {v.title}" for v in found)
        raise VoteError("vote.error.which_private", votes=listing, id=found[0].id)
    return found[0]


def _ref_text(ref: Ref) -> str:
    return f"#{ref.vote_id}" if ref.vote_id is not None else str(ref.number)


async def _voter(ctx: Context, vote: Vote) -> Voter:
    if ctx.group is not None:
        return Voter(ctx.user, ctx.info.display_name, ctx.household)
    voter = await service.member(vote.group, ctx.user)
    if voter is None:
        raise VoteError("vote.error.not_member")
    return voter


async def _cast(
    ctx: Context,
    vote: Vote,
    choices: tuple[int, ...] | list[int],
    *,
    bare: bool = False,
) -> str | None:
    """Record the ballot; the reply to send, or None when a ``bare`` reply in
    the group was acknowledged by a reaction or joins the batched "已收到" line
    (a busy vote stays within the group's send budget)."""
    voter = await _voter(ctx, vote)
    outcome = await service.cast(vote, voter, choices, roster=_roster(vote))
    locale = store.current.locale_of(vote.group)
    if outcome.kind == "replaced" and outcome.previous_user and not vote.anonymous:
        notice = render.replaced_notice(outcome, vote, voter.name, locale)
        _post(vote.group, notice, mention=outcome.previous_user)
    if bare and not vote.anonymous and outcome.kind in {"new", "changed", "same"}:
        who = outcome.household or mask_private(voter.name)
        numbers = ",".join(str(n) for n in outcome.choices)
        topic = ctx.t("vote.ack.topic", number=vote.number, title=vote.title)
        await acknowledge_reply(ctx, topic, f"{who}({numbers})", key=outcome.household)
        return None
    text = render.ack(outcome, vote, ctx.locale)
    if vote.anonymous and ctx.group is not None:
        await _recall(ctx)
        text += "\n" + ctx.t("vote.ack.anonymous_hint", id=vote.id)
    elif vote.anonymous and outcome.kind != "same":
        # in a private chat the voter alone sees their choice
        choices = render.choices_text(vote, outcome.choices, ctx.locale)
        text += "\n" + ctx.t("vote.ack.your_choice", choices=choices)
    return text


async def _recall(ctx: Context) -> None:
    """Take back a ballot typed in the group for an anonymous vote, if allowed."""
    if not (ctx.section("vote").anonymous_recall and ctx.info.message_id):
        return
    try:
        await ctx.port.recall(ctx.info.message_id, group=ctx.group)
    except (NotSupported, PlatformError) as exc:
        logger.info(f"vote: could not take back an anonymous ballot: {exc}")


async def _close(ctx: Context, section: VoteConfig, command: Close) -> str:
    if ctx.group is None:
        raise VoteError("vote.error.group_only")
    vote = await _pick(ctx, command.ref, live_only=True)
    if vote.created_by != ctx.user:
        await ctx.require(section.creator_role)
    closed = await service.close(vote.id, actor=ctx.user)
    if closed is None:
        raise VoteError("vote.error.closed", number=vote.number)
    text = render.results_text(await service.results(closed), ctx.locale)
    await service.claim_announcement(closed)
    return text


async def _bare_ballot(ctx: Context) -> tuple[tuple[int, ...], list[Vote]] | None:
    """A bare "2" or "1 3" in a group with bare numbers on: the choices and
    the open votes; None for anything else or when no open vote has them."""
    if ctx.group is None or ctx.info.from_self:
        return None
    if not ctx.info.kinds <= {"text", "reply", "mention"}:
        return None
    choices = parse_bare(ctx.info.text)
    if choices is None:
        return None
    section: VoteConfig = ctx.section("vote")
    if not section.bare_numbers:
        return None
    live = await service.open_votes(ctx.group)
    if not any(all(1 <= c <= len(v.options) for c in choices) for v in live):
        return None
    return tuple(choices), live


@hook(30)
async def _bare(ctx: Context) -> bool:
    """A bare "2" or "1 3": only a message made of valid option numbers, while
    exactly one vote is open in the group; anything else passes on to later hooks."""
    found = await _bare_ballot(ctx)
    if found is None or len(found[1]) != 1:
        return False
    choices, (vote,) = found
    try:
        text = await _cast(ctx, vote, choices, bare=True)
    except VoteError as err:
        section: VoteConfig = ctx.section("vote")
        values = {"example": section.nickname_example, **err.values}
        text = ctx.t(err.key, **values)
    await ctx.finish(text)


@hook(95)
async def _bare_unclear(ctx: Context) -> bool:
    """A bare option number while several votes are open: say how to name one.
    Late, so that the other hooks go first (a reply to the FAQ's "您是不是想问
    1. … 2. …" is the FAQ's)."""
    found = await _bare_ballot(ctx)
    if found is None or len(found[1]) < 2:
        return False
    live = found[1]
    listing = "\n".join(f"#{v.number} {v.title}" for v in live)
    await ctx.finish(ctx.t("vote.error.which", votes=listing, number=live[0].number))


@job_handler("vote.close")
async def _close_job(payload: dict) -> None:
    vote = await Vote.get_or_none(id=payload["id"])
    if vote is None:
        return
    if vote.is_open:
        await service.close(vote.id)
    vote = await Vote.get(id=vote.id)
    if vote.is_open or not await service.claim_announcement(vote):
        return
    locale = store.current.locale_of(vote.group)
    text = render.results_text(await service.results(vote), locale)
    try:
        await send_queue().send_group(vote.group, text)
    except Exception:
        await service.release_announcement(vote)  # the job's retry posts it
        raise


@job_handler("vote.remind")
async def _remind_job(payload: dict) -> None:
    vote = await Vote.get_or_none(id=payload["id"])
    if vote is None or not service.is_live(vote):
        return
    missing = await service.missing(vote)
    if missing.count == 0:
        return
    locale = store.current.locale_of(vote.group)
    section = _section(vote.group)
    text, mention = render.reminder(
        vote,
        missing,
        locale,
        _tz(),
        limit=section.remind_mentions,
        style=section.remind_style,
    )
    await send_queue().send_group(vote.group, text, mention=mention or None)
