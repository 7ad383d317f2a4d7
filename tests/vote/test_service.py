"""service.py on the test database: create, cast, change, retract, households."""

from __future__ import annotations

import pytest

from tests.helpers import new_group, section_config
from tests.vote.util import make_vote, new_user, voter


async def test_create_numbers_votes_per_group_and_fills_decision_options() -> None:
    group, other = new_group(), new_group()
    first = await make_vote(group, "绿化 方案A 方案B")
    second = await make_vote(group, "停车 地面 地下")
    elsewhere = await make_vote(other, "活动 唱歌 跳舞")
    assert (first.number, second.number, elsewhere.number) == (1, 2, 1)
    config = section_config("vote", households=["3-1-101 90", "3-1-102 80"])
    decision = await make_vote(group, "物业费调整 业主决议", config=config)
    assert decision.options == ["同意", "反对", "弃权"]
    assert decision.per_household and decision.roster_only
    assert decision.roster == {"3-1-101": 9000, "3-1-102": 8000}
    en = await make_vote(new_group(), "Fees owners", config=config, locale="en")
    assert en.options == ["Approve", "Reject", "Abstain"]


async def test_create_refusals() -> None:
    from plugins.vote.service import VoteError

    group = new_group()
    cases = [
        ("表决 业主决议", section_config("vote"), "vote.error.no_roster"),
        (
            "表决 业主决议",
            section_config("vote", households=["3-1-101 90", "3-1-102"]),
            "vote.error.roster_areas",
        ),
        ("A x y 截止 下辈子", section_config("vote"), "vote.error.deadline"),
        (
            "A x y 截止 2020-01-01T00:00:00+08:00",
            section_config("vote"),
            "vote.error.deadline_past",
        ),
        (
            "A x y z",
            section_config("vote", max_options=2),
            "vote.error.too_many_options",
        ),
    ]
    for text, config, key in cases:
        with pytest.raises(VoteError) as info:
            await make_vote(group, text, config=config)
        assert info.value.key == key, text
    limited = section_config("vote", max_open=1)
    await make_vote(group, "一 a b", config=limited)
    with pytest.raises(VoteError) as info:
        await make_vote(group, "二 a b", config=limited)
    assert info.value.key == "vote.error.too_many_open"


async def test_deadline_and_reminder_are_scheduled() -> None:
    from plugins.core.models import Job

    group = new_group()
    vote = await make_vote(group, "绿化 A B 截止 3天", config=section_config("vote"))
    close = await Job.get(key=f"vote:close:{vote.id}")
    remind = await Job.get(key=f"vote:remind:{vote.id}")
    assert close.due_at == vote.deadline and close.payload == {"id": vote.id}
    assert (vote.deadline - remind.due_at).total_seconds() == 7200
    # a deadline nearer than the reminder: no reminder
    soon = await make_vote(group, "绿化 A B 截止 1h")
    assert not await Job.exists(key=f"vote:remind:{soon.id}")
    # default_duration gives votes without 截止 a deadline
    auto = await make_vote(
        group, "x A B", config=section_config("vote", default_duration="1d")
    )
    assert auto.deadline is not None


async def test_cast_change_same_retract() -> None:
    from plugins.vote import service

    vote = await make_vote(new_group(), "绿化 A B C 多选 2")
    alice = voter(new_user(), "3-2-201 张三")
    out = await service.cast(vote, alice, [2])
    assert (out.kind, out.choices) == ("new", (2,))
    out = await service.cast(vote, alice, [3, 1, 3])
    assert (out.kind, out.choices) == ("changed", (1, 3))
    assert (await service.cast(vote, alice, [1, 3])).kind == "same"
    data = await service.results(vote)
    assert (data.voters, data.counts) == (1, [1, 0, 1])
    assert (await service.retract(vote, alice)).kind == "retracted"
    assert (await service.retract(vote, alice)).kind == "none"
    data = await service.results(vote)
    assert (data.voters, data.counts) == (0, [0, 0, 0])


async def test_choice_checks() -> None:
    from plugins.vote import service
    from plugins.vote.service import VoteError

    single = await make_vote(new_group(), "绿化 A B C")
    multi = await make_vote(new_group(), "绿化 A B C 多选 2")
    someone = voter(new_user(), "张三")
    for vote, choices, key in [
        (single, [4], "vote.error.choice_range"),
        (single, [0], "vote.error.choice_range"),
        (single, [1, 2], "vote.error.single_choice"),
        (multi, [1, 2, 3], "vote.error.too_many_choices"),
    ]:
        with pytest.raises(VoteError) as info:
            await service.cast(vote, someone, choices)
        assert info.value.key == key


