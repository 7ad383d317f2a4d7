"""faq's service on the test database: answers, cooldown, teaching and undo,
suggestions, fault hints and the unanswered list."""

from __future__ import annotations

import itertools
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tests.faq.conftest import FakeClock
from tests.helpers import new_group_id, section_config

NOON = datetime(2024, 10, 28, 12, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
_users = itertools.count(7000)


def _faq(clock: FakeClock):
    from plugins.faq.service import Faq, Memory

    return Faq(Memory(clock=clock))


def _asked(text: str, *, group: str | None = None, user: str | None = None, **kw):
    from plugins.faq.service import Asked

    return Asked(
        text=text,
        user=user or f"qq:{next(_users)}",
        group=group if group is not None else f"qq:{new_group_id()}",
        **kw,
    )


def _actor(group: str = "qq:2000"):
    from plugins.faq.entries import Actor

    return Actor(user="qq:500", name="王经理", group=group)


async def test_default_question_in_several_phrasings_is_answered(clock) -> None:
    faq, section = _faq(clock), section_config("faq", shipped=True)
    for text in ("物业电话是多少？", "请问物业的电话号码是多少啊", "物业怎么联系"):
        reply = await faq.respond(section, _asked(text), NOON)
        assert reply is not None and reply.kind == "answer", text
        assert reply.entry.key == "物业电话"
        assert reply.text.startswith("【物业电话】")
        assert "XXX-XXXXXXX" in reply.text


async def test_unrelated_message_is_not_answered(clock) -> None:
    faq, section = _faq(clock), section_config("faq", shipped=True)
    for text in ("今天天气真好", "我刚交了停车费", "哈哈哈哈", "收到"):
        assert await faq.respond(section, _asked(text), NOON) is None, text


async def test_cooldown_points_once_then_stays_silent(clock) -> None:
    faq, section = _faq(clock), section_config("faq", shipped=True)
    group = f"qq:{new_group_id()}"
    first = await faq.respond(section, _asked("健身房几点开门？", group=group), NOON)
    assert first.kind == "answer"
    faq.note_sent(group, first.entry, "8001")
    clock.now += 10
    again = await faq.respond(section, _asked("健身房开放时间？", group=group), NOON)
    assert again.kind == "pointer" and again.reply_to == "8001"
    clock.now += 10
    assert await faq.respond(section, _asked("健身房几点开", group=group), NOON) is None
    # another group is not affected
    other = await faq.respond(section, _asked("健身房几点开门？"), NOON)
    assert other.kind == "answer"
    clock.now += 60  # the cooldown is over
    later = await faq.respond(section, _asked("健身房几点开门？", group=group), NOON)
    assert later.kind == "answer"


async def test_cooldown_silent_mode(clock) -> None:
    faq = _faq(clock)
    section = section_config(
        "faq", shipped=True, cooldown_reply="silent", cooldown_seconds=300
    )
    group = f"qq:{new_group_id()}"
    assert (await faq.respond(section, _asked("停车费多少钱", group=group), NOON)).kind
    clock.now += 200
    assert (
        await faq.respond(section, _asked("停车费多少钱？", group=group), NOON) is None
    )


async def test_teach_answer_edit_undo_answer_is_back(clock) -> None:
    from plugins.faq import entries

    faq, section = _faq(clock), section_config("faq", shipped=True)
    key = await faq.add(
        section, _actor(), ["紫藤花架什么时候修剪", "花架修剪时间"], "每年三月修剪。"
    )
    assert key.isdigit()
    reply = await faq.respond(section, _asked("紫藤花架什么时候修剪？"), NOON)
    assert reply.kind == "answer" and reply.text == "每年三月修剪。"
    assert reply.entry.key == key and reply.entry.source == "taught"

    assert await faq.edit(section, _actor(), key, "每年四月修剪。") == key
    reply = await faq.respond(section, _asked("花架修剪时间是几号"), NOON)
    assert reply.text == "每年四月修剪。"

    undone = await faq.undo(section, _actor(), key)
    assert undone.action == "edit"
    reply = await faq.respond(section, _asked("紫藤花架什么时候修剪？"), NOON)
    assert reply.text == "每年三月修剪。"

    changes = await entries.history(key, section)
    assert [c.action for c in changes] == ["add", "edit", "undo"]
    assert [c.undone for c in changes] == [False, True, False]
    assert changes[0].actor == "qq:500" and changes[0].actor_name == "王经理"


async def test_delete_undo_and_undo_of_the_creation(clock) -> None:
    from plugins.faq.entries import FaqError

    faq, section = _faq(clock), section_config("faq", shipped=True)
    key = await faq.add(section, _actor(), ["葡萄架谁来搭"], "物业统一搭建。")
    await faq.delete(section, _actor(), key)
    assert await faq.respond(section, _asked("葡萄架谁来搭？"), NOON) is None
    assert (await faq.undo(section, _actor(), key)).action == "delete"
    assert (await faq.respond(section, _asked("葡萄架谁来搭？"), NOON)).kind == "answer"
    assert (await faq.undo(section, _actor(), key)).action == "add"  # gone again
    assert await faq.respond(section, _asked("葡萄架谁来搭？"), NOON) is None
    with pytest.raises(FaqError) as info:
        await faq.undo(section, _actor(), key)
    assert info.value.key == "faq.nothing_to_undo"
    with pytest.raises(FaqError) as info:
        await faq.edit(section, _actor(), "999999", "x")
    assert info.value.key == "faq.not_found"


async def test_a_yaml_entry_is_edited_in_chat_and_undone(clock) -> None:
    faq, section = (
        _faq(clock),
        section_config(
            "faq",
            shipped=True,
            entries=[
                {
                    "id": "菜鸟驿站",
                    "questions": ["菜鸟驿站在哪里"],
                    "answer": "北门旁。",
                }
            ],
        ),
    )
    assert await faq.edit(section, _actor(), "菜鸟驿站", "搬到南门了。") == "菜鸟驿站"
    reply = await faq.respond(section, _asked("菜鸟驿站在哪里？"), NOON)
    assert reply.text == "搬到南门了。" and reply.entry.source == "yaml"
    await faq.undo(section, _actor(), "菜鸟驿站")
    reply = await faq.respond(section, _asked("菜鸟驿站在哪里？"), NOON)
    assert reply.text == "北门旁。"


async def test_teaching_the_same_question_twice_is_refused(clock) -> None:
    from plugins.faq.entries import FaqError

    faq, section = _faq(clock), section_config("faq", shipped=True)
    with pytest.raises(FaqError) as info:
        await faq.add(section, _actor(), ["物业电话是多少"], "x")
    assert info.value.key == "faq.duplicate"
    assert info.value.values == {"key": "物业电话"}


async def test_suggestions_then_the_number_answers(clock) -> None:
    section = section_config("faq", shipped=True,
        entries=[
            {"id": "游泳池", "questions": ["游泳池开放时间", "游泳池几点开门"],
             "answer": "游泳池 6:00-22:00 开放。"},
            {"id": "健身房", "questions": ["健身房开放时间"],
             "answer": "健身房 7:00-21:00。"},
        ]
    )  # fmt: skip
    faq, group = _faq(clock), f"qq:{new_group_id()}"
    # the question names no place: both opening hours are offered
    reply = await faq.respond(section, _asked("开门时间？", group=group, user="qq:1"))
    assert reply.kind == "suggest"
    assert [e.key for e in reply.choices] == ["游泳池", "健身房"]
    # another member's "2" is not an answer to this suggestion
    assert await faq.respond(section, _asked("2", group=group, user="qq:2")) is None
    chosen = await faq.respond(section, _asked("２", group=group, user="qq:1"))
    assert chosen.kind == "answer" and chosen.text == "健身房 7:00-21:00。"
    assert await faq.respond(section, _asked("1", group=group, user="qq:1")) is None
    # the suggestion expires
    await faq.respond(section, _asked("开门时间？", group=group, user="qq:3"))
    clock.now += section.suggest_expire_seconds + 1
    assert await faq.respond(section, _asked("1", group=group, user="qq:3")) is None
    # statements are not offered suggestions
    assert await faq.respond(section, _asked("游泳池开了", group=group)) is None


async def test_fault_without_entry_gets_the_repair_hint_once(clock) -> None:
    faq, section = _faq(clock), section_config("faq", shipped=True)
    group, user = f"qq:{new_group_id()}", "qq:31"
    reply = await faq.respond(section, _asked("3栋电梯坏了", group=group, user=user))
    assert reply.kind == "fault" and reply.text == ""
    again = await faq.respond(section, _asked("电梯还是坏了", group=group, user=user))
    assert again is None
    custom = section_config(
        "faq", shipped=True, fault_hint="请打 XXX-XXXXXXX 报修", fault_words=["漏水"]
    )
    reply = await _faq(clock).respond(custom, _asked("楼上漏水了怎么办"))
    assert reply.kind == "fault" and reply.text == "请打 XXX-XXXXXXX 报修"


async def test_per_member_throttle(clock) -> None:
    faq, section = _faq(clock), section_config("faq", shipped=True, user_limit=2)
    user = "qq:77"
    texts = ["物业电话是多少", "健身房几点开门", "停车费多少钱"]
    replies = [await faq.respond(section, _asked(t, user=user)) for t in texts]
    assert [r is not None for r in replies] == [True, True, False]
    clock.now += section.user_window_seconds
    assert await faq.respond(section, _asked("快递放哪里了", user=user)) is not None


async def test_mentioned_and_unknown_says_so(clock) -> None:
    faq, section = _faq(clock), section_config("faq", shipped=True)
    reply = await faq.respond(section, _asked("小区有几个门", to_me=True))
    assert reply.kind == "unknown"
    assert await faq.respond(section, _asked("谢谢", to_me=True)) is None


async def test_variables_in_answers(clock) -> None:
    section = section_config(
        "faq",
        shipped=True,
        entries=[
            {
                "questions": ["今天几号"],
                "answer": "今天是{today}{weekday}，{group_name}。",
            }
        ],
    )
    reply = await _faq(clock).respond(
        section, _asked("今天几号？", group_name="3栋业主群"), NOON
    )
    assert reply.text == "今天是10月28日星期一，3栋业主群。"


async def test_unanswered_questions_are_counted_and_listed(clock) -> None:
    faq, section = _faq(clock), section_config("faq", shipped=True)
    group = f"qq:{new_group_id()}"
    for text in ("小区充电桩在哪？", "请问小区充电桩在哪", "小区充电桩在哪呀？"):
        assert await faq.respond(section, _asked(text, group=group)) is None
    await faq.respond(section, _asked("我的电话13812345678能登记吗？", group=group))
    await faq.respond(section, _asked("今天天气真好", group=group))  # not a question
    found = await faq.unanswered(section, group=group)
    assert found[0][1] == 3 and "充电桩" in found[0][0]
    assert [s for s, _, _ in found][1] == "我的电话138******78能登记吗？"
    assert len(found) == 2
    # once taught, it leaves the list
    await faq.add(section, _actor(), ["充电桩在哪"], "在地下车库 B2。")
    found = await faq.unanswered(section, group=group)
    assert [s for s, _, _ in found] == ["我的电话138******78能登记吗？"]


async def test_unanswered_counts_are_written_together_not_per_message(clock) -> None:
    from plugins.faq.models import FaqUnanswered

    faq, section = _faq(clock), section_config("faq", shipped=True)
    group = f"qq:{new_group_id()}"
    asked = _asked("游泳池几点开门？", group=group)
    for _ in range(3):
        assert await faq.respond(section, asked) is None
    assert not await FaqUnanswered.filter(group=group).exists()  # in memory so far
    await faq.flush_unanswered()
    row = await FaqUnanswered.get(group=group)
    assert row.count == 3
    # asked again after the write: added to the row, not replacing it
    await faq.respond(section, _asked("游泳池几点开门？", group=group))
    await faq.flush_unanswered()
    assert (await FaqUnanswered.get(group=group)).count == 4


async def test_unanswered_counts_flush_by_themselves(clock, monkeypatch) -> None:
    import asyncio

    from plugins.faq import service
    from plugins.faq.models import FaqUnanswered

    monkeypatch.setattr(service, "UNANSWERED_FLUSH_SECONDS", 0.01)
    faq, section = _faq(clock), section_config("faq", shipped=True)
    group = f"qq:{new_group_id()}"
    await faq.respond(section, _asked("游泳池几点开门？", group=group))
    for _ in range(100):
        await asyncio.sleep(0.02)
        if await FaqUnanswered.filter(group=group).exists():
            break
    assert (await FaqUnanswered.get(group=group)).count == 1


def test_helpers() -> None:
    from plugins.faq.entries import split_questions
    from plugins.faq.service import mask, parse_choice

    assert split_questions("物业电话 / 物业怎么联系；物业热线") == [
        "物业电话",
        "物业怎么联系",
        "物业热线",
    ]
    assert mask("电话 13812345678") == "电话 138******78"
    assert [parse_choice(t) for t in ("1", "第2个", "三", "12", "a")] == [
        1,
        2,
        3,
        None,
        None,
    ]
