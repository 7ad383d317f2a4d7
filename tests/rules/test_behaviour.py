"""Flood, repeats, quiet hours, raids and @all: the detectors with memory."""

from __future__ import annotations

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOON = datetime(2024, 5, 6, 4, 0, tzinfo=UTC)  # 12:00 in Shanghai
NIGHT = datetime(2024, 5, 6, 15, 30, tzinfo=UTC)  # 23:30 in Shanghai


def _setup(**cfg):
    from plugins.rules.config import RulesConfig
    from plugins.rules.detectors import Engine
    from plugins.rules.detectors.flood import FloodTracker
    from plugins.rules.detectors.quiet_hours import QuietReminders

    engine = Engine(RulesConfig(**cfg))
    flood, quiet = FloodTracker(), QuietReminders()

    def say(text: str, now: float, user: str = "qq:1", wall: datetime = NOON):
        hit = engine.behaviour(
            "qq:9", user, text, now=now, wall=wall, tz=SHANGHAI, flood=flood,
            quiet=quiet,
        )  # fmt: skip
        return hit.reason.rsplit(".", 1)[1] if hit else None

    return say


def test_more_than_n_messages_in_t_seconds_is_a_flood_once() -> None:
    say = _setup(flood={"messages": 3, "seconds": 5})
    results = [say(f"第{n}句话", now=n * 0.5) for n in range(5)]
    assert results == [None, None, None, "flood", None]  # judged once per burst
    # slow talkers never flood; another member has their own count
    slow = _setup(flood={"messages": 3, "seconds": 5})
    assert [slow(f"话{n}", now=n * 3.0) for n in range(10)] == [None] * 10
    both = _setup(flood={"messages": 3, "seconds": 5})
    mixed = [both(f"话{n}", now=n * 0.1, user=f"qq:{n % 2}") for n in range(6)]
    assert mixed == [None] * 6  # three each


def test_the_same_message_again_and_again() -> None:
    say = _setup(flood={"repeats": 3, "repeat_seconds": 60, "repeat_min_chars": 4})
    spam = "便宜出售二手房"
    assert [say(spam, now=t) for t in (0, 10, 20)] == [None, None, "repeat"]
    # short acknowledgements and commands are not spam
    acks = [say("+1", now=30 + t) for t in range(5)]
    assert acks == [None] * 5
    cmds = [say("/帮助 帮助帮助", now=40 + t * 6) for t in range(5)]
    assert cmds == [None] * 5
    # outside the window it starts over
    later = _setup(flood={"repeats": 3, "repeat_seconds": 60})
    assert [later(spam, now=t) for t in (0, 70, 140)] == [None, None, None]


def test_quiet_hours_remind_once_and_let_urgent_things_through() -> None:
    say = _setup(quiet_hours={"enabled": True, "start": "22:00", "end": "07:00"})
    assert say("今晚的月亮真圆", now=0, wall=NOON) is None
    assert say("今晚的月亮真圆", now=1, wall=NIGHT) == "quiet_hours"
    assert say("还有人没睡吗", now=2, wall=NIGHT) is None  # reminded already
    assert say("楼上漏水了，急！", now=3, wall=NIGHT, user="qq:2") is None
    assert say("/帮助", now=4, wall=NIGHT, user="qq:3") is None
    assert say("睡了吗", now=5, wall=NIGHT, user="qq:3") == "quiet_hours"


def test_quiet_window_wraps_midnight() -> None:
    from plugins.rules.detectors.quiet_hours import in_quiet_hours

    start, end = time(22, 0), time(7, 0)
    assert in_quiet_hours(time(23, 0), start, end)
    assert in_quiet_hours(time(3, 0), start, end)
    assert not in_quiet_hours(time(7, 0), start, end)
    assert not in_quiet_hours(time(12, 0), start, end)
    assert in_quiet_hours(time(13, 0), time(12, 0), time(14, 0))
    assert not in_quiet_hours(time(13, 0), time(12, 0), time(12, 0))


def test_raid_starts_guarded_mode_once() -> None:
    from plugins.rules.detectors.raid import RaidTracker

    raid = RaidTracker()
    started = [
        raid.joined("qq:9", f"qq:{n}", n * 1.0, joins=3, seconds=60, guard=100)
        for n in range(6)
    ]
    assert started == [False, False, False, True, False, False]
    assert raid.guarded("qq:9", 10) and not raid.guarded("qq:9", 200)
    assert not raid.guarded("qq:8", 10)
    assert raid.new_member("qq:9", "qq:4", 10, within=60)
    assert not raid.new_member("qq:9", "qq:4", 100, within=60)
    assert not raid.new_member("qq:9", "qq:77", 10, within=60)
    slow = RaidTracker()
    assert not any(
        slow.joined("qq:9", f"qq:{n}", n * 100.0, joins=3, seconds=60, guard=100)
        for n in range(10)
    )


def test_mention_all_by_a_member() -> None:
    from adapters.port import Segment
    from plugins.rules.config import RulesConfig
    from plugins.rules.detectors import Engine

    everyone = Segment("mention_all", "at", {"qq": "all"})
    one = Segment("mention", "at", {"qq": "5", "user": "5"})
    engine = Engine(RulesConfig())
    assert [h.rule for h in engine.content("开会了", (everyone,))] == ["mention_all"]
    assert engine.content("开会了", (one,)) == []
    assert (
        Engine(RulesConfig(mention_all={"enabled": False})).content(
            "开会了", (everyone,)
        )
        == []
    )