async def test_no_change_when_config_forbids_it() -> None:
    from plugins.vote import service
    from plugins.vote.service import VoteError

    vote = await make_vote(
        new_group(), "绿化 A B", config=section_config("vote", allow_change=False)
    )
    alice = voter(new_user(), "张三")
    await service.cast(vote, alice, [1])
    with pytest.raises(VoteError) as info:
        await service.cast(vote, alice, [2])
    assert info.value.key == "vote.error.no_change"
    with pytest.raises(VoteError):
        await service.retract(vote, alice)


async def test_household_replacement_names_the_earlier_voter() -> None:
    from plugins.vote import service
    from plugins.vote.models import Ballot

    vote = await make_vote(new_group(), "绿化 A B 每户一票")
    husband, wife = new_user(), new_user()
    first = await service.cast(vote, voter(husband, "3-2-201 张三"), [1])
    assert (first.kind, first.household) == ("new", "3-2-201")
    second = await service.cast(vote, voter(wife, "3栋2单元201 李四"), [2])
    assert second.kind == "replaced"
    assert (second.previous_user, second.previous_name) == (husband, "3-2-201 张三")
    rows = await Ballot.filter(vote_id=vote.id)
    assert [(b.household, b.user, b.choices) for b in rows] == [("3-2-201", wife, [2])]
    data = await service.results(vote)
    assert (data.voters, data.counts) == (1, [0, 1])
    # the same member changing again is a change, not a replacement
    assert (
        await service.cast(vote, voter(wife, "3-2-201 李四"), [1])
    ).kind == "changed"


async def test_household_needs_a_recognisable_nickname_or_roster_membership() -> None:
    from plugins.vote import service
    from plugins.vote.roster import build
    from plugins.vote.service import VoteError

    vote = await make_vote(new_group(), "绿化 A B 每户一票")
    with pytest.raises(VoteError) as info:
        await service.cast(vote, voter(new_user(), "老王"), [1])
    assert info.value.key == "vote.error.no_household"
    assert info.value.values == {"name": "老王"}
    # a roster entry listing the member's id stands in for the nickname (WeChat)
    user = new_user()
    roster = build([{"building": 7, "unit": 1, "room": 701, "members": [user]}])
    out = await service.cast(vote, voter(user, "老王"), [1], roster=roster)
    assert (out.kind, out.household) == ("new", "7-1-701")


async def test_roster_only_refuses_households_not_on_it() -> None:
    from plugins.vote import service
    from plugins.vote.service import VoteError

    config = section_config("vote", households=["3-2-201 90"], roster_only=True)
    vote = await make_vote(new_group(), "绿化 A B", config=config)
    assert not vote.per_household and vote.roster_only
    with pytest.raises(VoteError) as info:
        await service.cast(vote, voter(new_user(), "3-2-202 王五"), [1])
    assert info.value.values == {"household": "3-2-202"}
    # per person: two members of 3-2-201 each have a ballot
    await service.cast(vote, voter(new_user(), "3-2-201 张三"), [1])
    await service.cast(vote, voter(new_user(), "3-2-201 李四"), [2])
    assert (await service.results(vote)).voters == 2


async def test_closed_or_past_deadline_takes_no_ballot() -> None:
    from datetime import timedelta

    from tortoise import timezone

    from plugins.vote import service
    from plugins.vote.service import VoteError

    vote = await make_vote(new_group(), "绿化 A B 截止 1h")
    later = timezone.now() + timedelta(hours=2)
    with pytest.raises(VoteError) as info:
        await service.cast(vote, voter(new_user(), "张三"), [1], now=later)
    assert info.value.key == "vote.error.closed"
    closed = await service.close(vote.id, actor="qq:500")
    assert closed is not None and closed.status == "closed"
    assert await service.close(vote.id) is None  # only once
    with pytest.raises(VoteError):
        await service.cast(vote, voter(new_user(), "张三"), [1])


