"""The guard on every group message: through NoneBot (nonebug) and directly."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator

from nonebug import App

from tests.helpers import SELF_ID, group_message, routed, router, v11_bot
from tests.rules.conftest import make_config
from tests.rules.fakes import FakePort


def _info(
    group: str | None, text: str, *, user: str = "qq:42", role: str = "member", **kw
):
    from adapters.port import EventInfo, Segment

    values = {
        "platform": "qq", "self_id": SELF_ID, "user": user, "group": group,
        "message_id": "5", "display_name": "3-2-201 张三", "sender_role": role,
        "to_me": False, "text": text,
        "segments": (Segment("text", "text", {"text": text}),),
    }  # fmt: skip
    values.update(kw)
    return EventInfo(**values)


async def _resident():
    from plugins.core import Role

    return Role.RESIDENT


async def _never():
    raise AssertionError("the role must not be looked up for this message")


@contextlib.contextmanager
def count_queries() -> Iterator[list[str]]:
    """SQL run by the current task (the scheduler's polling is not counted)."""
    from tortoise.connection import get_connection

    cls = type(get_connection("default"))
    me = asyncio.current_task()
    seen: list[str] = []
    originals = {}
    for name in (
        "execute_query",
        "execute_query_dict",
        "execute_insert",
        "execute_many",
    ):
        original = getattr(cls, name)
        originals[name] = original

        def spy(original=original):
            async def run(self, query, *args, **kwargs):
                if asyncio.current_task() is me:
                    seen.append(query)
                return await original(self, query, *args, **kwargs)

            return run

        setattr(cls, name, spy())
    try:
        yield seen
    finally:
        for name, original in originals.items():
            setattr(cls, name, original)


async def test_ordinary_messages_cost_no_database_query(outbox, group_id) -> None:
    from plugins.rules.guard import GUARD

    config = make_config(group_id)
    port = FakePort()
    with count_queries() as queries:
        for n, text in enumerate(["今天电梯又坏了吗", "+1", "水管师傅 13812345678"]):
            info = _info(group_id, text, message_id=str(n))
            assert not await GUARD.judge(info, port, config, _never)
        assert queries == []
        assert await GUARD.judge(
            _info(group_id, "特价房源看这里 www.haohuo.com"), port, config, _resident
        )
        assert queries  # the spy works: a violation does touch the database
    assert port.actions() == ["recall"]


async def test_exempt_members_are_never_judged(outbox, group_id) -> None:
    from plugins.core import Role
    from plugins.rules.guard import GUARD

    config = make_config(group_id, "  whitelist: ['qq:77']\n", extra_groups="")
    port = FakePort()
    ad = "特价房源看这里 www.haohuo.com"
    cases = [
        _info(group_id, ad, role="admin"),  # platform admin
        _info(group_id, ad, role="owner"),
        _info(group_id, ad, user="qq:500"),  # core.admins
        _info(group_id, ad, user="qq:77"),  # whitelisted
        _info(group_id, ad, user=f"qq:{SELF_ID}"),  # the bot itself
        _info("qq:2000", ad),  # a staff group
        _info(None, ad),  # private
    ]
    for info in cases:
        assert not await GUARD.judge(info, port, config, _never), info

    async def staff():
        return Role.STAFF

    assert not await GUARD.judge(_info(group_id, ad), port, config, staff)
    assert port.calls == [] and outbox.sent == []


async def test_dry_run_does_not_stop_other_handlers(outbox, group_id) -> None:
    from plugins.rules.guard import GUARD
    from plugins.rules.models import Case

    config = make_config(group_id, "  ads: {dry_run: true}\n")
    port = FakePort()
    assert not await GUARD.judge(
        _info(group_id, "www.haohuo.com"), port, config, _resident
    )
    assert port.calls == []
    assert (await Case.get(group=group_id)).dry_run


async def test_disabled_rules_and_disabled_detectors(outbox, group_id) -> None:
    from plugins.rules.guard import GUARD

    port = FakePort()
    off = make_config(group_id, "  enabled: false\n")
    assert not await GUARD.judge(_info(group_id, "傻逼"), port, off, _never)
    no_words = make_config(group_id, "  words: {enabled: false}\n")
    assert not await GUARD.judge(_info(group_id, "傻逼"), port, no_words, _never)


async def test_raid_new_member_link_is_recalled_and_muted(outbox, group_id) -> None:
    import time

    from plugins.rules.guard import GUARD

    config = make_config(group_id)
    port = FakePort()
    now = time.monotonic()
    for n in range(11):
        GUARD.raid.joined(group_id, f"qq:{n}", now, joins=10, seconds=300, guard=1800)
    # a whitelisted domain, but from a member who just joined during a raid
    info = _info(group_id, "http://www.gov.cn/x", user="qq:3")
    assert await GUARD.judge(info, port, config, _resident)
    assert port.actions() == ["recall", "mute"]
    # an old member's whitelisted link is fine
    assert not await GUARD.judge(
        _info(group_id, "http://www.gov.cn/x", user="qq:4444"), port, config, _resident
    )


async def test_compiled_lists_are_cached_and_rebuilt_on_change() -> None:
    from plugins.rules.guard import Guard

    guard = Guard()
    a = make_config("qq:1")
    engine = guard.engine(a.section("rules"))
    assert guard.engine(a.section("rules")) is engine
    # groups with the same lists share one automaton
    assert guard.engine(a.section("rules", "qq:1")).words is engine.words
    b = make_config("qq:1", "  words: {words: ['新词']}\n")
    guard.forget(b)
    fresh = guard.engine(b.section("rules"))
    assert fresh.words is not engine.words
    assert [h.entry for h in fresh.words.scan("新词")] == ["新词"]


async def test_guard_through_nonebot_recalls_and_blocks(app: App, outbox) -> None:
    from plugins.rules.models import Case

    async with routed(app) as ctx:
        bot = v11_bot(ctx)
        event = group_message("加我 www点haohuo点com", user=4201, message_id=3141001)
        ctx.receive_event(bot, event)
        ctx.should_call_api("delete_msg", {"message_id": 3141001}, result=None)
        ctx.should_finished(router())
    case = await Case.filter(user="qq:4201").first()
    assert case is not None and case.action == "warn" and case.recalled
    notice = outbox.to("qq:1000")[0]
    assert f"#{case.id}" in notice and "广告链接" in notice
    assert any(f"#{case.id}" in text for text in outbox.to("qq:2000"))


async def test_admin_link_through_nonebot_is_untouched(app: App, outbox) -> None:
    async with routed(app, "rules") as ctx:
        bot = v11_bot(ctx)
        event = group_message("www.haohuo.com", user=4202, role="admin")
        ctx.receive_event(bot, event)
    assert outbox.sent == []
