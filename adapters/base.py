"""What every port implementation shares: capability checks and error mapping."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from nonebot.exception import ActionFailed, ApiNotAvailable, NetworkError

from .port import Capability, NotSupported, PlatformError, split_id

T = TypeVar("T")

# retcodes / wordings that mean "slow down", across OneBot implementations
_RATE_LIMIT_HINTS = ("rate", "limit", "频繁", "too many", "风控")


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

    async def _call(self, action: str, call: Callable[[], Awaitable[T]]) -> T:
        try:
            return await call()
        except ActionFailed as exc:
            text = str(exc).lower()
            retryable = any(hint in text for hint in _RATE_LIMIT_HINTS)
            raise PlatformError(action, str(exc), retryable=retryable) from exc
        except (NetworkError, ApiNotAvailable) as exc:
            raise PlatformError(
                action, str(exc) or type(exc).__name__, retryable=True
            ) from exc


def number_or_text(raw: str) -> Any:
    """OneBot v11 ids are numbers on QQ; some bridges use strings."""
    return int(raw) if raw.lstrip("-").isdigit() else raw
