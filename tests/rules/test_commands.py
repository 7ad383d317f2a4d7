"""The commands through NoneBot: exact replies and platform calls."""

from __future__ import annotations

from nonebug import App

from tests.helpers import (
    group_message,
    private_message,
    routed,
    router,
    v11_bot,
)
from tests.rules.fakes import looked_up


async def _next_case_id() -> int:
    from plugins.rules.models import Case

    last = await Case.all().order_by("-id").first()
    return (last.id if last else 0) + 1


async def test_rules_text(app: App, outbox) -> None:
    from plugins.core import t

    async with routed(app, "rules") as ctx:
        bot = v11_bot(ctx)
        event = group_message("/群规")
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, t("zh-CN", "rules.default_text"), result=None)
        ctx.should_finished(router())
        english = group_message("/rules", group=3000)
        ctx.receive_event(bot, english)
        ctx.should_call_send(english, t("en", "rules.default_text"), result=None)
        ctx.should_finished(router())


async def test_admin_commands_refuse_residents(app: App, outbox) -> None:
    from plugins.core import t

    denied = t("zh-CN", "core.denied", role=t("zh-CN", "core.role.admin"))
    texts = [
        "/警告 [CQ:at,qq=43] 刷屏",
        "/mute [CQ:at,qq=43] 10m",
        "/解禁 [CQ:at,qq=43]",
        "/踢 [CQ:at,qq=43]",
        "/警告记录",
        "/清除警告 [CQ:at,qq=43]",
        "/撤销 1",
    ]
    for text in texts:
        async with routed(app, "rules") as ctx:
            bot = v11_bot(ctx)
            event = group_message(text, user=4301, role="member")
            ctx.receive_event(bot, event)
            ctx.should_call_send(event, denied, result=None)
            ctx.should_finished(router())


async def test_mute_unmute_and_kick(app: App, outbox) -> None:
    from plugins.core import t

    async with routed(app, "rules") as ctx:
        bot = v11_bot(ctx)
        case = await _next_case_id()
        event = group_message("/禁言 [CQ:at,qq=4302] 2小时 刷屏", role="admin")
        ctx.receive_event(bot, event)
        ctx.should_call_api(
            "set_group_ban", {"group_id": 1000, "user_id": 4302, "duration": 7200}
        )
        looked_up(ctx, 4302, muted_for=7200)
        text = t("zh-CN", "rules.cmd.muted", name="4302", duration="2小时", case=case)
        ctx.should_call_send(event, text, result=None)
        ctx.should_finished(router())
    async with routed(app, "rules") as ctx:
        bot = v11_bot(ctx)
        event = group_message("/禁言 [CQ:at,qq=4302] soon", role="admin")
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, t("zh-CN", "rules.cmd.usage.mute"), result=None)
        ctx.should_finished(router())
    async with routed(app, "rules") as ctx:
        bot = v11_bot(ctx)
        event = group_message("/unmute 4302", role="admin")
        ctx.receive_event(bot, event)
        ctx.should_call_api(
            "set_group_ban", {"group_id": 1000, "user_id": 4302, "duration": 0}
        )
        looked_up(ctx, 4302, muted_for=0)
        ctx.should_call_send(
            event, t("zh-CN", "rules.cmd.unmuted", name="4302"), result=None
        )
        ctx.should_finished(router())
    async with routed(app, "rules") as ctx:
        bot = v11_bot(ctx)
        case = await _next_case_id()
        event = group_message("/踢 [CQ:at,qq=4302]", role="owner")
        ctx.receive_event(bot, event)
        ctx.should_call_api(
            "set_group_kick",
            {"group_id": 1000, "user_id": 4302, "reject_add_request": False},
        )
        looked_up(ctx, 4302, gone=True)
        ctx.should_call_send(
            event, t("zh-CN", "rules.cmd.kicked", name="4302", case=case), result=None
        )
        ctx.should_finished(router())


async def test_platform_refusal_is_told_to_the_admin(app: App, outbox) -> None:
    from nonebot.adapters.onebot.v11.exception import ActionFailed

    from plugins.core import t

    refusal = ActionFailed(retcode=102, msg="not admin")
    async with routed(app, "rules") as ctx:
        bot = v11_bot(ctx)
        event = group_message("/kick 4303", role="admin")
        ctx.receive_event(bot, event)
        ctx.should_call_api(
            "set_group_kick",
            {"group_id": 1000, "user_id": 4303, "reject_add_request": False},
            exception=refusal,
        )
        ctx.should_call_send(
            event, t("zh-CN", "rules.cmd.failed", error=str(refusal)), result=None
        )
        ctx.should_finished(router())