async def test_owner_decision_with_roster_areas() -> None:
    """9 households, areas differ; the big flats decide the area threshold."""
    from plugins.vote import render, service

    roster = [f"3-1-{101 + i} 150" for i in range(3)]  # 3 big flats: 450 m²
    roster += [f"3-2-{101 + i} 60" for i in range(6)]  # 6 small flats: 360 m²
    config = section_config("vote", households=roster)
    vote = await make_vote(
        new_group(), "维修资金更换电梯 业主决议 重大事项", config=config
    )
    # all 3 big flats approve, 4 small approve, 2 small reject: turnout 9/9
    # approval: households 7/9 = 77.8 % ≥ 3/4, area 690/810 = 85.2 % ≥ 3/4
    for i in range(3):
        await service.cast(vote, voter(new_user(), f"3-1-{101 + i} 业主"), [1])
    for i in range(6):
        choice = 1 if i < 4 else 2
        await service.cast(vote, voter(new_user(), f"3-2-{101 + i} 业主"), [choice])
    data = await service.results(vote)
    assert (data.eligible, data.eligible_area) == (9, 81000)
    assert (data.voters, data.voters_area) == (9, 81000)
    assert (data.counts, data.areas) == ([7, 2, 0], [69000, 12000, 0])
    assert data.decision is not None and data.decision.passed is True
    text = render.results_text(data, "zh-CN")
    assert "同意户数 7 / 9（77.8%），需≥3/4：✔ 达到" in text
    assert "同意面积 690.00㎡ / 810.00㎡（85.2%），需≥3/4：✔ 达到" in text
    assert "结论：通过 ✔" in text
    # one big flat switches to reject: 6/9 households (66.7 %) < 3/4
    await service.cast(vote, voter(new_user(), "3-1-101 家人"), [2])
    data = await service.results(vote)
    assert data.decision.passed is False
    text = render.results_text(data, "zh-CN")
    assert "同意户数 6 / 9（66.7%），需≥3/4：✘ 未达到" in text
    assert "同意面积 540.00㎡ / 810.00㎡（66.7%），需≥3/4：✘ 未达到" in text
    assert "结论：未通过 ✘" in text


async def test_results_text_with_bars_and_hidden_results() -> None:
    from plugins.vote import render, service

    vote = await make_vote(new_group(), "活动 唱歌 跳舞 下棋 隐藏结果")
    for choice in (1, 1, 2, 1):
        await service.cast(vote, voter(new_user(), "张三"), [choice])
    data = await service.results(vote)
    hidden = render.results_text(data, "zh-CN")
    assert hidden == "【投票】#1 活动：结果将在截止后公布，目前已有 4 人参与。"
    closed = await service.close(vote.id)
    text = render.results_text(await service.results(closed), "zh-CN")
    assert text == (
        "【投票结果】#1 活动（已截止）\n"
        "1. 唱歌  3票 75.0% ████████░░\n"
        "2. 跳舞  1票 25.0% ███░░░░░░░\n"
        "3. 下棋  0票 0.0% ░░░░░░░░░░\n"
        "参与：4 人"
    )


async def test_missing_households_and_members_for_the_reminder() -> None:
    from plugins.core.models import KnownMember
    from plugins.vote import render, service

    group = new_group()
    config = section_config(
        "vote", households=["3-2-201 90", "3-2-202 80", "3-2-203 70"]
    )
    vote = await make_vote(group, "绿化 A B 每户一票 截止 3天", config=config)
    a, b, c = new_user(), new_user(), new_user()
    for user, nick in ((a, "3-2-201 张三"), (b, "3-2-202 李四"), (c, "3-2-202 王五")):
        await KnownMember.create(group=group, user=user, display_name=nick)
    await service.cast(vote, voter(a, "3-2-201 张三"), [1])
    missing = await service.missing(vote)
    assert missing.count == 2
    assert missing.households == ["3-2-202", "3-2-203"]
    assert [u for u, _ in missing.members] in ([b], [c])  # one per household
    text, mention = render.reminder(vote, missing, "zh-CN", vote_tz(), limit=10)
    assert "还有 2 户没有投票" in text
    assert mention == [u for u, _ in missing.members]  # a real @, first
    assert "等，共 2 户" in text  # 3-2-203 has nobody in the group to name
    text, mention = render.reminder(
        vote, missing, "zh-CN", vote_tz(), limit=10, style="names"
    )
    assert "未投票：@3-2-202" in text and mention == []
    text, mention = render.reminder(vote, missing, "zh-CN", vote_tz(), limit=0)
    assert text.count("@") == 0 and mention == []


def vote_tz():
    from tests.vote.util import TZ

    return TZ
