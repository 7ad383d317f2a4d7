"""linli core: config, storage, i18n, identity, scheduler, audit, send queue.

Every feature starts with ``require("plugins.core")`` and imports from here.
"""

from __future__ import annotations

import asyncio
from contextvars import ContextVar
from dataclasses import replace

import nonebot
from nonebot import get_driver, logger, on_message
from nonebot.adapters import Bot, Event, Message
from nonebot.consts import PREFIX_KEY
from nonebot.exception import IgnoredException
from nonebot.matcher import current_bot, current_event, current_matcher
from nonebot.message import event_preprocessor, handle_event
from nonebot.plugin import PluginMetadata

from adapters import (
    EventInfo,
    command_after_quote,
    event_info,
    join_request,
    member_changes,
    on_connect,
    port_for,
    split_id,
)

from . import help, members, tryout
from .audit import audit
from .bots import (
    accounts_in,
    known_groups,
    port_for_group,
    remember,
    set_speaker,
    v11_platform,
)
from .config import ConfigError, LinliConfig, Section, register_section, store
from .context import Context, Ctx, context_of
from .dedup import (
    Copy,
    CopyJudge,
    Dropped,
    DroppedCopies,
    HandledLog,
    SameMessages,
    SeenMessages,
    digest,
)
from .durations import Duration, OptionalDuration, Seconds
from .i18n import t
from .identity import Household, Role, listed, parse_household
from .memberwatch import MemberWatch, on_member_change
from .normalize import compact, normalize
from .numbering import next_number
from .permissions import can_reload
from .privacy import mask_private
from .routing import ROUTER, command, hook
from .scheduler import Scheduler, cancel, job_handler, schedule
from .sendqueue import SendQueue
from .settings import load_settings
from .speaker import Leases, Speakers
from .storage import close_database, open_database, register_models
from .tasks import Tasks
from .timeparse import format_duration, format_time, parse_duration, parse_when

__all__ = [
    "ConfigError",
    "Context",
    "Ctx",
    "Duration",
    "Household",
    "LinliConfig",
    "OptionalDuration",
    "Role",
    "Seconds",
    "Section",
    "audit",
    "cancel",
    "command",
    "compact",
    "format_duration",
    "format_time",
    "hook",
    "job_handler",
    "listed",
    "mask_private",
    "next_number",
    "normalize",
    "on_member_change",
    "parse_duration",
    "parse_household",
    "parse_when",
    "port_for_group",
    "register_models",
    "register_section",
    "schedule",
    "send_queue",
    "store",
    "t",
]

__plugin_meta__ = PluginMetadata(
    name="core",
    description="linli core services: config, storage, i18n, roles, scheduler",
    usage="/帮助 (/help), /重载 (/reload)",
    type="application",
    supported_adapters={"~onebot.v11", "~onebot.v12"},
    extra={"linli": {"section": "core", "help": "core.help", "manage": "admin"}},
)

driver = get_driver()
_scheduler: Scheduler | None = None
_queue: SendQueue | None = None
_watch: MemberWatch | None = None
_seen = SeenMessages()
# the copies of one message through several of linli's accounts (dedup.py)
_copies: CopyJudge = SameMessages()
# what a takeover replays (dedup.py): the copies the quiet accounts dropped,
# and (PostgreSQL) the messages the speakers of every process handled
_dropped = DroppedCopies()
_handled = HandledLog()
_replays = Tasks("core: replaying the copies dropped before a takeover")
_replaying_now: dict[str, asyncio.Task] = {}
_replaying: ContextVar[Event | None] = ContextVar("linli_replaying", default=None)
# how long a new message waits for the replay of its group (order)
REPLAY_WAIT_SECONDS = 5.0
_speakers: Speakers | None = None


def send_queue() -> SendQueue:
    if _queue is None:
        raise RuntimeError("linli core has not started")
    return _queue


def queue_if_started() -> SendQueue | None:
    return _queue


# set once the database is open: the terminal try-out takes input before
# start-up has finished (a OneBot bot can only connect after it)
_started = asyncio.Event()


@driver.on_startup
async def _start() -> None:
    global _scheduler, _queue, _watch, _speakers
    settings = load_settings()
    if not store.loaded:
        store.load(settings.config_path)
    core = store.current.core
    await open_database(settings.database_url)
    _queue = SendQueue(core.send, elsewhere=_speaker_elsewhere)
    if isinstance(_copies, SameMessages):
        _copies.window = core.accounts.same_message_seconds
        _queue.translate = _copies.alias
    store.on_change(_reconfigured)
    _speakers = Speakers(
        Leases(),
        takeover=lambda: store.current.core.accounts.takeover_seconds,
        members=accounts_in,
        groups=known_groups,
        connected=lambda: nonebot.get_bots().keys(),
    )
    _speakers.on_change(_speaker_changed)
    _speakers.start()
    _scheduler = Scheduler(
        poll_seconds=core.scheduler.poll_seconds,
        max_attempts=core.scheduler.max_attempts,
        retry_base_seconds=core.scheduler.retry_base_seconds,
        lease_seconds=core.scheduler.lease_seconds,
        takeover_seconds=core.accounts.takeover_seconds,
        groups=_bound_groups,
    )
    _scheduler.start()
    _watch = MemberWatch()
    _watch.start()
    _started.set()


