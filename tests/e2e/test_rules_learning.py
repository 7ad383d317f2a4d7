"""Learning from the admins in the real linli process over a real OneBot v11
WebSocket: ``/举报`` as a reply recalls the ad and teaches it, so the next
near-identical ad is caught; ``/误判 <案件号>`` pardons and un-teaches that.

NapCat sends a reply as a ``reply`` segment with the quoted message's id
(packages/napcat-onebot/api/msg.ts, ``replyElement``), and the QQ client adds
an @ of the quoted sender; nonebot-adapter-onebot then asks ``get_msg``
(v11/bot.py ``_check_reply``), which NapCat answers with the OB11 message,
sender included (packages/napcat-onebot/action/msg/GetMsg.ts)."""

from __future__ import annotations

import asyncio
import itertools
from typing import Any

from tests.helpers import E2E_CONFIG, LinliProcess, text_of
from tests.helpers.e2e import default_responder, napcat_group_message, ok

# the residents' and staff groups of every e2e test, and this test's rules
CONFIG = (
    E2E_CONFIG
    + """
rules:
  notices:
    per_group: 50
  learning:
    # the seeds alone count as enough here, so that one /举报 shows
    min_examples: 0
    confidence: 0.95
"""
)

# promo 特价 + cta 私聊: 3 points, below the act threshold (3.5) by words alone
AD = "油烟机深度清洗今天特价，3栋王师傅，需要的私聊"
AGAIN = "油烟机深度清洗今天特价，5栋王师傅，需要的私聊"
ONCE_MORE = "油烟机深度清洗今天特价，6栋王师傅，需要的私聊"

_ids = itertools.count(7100)


class Messages:
    """What the fake NapCat remembers of the messages it reported, for get_msg."""

    def __init__(self) -> None:
        self.sent: dict[int, dict[str, Any]] = {}

    def respond(self, action: str, params: dict[str, Any]) -> Any:
        if action == "get_msg":
            found = self.sent.get(int(params["message_id"]))
            if found is None:
                return {"status": "failed", "retcode": 1200, "data": None}
            return ok(found)
        return default_responder(action, params)

    def event(
        self,
        self_id: int,
        message: list[dict[str, Any]],
        *,
        user: int,
        card: str,
        role: str = "member",
    ) -> tuple[int, dict[str, Any]]:
        mid = next(_ids)
        raw = "".join(s["data"].get("text", "") for s in message if s["type"] == "text")
        payload = napcat_group_message(
            self_id, mid, message, raw=raw, user=user, card=card, role=role
        )
        # GetMsg.ts ReturnSchema
        self.sent[mid] = {
            "time": payload["time"],
            "message_type": "group",
            "message_id": mid,
            "real_id": mid,
            "message_seq": mid,
            "sender": payload["sender"],
            "message": message,
            "raw_message": raw,
            "font": 14,
            "group_id": 1000,
            "user_id": user,
        }
        return mid, payload


def _recalled(mid: int):
    return lambda c: c.params.get("message_id") == mid


async def test_report_teaches_and_misjudged_unteaches(
    linli_process: LinliProcess,
) -> None:
    linli_process.config_text = CONFIG
    await linli_process.start()
    store = Messages()
    try:
        async with linli_process.connect(responder=store.respond) as onebot:

            async def say(text: str, user: int = 4401) -> int:
                mid, payload = store.event(
                    onebot.self_id,
                    [{"type": "text", "data": {"text": text}}],
                    user=user,
                    card="路人乙",
                )
                await onebot.send(payload)
                return mid

            # the ad itself: below the act threshold, so nothing happens
            first = await say(AD)
            await onebot.group_message("/群规", user=4402)
            await onebot.expect_call(
                "send_msg", where=lambda c: "【群规】" in text_of(c)
            )
            assert not [c for c in onebot.calls if c.action == "delete_msg"]

            # an admin replies to it with /举报: recalled, warned, taught
            before = len(onebot.calls)
            _, report = store.event(
                onebot.self_id,
                [
                    {"type": "reply", "data": {"id": str(first)}},
                    {"type": "at", "data": {"qq": "4401"}},
                    {"type": "text", "data": {"text": " /举报"}},
                ],
                user=500,
                card="物业 王",
                role="admin",
            )
            await onebot.send(report)
            await onebot.expect_call("get_msg", after=before)
            await onebot.expect_call("delete_msg", where=_recalled(first))
            answer = await onebot.expect_call(
                "send_msg", where=lambda c: "已记下这是广告" in text_of(c)
            )
            assert "管理员举报" in text_of(answer) and "警告" in text_of(answer)

            # the next near-identical ad is caught by what was learnt
            second = await say(AGAIN)
            await onebot.expect_call("delete_msg", where=_recalled(second))
            caught = await onebot.expect_call(
                "send_group_msg",
                where=lambda c: (
                    c.params.get("group_id") == 1000 and "第2次" in text_of(c)
                ),
            )
            case = int(text_of(caught).rsplit("#", 1)[1])
            evidence = await onebot.expect_call(
                "send_group_msg",
                where=lambda c: (
                    c.params.get("group_id") == 2000 and f"#{case}" in text_of(c)
                ),
            )
            assert "learned p=" in text_of(evidence)

            # /误判: the case is pardoned and its text learnt as ordinary
            before = len(onebot.calls)
            _, misjudged = store.event(
                onebot.self_id,
                [{"type": "text", "data": {"text": f"/误判 {case}"}}],
                user=500,
                card="物业 王",
                role="admin",
            )
            await onebot.send(misjudged)
            pardoned = await onebot.expect_call(
                "send_msg", where=lambda c: "已撤销案件" in text_of(c), after=before
            )
            assert "已记下这是正常消息" in text_of(pardoned)

            # the same kind of message is no longer caught
            third = await say(ONCE_MORE)
            await asyncio.sleep(1.0)
            assert not [
                c
                for c in onebot.calls
                if c.action == "delete_msg" and _recalled(third)(c)
            ]
    finally:
        await linli_process.stop()
        print(linli_process.log()[-4000:])
