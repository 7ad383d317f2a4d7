"""What every port implementation shares: capability checks and error mapping."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from nonebot.exception import ActionFailed, ApiNotAvailable, NetworkError

from .download import download
from .port import Capability, NotSupported, PlatformError, Segment, split_id

T = TypeVar("T")

# wordings that mean "slow down" across OneBot implementations (NapCat, Lagrange,
# go-cqhttp, ComWeChat); OneBot v12 also has a retcode class for it (36xxx).
_RATE_LIMIT = re.compile(
    r"rate[ _-]?limit|too many|too fast|slow down|频繁|频率|过快|风控", re.IGNORECASE
)


def _is_rate_limit(exc: ActionFailed) -> bool:
    if type(exc).__name__ == "IAmTired":  # OneBot v12 retcode 36xxx
        return True
    retcode = getattr(exc, "retcode", None)
    # OneBot v12: 33xxx the implementation could not reach the platform, 36xxx
    # "I am tired" (slow down); both may work later
    if isinstance(retcode, int) and (
        33000 <= retcode < 34000 or 36000 <= retcode < 37000
    ):
        return True
    return bool(_RATE_LIMIT.search(str(exc)))


class BasePort:
    platform: str = ""
    capabilities: frozenset[Capability] = frozenset()

    def can(self, capability: Capability) -> bool:
        return capability in self.capabilities

    def _need(self, capability: Capability) -> None:
        if capability not in self.capabilities:
            raise NotSupported(capability, self.platform)

    def _raw(self, qualified: str) -> str:
        platform, raw = split_id(qualified)
        if platform != self.platform:
            raise ValueError(f"{qualified!r} is not a {self.platform} id")
        return raw

    async def answer_join(self, request: Any, approve: bool, reason: str = "") -> None:
        raise NotSupported(Capability.JOIN_REQUESTS, self.platform)

    async def upload_file(
        self, path: str, name: str, *, group: str | None = None, user: str | None = None
    ) -> None:
        raise NotSupported(Capability.UPLOAD_FILE, self.platform)

    async def react(self, group: str, message_id: str) -> None:
        raise NotSupported(Capability.REACT, self.platform)

    async def member_ids(self, group: str) -> frozenset[str]:
        raise NotSupported(Capability.MEMBER_LIST, self.platform)

    async def image_bytes(
        self, segment: Segment, *, limit: int, timeout: float
    ) -> bytes | None:
        """The image at the segment's ``url`` (OneBot v11 implementations and
        Milky put a download URL in an incoming image segment)."""
        url = segment.data.get("url")
        if not isinstance(url, str) or not url:
            return None
        return await download(url, limit=limit, timeout=timeout)

    async def display_name(self, group: str, user: str, fallback: str) -> str:
        """The name of ``user`` in ``group`` where the message event carries
        none (WeChat over OneBot v12); ``fallback``, the event's, elsewhere."""
        return fallback

    async def _call(self, action: str, call: Callable[[], Awaitable[T]]) -> T:
        try:
            return await call()
        except ActionFailed as exc:
            raise PlatformError(
                action, str(exc), retryable=_is_rate_limit(exc)
            ) from exc
        except (NetworkError, ApiNotAvailable) as exc:
            raise PlatformError(
                action, str(exc) or type(exc).__name__, retryable=True
            ) from exc


def number_or_text(raw: str) -> Any:
    """OneBot v11 ids are numbers on QQ; some bridges use strings."""
    return int(raw) if raw.lstrip("-").isdigit() else raw


def message_id_of(result: Any) -> str | None:
    """The message id in what a platform's send returned, if any: a OneBot
    result (``{"message_id": …}``), a Telegram ``Message`` (its
    ``message_id``), or a Telegram media group (a list: its first message)."""
    if isinstance(result, list | tuple):
        return message_id_of(result[0]) if result else None
    if isinstance(result, dict):
        value = result.get("message_id")
    else:
        value = getattr(result, "message_id", None)
    return None if value is None else str(value)
