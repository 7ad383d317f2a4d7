"""The ticket state machine, as data.

待受理 → 已受理 → 已派单 → 处理中 ⇄ 挂起 → 已解决 → 已评价 / 已关闭, plus 已驳回
and 已合并. ``TRANSITIONS[action][from] = to``; anything not in the table is
refused with :class:`IllegalTransition`.
"""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    NEW = "new"  # 待受理
    ACKNOWLEDGED = "acknowledged"  # 已受理
    DISPATCHED = "dispatched"  # 已派单
    IN_PROGRESS = "in_progress"  # 处理中
    PAUSED = "paused"  # 挂起
    RESOLVED = "resolved"  # 已解决
    RATED = "rated"  # 已评价
    CLOSED = "closed"  # 已关闭
    REJECTED = "rejected"  # 已驳回
    MERGED = "merged"  # 已合并


S = Status
WORKING = (S.ACKNOWLEDGED, S.DISPATCHED, S.IN_PROGRESS)
OPEN = frozenset({S.NEW, *WORKING, S.PAUSED})
FINISHED = frozenset({S.RESOLVED, S.RATED, S.CLOSED})
TERMINAL = frozenset({S.RATED, S.CLOSED, S.REJECTED, S.MERGED})

TRANSITIONS: dict[str, dict[Status, Status]] = {
    # 接单: a new ticket is taken; a dispatched worker says "on my way"
    "acknowledge": {S.NEW: S.ACKNOWLEDGED, S.DISPATCHED: S.IN_PROGRESS},
    # 派单: (re)assign to a worker; from new it also counts as the first response
    "dispatch": {s: S.DISPATCHED for s in (S.NEW, *WORKING)},
    # 进展: an update; on a paused ticket it also resumes the clock
    "progress": {**{s: S.IN_PROGRESS for s in WORKING}, S.PAUSED: S.IN_PROGRESS},
    "pause": {s: S.PAUSED for s in WORKING},
    "resume": {S.PAUSED: S.IN_PROGRESS},
    "resolve": {s: S.RESOLVED for s in (S.NEW, *WORKING, S.PAUSED)},
    # 转单: another category; its team must acknowledge again
    "transfer": {s: S.NEW for s in OPEN},
    "reject": {s: S.REJECTED for s in OPEN},
    "merge": {s: S.MERGED for s in OPEN},
    # 未解决: the reporter says it is not fixed (within the grace period)
    "reopen": {s: S.IN_PROGRESS for s in FINISHED},
    "rate": {S.RESOLVED: S.RATED},
    "close": {S.RESOLVED: S.CLOSED},
}


class IllegalTransition(Exception):
    def __init__(self, action: str, status: Status):
        self.action = action
        self.status = status
        super().__init__(f"cannot {action} a ticket that is {status.value}")


def next_status(action: str, status: str | Status) -> Status:
    """Where ``action`` takes a ticket in ``status``; IllegalTransition if nowhere."""
    current = Status(status)
    target = TRANSITIONS[action].get(current)
    if target is None:
        raise IllegalTransition(action, current)
    return target


def allowed_actions(status: str | Status) -> list[str]:
    current = Status(status)
    return [action for action, table in TRANSITIONS.items() if current in table]


def is_open(status: str | Status) -> bool:
    return Status(status) in OPEN
