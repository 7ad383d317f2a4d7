"""Small fakes and matchers that handler and service tests share.

queue = FakeQueue(); monkeypatch.setattr(plugin, "send_queue", lambda: queue)
ctx.should_call_send(event, reply := Capture(), result=None); reply.text
ctx.should_call_send(event, Like(r"已记下 #\\d+。"), result=None)
zh("core.denied", role=zh("core.role.admin"))
group = new_group_id()  # 1000001, 1000002, …: a group no other test uses
"""

from __future__ import annotations

import asyncio
import itertools
import re
from collections.abc import Callable
from typing import Any

_groups = itertools.count(1_000_001)


def new_group_id() -> int:
    """A numeric group id no other test of the session uses (for fake events;
    the group is ``qq:<id>``): the database is shared by the whole session."""
    return next(_groups)


def new_group() -> str:
    """A QQ group (``qq:<id>``) no other test of the session uses."""
    return f"qq:{new_group_id()}"


def zh(key: str, /, **values: Any) -> str:
    """The zh-CN text ``key`` of the catalogue, filled in."""
    from plugins.core import t

    return t("zh-CN", key, **values)


class Capture:
    """An expected reply (nonebug compares it with what was sent): equal to any
    text ``check`` accepts (every text when there is none); keeps each text it
    was compared with in ``texts`` (and in ``seen``, a list of the test's)."""

    def __init__(
        self,
        check: Callable[[str], bool] | None = None,
        seen: list[str] | None = None,
    ) -> None:
        self.check = check
        self.texts: list[str] = [] if seen is None else seen

    @property
    def text(self) -> str:
        """The last text compared (the reply, once the send was expected)."""
        return self.texts[-1]

    def __eq__(self, other: object) -> bool:
        self.texts.append(str(other))
        return self.check is None or self.check(str(other))

    def __ne__(self, other: object) -> bool:
        return not self.__eq__(other)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.check!r})"


class Like(Capture):
    """An expected reply matching the regular expression ``pattern`` as a whole
    (``.`` takes newlines too)."""

    def __init__(self, pattern: str, seen: list[str] | None = None) -> None:
        self.pattern = pattern
        super().__init__(
            lambda text: re.fullmatch(pattern, text, re.S) is not None, seen
        )

    def __repr__(self) -> str:
        return f"Like({self.pattern!r})"


class FakeQueue:
    """Stands for core's send queue (``send_queue()``): records each group post
    as ``(group, text, mention)`` in ``sent``, or fails them all with ``fail``."""

    def __init__(self, fail: Exception | None = None) -> None:
        self.sent: list[tuple[str, str, str | None]] = []
        self.fail = fail

    def send_group(
        self, group: str, text: str, *, mention: str | None = None, **_: Any
    ) -> asyncio.Future[str]:
        future = asyncio.get_running_loop().create_future()
        if self.fail is not None:
            future.set_exception(self.fail)
        else:
            self.sent.append((group, text, mention))
            future.set_result("1")
        return future


class PrivateQueue(FakeQueue):
    """FakeQueue that also records private messages as ``(user, text)``."""

    def __init__(self, fail: Exception | None = None) -> None:
        super().__init__(fail)
        self.private: list[tuple[str, str]] = []

    def send_private(self, user: str, text: str, **_: Any) -> asyncio.Future[str]:
        future = asyncio.get_running_loop().create_future()
        if self.fail is not None:
            future.set_exception(self.fail)
        else:
            self.private.append((user, text))
            future.set_result("1")
        return future
