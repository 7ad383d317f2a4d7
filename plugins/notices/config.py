"""The ``notices:`` section of the admin's YAML, config/linli.yaml."""

from __future__ import annotations

import string
from datetime import timedelta
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from plugins.core import Duration, Section, register_section

from .parsing import parse_reminder

FIELDS = ("label", "title", "time", "place", "content", "contact")

TEMPLATE_ZH = (
    "【{label}】{title}\n时间：{time}\n地点：{place}\n"
    "内容：{content}\n联系人：{contact}"
)
TEMPLATE_EN = (
    "[{label}] {title}\nTime: {time}\nPlace: {place}\n"
    "Details: {content}\nContact: {contact}"
)


def _reminders(value: list[str]) -> list[str]:
    for item in value:
        if parse_reminder(item) is None:
            raise ValueError(
                f"cannot read reminder {item!r}: write 前一天 20:00, 当天 08:00, "
                "提前 1小时 (or day_before 20:00, same_day 08:00, before 1h)"
            )
    return value


class NoticeType(BaseModel):
    """A kind of notice recognised by keywords in its title or content."""

    model_config = ConfigDict(extra="forbid")
    keywords: list[str] = Field(default_factory=list)
    confirm: bool = False
    reminders: list[str] | None = None

    @field_validator("reminders")
    @classmethod
    def _check_reminders(cls, value: list[str] | None) -> list[str] | None:
        return None if value is None else _reminders(value)


def _default_types() -> dict[str, NoticeType]:
    return {
        "停水停电": NoticeType(keywords=["停水", "停电", "停气"], confirm=True),
        "入户检查": NoticeType(keywords=["入户"], confirm=True),
    }


class NoticesConfig(Section):
    templates: dict[str, str] = Field(
        default_factory=lambda: {"zh-CN": TEMPLATE_ZH, "en": TEMPLATE_EN}
    )
    reminders: list[str] = Field(
        default_factory=lambda: ["前一天 20:00", "当天 08:00", "提前 1小时"]
    )
    weekly_cap: int = Field(3, ge=0)
    cap_window: Duration = timedelta(days=7)
    emergency_keywords: list[str] = Field(
        default_factory=lambda: [
            "停水",
            "停电",
            "停气",
            "极端天气",
            "暴雨",
            "台风",
            "暴雪",
            "燃气泄漏",
            "火灾",
        ]
    )
    emergency_estate_wide: bool = True
    types: dict[str, NoticeType] = Field(default_factory=_default_types)
    confirm_window: Duration = timedelta(days=3)
    confirm_words: list[str] = Field(default_factory=lambda: ["1", "确认"])
    confirm_reply: bool = True
    nudge: Literal["named", "off"] = "named"
    nudge_max_mentions: int = Field(20, ge=1, le=100)
    nudge_every: Duration = timedelta(hours=12)
    list_limit: int = Field(10, ge=1, le=50)

    @field_validator("templates")
    @classmethod
    def _check_templates(cls, value: dict[str, str]) -> dict[str, str]:
        if not value:
            raise ValueError("give at least one template, e.g. zh-CN")
        for locale, text in value.items():
            try:
                names = {n for _, n, _, _ in string.Formatter().parse(text) if n}
            except ValueError as exc:
                raise ValueError(f"template {locale}: {exc}") from None
            unknown = sorted(names - set(FIELDS))
            if unknown:
                allowed = ", ".join("{" + f + "}" for f in FIELDS)
                raise ValueError(
                    f"template {locale}: unknown placeholder {unknown[0]!r} "
                    f"(allowed: {allowed})"
                )
            if "title" not in names:
                raise ValueError(f"template {locale}: needs {{title}}")
        return value

    @field_validator("reminders")
    @classmethod
    def _check_reminders(cls, value: list[str]) -> list[str]:
        return _reminders(value)

    @field_validator("confirm_words")
    @classmethod
    def _check_words(cls, value: list[str]) -> list[str]:
        words = [w.strip() for w in value if w.strip()]
        if not words:
            raise ValueError("give at least one word, e.g. ['1', '确认']")
        return words

    def template_for(self, locale: str) -> str:
        return (
            self.templates.get(locale)
            or self.templates.get("zh-CN")
            or next(iter(self.templates.values()))
        )

    def type_of(self, text: str) -> tuple[str, NoticeType] | None:
        for name, kind in self.types.items():
            if any(word and word in text for word in kind.keywords):
                return name, kind
        return None

    def emergency_word(self, text: str) -> str | None:
        return next((w for w in self.emergency_keywords if w and w in text), None)


register_section("notices", NoticesConfig)
