"""/接龙 and the free-text joins through NoneBot (nonebug), exact replies."""

from __future__ import annotations

import base64

import pytest
from nonebug import App

from tests.helpers import (
    Capture,
    FakeQueue,
    group_message,
    handled,
    new_group_id,
    private_message,
    routed,
    router,
    v11_bot,
    v12_bot,
    v12_group_message,
    zh,
)


@pytest.fixture
def queue(monkeypatch: pytest.MonkeyPatch) -> FakeQueue:
    from plugins.signup import commands, posting

    fake = FakeQueue()
    for module in (commands, posting):
        monkeypatch.setattr(module, "send_queue", lambda: fake)
    return fake


def _new(title: str, number: int = 1, capacity: int | None = None) -> str:
    """The reply to creating a sheet without deadline or description."""
    size = f"剩余名额：{capacity}（共 {capacity}）" if capacity else "已接龙 0 条，共 0"
    return (
        f"【接龙】{title}\n（还没有人接龙）\n{size}\n参加请发 +1，或 /接龙 + {number}"
    )


def _join(ctx, bot, text: str, **kwargs):
    """A join the platform acknowledges: the resident's message gets NapCat's
    "OK" reaction, ``set_msg_emoji_like(message_id, emoji_id)`` (NapNeko/NapCatQQ
    packages/napcat-onebot/action/msg/SetMsgEmojiLike.ts), and no reply."""
    event = group_message(text, **kwargs)
    ctx.receive_event(bot, event)
    ctx.should_call_api(
        "set_msg_emoji_like",
        {"message_id": event.message_id, "emoji_id": 124},
        result=None,
    )
    return event


async def _sheet(group: int, number: int = 1):
    from plugins.signup.models import Sheet

    return await Sheet.get(group=f"qq:{group}", number=number)


async def test_resident_may_not_create_but_staff_may(app: App) -> None:

    group = new_group_id()
    async with routed(app, "signup") as ctx:
        bot = v11_bot(ctx)
        event = group_message("/接龙 周六义诊 上限 30", group=group, role="member")
        ctx.receive_event(bot, event)
        ctx.should_call_send(
            event, zh("core.denied", role=zh("core.role.staff")), result=None
        )
        ctx.should_finished(router())

    text = "/接龙 周六义诊 上限 30 截止 10月28日 12:00 字段 房号,人数 说明 请带医保卡"
    async with routed(app, "signup") as ctx:
        bot = v11_bot(ctx)
        event = group_message(text, group=group, user=500)  # core.admins
        ctx.receive_event(bot, event)
        ctx.should_call_send(
            event,
            "【接龙】周六义诊\n请带医保卡\n（还没有人接龙）\n剩余名额：30（共 30）\n"
            "截止：10月28日 12:00\n参加请发 +1，或 /接龙 + 1",
            result=None,
        )
        ctx.should_finished(router())
    sheet = await _sheet(group)
    assert (sheet.title, sheet.capacity, sheet.field_names, sheet.creator) == (
        "周六义诊",
        30,
        ["房号", "人数"],
        "qq:500",
    )


async def test_plain_joins_are_silent_and_coalesced(app: App, queue) -> None:
    from plugins.core.models import Job
    from plugins.signup.models import Entry
    from plugins.signup.service import post_keys

    group = new_group_id()
    async with routed(app, "signup") as ctx:
        bot = v11_bot(ctx)
        create = group_message(
            "/接龙 周六义诊 上限 2 字段 房号,人数", group=group, user=500
        )
        ctx.receive_event(bot, create)
        ctx.should_call_send(create, _new("周六义诊", capacity=2), result=None)
        ctx.should_finished(router())
        # "+1", "接龙 3-201 2人", "/接龙 + 备注": no reply each; the list follows
        _join(ctx, bot, "+1", group=group, user=1)
        _join(ctx, bot, "接龙 3-201 2人", group=group, user=2, card="李四")
        _join(ctx, bot, "/接龙 + 带孩子", group=group, user=3, card="5-101 王五")
    sheet = await _sheet(group)
    rows = await Entry.filter(sheet_id=sheet.id).order_by("id")
    assert [(r.user, r.household, r.name, r.count, r.status, r.note) for r in rows] == [
        ("qq:1", "3-2-201", "张三", 1, "in", ""),
        ("qq:2", "3-201", "李四", 2, "waitlist", ""),  # 1 + 2 > 2 places
        ("qq:3", "5-101", "王五", 1, "waitlist", "带孩子"),  # first come, first in
    ]
    assert await Job.filter(key__in=post_keys(sheet.id), status="pending").count() == 1


