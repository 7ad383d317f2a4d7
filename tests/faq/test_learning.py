"""faq learns from residents: a phrasing picked from "您是不是想问" by enough
members becomes a question of the picked entry; /问答 归入 attaches an
unanswered question at once. Through NoneBot (nonebug), every reply exact."""

from __future__ import annotations

import re
import uuid

import pytest
from nonebug import App

from tests.helpers import (
    Like,
    group_message,
    new_group_id,
    routed,
    router,
    v11_bot,
    zh,
)

pytestmark = pytest.mark.usefixtures("faq_config")

CARD = "门禁卡办理：带身份证到物业服务中心。"
TANK = "3栋水箱每年 4 月和 10 月清洗。"
WASH = "地下车库 B1 有洗车点。"


@pytest.fixture
def ids(override_config) -> dict[str, str]:
    """The test's own entries (ids of their own: picks and chat edits are kept
    in the database for the whole session), with the shipped settings. Topics
    that the entries other tests teach (one database) do not share, so that
    the suggestions below stay the same whatever ran before."""
    run = uuid.uuid4().hex[:6]
    ids = {name: f"{name}-{run}" for name in ("门卡", "水箱", "洗车")}
    entries = [
        {"id": ids["门卡"], "questions": ["门禁卡怎么办理", "门禁卡丢了怎么补办"],
         "answer": CARD},
        {"id": ids["水箱"], "questions": ["3栋水箱什么时候清洗"], "answer": TANK},
        {"id": ids["洗车"], "questions": ["小区有洗车的地方吗"], "answer": WASH},
    ]  # fmt: skip
    override_config(faq={"entries": entries})
    return ids


def _suggestion(*questions: str) -> str:
    return "\n".join(
        [
            zh("faq.suggest.header"),
            *(
                zh("faq.suggest.item", n=n, question=q)
                for n, q in enumerate(questions, 1)
            ),
            zh("faq.suggest.footer"),
        ]
    )


def _ask_and_pick(ctx, bot, group: int, user: int, text: str, offered: str, answer: str,
                  card: str = "3-2-201 张三") -> None:  # fmt: skip
    """A member asks, gets one suggestion, replies 1 and gets the answer."""
    ask = group_message(text, group=group, user=user, card=card)
    ctx.receive_event(bot, ask)
    ctx.should_call_send(ask, _suggestion(offered), result={"message_id": 1})
    ctx.should_finished(router())
    pick = group_message("1", group=group, user=user, card=card)
    ctx.receive_event(bot, pick)
    ctx.should_call_send(pick, answer, result={"message_id": 2})
    ctx.should_finished(router())


async def test_two_members_pick_the_phrasing_is_answered_then_undone(
    app: App, ids: dict[str, str]
) -> None:
    group = new_group_id()
    key = ids["门卡"]
    admin = {"group": group, "user": 1991, "role": "admin", "card": "物业 王经理"}
    async with routed(app, "faq") as ctx:
        bot = v11_bot(ctx)
        # two members, asked with and without a filler: the same phrasing
        _ask_and_pick(ctx, bot, group, 1901, "门卡在哪办？", "门禁卡怎么办理", CARD,
                      card="3-1-101 王")  # fmt: skip
        _ask_and_pick(ctx, bot, group, 1902, "请问门卡在哪办", "门禁卡怎么办理", CARD,
                      card="5-2-302 李")  # fmt: skip

    async with routed(app, "faq") as ctx:  # another group: past the cooldown
        bot = v11_bot(ctx)
        ask = group_message("门卡在哪办？", group=new_group_id(), user=1903)
        ctx.receive_event(bot, ask)
        ctx.should_call_send(ask, CARD, result={"message_id": 3})
        ctx.should_finished(router())
        # the history says who taught it and why
        history = group_message(f"/问答 历史 {key}", **admin)
        ctx.receive_event(bot, history)
        ctx.should_call_send(
            history,
            Like(
                re.escape(zh("faq.history.header", key=key))
                + r"\n1\. .* "
                + re.escape(
                    f"3-1-101 王{zh('faq.separator')}5-2-302 李 "
                    f"{zh('faq.action.learn')} 门卡在哪办？"
                )
            ),
            result=None,
        )
        ctx.should_finished(router())
        undo = group_message(f"/问答 撤销 {key}", **admin)
        ctx.receive_event(bot, undo)
        ctx.should_call_send(
            undo,
            zh("faq.undone", key=key, action=zh("faq.action.learn")),
            result=None,
        )
        ctx.should_finished(router())

    async with routed(app, "faq") as ctx:
        bot = v11_bot(ctx)
        other = new_group_id()
        # undone: a suggestion again, and a new pick does not learn it again
        _ask_and_pick(ctx, bot, other, 1904, "门卡在哪办？", "门禁卡怎么办理", CARD)
        ask = group_message("门卡在哪办？", group=new_group_id(), user=1905)
        ctx.receive_event(bot, ask)
        ctx.should_call_send(ask, _suggestion("门禁卡怎么办理"), result=None)
        ctx.should_finished(router())


async def test_one_member_picking_twice_counts_once(
    app: App, ids: dict[str, str]
) -> None:
    group = new_group_id()
    async with routed(app, "faq") as ctx:
        bot = v11_bot(ctx)
        for _ in range(2):
            _ask_and_pick(
                ctx, bot, group, 1911, "门卡去哪办理？", "门禁卡怎么办理", CARD
            )
        ask = group_message("门卡去哪办理？", group=new_group_id(), user=1912)
        ctx.receive_event(bot, ask)
        ctx.should_call_send(ask, _suggestion("门禁卡怎么办理"), result=None)
        ctx.should_finished(router())


