"""One message is handled once: OneBot reconnects can replay events."""

from __future__ import annotations

from collections import OrderedDict


class SeenMessages:
    """A bounded memory of (bot, conversation, message id): Telegram and Milky
    number messages per chat, so the same id in two groups is two messages."""

    def __init__(self, size: int = 20_000) -> None:
        self.size = size
        self._seen: OrderedDict[tuple[str, str, str], None] = OrderedDict()

    def first_time(self, bot: str, where: str, message_id: str) -> bool:
        key = (bot, where, message_id)
        if key in self._seen:
            self._seen.move_to_end(key)
            return False
        self._seen[key] = None
        if len(self._seen) > self.size:
            self._seen.popitem(last=False)
        return True