async def test_warn_goes_up_the_ladder_and_warns_lists(app: App, outbox) -> None:
    from plugins.core import t

    async with routed(app, "rules") as ctx:
        bot = v11_bot(ctx)
        case = await _next_case_id()
        event = group_message("/警告 [CQ:at,qq=4304] 骂人", role="admin")
        ctx.receive_event(bot, event)
        notice = t(
            "zh-CN", "rules.notice.warn", name="4304", reason="骂人", count=1,
            case=case, window="30天",
        )  # fmt: skip
        ctx.should_call_send(event, notice, result=None)
        ctx.should_finished(router())
    async with routed(app, "rules") as ctx:
        bot = v11_bot(ctx)
        event = group_message("/warn [CQ:at,qq=4304]", role="admin")
        ctx.receive_event(bot, event)
        ctx.should_call_api(
            "set_group_ban", {"group_id": 1000, "user_id": 4304, "duration": 600}
        )
        looked_up(ctx, 4304, muted_for=600)
        notice = t(
            "zh-CN", "rules.notice.mute", name="4304", reason="管理员警告", count=2,
            case=case + 1, window="30天", duration="10分钟",
        )  # fmt: skip
        ctx.should_call_send(event, notice, result=None)
        ctx.should_finished(router())
    async with routed(app, "rules") as ctx:
        bot = v11_bot(ctx)
        event = group_message("/警告记录 [CQ:at,qq=4304]", role="admin")
        ctx.receive_event(bot, event)
        from plugins.rules.models import Case

        first = await Case.get(id=case)
        second = await Case.get(id=case + 1)
        from plugins.core import format_time

        lines = [
            t("zh-CN", "rules.cmd.warns_header", name="4304", window="30天", count=2),
            t(
                "zh-CN", "rules.cmd.warns_line", n=1, case=case, reason="骂人",
                time=format_time(first.at, "zh-CN", "Asia/Shanghai"), strikes=1,
            ),
            t(
                "zh-CN", "rules.cmd.warns_line", n=2, case=case + 1,
                reason="管理员警告",
                time=format_time(second.at, "zh-CN", "Asia/Shanghai"), strikes=1,
            ),
        ]  # fmt: skip
        ctx.should_call_send(event, "\n".join(lines), result=None)
        ctx.should_finished(router())


async def test_pardon_and_reset(app: App, outbox) -> None:
    from plugins.core import t

    async with routed(app, "rules") as ctx:
        bot = v11_bot(ctx)
        case = await _next_case_id()
        event = group_message("/警告 4305 发广告", role="admin")
        ctx.receive_event(bot, event)
        ctx.should_call_send(
            event,
            t(
                "zh-CN", "rules.notice.warn", name="4305", reason="发广告", count=1,
                case=case, window="30天",
            ),
            result=None,
        )  # fmt: skip
        ctx.should_finished(router())
    async with routed(app, "rules") as ctx:
        bot = v11_bot(ctx)
        event = group_message(f"/撤销 #{case}", role="admin")
        ctx.receive_event(bot, event)
        ctx.should_call_send(
            event, t("zh-CN", "rules.cmd.pardoned", case=case, count=1), result=None
        )
        ctx.should_finished(router())
        again = group_message(f"/pardon {case}", role="admin")
        ctx.receive_event(bot, again)
        ctx.should_call_send(
            again, t("zh-CN", "rules.cmd.pardon_already", case=case), result=None
        )
        ctx.should_finished(router())
        usage = group_message("/撤销 哪个", role="admin")
        ctx.receive_event(bot, usage)
        ctx.should_call_send(usage, t("zh-CN", "rules.cmd.usage.pardon"), result=None)
        ctx.should_finished(router())
    async with routed(app, "rules") as ctx:
        bot = v11_bot(ctx)
        event = group_message("/清除警告 4305", role="admin")
        ctx.receive_event(bot, event)
        ctx.should_call_send(
            event, t("zh-CN", "rules.cmd.reset", name="4305", count=0), result=None
        )
        ctx.should_finished(router())


async def test_appeal_in_private_reaches_the_staff_group(app: App, outbox) -> None:
    from tortoise import timezone

    from plugins.core import t
    from plugins.rules.models import Case

    case = await Case.create(
        group="qq:1000", user="qq:4306", display_name="3-2-201 张三", rule="ads",
        reason="rules.reason.link", at=timezone.now(), action="warn",
    )  # fmt: skip
    async with routed(app, "rules") as ctx:
        bot = v11_bot(ctx)
        event = private_message(f"/申诉 {case.id} 我发的是物业的通知", user=4306)
        ctx.receive_event(bot, event)
        ctx.should_call_send(
            event, t("zh-CN", "rules.cmd.appeal_sent", case=case.id), result=None
        )
        ctx.should_finished(router())
        stranger = private_message(f"/appeal {case.id} 不服", user=4307)
        ctx.receive_event(bot, stranger)
        ctx.should_call_send(
            stranger, t("zh-CN", "rules.cmd.appeal_unknown", case=case.id), result=None
        )
        ctx.should_finished(router())
        in_group = group_message(f"/申诉 {case.id} 不服", user=4306)
        ctx.receive_event(bot, in_group)
        ctx.should_call_send(
            in_group, t("zh-CN", "rules.cmd.appeal_private"), result=None
        )
        ctx.should_finished(router())
    (forwarded,) = outbox.to("qq:2000")
    assert f"#{case.id}" in forwarded and "我发的是物业的通知" in forwarded
    assert f"/撤销 {case.id}" in forwarded
    assert (await Case.get(id=case.id)).appeal == "我发的是物业的通知"
