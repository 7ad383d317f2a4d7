"""The notices section of the YAML, and the 【通知】 text it produces."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from tests.shipped import section_text

ROOT = Path(__file__).resolve().parents[2]
TZ = ZoneInfo("Asia/Shanghai")


def _with_fragment(tmp_path: Path, extra: str = "") -> Path:
    text = (ROOT / "config/linli.yaml").read_text(encoding="utf-8")
    fragment = section_text("notices")
    path = tmp_path / "linli.yaml"
    if "\nnotices:\n" not in text:  # a key written twice is refused
        text += "\n" + fragment
    path.write_text(text + extra, encoding="utf-8")
    return path


def test_documented_fragment_validates_with_the_defaults(tmp_path: Path) -> None:
    from plugins.core.config import load
    from plugins.notices.config import NoticesConfig

    section = load(_with_fragment(tmp_path)).section("notices")
    assert section == NoticesConfig()
    assert section.weekly_cap == 3
    assert section.cap_window == timedelta(days=7)
    assert section.reminders == ["前一天 20:00", "当天 08:00", "提前 1小时"]
    assert section.confirm_window == timedelta(days=3)
    assert section.nudge_every == timedelta(hours=12)
    assert section.emergency_word("明天停水通知") == "停水"
    assert section.type_of("3栋停电检修")[0] == "停水停电"


def test_empty_section_works() -> None:
    from plugins.notices.config import NoticesConfig

    assert NoticesConfig.model_validate({}).template_for("fr").startswith("【{label}】")


def test_mistakes_name_the_line_and_the_key(tmp_path: Path) -> None:
    import pytest

    from plugins.core.config import ConfigError, load

    bad = (
        'groups:\n  "qq:1":\n    notices:\n      reminders: ["明年"]\n'
        '      templates: {zh-CN: "【通知】{title} {phone}"}\n'
    )
    path = tmp_path / "bad.yaml"
    path.write_text(bad, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load(path)
    text = str(info.value)
    assert f"{path}:4 [groups.qq:1.notices.reminders]" in text
    assert "cannot read reminder '明年'" in text
    assert "[groups.qq:1.notices.templates]" in text
    assert "unknown placeholder 'phone'" in text


def test_template_fills_and_drops_empty_lines() -> None:
    from plugins.notices.config import TEMPLATE_ZH
    from plugins.notices.parsing import NoticeFields
    from plugins.notices.render import notice_text

    fields = NoticeFields(
        title="关于本周六社区义诊活动",
        time="2023年10月28日 9:00-12:00",
        place="社区中心广场",
        content="免费血压、血糖检测，健康咨询",
        contact="李医生（138XXXXXXXX）",
    )
    text = notice_text(
        TEMPLATE_ZH, "zh-CN", fields, label_key="notices.label.notice", tz=TZ
    )
    assert text == (
        "【通知】关于本周六社区义诊活动\n"
        "时间：2023年10月28日 9:00-12:00\n"
        "地点：社区中心广场\n"
        "内容：免费血压、血糖检测，健康咨询\n"
        "联系人：李医生（138XXXXXXXX）"
    )
    short = notice_text(
        TEMPLATE_ZH,
        "zh-CN",
        NoticeFields(title="明天停水", content="请提前储水"),
        label_key="notices.label.urgent",
        confirm_until=datetime(2023, 10, 28, 20, 0, tzinfo=TZ),
        tz=TZ,
    )
    assert short == (
        "【紧急通知】明天停水\n内容：请提前储水\n"
        "收到请回复 1 确认（10月28日 20:00 前）。"
    )


def test_percent() -> None:
    from plugins.notices.render import percent

    assert (percent(1, 3), percent(0, 0)) == ("33%", "—")


def test_time_left_in_whole_minutes() -> None:
    from plugins.notices.render import time_left

    now = datetime(2023, 10, 28, 8, 0, 1, tzinfo=TZ)
    event = datetime(2023, 10, 28, 9, 0, tzinfo=TZ)
    assert time_left(event, now, "zh-CN") == "距开始还有 1小时。"
    assert time_left(event, event - timedelta(seconds=2), "en") == "Starts in 2s."
