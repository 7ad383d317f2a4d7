from __future__ import annotations

import pytest

from tests.console.support import CONFIG, remember_staff


@pytest.fixture(autouse=True)
async def console_config(override_config):
    from plugins.console.auth import LOGINS

    LOGINS.clear()
    override_config(CONFIG)
    await remember_staff()
    yield
    LOGINS.clear()


@pytest.fixture
def sent(monkeypatch):
    """What the console's buttons hand to the send queue: the service's outbox
    (``delivered``) and the replies posted in the staff group (``posted``)."""
    import asyncio

    from plugins.console import actions

    record = {"delivered": [], "posted": []}

    def deliver(outbox):
        record["delivered"].extend(outbox)

    class Queue:
        def send_group(self, group, text, **_):
            record["posted"].append((group, text))
            future = asyncio.get_running_loop().create_future()
            future.set_result("1")
            return future

    monkeypatch.setattr(actions, "deliver", deliver)
    monkeypatch.setattr(actions, "send_queue", lambda: Queue())
    return record
