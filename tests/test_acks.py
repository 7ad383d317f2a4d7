"""Acknowledgements of bare replies (plugins/core/acks.py): where the
platform refuses the reaction, the names of a short window go out as one line
through the send queue, instead of one message each."""

from __future__ import annotations

import pytest
from nonebug import App

from tests.helpers import (
    FakeQueue,
    expect_reaction,
    expect_reply,
    group_message,
    new_group_id,
)


@pytest.fixture
def queue(monkeypatch: pytest.MonkeyPatch, override_config) -> FakeQueue:
    import plugins.core as core

    override_config(core={"send": {"ack_window_seconds": 120}})  # never by itself
    fake = FakeQueue()
    monkeypatch.setattr(core, "send_queue", lambda: fake)
    return fake


async def test_votes_without_reactions_are_acknowledged_in_one_line(
    app: App, queue: FakeQueue
) -> None:
    from plugins.core.acks import flush_all

    g = new_group_id()
    await expect_reply(
        app,
        "vote",
        group_message("/投票 绿化 A B", group=g, user=500, role="admin"),
        "【投票】#1 绿化\n1. A\n2. B\n单选 · 无截止时间（由发起人结束）\n"
        "直接回复选项号即可投票，例如：1",
    )
    for choice, user, card in (
        ("1", 61, "3-2-201 张三"),
        ("2", 62, "李梅"),
        ("1", 62, "李梅"),
        ("2", 63, "阿姨 13812345678"),
    ):
        event = group_message(choice, group=g, user=user, card=card)
        await expect_reaction(app, "vote", event, refused=True)
    assert queue.sent == []
    await flush_all()
    # one line for all three; 李梅 changed her vote and is named once, with
    # her last choice; a member with a room in the 群昵称 is named by household;
    # a phone number in a 群昵称 never reaches the group
    line = "已收到（投票 #1「绿化」）：3-2-201(1)、李梅(1)、阿姨 138****5678(2)"
    assert queue.sent == [(f"qq:{g}", line, None)]


async def test_a_full_line_goes_out_at_once_and_everyone_is_named(
    app: App, queue: FakeQueue
) -> None:
    """300 voters in one window make a few lines of MAX_NAMES names, never one
    line with "等 250 人": each resident finds their own name."""
    from plugins.core import acks

    g = new_group_id()
    await expect_reply(
        app,
        "vote",
        group_message("/投票 绿化 A B", group=g, user=500, role="admin"),
        "【投票】#1 绿化\n1. A\n2. B\n单选 · 无截止时间（由发起人结束）\n"
        "直接回复选项号即可投票，例如：1",
    )
    voters = acks.MAX_NAMES + 3
    for n in range(voters):
        await expect_reaction(
            app,
            "vote",
            group_message("1", group=g, user=1000 + n, card=f"居民{n}"),
            refused=True,
        )
    assert len(queue.sent) == 1  # the full line, without waiting for the window
    await acks.flush_all()
    assert len(queue.sent) == 2
    text = "\n".join(line for _, line, _ in queue.sent)
    assert all(f"居民{n}(1)" in text for n in range(voters))
    assert acks.render("en", "vote #1", ["居民0", "居民1"]) == (
        "Received (vote #1): 居民0, 居民1"
    )
