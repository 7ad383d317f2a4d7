"""parsing.py: what residents type after /投票 (pure functions)."""

from __future__ import annotations

import pytest


def test_new_vote_with_every_flag() -> None:
    from plugins.vote.parsing import NewVote, parse_command

    cmd = parse_command(
        "小区绿化方案 方案A 方案B 方案C 多选 2 匿名 截止 明天 18:00 每户一票 隐藏结果"
    )
    assert cmd == NewVote(
        title="小区绿化方案",
        options=("方案A", "方案B", "方案C"),
        max_choices=2,
        anonymous=True,
        deadline="明天 18:00",
        per_household=True,
        hide_results=True,
    )


def test_flags_glued_to_their_value_and_numbered_options() -> None:
    from plugins.vote.parsing import parse_command

    cmd = parse_command("停车 1.地面 2、地下 3）都行 截止明天9点 多选2")
    assert cmd.options == ("地面", "地下", "都行")
    assert cmd.deadline == "明天9点"
    assert cmd.max_choices == 2


def test_multi_without_number_allows_every_option() -> None:
    from plugins.vote.parsing import parse_command

    assert parse_command("活动 唱歌 跳舞 下棋 多选").max_choices == 3
    assert parse_command("活动 唱歌 跳舞").max_choices == 1


def test_quotes_keep_spaces_and_english_aliases() -> None:
    from plugins.vote.parsing import parse_command

    cmd = parse_command('new "Garden plan" "Plan A" B anonymous until Fri 17:00 hidden')
    assert cmd.title == "Garden plan"
    assert cmd.options == ("Plan A", "B")
    assert cmd.anonymous and cmd.hide_results
    assert cmd.deadline == "Fri 17:00"
    assert parse_command("“小区 绿化” 好 不好").title == "小区 绿化"


def test_owner_decision_defaults_and_major() -> None:
    from plugins.vote.parsing import parse_command

    cmd = parse_command("使用维修资金更换电梯 业主决议 重大事项 截止 10月28日 12:00")
    assert cmd.decision == "major"
    assert cmd.options == ()  # the service fills in 同意 反对 弃权
    assert cmd.per_household and cmd.max_choices == 1
    assert cmd.deadline == "10月28日 12:00"
    assert parse_command("停车费调整 同意 反对 业主决议").decision == "ordinary"


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("只有标题", "vote.usage.new"),
        ("标题 一个选项", "vote.usage.new"),
        ("标题 A A", "vote.error.option_twice"),
        ("标题 A B 截止", "vote.error.deadline_missing"),
        ("标题 A B 多选 3", "vote.error.multi_range"),
        ("标题 业主决议 多选", "vote.error.decision_multi"),
        ("标" * 101 + " A B", "vote.error.title_long"),
        ("2 一", "vote.usage.cast"),
        ("结果 一", "vote.usage.ref"),
        ("撤回 1 2", "vote.usage.ref"),
    ],
)
def test_malformed_commands_name_the_usage(text: str, key: str) -> None:
    from plugins.vote.parsing import UsageError, parse_command

    with pytest.raises(UsageError) as info:
        parse_command(text)
    assert info.value.key == key


def test_ballots_views_and_subcommands() -> None:
    from plugins.vote.parsing import (
        Cast,
        Close,
        Help,
        ListVotes,
        Ref,
        Results,
        Retract,
        View,
        parse_command,
    )

    assert parse_command("2 1 3") == Cast(Ref(number=2), (1, 3))
    assert parse_command("２ １，３") == Cast(Ref(number=2), (1, 3))  # full-width
    assert parse_command("#57 2") == Cast(Ref(vote_id=57), (2,))
    assert parse_command("2") == View(Ref(number=2))
    assert parse_command("") == ListVotes()
    assert parse_command("列表") == ListVotes()
    assert parse_command("结果") == Results()
    assert parse_command("results 3") == Results(Ref(number=3))
    assert parse_command("撤回 #9") == Retract(Ref(vote_id=9))
    assert parse_command("结束 1") == Close(Ref(number=1))
    assert parse_command("查看 4") == View(Ref(number=4))
    assert parse_command("帮助") == Help()


def test_bare_replies_are_only_numbers() -> None:
    from plugins.vote.parsing import parse_bare

    assert parse_bare("2") == [2]
    assert parse_bare(" 1 3 ") == [1, 3]
    assert parse_bare("1、3") == [1, 3]
    assert parse_bare("１") == [1]
    assert parse_bare("2楼") is None
    assert parse_bare("+1") is None
    assert parse_bare("13800138000") is None  # a phone number is not a ballot
    assert parse_bare("") is None