async def test_plus_one_with_two_open_sheets_asks_which(app: App) -> None:
    group = new_group_id()
    async with routed(app, "signup") as ctx:
        bot = v11_bot(ctx)
        for n, title in enumerate(("周六义诊", "大米团购"), 1):
            event = group_message(f"/接龙 {title}", group=group, user=500)
            ctx.receive_event(bot, event)
            ctx.should_call_send(event, _new(title, number=n), result=None)
            ctx.should_finished(router())
        event = group_message("+1", group=group, user=1)
        ctx.receive_event(bot, event)
        ctx.should_call_send(
            event,
            "本群有几个接龙在进行：\n1. 周六义诊\n2. 大米团购\n"
            "请注明编号，如 /接龙 + 2",
            result=None,
        )
        ctx.should_finished(router())
        _join(ctx, bot, "/接龙 + 2 3-201", group=group, user=1)
    from plugins.signup.models import Entry

    second = await _sheet(group, 2)
    assert await Entry.filter(sheet_id=second.id, user="qq:1").exists()


async def test_plain_text_without_an_open_sheet_is_left_alone(app: App) -> None:
    group = new_group_id()
    async with routed(app, "signup") as ctx:
        bot = v11_bot(ctx)
        ctx.receive_event(bot, group_message("+1", group=group, user=1))
    # not handled, so the later features see it
    assert not await handled(app, group_message("+1", group=group, user=1), "signup")


async def test_paste_join_takes_the_new_last_line(app: App) -> None:
    from plugins.signup.models import Entry

    group = new_group_id()
    async with routed(app, "signup") as ctx:
        bot = v11_bot(ctx)
        event = group_message("/接龙 周六义诊 字段 房号", group=group, user=500)
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, _new("周六义诊"), result=None)
        ctx.should_finished(router())
        _join(ctx, bot, "+1", group=group, user=1, card="张三")
        paste = "#接龙\n周六义诊\n\n1. 张三\n2. 王五 3-201"
        _join(ctx, bot, paste, group=group, user=2, card="王五")
        # pasting the list without adding a line does not copy someone's entry
        same = group_message("#接龙\n周六义诊\n\n1. 张三", group=group, user=3)
        ctx.receive_event(bot, same)
        ctx.should_call_send(same, zh("signup.paste.not_new"), result=None)
        ctx.should_finished(router())
    sheet = await _sheet(group)
    rows = await Entry.filter(sheet_id=sheet.id).order_by("id")
    assert [(r.user, r.name, r.household) for r in rows] == [
        ("qq:1", "张三", None),
        ("qq:2", "王五", "3-201"),
    ]


async def test_withdraw_promotes_with_a_mention(app: App, queue) -> None:
    group = new_group_id()
    async with routed(app, "signup") as ctx:
        bot = v11_bot(ctx)
        event = group_message("/接龙 周六义诊 上限 1", group=group, user=500)
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, _new("周六义诊", capacity=1), result=None)
        ctx.should_finished(router())
        _join(ctx, bot, "+1", group=group, user=1)
        _join(ctx, bot, "+1", group=group, user=2)
        leave = group_message("/接龙 退出", group=group, user=1)
        ctx.receive_event(bot, leave)
        ctx.should_call_send(leave, zh("signup.left", title="周六义诊"), result=None)
        ctx.should_finished(router())
    assert queue.sent == [
        (f"qq:{group}", zh("signup.promoted", title="周六义诊"), "qq:2")
    ]


async def test_close_by_a_resident_refused_by_the_creator_posts_final(
    app: App,
) -> None:
    group = new_group_id()
    async with routed(app, "signup") as ctx:
        bot = v11_bot(ctx)
        event = group_message("/接龙 周六义诊", group=group, user=500)
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, _new("周六义诊"), result=None)
        ctx.should_finished(router())
        _join(ctx, bot, "+1", group=group, user=1)
        refused = group_message("/接龙 结束 1", group=group, user=1)
        ctx.receive_event(bot, refused)
        ctx.should_call_send(
            refused, zh("core.denied", role=zh("core.role.admin")), result=None
        )
        ctx.should_finished(router())
        close = group_message("/接龙 结束", group=group, user=500)
        ctx.receive_event(bot, close)
        ctx.should_call_send(
            close,
            "【接龙】周六义诊（已结束）\n1. 3-2-201 张三\n"
            "已接龙 1 条，共 1\n接龙已结束。",
            result=None,
        )
        ctx.should_finished(router())
    sheet = await _sheet(group)
    assert (sheet.status, sheet.final_posted) == ("closed", True)


