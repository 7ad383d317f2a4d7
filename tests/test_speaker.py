"""Two of linli's accounts in one group: the copies of one message are handled
once (dedup.SameMessages), one account speaks (speaker.py: a lease in the
database), and what the old speaker had queued leaves through the new one
(sendqueue.handover), moderation refused to one account goes through another.

On the test database (SQLite; PostgreSQL with LINLI_TEST_DATABASE_URL)."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

import pytest


class Clock:
    def __init__(self, start: float = 1000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now


def _copy(account: str, mid: str | None, text: str = "几点停水", user: str = "qq:42"):
    from plugins.core.dedup import Copy, digest

    return Copy("qq", "qq:1000", user, digest(text), account, mid)


# -- the copies of one message ------------------------------------------------


def test_copies_through_two_accounts_are_one_message() -> None:
    from plugins.core.dedup import SameMessages

    same = SameMessages(window=5, clock=Clock())
    assert same.arrived(_copy("A", "1"), speaker=True)
    assert not same.arrived(_copy("B", "77"), speaker=False)
    # B's copy came later but B does not speak anyway; A's replay of it too
    assert same.alias("qq:1000", "A", "1", "B") == "77"
    assert same.alias("qq:1000", "B", "77", "A") == "1"


def test_the_speakers_copy_is_handled_even_when_it_comes_second() -> None:
    from plugins.core.dedup import SameMessages

    same = SameMessages(window=5, clock=Clock())
    assert not same.arrived(_copy("B", "77"), speaker=False)
    assert same.arrived(_copy("A", "1"), speaker=True)
    # B takes over; its copy again (a replay) is still not handled twice
    assert not same.arrived(_copy("B", "77"), speaker=True)


def test_a_takeover_does_not_handle_a_message_twice() -> None:
    from plugins.core.dedup import SameMessages

    same = SameMessages(window=5, clock=Clock())
    assert same.arrived(_copy("A", "1"), speaker=True)
    # A disconnected, B speaks now; B's copy of the same message arrives
    assert not same.arrived(_copy("B", "77"), speaker=True)
    # a new message through B is handled
    assert same.arrived(_copy("B", "78", text="物业电话"), speaker=True)


def test_the_same_text_twice_is_two_messages_each_once() -> None:
    """A flood, or ``+1`` written twice: one account's copies never merge."""
    from plugins.core.dedup import SameMessages

    same = SameMessages(window=5, clock=Clock())
    handled = [
        same.arrived(_copy("A", "1", "+1"), speaker=True),
        same.arrived(_copy("B", "71", "+1"), speaker=False),
        same.arrived(_copy("A", "2", "+1"), speaker=True),
        same.arrived(_copy("B", "72", "+1"), speaker=False),
        same.arrived(_copy("A", "3", "+1"), speaker=True),
    ]
    assert handled == [True, False, True, False, True]
    assert same.alias("qq:1000", "A", "2", "B") == "72"


def test_same_id_through_both_accounts_matches_that_message() -> None:
    """Telegram numbers messages per chat: both bots get one id."""
    from plugins.core.dedup import SameMessages

    same = SameMessages(window=5, clock=Clock())
    assert same.arrived(_copy("A", "5", "+1"), speaker=True)
    assert same.arrived(_copy("A", "6", "+1"), speaker=True)
    # B's copy of message 6 arrives first of B's: it is 6, not 5
    assert not same.arrived(_copy("B", "6", "+1"), speaker=True)
    assert same.alias("qq:1000", "A", "6", "B") == "6"
    assert same.alias("qq:1000", "A", "5", "B") is None


def test_other_senders_and_texts_and_later_copies_are_other_messages() -> None:
    clock = Clock()
    from plugins.core.dedup import SameMessages

    same = SameMessages(window=5, clock=clock)
    assert same.arrived(_copy("A", "1"), speaker=True)
    assert same.arrived(_copy("A", "2", user="qq:43"), speaker=True)
    assert same.arrived(_copy("A", "3", text="几点停电"), speaker=True)
    clock.now += 6  # past the window: B's copy is a message of its own
    assert same.arrived(_copy("B", "9"), speaker=True)


