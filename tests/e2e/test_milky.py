"""linli on QQ over Milky (Lagrange V2 …): the real linli process with the real
nonebot-adapter-milky, connected to a fake Milky implementation on loopback
(tests/helpers/fake_milky.py: its ``/event`` WebSocket and ``/api/<action>``).

The same residents' group ``qq:1000`` and staff group ``qq:2000`` as over
OneBot v11: a QQ group keeps its id whichever protocol its bot speaks.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.helpers import FakeMilky, LinliProcess, milky_text_of
from tests.shipped import section_text

AD = "特价房源看这里 www.haohuo888.com"

MILKY = """
core:
  admins: ["qq:500"]
  scheduler: {poll_seconds: 0.2, retry_base_seconds: 0.5}
groups:
  "qq:1000": {name: 3栋业主群, role: residents}
  "qq:2000": {name: 物业工作群, role: staff}
rules:
  notices: {per_group: 50}
signup:
  repost_seconds: 1
"""


@pytest.fixture
async def milky() -> AsyncIterator[FakeMilky]:
    server = FakeMilky()
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


def _to(group: int, *words: str):
    def match(call) -> bool:
        return call.params.get("group_id") == group and all(
            w in milky_text_of(call) for w in words
        )

    return match


async def _start(linli: LinliProcess, milky: FakeMilky) -> None:
    linli.config_text = MILKY
    linli.env = {"MILKY_CLIENTS": milky.clients_env()}
    await linli.start()
    await milky.wait_connected()


async def test_milky_ladder_signup_and_report(
    linli_process: LinliProcess, milky: FakeMilky
) -> None:
    """The rules ladder on an ad: recall_group_message each time (Milky
    message.ts: group_id, message_seq), a warning, then
    set_group_member_mute (group.ts: duration in seconds), then
    kick_group_member; a 接龙 joined with ``+1`` (counted with
    send_group_message_reaction, QQ face 124, then the list re-posted); a
    /报修 whose receipt goes to the group and whose card to the staff group."""
    await _start(linli_process, milky)
    try:
        group = 1000
        first = await milky.group_message(AD, group=group, user=4242)
        await milky.expect(
            "recall_group_message",
            where=lambda c: c.params == {"group_id": group, "message_seq": first},
        )
        await milky.expect("send_group_message", where=_to(group, "警告", "第1次"))
        second = await milky.group_message(AD, group=group, user=4242)
        await milky.expect(
            "recall_group_message",
            where=lambda c: c.params["message_seq"] == second,
        )
        mute = await milky.expect("set_group_member_mute")
        assert mute.params["group_id"] == group and mute.params["user_id"] == 4242
        assert mute.params["duration"] > 0
        third = await milky.group_message(AD, group=group, user=4242)
        await milky.expect(
            "recall_group_message",
            where=lambda c: c.params["message_seq"] == third,
        )
        kick = await milky.expect("kick_group_member")
        assert (kick.params["group_id"], kick.params["user_id"]) == (group, 4242)
        await milky.expect("send_group_message", where=_to(2000, "【违规记录】"))

        await milky.group_message(
            "/接龙 周六义诊 上限 5", group=group, user=500, name="王经理"
        )
        await milky.expect("send_group_message", where=_to(group, "【接龙】周六义诊"))
        before = len(milky.calls)
        plus = await milky.group_message("+1", group=group, user=77)
        reaction = await milky.expect("send_group_message_reaction", after=before)
        assert reaction.params == {
            "group_id": group,
            "message_seq": plus,
            "reaction": "124",
            "reaction_type": "face",
            "is_add": True,
        }
        await milky.expect(
            "send_group_message", where=_to(group, "1. 3-2-201"), after=before
        )

        await milky.group_message("/报修 3栋2单元楼道灯坏了", group=group, user=77)
        await milky.expect("send_group_message", where=_to(group, "#0001"))
        await milky.expect("send_group_message", where=_to(2000, "#0001", "/接单 1"))
    finally:
        await linli_process.stop()
        print(linli_process.log()[-3000:])


async def test_a_member_who_joins_is_welcomed_by_mention(
    linli_process: LinliProcess, milky: FakeMilky
) -> None:
    """group_member_increase (Milky common.ts, Event) is a join: the welcome
    mentions the new member with a ``mention`` segment (``user_id``)."""
    await _start(linli_process, milky)
    try:
        await milky.member_increase(88, group=1000, operator=500)
        welcome = await milky.expect("send_group_message", where=_to(1000, "欢迎加入"))
        mentions = [
            seg["data"]["user_id"]
            for seg in welcome.params["message"]
            if seg["type"] == "mention"
        ]
        assert mentions == [88]
    finally:
        await linli_process.stop()
        print(linli_process.log()[-3000:])


async def test_without_reactions_the_list_is_reposted(
    linli_process: LinliProcess, milky: FakeMilky
) -> None:
    """An implementation without send_group_message_reaction answers HTTP 404
    (Milky guide/communication.md): the port says NotSupported, and the +1 is
    still counted in the re-posted list."""
    milky.unsupported.add("send_group_message_reaction")
    await _start(linli_process, milky)
    try:
        await milky.group_message(
            "/接龙 周六义诊 上限 5", group=1000, user=500, name="王经理"
        )
        await milky.expect("send_group_message", where=_to(1000, "【接龙】周六义诊"))
        before = len(milky.calls)
        await milky.group_message("+1", group=1000, user=77)
        await milky.expect(
            "send_group_message", where=_to(1000, "1. 3-2-201"), after=before
        )
        assert not [c for c in milky.calls if c.action == "send_group_message_reaction"]
    finally:
        await linli_process.stop()
        print(linli_process.log()[-3000:])


async def test_the_faq_cooldown_pointer_replies_to_its_answer(
    linli_process: LinliProcess, milky: FakeMilky
) -> None:
    """Asked again within the cooldown, the FAQ replies (a ``reply`` segment,
    Milky common.ts OutgoingSegment: ``message_seq``) to its earlier answer,
    whose number came back from send_group_message (message.ts:
    ``message_seq``, ``time``)."""
    linli_process.config_text = MILKY + "\n" + section_text("faq")
    linli_process.env = {"MILKY_CLIENTS": milky.clients_env()}
    await linli_process.start()
    await milky.wait_connected()
    try:
        await milky.group_message("物业电话是多少？", group=1000, user=42)
        answer = await milky.expect(
            "send_group_message", where=_to(1000, "【物业电话】")
        )
        await milky.group_message("物业电话是多少", group=1000, user=43)
        pointer = await milky.expect(
            "send_group_message",
            where=lambda c: any(s["type"] == "reply" for s in c.params["message"]),
        )
        (reply,) = [s for s in pointer.params["message"] if s["type"] == "reply"]
        assert reply["data"] == {"message_seq": answer.result["message_seq"]}
    finally:
        await linli_process.stop()
        print(linli_process.log()[-3000:])


async def test_a_wrong_token_is_logged_without_the_token(
    linli_process: LinliProcess, milky: FakeMilky
) -> None:
    """nonebot-adapter-milky sends the token in the event URL's query and logs
    that URL, with aiohttp's handshake error (which names the URL too), each
    time the connection fails: linli's log masks it. (NoneBot's own DEBUG
    "Loaded Config" line, written by nonebot.init before linli's log handler
    exists, is left out: it shows every setting, as for TELEGRAM_BOTS.)"""
    import asyncio
    import json

    secret = "wrong-s3cr3t"
    linli_process.config_text = MILKY
    linli_process.env = {
        "MILKY_CLIENTS": json.dumps(
            [{"host": "127.0.0.1", "port": milky.port, "access_token": secret}]
        )
    }
    await linli_process.start()
    try:
        for _ in range(100):
            if "Error while setup websocket" in linli_process.log():
                break
            await asyncio.sleep(0.1)
        log = linli_process.log()
        assert "Error while setup websocket" in log
        assert "access_token=***" in log
        lines = [line for line in log.splitlines() if "Loaded Config" not in line]
        assert not [line for line in lines if secret in line]
        assert not [c for c in milky.calls if c.action == "get_login_info"]
    finally:
        await linli_process.stop()
