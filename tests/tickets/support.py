"""Shared helpers for the tickets tests: a config per test, actors, fixed times.

Times are in 2030 so that core's background scheduler (which fires jobs due by
the real clock) never runs the jobs these tests schedule; the tests call the
job functions themselves with explicit times.
"""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from tests.helpers import linli_config

TZ = ZoneInfo("Asia/Shanghai")
# a Monday, in service hours (08:00-20:00)
T0 = datetime(2030, 3, 4, 9, 0, tzinfo=TZ)
RESIDENTS = "qq:71000"
STAFF = "qq:72000"
BIG = "qq:71002"  # a residents' group of the whole estate: no building
ENGLISH = "qq:71003"  # an English residents' group, no building either
_estates = itertools.count(1)

BASE = """
core:
  timezone: Asia/Shanghai
groups:
  "qq:71000": {{name: 3栋业主群, role: residents, building: "3"}}
  "qq:71001": {{name: 5栋业主群, role: residents, building: "5"}}
  "qq:71002": {{name: 小区业主大群, role: residents}}
  "qq:71003": {{name: Residents, role: residents, locale: en}}
  "qq:72000": {{name: 物业工作群, role: staff}}
tickets:
  estate: {estate}
  on_call: ["qq:900"]
  escalation:
    levels:
      - {{name: 主管, contacts: ["qq:600"]}}
      - {{name: 经理, contacts: ["qq:700"], after: 30m}}
    repeat: 1
    repeat_every: 1h
{extra}
"""


def make_env(extra: str = ""):
    """An Env on a fresh estate (so numbering starts at #0001)."""
    from plugins.tickets.env import Env

    estate = f"test-estate-{next(_estates)}-{id(object())}"
    return Env(linli_config(BASE.format(estate=estate, extra=extra), base=None))


def resident(user: str = "qq:42", group: str | None = RESIDENTS, **kw):
    from plugins.tickets.env import Actor

    kw.setdefault("name", "3-2-201 张三")
    kw.setdefault("household", ("3", "2", "201"))
    return Actor(user=user, group=group, **kw)


def staff(user: str = "qq:7", name: str = "李师傅", **kw):
    from plugins.tickets.env import Actor

    return Actor(user=user, name=name, group=STAFF, **kw)


def minutes(n: float) -> timedelta:
    return timedelta(minutes=n)


def texts(outbox, target: str | None = None) -> list[str]:
    return [o.text for o in outbox if target is None or o.target == target]