def test_the_memory_stays_bounded() -> None:
    clock = Clock()
    from plugins.core.dedup import SameMessages

    same = SameMessages(window=5, size=100, clock=clock)
    for n in range(1000):
        same.arrived(_copy("A", str(n), user=f"qq:{n}"), speaker=True)
        clock.now += 0.001
    assert len(same._recent) <= 101
    assert len(same._by_id) <= 100
    clock.now += 10
    same.arrived(_copy("A", "x"), speaker=True)
    assert len(same._recent) == 1


# -- the lease -------------------------------------------------------------------


class WallClock:
    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now


def _group() -> str:
    return f"qq:{uuid.uuid4().int % 10**9}"


async def test_claim_renew_expiry_takeover_release() -> None:
    from plugins.core.models import SpeakerLease
    from plugins.core.speaker import Leases

    clock = WallClock()
    leases = Leases(clock=clock, worker="test")
    group = _group()
    won = await leases.claim(group, "qq:1", 30)
    assert won is not None and won.holder == "qq:1"
    assert await leases.claim(group, "qq:2", 30) is None  # held
    clock.now += timedelta(seconds=20)
    assert await leases.claim(group, "qq:1", 30) is not None  # renewed
    clock.now += timedelta(seconds=20)
    assert await leases.claim(group, "qq:2", 30) is None  # renewed 20 s ago
    assert await leases.renew(["qq:1"], 30) == 1
    clock.now += timedelta(seconds=31)  # qq:1 stopped renewing
    taken = await leases.claim(group, "qq:2", 30)
    assert taken is not None and taken.holder == "qq:2"
    assert await leases.renew(["qq:1"], 30) == 0  # the old holder renews nothing
    assert (await leases.read([group]))[group].holder == "qq:2"
    assert await leases.release(group, "qq:1") is False
    assert await leases.release(group, "qq:2") is True
    assert await leases.claim(group, "qq:1", 30) is not None  # released: free
    assert await SpeakerLease.filter(group=group).count() == 1


async def test_claimants_racing_for_a_new_and_an_expired_lease_one_wins() -> None:
    from plugins.core.speaker import Leases

    clock = WallClock()
    group = _group()
    claimants = [Leases(clock=clock, worker=f"w{n}") for n in range(8)]
    won = await asyncio.gather(
        *(leases.claim(group, f"qq:{n}", 30) for n, leases in enumerate(claimants))
    )
    winners = [lease.holder for lease in won if lease is not None]
    assert len(winners) == 1
    clock.now += timedelta(seconds=31)
    won = await asyncio.gather(
        *(leases.claim(group, f"qq:{n}", 30) for n, leases in enumerate(claimants))
    )
    winners = [lease.holder for lease in won if lease is not None]
    assert len(winners) == 1
    stored = (await claimants[0].read([group]))[group]
    assert stored.holder == winners[0]


def _speakers(clock, members, connected, takeover=30.0):
    from plugins.core.speaker import Leases, Speakers

    return Speakers(
        Leases(clock=clock, worker="test"),
        takeover=lambda: takeover,
        members=lambda group: members.get(group, []),
        groups=lambda: list(members),
        connected=lambda: connected,
        clock=clock,
    )


async def test_one_account_speaks_and_the_decision_is_cached() -> None:
    clock = WallClock()
    group = _group()
    members = {group: ["1", "2"]}
    connected = {"1", "2"}
    speakers = _speakers(clock, members, connected)
    changes: list[tuple] = []
    speakers.on_change(lambda *change: changes.append(change))
    assert await speakers.speaks(group, "1")
    assert not await speakers.speaks(group, "2")
    assert changes == [(group, None, "1")]

    claims = 0
    real = speakers.leases.claim

    async def counting(*args):
        nonlocal claims
        claims += 1
        return await real(*args)

    speakers.leases.claim = counting  # type: ignore[method-assign]
    for _ in range(100):
        assert await speakers.speaks(group, "1")
        assert not await speakers.speaks(group, "2")
    assert claims == 0  # no database per message while the lease lives