def _speaker_elsewhere(group: str) -> str | None:
    """The group's speaker when another process has it connected (sendqueue:
    what this process says there is sent by that one)."""
    return _speakers.elsewhere(group) if _speakers is not None else None


def _bound_groups() -> list[str]:
    """The groups whose jobs this process runs (scheduler: its speaker is here)."""
    return _speakers.bound_here() if _speakers is not None else []


def _reconfigured(config: LinliConfig) -> None:
    if _queue is not None:
        _queue.config = config.core.send
    if isinstance(_copies, SameMessages):
        _copies.window = config.core.accounts.same_message_seconds


def _speaker_changed(group: str, old: str | None, new: str) -> None:
    """Another account speaks for ``group``: the group's messages go through
    it, and what the old one had queued there is sent by it."""
    set_speaker(group, new)
    if old is not None and old != new and _queue is not None:
        _queue.handover(group, old)
    try:
        ours = new in nonebot.get_bots()
    except ValueError:  # NoneBot not initialised
        ours = False
    if ours and old != new:
        dropped = _dropped.take(group, new)
        if dropped:
            _replaying_now[group] = _replays.spawn(_replay(group, dropped))


async def _replay(group: str, dropped: list[Dropped]) -> None:
    """Handle the copies of ``group``'s messages this account dropped while
    another spoke and that nobody handled (its process died: dedup.py), in
    the order they came, as if they had just arrived."""
    window = store.current.core.accounts.same_message_seconds
    try:
        left = await _handled.unhandled(group, dropped, window)
    except Exception:  # no way to tell: rather nothing twice
        logger.exception(f"takeover: could not read what was handled in {group}")
        return
    if isinstance(_copies, SameMessages):  # handled here, through another account
        left = [one for one in left if _copies.replay(one.copy)]
    if not left:
        return
    logger.info(
        f"takeover: handling {len(left)} message(s) of {group} that came while "
        "its speaker was gone"
    )
    for one in left:
        bot = nonebot.get_bots().get(one.copy.account, one.bot)
        token = _replaying.set(one.event)
        try:
            await handle_event(bot, one.event)
        except Exception:
            logger.exception(f"takeover: replaying {one.copy.message_id} failed")
        finally:
            _replaying.reset(token)


async def _speaks(group: str, bot: Bot) -> bool:
    """Whether ``bot`` speaks for ``group`` (the only one, with no lease
    machinery, before start-up)."""
    remember(group, bot)
    if _speakers is None:
        return True
    try:
        return await _speakers.speaks(group, bot.self_id)
    except Exception:  # the database is down: the account that sees it speaks
        logger.exception(f"speaker: could not decide for {group}")
        return True


# NoneBot runs shutdown hooks in reverse order of registration: core's, made
# first, runs last, after the features' (faq writes its buffered counts)
@driver.on_shutdown
async def _stop() -> None:
    global _scheduler, _watch, _speakers
    if _speakers is not None:
        await _speakers.stop()
        _speakers = None
    if _watch is not None:
        await _watch.stop()
        _watch = None
    if _scheduler is not None:
        await _scheduler.stop()
        _scheduler = None
    await close_database()


@event_preprocessor
async def _command_after_quote(event: Event) -> None:
    """A moderation command sent as a reply is still a command when the
    platform could not say whose message it quotes (adapters)."""
    command_after_quote(event, driver.config.command_start)


@event_preprocessor
async def _one_account(bot: Bot, event: Event) -> None:
    """A join, a leave or a join request in a group is seen by every linli
    account in it: only the speaker's copy goes on to the features."""
    if _speakers is None or event.get_type() not in {"notice", "request"}:
        return
    groups = {
        change.group
        for change in member_changes(bot, event, v11_platform=v11_platform(bot))
    }
    request = join_request(bot, event, v11_platform=v11_platform(bot))
    if request is not None:
        groups.add(request.group)
    for group in groups:
        if not await _speaks(group, bot):
            raise IgnoredException(f"{group}: another account speaks")


_asking = Tasks("core: asking a new connection")


@driver.on_bot_connect
async def _welcome(bot: Bot) -> None:
    # what the implementation says it can do, asked beside the connection:
    # its hooks (and the events behind them) must not wait for the answer
    _asking.spawn(on_connect(bot))
    await _started.wait()
    await tryout.welcome(bot)


@driver.on_bot_disconnect
async def _gone(bot: Bot) -> None:
    """An account disconnected: another one in its groups speaks now."""
    speakers = _speakers
    if speakers is None:
        return
    try:
        await speakers.lost(bot.self_id)
    except Exception as exc:  # its leases then expire by themselves
        logger.warning(
            f"speaker: could not hand over the groups of {bot.self_id}: {exc}"
        )


