"""The helpers themselves: configs come back, jobs are found, matchers match."""

from __future__ import annotations

import pytest
from nonebug import App

from tests.helpers import (
    FIXTURE,
    Capture,
    FakeQueue,
    Like,
    expect_reply,
    group_message,
    linli_config,
    new_group,
    new_group_id,
    routed,
    router,
    run_job,
    section_config,
    v11_bot,
    v12_bot,
    v12_group_message,
    zh,
)
from tests.helpers.config import config_overrides


def store():
    from plugins.core import store

    return store


def test_linli_config_patches_the_test_config() -> None:
    config = linli_config(
        "core:\n  locale: en\n", groups={"qq:1000": {"name": "改名群"}}
    )
    assert config.core.locale == "en"
    assert config.core.admins == ["qq:500"]  # the rest of the fixture stays
    assert config.group("qq:1000").name == "改名群"
    assert config.group("qq:1000").building == "3"
    assert set(config.groups) == {"qq:1000", "qq:2000", "qq:3000"}


def test_linli_config_without_a_base_keeps_the_text() -> None:
    text = "# just one group\ngroups:\n  'qq:5':\n    name: 五号群\n"
    config = linli_config(text, base=None)
    assert config.path.read_text(encoding="utf-8") == text
    assert list(config.groups) == ["qq:5"]


def test_override_config_stacks_and_then_restores(override_config) -> None:
    first = override_config(groups={"qq:1000": {"vote": {"enabled": False}}})
    assert store().current is first
    assert not first.section("vote", "qq:1000").enabled
    second = override_config(core={"locale": "en"})  # on top of the first
    assert not second.section("vote", "qq:1000").enabled
    assert second.core.locale == "en"
    fresh = override_config(core={"locale": "en"}, base=FIXTURE)
    assert fresh.section("vote", "qq:1000").enabled


def test_the_config_before_comes_back_whatever_happens() -> None:
    before = store().current
    with pytest.raises(ZeroDivisionError), config_overrides() as override:
        override(core={"locale": "en"})
        assert store().current.core.locale == "en"
        1 / 0  # noqa: B018
    assert store().current is before
    assert before.path == FIXTURE


def test_section_config() -> None:
    assert section_config("vote").allow_change is True
    faq = section_config("faq", shipped=True)
    assert faq.entries  # the shipped entries
    assert section_config("faq", shipped=True, entries=[]).entries == []


async def test_run_job_runs_the_registered_handler(monkeypatch) -> None:
    import plugins.vote as vote_plugin

    queue = FakeQueue()
    monkeypatch.setattr(vote_plugin, "send_queue", lambda: queue)
    await run_job("vote.close", {"id": 10**12})  # a vote that is gone: nothing
    assert queue.sent == []
    with pytest.raises(LookupError, match=r"vote\.closed"):
        await run_job("vote.closed", {})


def test_matchers_and_texts() -> None:
    reply = Capture()
    assert reply == "a" and reply == "b"  # any text
    assert reply.texts == ["a", "b"] and reply.text == "b"
    seen: list[str] = []
    assert Like(r"已记下 #\d+。", seen) == "已记下 #12。"
    assert Like(r"a.b") == "a\nb" and Like(r"a\d") != "ab"
    assert Capture(lambda s: "x" in s, seen) != "y" and seen == ["已记下 #12。", "y"]
    assert zh("core.role.admin")
    assert new_group_id() != new_group_id()
    assert new_group().startswith("qq:")


async def test_bots_of_both_onebot_versions(app: App) -> None:
    async with routed(app, "vote") as ctx:
        event = group_message("/投票", group=new_group_id())
        ctx.receive_event(v11_bot(ctx), event)
        ctx.should_call_send(event, Capture(), result=None)
        ctx.should_finished(router())
    async with routed(app, "vote") as ctx:
        room = f"{new_group_id()}@chatroom"
        event = v12_group_message("/投票", group=room, card="3-2-201 张三")
        ctx.receive_event(v12_bot(ctx), event)
        ctx.should_call_send(event, Capture(), result=None)
        ctx.should_finished(router())


async def test_expect_reply_on_either_platform(app: App) -> None:
    usage = Capture()
    await expect_reply(app, "vote", group_message("/投票", group=new_group_id()), usage)
    room = f"{new_group_id()}@chatroom"
    event = v12_group_message("/投票", group=room, card="3-2-201 张三")
    await expect_reply(app, "vote", event, usage.text)