async def test_renewal_keeps_the_speaker_and_a_silent_one_is_replaced() -> None:
    clock = WallClock()
    group = _group()
    members = {group: ["1", "2"]}
    connected = {"1", "2"}
    speakers = _speakers(clock, members, connected)
    changes: list[tuple] = []
    speakers.on_change(lambda *change: changes.append(change))
    assert await speakers.speaks(group, "1")
    for _ in range(5):  # renewed while connected: still 1 after 100 s
        clock.now += timedelta(seconds=20)
        await speakers.tick()
        assert speakers.holder(group) == "1"
    connected.discard("1")  # 1 stops renewing (no disconnect seen)
    clock.now += timedelta(seconds=20)
    await speakers.tick()
    assert speakers.holder(group) == "1"  # not yet expired
    clock.now += timedelta(seconds=11)
    await speakers.tick()
    assert speakers.holder(group) == "2"
    assert changes[-1] == (group, "1", "2")
    assert await speakers.speaks(group, "2")


async def test_another_process_takes_over_when_this_one_stops_renewing() -> None:
    clock = WallClock()
    group = _group()
    here = _speakers(clock, {group: ["1"]}, {"1"})
    there = _speakers(clock, {group: ["2"]}, {"2"})
    assert await here.speaks(group, "1")
    assert not await there.speaks(group, "2")
    clock.now += timedelta(seconds=20)
    await there.tick()
    assert there.holder(group) == "1"
    clock.now += timedelta(seconds=11)  # here hangs: no renewal for 31 s
    await there.tick()
    assert there.holder(group) == "2"
    assert await there.speaks(group, "2")
    await here.tick()  # here comes back: it renews nothing and learns
    assert here.holder(group) == "2"
    assert not await here.speaks(group, "1")


async def test_a_disconnect_hands_the_group_over_at_once() -> None:
    clock = WallClock()
    group, lonely = _group(), _group()
    members = {group: ["1", "2"], lonely: ["1"]}
    connected = {"1", "2"}
    speakers = _speakers(clock, members, connected)
    changes: list[tuple] = []
    speakers.on_change(lambda *change: changes.append(change))
    assert await speakers.speaks(group, "1")
    assert await speakers.speaks(lonely, "1")
    connected.discard("1")
    await speakers.lost("1")
    assert speakers.holder(group) == "2"
    assert changes[-1] == (group, "1", "2")
    assert speakers.holder(lonely) is None  # nobody else is there
    assert await speakers.speaks(group, "2")


async def test_a_gone_speaker_is_replaced_before_its_disconnect_hook_ran() -> None:
    clock = WallClock()
    group = _group()
    connected = {"1", "2"}
    speakers = _speakers(clock, {group: ["1", "2"]}, connected)
    assert await speakers.speaks(group, "1")
    connected.discard("1")
    assert await speakers.speaks(group, "2")
    await speakers.lost("1")  # the hook, late: nothing more to do
    assert speakers.holder(group) == "2"


# -- the send queue across accounts --------------------------------------------


class Bot:
    def __init__(self, self_id: str) -> None:
        self.self_id = self_id


class Port:
    platform = "qq"

    def __init__(self, self_id: str, log: list, *, refuse: bool = False) -> None:
        self.bot = Bot(self_id)
        self.log = log
        self.refuse = refuse

    async def send_group(self, group: str, text: str, *, mention=None, reply_to=None):
        self.log.append((self.bot.self_id, "send", text))
        return str(len(self.log))

    async def recall(self, message_id: str, *, group: str | None = None) -> None:
        from adapters import PlatformError

        if self.refuse:
            raise PlatformError("recall", "not an admin")
        self.log.append((self.bot.self_id, "recall", message_id))

    async def mute(self, group: str, user: str, seconds: int) -> None:
        from adapters import PlatformError

        if self.refuse:
            raise PlatformError("mute", "not an admin")
        self.log.append((self.bot.self_id, "mute", user))


