"""Two of linli's QQ accounts in one group, one linli process, over the real
OneBot v11 WebSocket: every resident message reaches linli twice (once
through each fake NapCat, each with its own message id) and is handled once;
one account speaks, the other stays quiet; when the speaker disconnects the
other takes over, and what the first had queued is sent by it, once."""

from __future__ import annotations

import asyncio
import contextlib
import re
import time

from tests.helpers import ApiCall, LinliProcess, OneBotV11, text_of
from tests.shipped import section_text

A, B = 10000, 10001
TAKEOVER = 2.0

CONFIG = f"""
core:
  admins: ["qq:500"]
  scheduler:
    poll_seconds: 0.2
    retry_base_seconds: 0.5
  accounts:
    takeover_seconds: {TAKEOVER}
  send:
    qq:
      per_group: 3            # a tight budget: replies wait in the queue
      group_window_seconds: 2
signup:
  repost_seconds: 1
rules:
  notices:
    per_group: 50
groups:
  "qq:1000":
    name: 3栋业主群
    role: residents
  "qq:2000":
    name: 物业工作群
    role: staff
"""

AD = "特价房源看这里 www.haohuo888.com"
SENDS = {"send_msg", "send_group_msg"}


def _sent(onebot: OneBotV11, after: int = 0) -> list[ApiCall]:
    return [c for c in onebot.calls[after:] if c.action in SENDS]


def _texts(*fakes: OneBotV11) -> list[str]:
    return [text_of(c) for fake in fakes for c in _sent(fake)]


async def _both(a: OneBotV11, b: OneBotV11, text: str, **kwargs) -> tuple[int, int]:
    """The same resident message as each account's NapCat reports it."""
    mid = await a.group_message(text, **kwargs)
    await asyncio.sleep(0.05)
    other = await b.group_message(text, message_id=mid + 500_000, **kwargs)
    return mid, other


async def _until(check, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise TimeoutError
        await asyncio.sleep(0.05)


async def test_two_accounts_answer_once_and_the_second_takes_over(
    linli_process: LinliProcess,
) -> None:
    linli_process.config_text = CONFIG + "\n" + section_text("faq")
    await linli_process.start()
    try:
        async with linli_process.connect(self_id=B) as b:
            first = contextlib.AsyncExitStack()
            a = await first.enter_async_context(linli_process.connect(self_id=A))
            await asyncio.sleep(0.3)
            await _mixed(a, b)
            await _takeover(linli_process, first, a, b)
    finally:
        await linli_process.stop()
        print(linli_process.log()[-4000:])


async def _mixed(a: OneBotV11, b: OneBotV11) -> None:
    """FAQ questions, a 接龙 and its +1s, a command and an ad, each through
    both accounts: one answer, one list post each, one strike."""
    await _both(a, b, "请问物业电话是多少？", user=42)
    await a.expect_call(SENDS, where=lambda c: "【物业电话】" in text_of(c))
    await _both(a, b, "/接龙 周六义诊", user=500, card="王经理")
    await a.expect_call(SENDS, where=lambda c: "【接龙】周六义诊" in text_of(c))
    for user, card in ((1, "3-2-201 张三"), (2, "3-2-202 李四"), (3, "5-101 赵六")):
        await _both(a, b, "+1", user=user, card=card)
    ad, _ = await _both(a, b, AD, user=4242, card="路人甲")
    await _both(a, b, "/帮助", user=43)
    await _both(a, b, "物业电话多少", user=44)  # asked again: a pointer, once
    await a.expect_call("delete_msg", where=lambda c: c.params["message_id"] == ad)
    await a.expect_call(SENDS, where=lambda c: "3. 5-101 赵六" in text_of(c))
    await a.expect_call(SENDS, where=lambda c: "警告" in text_of(c))
    await asyncio.sleep(4.5)  # what the budget held back leaves

    texts = _texts(a, b)
    assert _sent(b) == []  # the second account stays quiet
    assert [c.action for c in b.calls if c.action == "delete_msg"] == []
    assert sum("【物业电话】" in t for t in texts) == 1
    assert sum("刚刚已回答" in t for t in texts) == 1
    lists = [t for t in texts if t.startswith("【接龙】周六义诊")]
    assert len(lists) == len(set(lists))  # no list posted twice
    assert sum("3. 5-101 赵六" in t for t in lists) == 1
    assert not any("4. " in t for t in lists)  # three sign-ups, not six
    warnings = [t for t in texts if "警告" in t and "第1次" in t]
    assert len(warnings) == 1, warnings  # one strike
    assert not any("第2次" in t for t in texts)
    assert sum(t.startswith("【违规记录】") for t in texts) == 1
    recalls = [c.params["message_id"] for c in a.calls if c.action == "delete_msg"]
    assert recalls == [ad]
    assert sum(t.startswith("【帮助】") for t in texts) == 1


async def _takeover(
    linli: LinliProcess,
    first: contextlib.AsyncExitStack,
    a: OneBotV11,
    b: OneBotV11,
) -> None:
    """Six replies queued behind the budget; the speaker disconnects after
    its first: the rest leave through the other account, each once."""
    seen_a, seen_b = len(a.calls), len(b.calls)
    for n in range(6):
        await _both(
            a, b, f"/问答 添加 第{n}号问题怎么办 | 第{n}号答案。", user=7, role="admin"
        )
    await a.expect_call(SENDS, where=lambda c: "已添加" in text_of(c), after=seen_a)
    await first.aclose()  # A's NapCat disconnects
    gone_at = time.monotonic()

    def added() -> list[tuple[int, str]]:
        return [
            (fake.self_id, text_of(call))
            for fake, after in ((a, seen_a), (b, seen_b))
            for call in _sent(fake, after)
            if "已添加" in text_of(call)
        ]

    await _until(lambda: len(added()) >= 6, timeout=20)
    first_b = next(c for c in _sent(b, seen_b))
    # the new speaker spoke within the takeover time (plus the budget's window
    # the queued replies were waiting for anyway)
    print(f"takeover: B's first send {first_b.at - gone_at:.2f}s after A left")
    assert first_b.at - gone_at <= TAKEOVER + 2.5
    await asyncio.sleep(2.5)
    replies = added()
    numbers = [re.search(r"编号 (\d+)", text).group(1) for _, text in replies]
    assert len(replies) == 6 and len(set(numbers)) == 6  # none lost, none doubled
    assert {who for who, _ in replies} == {A, B}

    # B speaks now: a question through B alone is answered through B
    seen_b = len(b.calls)
    asked = time.monotonic()
    await b.group_message("请问第3号问题怎么办？", user=45)
    answer = await b.expect_call(SENDS, after=seen_b, timeout=10)
    assert text_of(answer) == "第3号答案。"
    print(f"takeover: a question through B answered in {answer.at - asked:.2f}s")
    assert answer.at - asked < TAKEOVER + 2.5
    assert "speaker: qq:10001 now speaks for qq:1000" in linli.log()