@job_handler("core.send_group")
async def _send_group(payload: dict) -> None:
    """A message to post later: ``{"group": "qq:1", "text": "…"}``; also a
    message another process's send queue handed to the process of the group's
    speaker (a job bound to the group, with its ``mention``, ``reply_to``,
    ``urgent`` and ``hops``: sendqueue.py)."""
    port_for_group(payload["group"])  # fail (and retry) now if no bot is online
    await send_queue().send_group(
        payload["group"],
        payload["text"],
        mention=payload.get("mention"),
        reply_to=payload.get("reply_to"),
        urgent=bool(payload.get("urgent", False)),
        hops=int(payload.get("hops", 0)),
    )


router = on_message(priority=1, block=False)


@router.handle()
async def _route() -> None:
    """Every message: once only, members remembered, then every feature's hooks
    and commands (routing.py).

    No parameters on purpose: NoneBot solves each handler parameter (and each
    dependency's) in its own anyio task, a cost paid on every message.
    """
    if not _started.is_set():
        await _started.wait()
    matcher, bot, event = current_matcher.get(), current_bot.get(), current_event.get()
    info = event_info(bot, event, v11_platform=v11_platform(bot))
    if info is None:
        return
    where = info.group or info.user
    replay = _replaying.get() is event  # a takeover's (not the platform's)
    if (
        info.message_id
        and not replay
        and not _seen.first_time(info.self_id, where, info.message_id)
    ):
        logger.debug(f"dropping replayed message {info.message_id}")
        matcher.stop_propagation()
        return
    if info.group is not None:
        if not await _one_copy(info, bot, event, replay=replay):
            matcher.stop_propagation()
            return
        # the sender's group name where the event has none (WeChat's 群昵称)
        port = port_for(bot, v11_platform=v11_platform(bot))
        name = await port.display_name(info.group, info.user, info.display_name)
        info = replace(info, display_name=name)
        try:  # bookkeeping: a database hiccup must not cost the resident an answer
            await members.seen(
                info.group,
                info.user,
                info.display_name,
                store.current.core.household_pattern,
                username=info.username,
            )
        except Exception:
            logger.exception(f"could not record member {info.user} of {info.group}")
    ctx = context_of(bot, event, info)
    if await ROUTER.route(ctx, matcher.state[PREFIX_KEY]):
        matcher.stop_propagation()
        await matcher.finish()


async def _one_copy(
    info: EventInfo, bot: Bot, event: Event, *, replay: bool = False
) -> bool:
    """Whether this account's copy of a group message is the one handled: it
    speaks for the group and no other copy was handled; a message another of
    linli's accounts sent is nobody's to handle. A copy dropped as not the
    speaker's is kept for a takeover (``_replay``); one taken is noted as
    handled (on PostgreSQL: dedup.HandledLog)."""
    group = info.group
    assert group is not None
    sender = split_id(info.user)[1]
    others = info.user != f"{info.platform}:{info.self_id}"
    if others and sender in nonebot.get_bots():
        return False
    copy = Copy(
        info.platform,
        group,
        info.user,
        digest(info.text, tuple(seg.kind for seg in info.segments)),
        info.self_id,
        info.message_id,
    )
    if replay:  # decided by _replay
        await _handled.record(copy)
        return True
    speaker = await _speaks(group, bot)
    if not _copies.arrived(copy, speaker=speaker):
        logger.debug(
            f"message {info.message_id} in {group}: "
            + ("handled through another account" if speaker else "not the speaker")
        )
        # kept for a takeover, but for what the speaker (of another process) said
        if not speaker and (_speakers is None or sender != _speakers.holder(group)):
            accounts = store.current.core.accounts
            _dropped.keep = accounts.takeover_seconds + accounts.same_message_seconds
            _dropped.add(bot, event, copy)
        return False
    replaying = _replaying_now.get(group)
    if replaying is not None:  # what came before the takeover goes first
        if not replaying.done():
            await asyncio.wait([replaying], timeout=REPLAY_WAIT_SECONDS)
        else:
            _replaying_now.pop(group, None)
    await _handled.record(copy)
    return True


@command("help", "帮助")
async def _help(ctx: Context, args: Message) -> None:
    asked = args.extract_plain_text().strip()
    if asked:
        await ctx.finish(help.detail(ctx, asked))
    await ctx.finish(help.overview(ctx, await ctx.role()))


@command("reload", "重载", "重新加载")
async def _reload(ctx: Context, args: Message) -> None:
    role = await ctx.role()
    if not can_reload(role, ctx.user, ctx.group, ctx.config):
        await ctx.finish(ctx.t("core.reload.denied"))
    try:
        config = store.reload()
    except ConfigError as exc:
        await audit(ctx.user, "config.reload_failed", group=ctx.group, reason=str(exc))
        logger.warning(
            f"/reload by {ctx.user} failed, keeping the last good config:\n{exc}"
        )
        await ctx.finish(ctx.t("core.reload.failed", error=str(exc)))
    await audit(ctx.user, "config.reload", group=ctx.group, file=str(config.path))
    logger.info(f"/reload by {ctx.user}: {config.path} reloaded")
    await ctx.finish(
        t(config.locale_of(ctx.group), "core.reload.ok", groups=len(config.groups))
    )
