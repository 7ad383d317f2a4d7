"""No message lost at a takeover (issue 21): the speaker notes what it handled
(core_handled, on PostgreSQL), a quiet account keeps the copies it dropped,
and when it becomes the speaker it handles those nobody handled, once each,
in the order they came (plugins/core/dedup.py, plugins/core ``_replay``).

On the test database (SQLite; PostgreSQL with LINLI_TEST_DATABASE_URL): the
log's statements run on both, though linli writes them on PostgreSQL only."""

from __future__ import annotations

import asyncio
import uuid
from types import SimpleNamespace

import pytest
from nonebug import App

from tests.helpers import SELF_ID, group_message, new_group_id, v11_bot
from tests.shipped import section_text

OTHER = "77777"  # the account of another linli process (P1)


class Clock:
    def __init__(self, start: float = 1_800_000_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now


def _group() -> str:
    return f"qq:{uuid.uuid4().int % 10**9}"


def _copy(group: str, user: str, text: str, account: str, mid: str | None):
    from plugins.core.dedup import Copy, digest

    return Copy("qq", group, user, digest(text, ("text",)), account, mid)


def _dropped(group, user, text, at, mid, account=SELF_ID):
    from plugins.core.dedup import Dropped

    return Dropped(None, mid, _copy(group, user, text, account, mid), at)


# -- the copies kept ----------------------------------------------------------


def test_dropped_copies_are_kept_for_a_while_bounded_and_taken_in_order() -> None:
    from plugins.core.dedup import DroppedCopies

    clock = Clock()
    kept = DroppedCopies(keep=35, size=100, clock=clock)
    for n in range(5):
        kept.add("bot", f"event {n}", _copy("qq:1", "qq:42", "+1", "B", str(n)))
        clock.now += 10
    kept.add("bot", "other group", _copy("qq:2", "qq:42", "+1", "B", "x"))
    kept.add("bot", "other account", _copy("qq:1", "qq:42", "+1", "C", "y"))
    # 50 s later: the first two are older than 35 s
    taken = kept.take("qq:1", "B")
    assert [d.event for d in taken] == ["event 2", "event 3", "event 4"]
    assert kept.take("qq:1", "B") == []  # taken once
    assert [d.event for d in kept.take("qq:1", "C")] == ["other account"]
    for n in range(1000):
        kept.add("bot", n, _copy("qq:1", f"qq:{n}", "hi", "B", str(n)))
    assert len(kept) == 100


# -- what was handled -----------------------------------------------------------


async def test_each_handled_row_covers_one_copy() -> None:
    from plugins.core.dedup import HandledLog

    clock = Clock()
    group, t = _group(), clock.now
    p1 = HandledLog(clock=clock, enabled=lambda: True)  # the dead speaker's
    await p1.record(_copy(group, "qq:1", "+1", OTHER, "a1"), at=t)
    await p1.record(_copy(group, "qq:1", "+1", OTHER, "a2"), at=t + 1)
    await p1.record(_copy(group, "qq:2", "几点停水", OTHER, "a3"), at=t + 0.2)
    await p1.record(_copy(_group(), "qq:3", "你好", OTHER, "a4"), at=t + 0.5)
    dropped = [
        _dropped(group, "qq:1", "+1", t + 0.1, "b1"),
        _dropped(group, "qq:2", "几点停水", t + 0.3, "b2"),
        _dropped(group, "qq:3", "你好", t + 0.6, "b3"),  # handled in another group
        _dropped(group, "qq:1", "+1", t + 1.1, "b4"),
        _dropped(group, "qq:1", "+1", t + 2.0, "b5"),  # the third +1: P1 died
        _dropped(group, "qq:2", "几点停水", t + 30, "b6"),  # asked again later
    ]
    p2 = HandledLog(clock=clock, enabled=lambda: True)
    left = await p2.unhandled(group, dropped, window=5)
    assert [d.copy.message_id for d in left] == ["b3", "b5", "b6"]


async def test_linli_writes_the_log_only_on_postgresql() -> None:
    from tortoise import connections

    from plugins.core.dedup import HandledLog
    from plugins.core.models import HandledMessage
    from plugins.core.shared import on_postgres

    postgres = connections.get("default").capabilities.dialect == "postgres"
    assert on_postgres() == postgres
    group = _group()
    log = HandledLog()
    await log.record(_copy(group, "qq:1", "+1", SELF_ID, "1"))
    assert await HandledMessage.filter(group=group).count() == (1 if postgres else 0)
    dropped = [_dropped(group, "qq:1", "+1", Clock()(), "2")]
    if not postgres:  # nothing to compare with: every dropped copy is left
        assert await log.unhandled(group, dropped, 5) == dropped


async def test_old_rows_are_pruned_in_the_background() -> None:
    from plugins.core.dedup import HandledLog
    from plugins.core.models import HandledMessage

    clock = Clock()
    group = _group()
    log = HandledLog(clock=clock, keep=600, prune_every=60, enabled=lambda: True)
    await log.record(_copy(group, "qq:1", "old", SELF_ID, "1"))
    clock.now += 30
    await log.record(_copy(group, "qq:1", "newer", SELF_ID, "2"))
    await log.settle()
    assert await HandledMessage.filter(group=group).count() == 2
    clock.now += 600
    await log.record(_copy(group, "qq:1", "new", SELF_ID, "3"))  # prunes
    await log.settle()
    left = await HandledMessage.filter(group=group).values_list("digest", flat=True)
    assert len(left) == 2  # 'old' is 630 s old, 'newer' 600 s: kept


# -- the takeover, through core's router hooks ---------------------------------------


def _info(group: str, user: str, text: str, mid: str, self_id: str = SELF_ID):
    from adapters.port import EventInfo, Segment

    return EventInfo(
        platform="qq",
        self_id=self_id,
        user=user,
        group=group,
        message_id=mid,
        display_name="3-2-201 张三",
        sender_role="member",
        to_me=False,
        text=text,
        segments=(Segment("text", "text", {"text": text}),),
    )


@pytest.fixture
def process(app: App, monkeypatch):
    """This process as P2: its own speakers (this process's accounts
    ``connected``), core's handled log on for SQLite too, and handle_event
    recording what a takeover replays (and that it is let past ``_seen``)."""
    import nonebot

    import plugins.core as core
    from plugins.core.dedup import DroppedCopies, HandledLog, SameMessages
    from plugins.core.speaker import Leases, Speakers

    connected: set[str] = set()
    members: dict[str, list[str]] = {}
    speakers = Speakers(
        Leases(worker="P2"),
        takeover=lambda: 30,
        members=lambda g: members.get(g, []),
        groups=lambda: list(members),
        connected=lambda: connected,
    )
    speakers.on_change(core._speaker_changed)
    replayed: list = []

    async def handle_event(bot, event) -> None:
        replayed.append((bot, event, core._replaying.get() is event))

    monkeypatch.setattr(core, "_speakers", speakers)
    monkeypatch.setattr(core, "_queue", None)
    monkeypatch.setattr(core, "_handled", HandledLog(enabled=lambda: True))
    monkeypatch.setattr(core, "_dropped", DroppedCopies())
    monkeypatch.setattr(core, "_copies", SameMessages())
    monkeypatch.setattr(core, "handle_event", handle_event)
    monkeypatch.setattr(core, "set_speaker", lambda group, new: None)
    monkeypatch.setattr(core, "remember", lambda group, bot: None)
    monkeypatch.setattr(nonebot, "get_bots", lambda: {s: None for s in connected})
    return SimpleNamespace(
        core=core,
        speakers=speakers,
        connected=connected,
        members=members,
        replayed=replayed,
    )


async def test_what_came_while_the_dead_speaker_held_the_lease_is_handled_once(
    process,
) -> None:
    from plugins.core.dedup import HandledLog
    from plugins.core.speaker import Leases

    core, group = process.core, _group()
    process.connected.add(SELF_ID)
    process.members[group] = [SELF_ID]
    # P1's account speaks for the group, with a lease that runs out soon
    assert await Leases(worker="P1").claim(group, f"qq:{OTHER}", 0.5) is not None
    p1 = HandledLog(enabled=lambda: True)
    bot = SimpleNamespace(self_id=SELF_ID)
    arrived = [
        ("qq:1", "+1", "m1", True),  # P1 handled these …
        ("qq:2", "请问物业电话是多少？", "m2", True),
        ("qq:1", "+1", "m3", False),  # … and was killed: nobody handled these
        ("qq:3", "请问物业电话是多少？", "m4", False),
        (f"qq:{OTHER}", "【接龙】周六义诊", "m5", False),  # what P1's account said
    ]
    for user, text, mid, by_p1 in arrived:
        if by_p1:
            await p1.record(_copy(group, user, text, OTHER, f"p1-{mid}"))
        assert not await core._one_copy(_info(group, user, text, mid), bot, mid)
    assert process.replayed == []
    await asyncio.sleep(0.6)  # P1's lease expires
    assert await process.speakers.speaks(group, SELF_ID)  # the takeover
    await core._replays.settle()
    assert [(event, bypass) for _, event, bypass in process.replayed] == [
        ("m3", True),
        ("m4", True),
    ]
    # through the router hooks again, the replayed copies are taken and noted
    for event in ("m3", "m4"):
        user, text = next((u, x) for u, x, m, _ in arrived if m == event)
        info = _info(group, user, text, event)
        token = core._replaying.set(event)
        try:
            assert await core._one_copy(info, bot, event, replay=True)
        finally:
            core._replaying.reset(token)
    later = [_dropped(group, "qq:1", "+1", core._dropped.clock(), "x")]
    assert await HandledLog(enabled=lambda: True).unhandled(group, later, 5) == []
    # a new message through the new speaker is handled at once
    assert await core._one_copy(_info(group, "qq:4", "你好", "m6"), bot, "m6")


async def test_two_accounts_in_one_process_replay_only_what_neither_handled(
    process,
) -> None:
    """A and B in this process: A handled what both received; B takes over
    (A disconnected) and handles only what reached B alone."""
    core, group = process.core, _group()
    a, b = "10002", SELF_ID
    process.connected.update({a, b})
    process.members[group] = [a, b]
    bot_a, bot_b = SimpleNamespace(self_id=a), SimpleNamespace(self_id=b)
    assert await process.speakers.speaks(group, a)
    for n in range(3):
        assert await core._one_copy(_info(group, "qq:1", "+1", f"a{n}", a), bot_a, 0)
        assert not await core._one_copy(
            _info(group, "qq:1", "+1", f"b{n}", b), bot_b, f"b{n}"
        )
    # A's process hangs: B receives a question A never sees
    assert not await core._one_copy(
        _info(group, "qq:2", "几点停水", "b9", b), bot_b, "b9"
    )
    process.connected.discard(a)
    await process.speakers.lost(a)
    await core._replays.settle()
    assert [event for _, event, _ in process.replayed] == ["b9"]


async def test_a_replayed_question_goes_through_the_whole_pipeline_once(
    app: App, override_config, monkeypatch
) -> None:
    """With nonebug: this process's account drops a question while another
    process's account holds the lease; that process dies; at the takeover the
    question is answered once, through core's router (past ``_seen``)."""
    import plugins.core as core
    from plugins.core.dedup import HandledLog
    from plugins.core.routing import ROUTER
    from plugins.core.speaker import Leases

    override_config(section_text("faq"))
    monkeypatch.setattr(core, "_handled", HandledLog(enabled=lambda: True))
    gid = new_group_id()
    group = f"qq:{gid}"
    assert await Leases(worker="P1").claim(group, f"qq:{OTHER}", 0.5) is not None
    from nonebot.message import handle_event

    from tests.helpers import Capture

    with ROUTER.only("faq"):
        async with app.test_api() as ctx:
            bot = v11_bot(ctx)
            event = group_message("请问物业电话是多少？", group=gid, user=61)
            await handle_event(bot, event)  # dropped: not the speaker
            await handle_event(bot, event)  # the platform's own replay: seen
            await asyncio.sleep(0.6)
            ctx.should_call_send(event, answer := Capture(), result={"message_id": 5})
            assert await core._speakers.speaks(group, SELF_ID)
            await core._replays.settle()
    assert "物业" in answer.text
