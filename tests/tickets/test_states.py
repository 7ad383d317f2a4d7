"""The state machine: transitions as data, illegal ones refused."""

from __future__ import annotations

import pytest


def test_the_main_path() -> None:
    from plugins.tickets.states import Status, next_status

    path = [
        ("acknowledge", Status.ACKNOWLEDGED),
        ("dispatch", Status.DISPATCHED),
        ("acknowledge", Status.IN_PROGRESS),
        ("pause", Status.PAUSED),
        ("resume", Status.IN_PROGRESS),
        ("pause", Status.PAUSED),
        ("progress", Status.IN_PROGRESS),
        ("resolve", Status.RESOLVED),
        ("rate", Status.RATED),
    ]
    status = Status.NEW
    for action, expected in path:
        status = next_status(action, status)
        assert status == expected


@pytest.mark.parametrize(
    ("action", "status"),
    [
        ("acknowledge", "acknowledged"),
        ("pause", "new"),
        ("resume", "in_progress"),
        ("rate", "in_progress"),
        ("rate", "rated"),
        ("reopen", "new"),
        ("resolve", "rejected"),
        ("merge", "merged"),
        ("close", "rated"),
    ],
)
def test_illegal_transitions_are_refused(action: str, status: str) -> None:
    from plugins.tickets.states import IllegalTransition, next_status

    with pytest.raises(IllegalTransition) as info:
        next_status(action, status)
    assert info.value.action == action


def test_every_state_but_the_terminal_ones_can_move() -> None:
    from plugins.tickets.states import TERMINAL, Status, allowed_actions, is_open

    for status in Status:
        actions = allowed_actions(status)
        if status in TERMINAL and status not in (Status.RATED, Status.CLOSED):
            assert actions == []
        else:
            assert actions
    assert is_open("paused") and not is_open("resolved")
    # a finished ticket can only be reopened, rated or closed
    assert set(allowed_actions("resolved")) == {"reopen", "rate", "close"}