async def test_list_show_remove_and_mistakes(app: App) -> None:
    group = new_group_id()
    async with routed(app, "signup") as ctx:
        bot = v11_bot(ctx)
        empty = group_message("/接龙 列表", group=group)
        ctx.receive_event(bot, empty)
        ctx.should_call_send(
            empty, zh("signup.none_open") + "\n" + zh("signup.usage"), result=None
        )
        ctx.should_finished(router())
        event = group_message("/接龙 周六义诊 上限 10", group=group, user=500)
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, _new("周六义诊", capacity=10), result=None)
        ctx.should_finished(router())
        _join(ctx, bot, "+1", group=group, user=1)
        listing = group_message("/接龙 列表", group=group)
        ctx.receive_event(bot, listing)
        ctx.should_call_send(
            listing, "【接龙】进行中的接龙：\n1. 周六义诊（1/10）", result=None
        )
        ctx.should_finished(router())
        remove = group_message("/接龙 移除 1 1", group=group, user=500)
        ctx.receive_event(bot, remove)
        ctx.should_call_send(
            remove,
            zh("signup.removed", position=1, name="张三", title="周六义诊"),
            result=None,
        )
        ctx.should_finished(router())
        show = group_message("/接龙 查看 1", group=group)
        ctx.receive_event(bot, show)
        ctx.should_call_send(
            show,
            "【接龙】周六义诊\n（还没有人接龙）\n剩余名额：10（共 10）\n"
            "参加请发 +1，或 /接龙 + 1",
            result=None,
        )
        ctx.should_finished(router())
        bad = group_message("/接龙 义诊 截止 下雨天", group=group, user=500)
        ctx.receive_event(bot, bad)
        ctx.should_call_send(
            bad,
            zh("signup.error.bad_time", value="下雨天") + "\n" + zh("signup.usage"),
            result=None,
        )
        ctx.should_finished(router())
        missing = group_message("/接龙 查看 9", group=group)
        ctx.receive_event(bot, missing)
        ctx.should_call_send(
            missing, zh("signup.error.not_found", number=9), result=None
        )
        ctx.should_finished(router())


async def test_export_sends_the_admin_a_file(app: App) -> None:
    from plugins.core.settings import load_settings
    from plugins.signup.export import xlsx_available

    group = new_group_id()
    async with routed(app, "signup") as ctx:
        bot = v11_bot(ctx)
        event = group_message("/接龙 周六义诊", group=group, user=500)
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, _new("周六义诊"), result=None)
        ctx.should_finished(router())
        _join(ctx, bot, "+1", group=group, user=1)
    sheet = await _sheet(group)
    async with routed(app, "signup") as ctx:
        bot = v11_bot(ctx)
        export = group_message("/接龙 导出 1", group=group, user=500, message_id=990001)
        fmt = "xlsx" if xlsx_available() else "csv"  # openpyxl is optional
        path = load_settings().data_dir / "exports" / f"signup-{sheet.id}-990001.{fmt}"
        ctx.receive_event(bot, export)
        # the content itself, base64:// (NapCat accepts it: the QQ program may
        # run on another machine than linli; adapters/onebot_v11.py)
        sent = Capture(lambda file: file.startswith("base64://"))
        ctx.should_call_api(
            "upload_private_file",
            {"user_id": 500, "file": sent, "name": f"接龙1-周六义诊.{fmt}"},
            result=None,
        )
        ctx.should_call_send(
            export, zh("signup.export.sent", title="周六义诊"), result=None
        )
        ctx.should_finished(router())
    assert not path.exists()  # the file with phone numbers is not kept
    content = base64.b64decode(sent.text.removeprefix("base64://"))
    if fmt == "xlsx":
        assert content.startswith(b"PK")  # a zip: the workbook
    else:
        assert content.decode("utf-8-sig").strip()  # the CSV text


async def test_export_where_files_cannot_be_sent_points_to_the_cli(app: App) -> None:
    """A WeChat implementation without upload_file (ComWeChat has it)."""
    from tests.signup.util import make_sheet, member

    room = f"{new_group_id()}@chatroom"
    sheet = await make_sheet(f"wx:{room}")
    from plugins.signup.models import Sheet

    await Sheet.filter(id=sheet.id).update(creator="wx:wxid_a")
    async with routed(app, "signup") as ctx:
        bot = v12_bot(ctx, impl="another-wechat-bridge")
        event = v12_group_message("/接龙 导出 1", group=room, user="wxid_a")
        ctx.receive_event(bot, event)
        ctx.should_call_send(
            event,
            zh("signup.export.no_upload")
            + "\n请在服务器上导出：python manage.py signup export"
            f" wx:{room} 1 名单.xlsx",  # the group and number the CLI reads
            result=None,
        )
        ctx.should_finished(router())
    assert member  # (imported for symmetry with the other helpers)