async def test_a_phrasing_naming_another_building_is_never_learnt(
    app: App, ids: dict[str, str]
) -> None:
    group = new_group_id()
    async with routed(app, "faq") as ctx:
        bot = v11_bot(ctx)
        # 5栋 asked, the 3栋 entry offered (at most a suggestion) and picked
        for user in (1921, 1922, 1923):
            _ask_and_pick(
                ctx,
                bot,
                group,
                user,
                "5栋水箱什么时候清洗？",
                "3栋水箱什么时候清洗",
                TANK,
            )
        ask = group_message("5栋水箱什么时候清洗？", group=new_group_id(), user=1924)
        ctx.receive_event(bot, ask)
        ctx.should_call_send(ask, _suggestion("3栋水箱什么时候清洗"), result=None)
        ctx.should_finished(router())


async def test_learning_can_be_turned_off(
    app: App, ids: dict[str, str], override_config
) -> None:
    override_config(faq={"learn_after_picks": 0})
    group = new_group_id()
    async with routed(app, "faq") as ctx:
        bot = v11_bot(ctx)
        for user in (1931, 1932):
            _ask_and_pick(
                ctx, bot, group, user, "洗车的地方在哪？", "小区有洗车的地方吗", WASH
            )
        ask = group_message("洗车的地方在哪？", group=new_group_id(), user=1933)
        ctx.receive_event(bot, ask)
        ctx.should_call_send(ask, _suggestion("小区有洗车的地方吗"), result=None)
        ctx.should_finished(router())


async def test_attach_an_unanswered_question_to_an_entry(
    app: App, ids: dict[str, str]
) -> None:
    group = new_group_id()
    key = ids["洗车"]
    admin = {"group": group, "user": 1941, "role": "admin", "card": "物业 王经理"}
    question = "哪里可以擦车？"
    async with routed(app, "faq") as ctx:
        bot = v11_bot(ctx)
        ctx.receive_event(bot, group_message(question, group=group, user=1942))
        listing = group_message("/问答 未答", **admin)
        ctx.receive_event(bot, listing)
        ctx.should_call_send(
            listing,
            "\n".join(
                [
                    zh("faq.unanswered.header", days=30),
                    zh("faq.unanswered.item", n=1, text=question, count=1),
                    zh("faq.unanswered.footer"),
                ]
            ),
            result=None,
        )
        ctx.should_finished(router())
        for text, reply in [
            ("/问答 归入", zh("faq.usage.attach")),
            (f"/问答 归入 {key}", zh("faq.usage.attach")),
            (f"/问答 归入 一 {key}", zh("faq.usage.attach")),
            (f"/问答 归入 1 {key} 多余", zh("faq.usage.attach")),
            (f"/问答 归入 7 {key}", zh("faq.attach.missing", n=7)),
            ("/问答 归入 1 没有这条", zh("faq.not_found", key="没有这条")),
            (f"/faq attach 1 {key}", zh("faq.attach.done", key=key, question=question)),
        ]:
            event = group_message(text, **admin)
            ctx.receive_event(bot, event)
            ctx.should_call_send(event, reply, result=None)
            ctx.should_finished(router())

    async with routed(app, "faq") as ctx:
        bot = v11_bot(ctx)
        ask = group_message(question, group=new_group_id(), user=1943)
        ctx.receive_event(bot, ask)
        ctx.should_call_send(ask, WASH, result={"message_id": 4})
        ctx.should_finished(router())
        # no longer unanswered; the history shows it, undo takes it back
        listing = group_message("/问答 未答", **admin)
        ctx.receive_event(bot, listing)
        ctx.should_call_send(listing, zh("faq.unanswered.empty", days=30), result=None)
        ctx.should_finished(router())
        history = group_message(f"/问答 历史 {key}", **admin)
        ctx.receive_event(bot, history)
        ctx.should_call_send(
            history,
            Like(
                re.escape(zh("faq.history.header", key=key))
                + r"\n1\. .* "
                + re.escape(f"物业 王经理 {zh('faq.action.attach')} {question}")
            ),
            result=None,
        )
        ctx.should_finished(router())
        undo = group_message(f"/问答 撤销 {key}", **admin)
        ctx.receive_event(bot, undo)
        ctx.should_call_send(
            undo,
            zh("faq.undone", key=key, action=zh("faq.action.attach")),
            result=None,
        )
        ctx.should_finished(router())
        listing = group_message("/问答 未答", **admin)
        ctx.receive_event(bot, listing)
        ctx.should_call_send(
            listing,
            "\n".join(
                [
                    zh("faq.unanswered.header", days=30),
                    zh("faq.unanswered.item", n=1, text=question, count=1),
                    zh("faq.unanswered.footer"),
                ]
            ),
            result=None,
        )
        ctx.should_finished(router())


async def test_residents_cannot_attach(app: App, ids: dict[str, str]) -> None:
    from plugins.core import t

    async with routed(app, "faq") as ctx:
        bot = v11_bot(ctx)
        event = group_message(f"/问答 归入 1 {ids['洗车']}", group=new_group_id())
        ctx.receive_event(bot, event)
        ctx.should_call_send(
            event,
            t("zh-CN", "core.denied", role=t("zh-CN", "core.role.staff")),
            result=None,
        )
        ctx.should_finished(router())
