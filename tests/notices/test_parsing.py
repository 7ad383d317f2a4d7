"""Pure parsing: /通知 arguments, fields, event times and reminder rules."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2023, 10, 26, 10, 0, tzinfo=TZ)  # a Thursday


def test_labelled_lines_as_in_the_seed() -> None:
    from plugins.notices.parsing import parse_fields

    fields = parse_fields(
        "标题：关于本周六社区义诊活动\n"
        "时间：2023年10月28日 9:00-12:00\n"
        "地点：社区中心广场\n"
        "内容：免费血压、血糖检测，健康咨询\n"
        "联系人：李医生（138XXXXXXXX）"
    )
    assert fields.title == "关于本周六社区义诊活动"
    assert fields.time == "2023年10月28日 9:00-12:00"
    assert fields.place == "社区中心广场"
    assert fields.content == "免费血压、血糖检测，健康咨询"
    assert fields.contact == "李医生（138XXXXXXXX）"


def test_labels_on_one_line_full_or_half_width_colons() -> None:
    from plugins.notices.parsing import parse_fields

    fields = parse_fields(
        "标题：停水通知 时间:明天 9:00-17:00 地点：3栋 内容：管道检修"
    )
    assert (fields.title, fields.time, fields.place, fields.content) == (
        "停水通知",
        "明天 9:00-17:00",
        "3栋",
        "管道检修",
    )


def test_plain_text_first_line_is_title_rest_is_content() -> None:
    from plugins.notices.parsing import parse_fields

    fields = parse_fields("电梯保养\n明天上午 2 号电梯停用\n请走楼梯")
    assert fields.title == "电梯保养"
    assert fields.content == "明天上午 2 号电梯停用\n请走楼梯"
    one = parse_fields("今晚 8 点草坪灭蚊")
    assert (one.title, one.content) == ("今晚 8 点草坪灭蚊", "")


def test_unlabelled_lead_becomes_title_and_multiline_content_kept() -> None:
    from plugins.notices.parsing import parse_fields

    fields = parse_fields("燃气安全检查\n时间：周六\n内容：请家中留人\n注意：带好证件")
    assert fields.title == "燃气安全检查"
    assert fields.time == "周六"
    assert fields.content == "请家中留人\n注意：带好证件"


def test_english_labels_only_at_line_start() -> None:
    from plugins.notices.parsing import parse_fields

    fields = parse_fields(
        "title: Water cut\ntime: 10-28 09:00\ncontent: the time: is 9"
    )
    assert (fields.title, fields.time, fields.content) == (
        "Water cut",
        "10-28 09:00",
        "the time: is 9",
    )


def test_event_start_from_the_time_field() -> None:
    from plugins.notices.parsing import parse_event_start

    def start(text: str) -> datetime | None:
        return parse_event_start(text, NOW)

    assert start("2023年10月28日 9:00-12:00") == datetime(2023, 10, 28, 9, 0, tzinfo=TZ)
    assert start("10月28日（周六）上午9点到12点") == datetime(
        2023, 10, 28, 9, 0, tzinfo=TZ
    )
    assert start("明天 9:00-17:00") == datetime(2023, 10, 27, 9, 0, tzinfo=TZ)
    assert start("本周六 14:30") == datetime(2023, 10, 28, 14, 30, tzinfo=TZ)
    assert start("2023-10-28T09:00:06+08:00") == datetime(
        2023, 10, 28, 9, 0, 6, tzinfo=TZ
    )
    assert start("另行通知") is None
    assert start("") is None


def test_reminder_rules() -> None:
    from plugins.notices.parsing import ReminderRule, parse_reminder

    assert parse_reminder("前一天 20:00") == ReminderRule(1, time(20, 0))
    assert parse_reminder("day_before 20:00") == ReminderRule(1, time(20, 0))
    assert parse_reminder("前2天 09:00") == ReminderRule(2, time(9, 0))
    assert parse_reminder("当天 08:00") == ReminderRule(0, time(8, 0))
    assert parse_reminder("same_day 8:00") == ReminderRule(0, time(8, 0))
    assert parse_reminder("提前 1小时") == ReminderRule(offset=timedelta(hours=1))
    assert parse_reminder("before 30m") == ReminderRule(offset=timedelta(minutes=30))
    assert parse_reminder("-4s") == ReminderRule(offset=timedelta(seconds=4))
    assert parse_reminder("2小时前") == ReminderRule(offset=timedelta(hours=2))
    for bad in ("明天", "前一天 25:00", "提前 很久", ""):
        assert parse_reminder(bad) is None, bad


def test_reminder_times_the_seed_way_and_only_between_post_and_event() -> None:
    from plugins.notices.parsing import reminder_times

    default = ["前一天 20:00", "当天 08:00", "提前 1小时"]
    event = datetime(2023, 10, 28, 9, 0, tzinfo=TZ)
    assert reminder_times(default, event, TZ, after=NOW) == [
        datetime(2023, 10, 27, 20, 0, tzinfo=TZ),
        datetime(2023, 10, 28, 8, 0, tzinfo=TZ),
    ]  # 08:00 is both "the morning" and "1 h before": sent once
    late = datetime(2023, 10, 27, 21, 0, tzinfo=TZ)
    assert reminder_times(default, event, TZ, after=late) == [
        datetime(2023, 10, 28, 8, 0, tzinfo=TZ)
    ]
    early = datetime(2023, 10, 28, 7, 30, tzinfo=TZ)  # the morning is after it
    assert reminder_times(default, early, TZ, after=NOW) == [
        datetime(2023, 10, 27, 20, 0, tzinfo=TZ),
        datetime(2023, 10, 28, 6, 30, tzinfo=TZ),
    ]


def test_command_subcommands_and_numbers() -> None:
    from plugins.notices.parsing import parse_command

    assert parse_command("", NOW).action == "help"
    assert parse_command("列表", NOW).action == "list"
    assert parse_command("list", NOW).action == "list"
    cancel = parse_command("取消 #12", NOW)
    assert (cancel.action, cancel.number) == ("cancel", 12)
    assert parse_command("统计 7", NOW).number == 7
    assert parse_command("remind 3", NOW).action == "nudge"
    assert parse_command("取消", NOW).error == "bad_number"
    assert parse_command("统计 abc", NOW).error == "bad_number"


def test_command_flags_targets_and_body() -> None:
    from plugins.notices.parsing import Target, parse_command

    cmd = parse_command("#老年 @3栋 紧急 确认 标题：送餐\n内容：每周一", NOW)
    assert cmd.action == "post"
    assert cmd.targets == [Target("老年"), Target("3栋", "3")]
    assert cmd.urgent and cmd.confirm
    assert cmd.body == "标题：送餐\n内容：每周一"
    assert parse_command("@5 停电", NOW).targets == [Target("5", "5")]
    assert parse_command("＃年轻家庭 亲子活动", NOW).targets == [Target("年轻家庭")]
    assert parse_command("紧急", NOW).error == "usage"


def test_command_schedule_takes_the_longest_time() -> None:
    from plugins.notices.parsing import parse_command

    cmd = parse_command("定时 明天 8点 #老年 标题：体检", NOW)
    assert cmd.publish_at == datetime(2023, 10, 27, 8, 0, tzinfo=TZ)
    assert cmd.body == "标题：体检" and cmd.targets[0].tag == "老年"
    cmd = parse_command("schedule 2h Water cut", NOW)
    assert cmd.publish_at == NOW + timedelta(hours=2)
    assert cmd.body == "Water cut"
    cmd = parse_command("定时 3s\n标题：x", NOW)
    assert cmd.publish_at == NOW + timedelta(seconds=3) and cmd.body == "标题：x"
    bad = parse_command("定时 某天 停水", NOW)
    assert (bad.error, bad.bad_text) == ("bad_time", "某天 停水")
    past = parse_command("定时 2023-10-01T09:00 停水", NOW)
    assert past.error == "past_time"
