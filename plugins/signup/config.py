"""The ``signup:`` section of the admin's YAML (接龙)."""

from __future__ import annotations

from datetime import timedelta
from typing import Literal

from pydantic import Field

from plugins.core import OptionalDuration, Section, register_section


class SignupConfig(Section):
    # lowest role that may start a sheet: resident | staff | admin
    who_can_create: Literal["resident", "staff", "admin"] = "staff"
    # one entry per household (from the nickname or the 房号 field) instead of
    # one per person
    per_household: bool = False
    # fields every new sheet gets when its creator names none
    default_fields: list[str] = Field(default_factory=list)
    # field names that are a count which uses capacity, with the unit shown
    count_fields: dict[str, str] = Field(
        default_factory=lambda: {"人数": "人", "份数": "份", "数量": "份"}
    )
    # field names that hold the household (房号)
    household_fields: list[str] = Field(
        default_factory=lambda: ["房号", "房间号", "门牌号", "room"]
    )
    # field names whose values are private: masked in the group, full in exports
    private_fields: list[str] = Field(
        default_factory=lambda: [
            "电话",
            "手机",
            "手机号",
            "联系电话",
            "phone",
            "身份证",
        ]
    )
    # most places one entry may take (人数 2 = two places)
    max_count: int = Field(10, ge=1, le=1000)
    # most entries (participants and waitlist) on one sheet
    max_entries: int = Field(500, ge=1)
    # most sheets open at once in one group
    max_open: int = Field(10, ge=1)
    # the list is re-posted after changes at most once per this many seconds
    repost_seconds: float = Field(10.0, ge=0)
    # a reminder this long before the deadline ("0" or "" = none)
    remind_before: OptionalDuration = timedelta(hours=2)
    # accept plain "+1", "接龙 3-201 2人" and pasted WeChat 接龙 lists
    plain_text: bool = True
    # at most this many lines of entries in one group message
    max_lines: int = Field(100, ge=5)
    # the file /接龙 导出 sends: xlsx (needs openpyxl) or csv
    export_format: Literal["xlsx", "csv"] = "xlsx"


register_section("signup", SignupConfig)
