"""The ``tickets:`` section of the admin's YAML (every key has a default)."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Annotated, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from plugins.core import Duration, Section, register_section

_CLOCK = re.compile(r"^(?:[01]?\d|2[0-3]):[0-5]\d$|^24:00$")


Clock = Annotated[str, Field(pattern=_CLOCK.pattern)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SlaTimes(_Model):
    acknowledge: Duration = timedelta(minutes=5)
    update: Duration = timedelta(hours=4)
    resolve: Duration = timedelta(hours=24)
    # service: the clock runs in service_hours only; always: 24×7
    hours: Literal["service", "always"] = "service"


class SlaOverride(_Model):
    acknowledge: Duration | None = None
    update: Duration | None = None
    resolve: Duration | None = None
    hours: Literal["service", "always"] | None = None


def _p1_times() -> SlaTimes:
    return SlaTimes(
        acknowledge=timedelta(minutes=1),
        update=timedelta(minutes=30),
        resolve=timedelta(hours=4),
        hours="always",
    )


class SlaConfig(_Model):
    normal: SlaTimes = Field(default_factory=SlaTimes)
    p1: SlaTimes = Field(default_factory=_p1_times)


class CategorySla(_Model):
    normal: SlaOverride = Field(default_factory=SlaOverride)
    p1: SlaOverride = Field(default_factory=SlaOverride)


class CategoryConfig(_Model):
    keywords: list[str] = Field(default_factory=list)
    labels: dict[str, str] = Field(default_factory=dict)
    staff_groups: list[str] = Field(default_factory=list)
    assignees: list[str] = Field(default_factory=list)
    sla: CategorySla = Field(default_factory=CategorySla)
    duplicate_scope: Literal["room", "unit", "building", "estate", "none"] = "room"


def _cat(keywords: str, en: str, scope: str = "room") -> CategoryConfig:
    return CategoryConfig(
        keywords=keywords.split(), labels={"en": en}, duplicate_scope=scope
    )


def default_categories() -> dict[str, CategoryConfig]:
    return {
        "电梯": _cat("电梯 轿厢 困人 扶梯 lift elevator", "Lifts", "unit"),
        "水电": _cat(
            "水管 漏水 渗水 停水 水压 下水 堵塞 马桶 停电 跳闸 电路 插座 灯 燃气 煤气 "
            "leak water power light toilet",
            "Water & power",
        ),
        "保洁": _cat(
            "保洁 垃圾 卫生 清扫 打扫 异味 臭 污渍 rubbish garbage trash",
            "Cleaning",
            "building",
        ),
        "安保": _cat(
            "安保 保安 门禁 陌生人 监控 被盗 小偷 消防 着火 安全隐患 security stranger",
            "Security",
            "building",
        ),
        "绿化": _cat(
            "绿化 草坪 树木 修剪 花坛 浇水 杂草 garden grass", "Gardens", "building"
        ),
        "停车": _cat(
            "停车 车位 占道 挡车 车库 道闸 乱停 parking", "Parking", "building"
        ),
        "噪音": _cat("噪音 太吵 吵闹 装修 广场舞 扰民 noise noisy", "Noise"),
        "其他": _cat("", "Other", "none"),
    }


class ServiceHours(_Model):
    start: Clock = "08:00"
    end: Clock = "20:00"
    days: list[int] = Field(default_factory=lambda: [1, 2, 3, 4, 5, 6, 7])
    closed_dates: list[date] = Field(default_factory=list)

    @model_validator(mode="after")
    def _sane(self) -> ServiceHours:
        if self.start == "24:00":
            raise ValueError("start must be before 24:00")
        start = tuple(int(p) for p in self.start.split(":"))
        end = tuple(int(p) for p in self.end.split(":"))
        if end <= start:
            raise ValueError(
                f"end ({self.end}) must be after start ({self.start}); "
                "use 00:00 and 24:00 for the whole day"
            )
        if not self.days or any(d < 1 or d > 7 for d in self.days):
            raise ValueError("days are weekday numbers 1 (Monday) to 7 (Sunday)")
        return self


class Level(_Model):
    name: str
    contacts: list[str] = Field(default_factory=list)
    after: Duration = timedelta(0)
    private: bool = False


def _levels() -> list[Level]:
    return [
        Level(name="主管", after=timedelta(0)),
        Level(name="经理", after=timedelta(minutes=30)),
    ]


class EscalationConfig(_Model):
    nudge_at: float = Field(0.8, gt=0, lt=1)
    levels: list[Level] = Field(default_factory=_levels, min_length=1)
    repeat: int = Field(1, ge=0, le=20)
    repeat_every: Duration = timedelta(hours=1)


class RatingConfig(_Model):
    auto_close_after: Duration = timedelta(hours=48)
    alert_at_or_below: int = Field(2, ge=0, le=5)
    reopen_within: Duration = timedelta(days=7)


class ProgressConfig(_Model):
    enabled: bool = True
    every: Literal["day", "week", "month"] = "week"
    weekday: int = Field(1, ge=1, le=7)
    monthday: int = Field(1, ge=1, le=28)
    time: Clock = "09:00"
    groups: list[str] = Field(default_factory=list)
    include_complaints: bool = False
    include_private: bool = False
    max_rows: int = Field(30, ge=1, le=200)


P1_KEYWORDS = (
    "电梯困人", "困在电梯", "漏水", "停电", "着火", "火灾", "燃气", "煤气",
    "trapped", "fire", "gas leak",
)  # fmt: skip


class TicketsConfig(Section):
    # the estate of the group (groups: <id>: estate, see plugins/core/estates.py);
    # an older file's tickets.estate still names it
    estate_field: ClassVar[str] = "estate"
    estate: str = Field("default", min_length=1, max_length=64)
    report_back: Literal["group", "private"] = "group"
    default_category: str = "其他"
    categories: dict[str, CategoryConfig] = Field(default_factory=default_categories)
    p1_keywords: list[str] = Field(default_factory=lambda: list(P1_KEYWORDS))
    on_call: list[str] = Field(default_factory=list)
    duplicate_window: Duration = timedelta(hours=24)
    free_format_tags: list[str] = Field(
        default_factory=lambda: ["问题", "报修", "报事", "投诉"]
    )
    service_hours: ServiceHours = Field(default_factory=ServiceHours)
    sla: SlaConfig = Field(default_factory=SlaConfig)
    escalation: EscalationConfig = Field(default_factory=EscalationConfig)
    rating: RatingConfig = Field(default_factory=RatingConfig)
    progress: ProgressConfig = Field(default_factory=ProgressConfig)

    @model_validator(mode="after")
    def _default_category_exists(self) -> TicketsConfig:
        if self.default_category not in self.categories:
            names = ", ".join(self.categories)
            raise ValueError(
                f"default_category {self.default_category!r} is not one of the "
                f"categories ({names})"
            )
        return self

    def sla_for(self, category: str, priority: str) -> SlaTimes:
        """The SLA of a category at a priority (``p1`` or ``normal``)."""
        base = self.sla.p1 if priority == "p1" else self.sla.normal
        cat = self.categories.get(category)
        if cat is None:
            return base
        over = cat.sla.p1 if priority == "p1" else cat.sla.normal
        changes = {k: v for k, v in over.model_dump().items() if v is not None}
        return base.model_copy(update=changes)

    def label(self, category: str, locale: str) -> str:
        cat = self.categories.get(category)
        if cat is None:
            return category
        return cat.labels.get(locale, category)


register_section("tickets", TicketsConfig)
