"""Shared pieces of the notices tests: a config with an estate of groups and a
fake sender (tests/conftest.py cancels the jobs a test leaves behind)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tests.helpers import linli_config

TZ = ZoneInfo("Asia/Shanghai")
_bases = itertools.count(71000, 100)


@dataclass
class Estate:
    """Group ids of one test's estate (unique per test) and its config."""

    base: int
    config: object = None

    def g(self, n: int) -> str:
        return f"qq:{self.base + n}"


ESTATE_YAML = """
core:
  admins: ["qq:500"]
notices:
  reminders: ["前一天 20:00", "当天 08:00", "提前 1小时"]
{extra}
groups:
  "qq:{b1}":
    name: 3栋业主群
    role: residents
    building: "3"
    tags: [3栋, 老年]
  "qq:{b2}":
    name: 5栋业主群
    role: residents
    building: "5"
    tags: [年轻家庭]
  "qq:{b3}":
    name: 通知群
    role: notice
    tags: [老年]
  "qq:{b4}":
    name: 物业工作群
    role: staff
  "qq:{b5}":
    name: English group
    locale: en
    tags: [expat]
"""


def make_estate(extra: str = "") -> Estate:
    """A fresh estate; ``extra`` goes into its ``notices:`` section."""
    estate = Estate(next(_bases))
    text = ESTATE_YAML.format(
        extra=extra, **{f"b{n}": estate.base + n for n in range(1, 6)}
    )
    estate.config = linli_config(text, base=None)
    return estate


@pytest.fixture
def estate() -> Estate:
    return make_estate()


@dataclass
class FakeSend:
    sent: list[tuple[str, str]] = field(default_factory=list)
    fail: dict[str, Exception] = field(default_factory=dict)

    async def __call__(self, group: str, text: str) -> str | None:
        if group in self.fail:
            raise self.fail[group]
        self.sent.append((group, text))
        return str(len(self.sent))

    def to(self, group: str) -> list[str]:
        return [text for g, text in self.sent if g == group]


@pytest.fixture
def send() -> FakeSend:
    return FakeSend()


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=TZ)