async def test_private_chat_english_group_and_number_fallback(app: App) -> None:

    async with routed(app, "signup") as ctx:
        bot = v11_bot(ctx)
        private = private_message("/接龙 列表", user=1)
        ctx.receive_event(bot, private)
        ctx.should_call_send(private, zh("signup.error.group_only"), result=None)
        ctx.should_finished(router())

    from plugins.core import t

    async with routed(app, "signup") as ctx:
        bot = v11_bot(ctx)
        listing = group_message("/signup list", group=3000)  # an English group
        ctx.receive_event(bot, listing)
        ctx.should_call_send(
            listing,
            t("en", "signup.none_open") + "\n" + t("en", "signup.usage"),
            result=None,
        )
        ctx.should_finished(router())

    from plugins.signup.models import Entry

    group = new_group_id()
    async with routed(app, "signup") as ctx:
        bot = v11_bot(ctx)
        event = group_message("/接龙 大米团购 字段 人数", group=group, user=500)
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, _new("大米团购"), result=None)
        ctx.should_finished(router())
        # there is no sheet 3: with one sheet open, "3" is the entry's count
        _join(ctx, bot, "/接龙 + 3", group=group, user=1)
    sheet = await _sheet(group)
    row = await Entry.get(sheet_id=sheet.id, user="qq:1")
    assert row.count == 3


async def _due_in(sheet_id: int) -> float:
    """Seconds from now until the pending coalesced re-post of the sheet."""
    from datetime import UTC, datetime

    from plugins.core.models import Job
    from plugins.signup.service import post_keys

    job = await Job.get(key__in=post_keys(sheet_id), status="pending")
    return (job.due_at - datetime.now(UTC)).total_seconds()


@pytest.mark.usefixtures("app_scheduler_paused")
async def test_a_join_the_platform_refuses_to_react_to_still_counts(
    app: App, queue
) -> None:
    """NapCat answers a failed set_msg_emoji_like with retcode 200 and the
    error's message (packages/napcat-onebot/action/msg/SetMsgEmojiLike.ts:
    "msg not found"): the join is kept, the failure logged, and the list comes
    sooner (UNACKNOWLEDGED_SECONDS) than after an acknowledged join."""
    from nonebot.adapters.onebot.v11 import ActionFailed

    from plugins.signup.models import Entry
    from plugins.signup.posting import UNACKNOWLEDGED_SECONDS

    group = new_group_id()
    async with routed(app, "signup") as ctx:
        bot = v11_bot(ctx)
        create = group_message("/接龙 周日包饺子 上限 5", group=group, user=500)
        ctx.receive_event(bot, create)
        ctx.should_call_send(create, _new("周日包饺子", capacity=5), result=None)
        ctx.should_finished(router())
        _join(ctx, bot, "+1", group=group, user=1)  # after a quiet spell: at once
        refused = group_message("+1", group=group, user=2, card="5-101 王五")
        ctx.receive_event(bot, refused)
        ctx.should_call_api(
            "set_msg_emoji_like",
            {"message_id": refused.message_id, "emoji_id": 124},
            exception=ActionFailed(
                status="failed", retcode=200, data=None, message="msg not found"
            ),
        )
    sheet = await _sheet(group)
    assert await Entry.filter(sheet_id=sheet.id, user="qq:2").exists()
    # the pending re-post (10 s after the sheet's card) was brought forward
    assert 0 < await _due_in(sheet.id) <= UNACKNOWLEDGED_SECONDS


@pytest.mark.usefixtures("app_scheduler_paused")
async def test_an_acknowledged_join_keeps_the_longer_coalescing(
    app: App, queue
) -> None:
    group = new_group_id()
    async with routed(app, "signup") as ctx:
        bot = v11_bot(ctx)
        create = group_message("/接龙 周日包饺子", group=group, user=500)
        ctx.receive_event(bot, create)
        ctx.should_call_send(create, _new("周日包饺子"), result=None)
        ctx.should_finished(router())
        _join(ctx, bot, "+1", group=group, user=1)
        _join(ctx, bot, "+1", group=group, user=2)
    sheet = await _sheet(group)
    assert await _due_in(sheet.id) > 5  # repost_seconds (10) from the card


