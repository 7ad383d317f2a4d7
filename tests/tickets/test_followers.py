"""Everyone who follows a ticket hears of it: one post per group, mentioning
every follower there (seen by users: the neighbour whose report was linked,
"已为您关注，处理进展会通知您", was never @-mentioned)."""

from __future__ import annotations

from tests.tickets.support import (
    BIG,
    RESIDENTS,
    STAFF,
    T0,
    make_env,
    minutes,
    resident,
    staff,
)


async def _three_followers(env):
    """#0001 reported by qq:42, linked by qq:43 (same group) and, through a
    merge, followed by qq:51 (the estate's big group)."""
    from plugins.tickets import service

    await service.report(env, resident(), "电梯坏了", now=T0)
    neighbour = resident("qq:43", name="3-2-502 李四", household=("3", "2", "502"))
    linked = await service.report(env, neighbour, "电梯又停了", now=T0 + minutes(1))
    assert "已为您关注" in linked.reply
    stranger = resident("qq:51", group=BIG, name="老王", household=None)
    await service.report(env, stranger, "电梯坏了", now=T0 + minutes(2))
    merged = await service.merge(env, staff(), 2, 1, now=T0 + minutes(3))
    assert merged.ok


def _posts(outbox) -> dict[str, tuple[str, ...]]:
    return {o.target: o.mentions for o in outbox if not o.private}


async def test_every_follower_is_mentioned_on_each_change() -> None:
    from plugins.tickets import service

    env = make_env()
    await _three_followers(env)
    steps = [
        service.acknowledge(env, staff(), 1, now=T0 + minutes(4)),
        service.progress(env, staff(), 1, "配件已订", now=T0 + minutes(5)),
        service.resolve(env, staff(), 1, "已修好", now=T0 + minutes(6)),
    ]
    for step in steps:
        out = await step
        assert out.ok
        # one post per group, each naming all of its followers, reporter first
        assert _posts(out.outbox) == {
            RESIDENTS: ("qq:42", "qq:43"),
            BIG: ("qq:51",),
        }
        assert [o.target for o in out.outbox].count(RESIDENTS) == 1


async def test_a_single_follower_is_mentioned_alone() -> None:
    from plugins.tickets import service

    env = make_env()
    await service.report(env, resident(), "楼道灯坏了", now=T0)
    out = await service.acknowledge(env, staff(), 1, now=T0 + minutes(1))
    [post] = out.outbox
    assert (post.target, post.mention, post.mentions) == (
        RESIDENTS,
        "qq:42",
        ("qq:42",),
    )


async def test_private_report_back_tells_each_follower_privately() -> None:
    from plugins.tickets import service

    env = make_env("  report_back: private\n")
    await service.report(env, resident(), "电梯坏了", now=T0)
    neighbour = resident("qq:43", household=("3", "2", "502"))
    await service.report(env, neighbour, "电梯又停了", now=T0 + minutes(1))
    out = await service.acknowledge(env, staff(), 1, now=T0 + minutes(2))
    assert [(o.target, o.private) for o in out.outbox] == [
        ("qq:42", True),
        ("qq:43", True),
    ]
    assert all(o.target != STAFF for o in out.outbox)