async def test_queued_replies_of_a_gone_speaker_are_sent_once_by_the_new() -> None:
    from plugins.core.config import Budget, SendConfig
    from plugins.core.sendqueue import SendQueue

    log: list = []
    a, b = Port("1", log), Port("2", log)
    gone: set[str] = set()
    speaker = {"qq:1000": a}
    queue = SendQueue(
        SendConfig(qq=Budget(per_group=2, group_window_seconds=0.3)),
        resolve=lambda group: speaker[group],
        resolve_user=lambda user: a,
        connected=lambda port: port.bot.self_id not in gone,
    )

    def reply(n: int):
        async def through_event(_port) -> str:  # bound to A's event
            if "1" in gone:
                raise ConnectionError("A's WebSocket is closed")
            log.append(("1", "reply", f"答复 {n}"))
            return "r"

        async def instead(port) -> str | None:
            return await port.send_group("qq:1000", f"答复 {n}")

        return queue.reply(
            "qq:1000", through_event, key=n, private=False, port=a, fallback=instead
        )

    futures = [reply(n) for n in range(6)]
    futures += [queue.send_group("qq:1000", f"通知 {n}") for n in range(2)]
    await asyncio.sleep(0.05)  # two replies left through A, the rest wait
    gone.add("1")
    speaker["qq:1000"] = b
    assert queue.handover("qq:1000", "1") >= 3
    await asyncio.wait_for(asyncio.gather(*futures), 10)
    texts = [text for _, _, text in log]
    assert sorted(texts) == sorted(
        [f"答复 {n}" for n in range(6)] + ["通知 0", "通知 1"]
    )
    assert len(texts) == len(set(texts))  # none doubled
    assert [who for who, _, _ in log[2:]] == ["2"] * 6


async def test_a_reply_in_flight_when_the_account_goes_is_handed_over() -> None:
    from plugins.core.config import SendConfig
    from plugins.core.sendqueue import SendQueue

    log: list = []
    a, b = Port("1", log), Port("2", log)
    gone: set[str] = set()
    speaker = {"qq:1000": a}
    queue = SendQueue(
        SendConfig(),
        resolve=lambda group: speaker[group],
        connected=lambda port: port.bot.self_id not in gone,
    )

    async def through_event(_port) -> str:
        gone.add("1")  # the connection drops while sending
        speaker["qq:1000"] = b
        raise ConnectionError("closed")

    async def instead(port) -> str | None:
        return await port.send_group("qq:1000", "答复")

    await queue.reply(
        "qq:1000", through_event, key=1, private=False, port=a, fallback=instead
    )
    assert log == [("2", "send", "答复")]


async def test_a_refused_moderation_goes_through_another_account() -> None:
    from adapters import PlatformError
    from plugins.core.config import SendConfig
    from plugins.core.sendqueue import SendQueue

    log: list = []
    speaker = Port("1", log, refuse=True)  # lost its admin rights
    other = Port("2", log)
    aliases = {("qq:1000", "1", "m1", "2"): "m1-as-seen-by-2"}
    queue = SendQueue(
        SendConfig(),
        resolve=lambda group: speaker,
        others=lambda group, self_id: [
            p for p in (speaker, other) if p.bot.self_id != self_id
        ],
        translate=lambda *key: aliases.get(key),
    )
    await queue.act("qq:1000", lambda p: p.recall("m1", group="qq:1000"), port=speaker)
    await queue.act("qq:1000", lambda p: p.mute("qq:1000", "qq:42", 60), port=speaker)
    assert log == [("2", "recall", "m1-as-seen-by-2"), ("2", "mute", "qq:42")]

    other.refuse = True  # nobody can: the refusal reaches the caller
    with pytest.raises(PlatformError):
        await queue.act("qq:1000", lambda p: p.mute("qq:1000", "qq:43", 60))
