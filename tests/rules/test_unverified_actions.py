"""A kick or a mute the platform answered ok but did not do is a refusal.

NapCat's set_group_kick answers ok whatever kickMember did
(NapNeko/NapCatQQ packages/napcat-onebot/action/group/SetGroupKick.ts), and
Lagrange.OneBot's set_group_kick / set_group_ban discard the result
(LagrangeDev/Lagrange.Core Lagrange.OneBot/Core/Operation/Group/
SetGroupKickOperation.cs, SetGroupBanOperation.cs): without admin rights the
bot "kicks" and nothing happens. The OneBot v11 port looks at the member
afterwards (get_group_member_info, no_cache) and raises PlatformError when the
member is still there; the rules service then does what it does for a
refusal: no kick audited, the case stays "notify", the admins are told.
Answers are shaped like NapCat's (tests/rules/fakes.py ``looked_up``).
"""

from __future__ import annotations

import pytest
from nonebug import App

from tests.helpers import group_message, routed, router, v11_bot
from tests.rules.conftest import make_config
from tests.rules.fakes import looked_up


def _no_effect(kind: str) -> str:
    """What admins read (in the group's language), not the port's English."""
    from plugins.core import t

    return t("zh-CN", f"rules.problem.no_effect.{kind}")


@pytest.fixture(autouse=True)
def no_wait(monkeypatch: pytest.MonkeyPatch) -> None:
    import adapters.onebot_v11 as v11

    monkeypatch.setattr(v11, "VERIFY_DELAY", 0)


def _offence(group: str, user: str, **kw):
    from plugins.rules.service import Offence

    values = {
        "group": group, "user": user, "name": "3-2-201 张三", "rule": "ads",
        "reason": "rules.reason.link", "detail": "haohuo.com",
        "text": "www.haohuo.com", "message_id": None, "action": "kick",
        "segments": [{"type": "text", "data": {"text": "www.haohuo.com"}}],
    }  # fmt: skip
    values.update(kw)
    return Offence(**values)


@pytest.mark.parametrize("how", ["refused", "ok but not done"])
async def test_a_kick_that_did_not_happen_is_handled_as_a_refusal(
    app: App, outbox, group_id, how
) -> None:
    from nonebot.adapters.onebot.v11 import ActionFailed

    from adapters.onebot_v11 import OneBotV11Port
    from plugins.core import t
    from plugins.core.models import AuditEntry
    from plugins.rules import service
    from plugins.rules.models import Case

    config = make_config(group_id)
    cfg = config.section("rules", group_id)
    gid = int(group_id.removeprefix("qq:"))
    user = 4310 if how == "refused" else 4311
    # NapCat's refusal: what _handle threw, retcode 1200 (OneBotAction.ts)
    refusal = ActionFailed(
        status="failed", retcode=1200, data=None, message="ERR_NOT_GROUP_ADMIN",
        wording="ERR_NOT_GROUP_ADMIN",
    )  # fmt: skip
    async with app.test_api() as ctx:
        port = OneBotV11Port(v11_bot(ctx))
        kick = {"group_id": gid, "user_id": user, "reject_add_request": False}
        if how == "refused":
            ctx.should_call_api("set_group_kick", kick, exception=refusal)
            reason = str(refusal)
        else:
            ctx.should_call_api("set_group_kick", kick, result=None)
            for _ in range(3):  # still there on every look
                looked_up(ctx, user, group=gid)
            reason = _no_effect("kick")
        outcome = await service.enforce(
            _offence(group_id, f"qq:{user}"), port=port, cfg=cfg, config=config
        )
    assert outcome.action == "notify"
    problem = t("zh-CN", "rules.problem.kick", error=reason)
    assert outcome.problems == [problem]
    case = await Case.get(id=outcome.case.id)  # type: ignore[union-attr]
    assert case.action == "notify" and problem in case.problems
    target = f"qq:{user}"
    assert not await AuditEntry.exists(action="rules.kick", target=target)
    assert await AuditEntry.exists(action="rules.notify", target=target)
    # the admins are told, in the staff group, with what went wrong
    (staff,) = outbox.to("qq:2000")
    assert problem in staff


async def test_the_kick_command_tells_the_admin_it_did_not_happen(
    app: App, outbox
) -> None:
    """/踢 by an admin: set_group_kick ok, the member still there: the admin
    reads the failure, as for a refusal, and no kick is audited."""
    from plugins.core import t
    from plugins.core.models import AuditEntry

    async with routed(app, "rules") as ctx:
        bot = v11_bot(ctx)
        event = group_message("/踢 [CQ:at,qq=4312]", role="admin")
        ctx.receive_event(bot, event)
        ctx.should_call_api(
            "set_group_kick",
            {"group_id": 1000, "user_id": 4312, "reject_add_request": False},
            result=None,
        )
        for _ in range(3):
            looked_up(ctx, 4312)
        ctx.should_call_send(
            event,
            t("zh-CN", "rules.cmd.failed", error=_no_effect("kick")),
            result=None,
        )
        ctx.should_finished(router())
    assert not await AuditEntry.exists(action="rules.kick", target="qq:4312")


async def test_the_mute_command_tells_the_admin_it_did_not_happen(
    app: App, outbox
) -> None:
    from plugins.core import t
    from plugins.rules.models import Mute

    async with routed(app, "rules") as ctx:
        bot = v11_bot(ctx)
        event = group_message("/禁言 [CQ:at,qq=4313] 10分钟", role="admin")
        ctx.receive_event(bot, event)
        ctx.should_call_api(
            "set_group_ban", {"group_id": 1000, "user_id": 4313, "duration": 600}
        )
        for _ in range(3):
            looked_up(ctx, 4313, muted_for=0)
        error = _no_effect("mute")
        ctx.should_call_send(
            event, t("zh-CN", "rules.cmd.failed", error=error), result=None
        )
        ctx.should_finished(router())
    assert not await Mute.exists(user="qq:4313")
