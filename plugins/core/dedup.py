"""One message is handled once: OneBot reconnects can replay events."""

from __future__ import annotations

from collections import OrderedDict


class SeenMessages:
    """A bounded memory of (bot, message id) pairs."""

    def __init__(self, size: int = 20_000) -> None:
        self.size = size
        self._seen: OrderedDict[tuple[str, str], None] = OrderedDict()

    def first_time(self, bot: str, message_id: str) -> bool:
        key = (bot, message_id)
        if key in self._seen:
            self._seen.move_to_end(key)
            return False
        self._seen[key] = None
        if len(self._seen) > self.size:
            self._seen.popitem(last=False)
        return True
