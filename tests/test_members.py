"""core.members: who was seen in which group, written only when it changed."""

from __future__ import annotations

PATTERN = r"^(?P<building>\d+)-(?P<unit>\d+)-(?P<room>\d+)"


async def test_a_member_is_recorded_then_updated_in_place(app) -> None:
    from plugins.core import members
    from plugins.core.models import KnownMember

    await members.seen("qq:7001", "qq:1", "3-2-201 张三", PATTERN)
    row = await KnownMember.get(group="qq:7001", user="qq:1")
    assert (row.display_name, row.household) == ("3-2-201 张三", "3-2-201")
    first_seen = row.last_seen
    assert first_seen is not None

    await members.seen("qq:7001", "qq:1", "5-1-101 张三", PATTERN)
    rows = await KnownMember.filter(group="qq:7001", user="qq:1")
    assert [(r.display_name, r.household) for r in rows] == [
        ("5-1-101 张三", "5-1-101")
    ]
    assert rows[0].last_seen >= first_seen


async def test_another_process_recorded_them_first(app) -> None:
    from plugins.core import members
    from plugins.core.models import KnownMember

    await KnownMember.create(group="qq:7002", user="qq:2", display_name="old")
    members.forget_cache()
    await members.seen("qq:7002", "qq:2", "李四", PATTERN)
    row = await KnownMember.get(group="qq:7002", user="qq:2")
    assert (row.display_name, row.household) == ("李四", None)


async def test_unchanged_members_cost_no_write(app, monkeypatch) -> None:
    from plugins.core import members
    from plugins.core.models import KnownMember

    await members.seen("qq:7003", "qq:3", "王五", PATTERN)
    writes = []

    async def counting(*args, **kwargs):
        writes.append(args)

    monkeypatch.setattr(KnownMember, "bulk_create", counting)
    for _ in range(5):
        await members.seen("qq:7003", "qq:3", "王五", PATTERN)
    assert writes == []
