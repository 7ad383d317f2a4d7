"""The ``faq:`` section of the admin's YAML file (documented in
config/linli.yaml (section `faq:`))."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from plugins.core import Section, register_section

from .matcher import parse_hours, parse_keyword

QUESTION_WORDS = [
    "?", "吗", "么", "呢", "怎么", "怎样", "如何", "几点", "几号", "多少", "哪里",
    "哪儿", "在哪", "什么时候", "什么", "啥", "谁", "能不能", "可不可以", "可以吗",
    "是否", "请问", "有没有", "是不是", "想问", "想知道", "咨询",
    "what", "when", "where", "which", "how do", "how can", "how much", "how to",
    "who do", "who is", "can i", "is there", "are there",
]  # fmt: skip
IGNORE_WORDS = [
    "请问一下", "请问", "问一下", "问下", "想问", "你好", "您好", "大家好", "各位",
    "麻烦", "谢谢", "一下", "咱们", "我们", "小区", "的", "啊", "呀", "呢", "吧",
    "哈", "了",
]  # fmt: skip
FAULT_WORDS = [
    "坏了", "故障", "漏水", "渗水", "不亮", "不通", "堵了", "堵住", "堵塞", "没电",
    "跳闸", "没水", "爆管", "打不开", "关不上", "不能用", "用不了", "卡住", "困人",
    "异响", "冒烟",
]  # fmt: skip
_ID = re.compile(r"^[^\s|+]{1,32}$")


class EntryConfig(BaseModel):
    """One question and its answer."""

    model_config = ConfigDict(extra="forbid")
    id: str | None = None
    questions: list[str] = Field(default_factory=list)
    keywords: list[str] = Field(default_factory=list)
    answer: str = Field(min_length=1)
    mode: Literal["exact", "contains", "regex", "fuzzy"] = "fuzzy"
    groups: list[str] = Field(default_factory=list)
    tags: list[str] = Field(default_factory=list)
    active_hours: list[str] = Field(default_factory=list)

    @field_validator("id")
    @classmethod
    def _id(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = str(value).strip()
        if not _ID.match(value) or value.isdigit():
            raise ValueError(
                "an id is a short name without spaces, not only digits "
                "(numbers are for entries taught in chat), e.g. 物业电话"
            )
        return value

    @field_validator("active_hours")
    @classmethod
    def _hours(cls, value: list[str]) -> list[str]:
        for item in value:
            parse_hours(item)
        return value

    @field_validator("keywords")
    @classmethod
    def _keywords(cls, value: list[str]) -> list[str]:
        for item in value:
            if not parse_keyword(item):
                raise ValueError(f"empty keyword {item!r}")
        return value

    @model_validator(mode="after")
    def _mode(self) -> EntryConfig:
        if not self.questions and not self.keywords:
            raise ValueError("an entry needs questions or keywords")
        if self.mode in ("exact", "regex") and self.keywords:
            raise ValueError(
                f"mode {self.mode} uses only `questions`; keywords need mode "
                "contains or fuzzy"
            )
        if self.mode in ("exact", "regex") and not self.questions:
            raise ValueError(f"mode {self.mode} needs `questions`")
        if self.mode == "regex":
            for pattern in self.questions:
                try:
                    re.compile(pattern)
                except re.error as exc:
                    raise ValueError(
                        f"not a valid regular expression {pattern!r}: {exc}"
                    ) from None
        return self


class FaqConfig(Section):
    # how sure linli must be (0-1) to answer at once, and to offer suggestions
    answer_threshold: float = Field(0.8, gt=0, le=1)
    suggest_threshold: float = Field(0.6, gt=0, le=1)
    suggest_count: int = Field(3, ge=1, le=9)
    suggest_expire_seconds: float = Field(120, gt=0)
    statement_penalty: float = Field(0.1, ge=0, le=1)
    # the same entry is not answered twice in one group within this time
    cooldown_seconds: float = Field(60, ge=0)
    cooldown_reply: Literal["pointer", "silent"] = "pointer"
    # at most user_limit replies to one member per user_window_seconds
    user_limit: int = Field(5, ge=1)
    user_window_seconds: float = Field(60, gt=0)
    group_roles: list[Literal["residents", "staff", "notice"]] = Field(
        default_factory=lambda: ["residents"]
    )
    private: bool = True
    max_length: int = Field(200, ge=1)
    question_words: list[str] = Field(default_factory=lambda: list(QUESTION_WORDS))
    ignore_words: list[str] = Field(default_factory=lambda: list(IGNORE_WORDS))
    fault_words: list[str] = Field(default_factory=lambda: list(FAULT_WORDS))
    fault_hint: str = ""
    fault_hint_cooldown_seconds: float = Field(600, ge=0)
    unknown_reply: bool = True
    record_unanswered: bool = True
    unanswered_days: int = Field(30, ge=1)
    taught_scope: Literal["all", "group"] = "all"
    refresh_seconds: float = Field(30, gt=0)
    entries: list[EntryConfig] = Field(default_factory=list)

    @model_validator(mode="after")
    def _consistent(self) -> FaqConfig:
        if self.suggest_threshold > self.answer_threshold:
            raise ValueError("suggest_threshold must not be above answer_threshold")
        seen: set[str] = set()
        for key in entry_keys(self):
            if key in seen:
                raise ValueError(f"two entries have the id {key!r}")
            seen.add(key)
        return self


def entry_keys(section: FaqConfig) -> list[str]:
    """Each YAML entry's id: its ``id``, or ``Y<position>`` (Y1, Y2 …)."""
    return [e.id or f"Y{n}" for n, e in enumerate(section.entries, 1)]


register_section("faq", FaqConfig)