@pytest.mark.usefixtures("app_scheduler_paused")
async def test_a_join_on_wechat_has_no_reaction_and_a_short_wait(
    app: App, queue
) -> None:
    """OneBot v12 (ComWeChat) has no reaction: no call is made for one, and
    the list, the only answer, follows within UNACKNOWLEDGED_SECONDS."""

    from plugins.signup.models import Entry
    from plugins.signup.posting import UNACKNOWLEDGED_SECONDS
    from tests.signup.util import make_sheet

    room = f"{new_group_id()}@chatroom"
    sheet = await make_sheet(f"wx:{room}", title="周日包饺子")
    async with routed(app, "signup") as ctx:
        bot = v12_bot(ctx)
        for user in ("wxid_a", "wxid_b"):
            ctx.receive_event(bot, v12_group_message("+1", group=room, user=user))
            # the 群昵称 first (ComWeChat's events carry no name; its manager.py)
            ctx.should_call_api(
                "wx.get_groupmember_nickname",
                {"group_id": room, "user_id": user},
                result=f"3-2-20{len(user)} {user}",
            )
    assert await Entry.filter(sheet_id=sheet.id).count() == 2
    assert len(queue.sent) == 1  # the first at once, the second coalesced
    assert 0 < await _due_in(sheet.id) <= UNACKNOWLEDGED_SECONDS


async def test_counts_on_a_sheet_without_fields(app: App, queue) -> None:
    """/接龙 周日包饺子 上限 5: "+2" takes two places and shows 2人; "+11" and
    "接龙 8-1-102 11人" are refused with the limit (max_count 10)."""
    from plugins.signup.models import Entry

    group = new_group_id()
    async with routed(app, "signup") as ctx:
        bot = v11_bot(ctx)
        create = group_message("/接龙 周日包饺子 上限 5", group=group, user=500)
        ctx.receive_event(bot, create)
        ctx.should_call_send(create, _new("周日包饺子", capacity=5), result=None)
        ctx.should_finished(router())
        _join(ctx, bot, "+2", group=group, user=1)
        for text in ("+11", "接龙 8-1-102 11人", "/接龙 +11"):
            event = group_message(text, group=group, user=2, card="8-1-102 李四")
            ctx.receive_event(bot, event)
            ctx.should_call_send(
                event, zh("signup.error.count_range", limit=10), result=None
            )
            ctx.should_finished(router())
    sheet = await _sheet(group)
    rows = await Entry.filter(sheet_id=sheet.id)
    assert [(r.user, r.count) for r in rows] == [("qq:1", 2)]
    assert await _list_of(sheet) == (
        "【接龙】周日包饺子\n1. 3-2-201 张三 2人\n剩余名额：3（共 5）\n"
        "参加请发 +1，或 /接龙 + 1"
    )


async def test_a_remark_on_a_sheet_with_a_phone_field_stays_a_remark(
    app: App, queue
) -> None:
    from plugins.signup.models import Entry

    group = new_group_id()
    async with routed(app, "signup") as ctx:
        bot = v11_bot(ctx)
        create = group_message("/接龙 周六义诊 字段 房号,电话", group=group, user=500)
        ctx.receive_event(bot, create)
        ctx.should_call_send(create, _new("周六义诊"), result=None)
        ctx.should_finished(router())
        _join(ctx, bot, "接龙 3-2-201 1人 带老人", group=group, user=1)
        _join(ctx, bot, "+1 带孩子", group=group, user=2, card="5-101 王五")
        _join(ctx, bot, "接龙 6-101 13812345678", group=group, user=3, card="赵六")
    sheet = await _sheet(group)
    rows = await Entry.filter(sheet_id=sheet.id).order_by("id")
    assert [(r.values, r.note) for r in rows] == [
        ({}, "带老人"),
        ({}, "带孩子"),
        ({"电话": "13812345678"}, ""),
    ]
    assert (await _list_of(sheet)).splitlines()[1:4] == [
        "1. 3-2-201 张三 带老人",
        "2. 5-101 王五 带孩子",
        "3. 6-101 赵六 *******5678",
    ]


async def _list_of(sheet) -> str:
    """The list as the coalesced re-post (posting._post) renders it."""
    from plugins.signup import posting, service
    from plugins.signup.render import render_sheet

    return render_sheet(await service.view(sheet.id), posting.style_for(sheet.group))
