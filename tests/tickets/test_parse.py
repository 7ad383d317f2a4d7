"""Command arguments."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

NOW = datetime(2030, 3, 4, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def test_number_and_rest() -> None:
    from plugins.tickets.parse import number_and_rest

    assert number_and_rest("12 已更换灯泡") == (12, "已更换灯泡")
    assert number_and_rest("#0012") == (12, "")
    assert number_and_rest("灯泡") == (None, "灯泡")
    assert number_and_rest("") == (None, "")


def test_reason_and_expected_resume_time() -> None:
    from plugins.tickets.parse import reason_and_time

    reason, until = reason_and_time("等配件 明天 9点", NOW)
    assert reason == "等配件"
    assert until == datetime(2030, 3, 5, 9, 0, tzinfo=NOW.tzinfo)
    assert reason_and_time("等配件 2h", NOW)[1] == datetime(
        2030, 3, 4, 12, 0, tzinfo=NOW.tzinfo
    )
    assert reason_and_time("业主不在家", NOW) == ("业主不在家", None)
    # a lone time is the reason, not a resume time
    assert reason_and_time("明天", NOW) == ("明天", None)


def test_score_and_period() -> None:
    from plugins.tickets.parse import period_of, score_and_comment

    assert score_and_comment("5 师傅很耐心") == (5, "师傅很耐心")
    assert score_and_comment("4分") == (4, "")
    assert score_and_comment("很好") == (None, "很好")
    assert period_of("") == "week"
    assert period_of(" 本月") == "month"
    assert period_of("去年") is None
