"""Who gets in: one-time links, signed session cookies, CSRF tokens, the
login rate limit, and what a session may see (its scope).

A link is made by ``/工作台`` (see ``__init__``): a random token, stored as a
hash, opened once within ``console.link_lifetime``. Opening it makes a
session: another random token, also stored as a hash, carried by an
HttpOnly, SameSite=Lax cookie signed with a key kept in the database (one
key for every linli process on the same database). Each session has its own
CSRF token, which every form sends back.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from itsdangerous import BadSignature, URLSafeTimedSerializer
from tortoise.exceptions import IntegrityError

from plugins.core import Role, listed
from plugins.core.config import LinliConfig
from plugins.core.models import KnownMember

from .config import ConsoleConfig
from .models import Link, Secret, Session

COOKIE = "linli_console"
_SALT = "linli.console.session"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def section(config: LinliConfig) -> ConsoleConfig:
    return config.section("console")  # type: ignore[return-value]


# --------------------------------------------------------------------------
# scope: what a session sees
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """``everything`` (superusers); else the estates seen whole (admins) and the
    staff groups whose tickets are seen (staff)."""

    everything: bool = False
    estates: tuple[str, ...] = ()
    staff_groups: tuple[str, ...] = ()

    def as_json(self) -> dict:
        return {
            "everything": self.everything,
            "estates": list(self.estates),
            "staff_groups": list(self.staff_groups),
        }

    def seen_estates(self, config: LinliConfig) -> tuple[str, ...]:
        """The estates whose groups this session sees: its own (admins), or
        those of the staff groups it serves (staff); all for superusers."""
        if self.everything:
            return _all_estates(config)
        if self.estates:
            return self.estates
        return tuple(sorted({_estate_of(config, g) for g in self.staff_groups}))

    def sees_group(self, config: LinliConfig, group: str) -> bool:
        """Whether the session sees a group's sign-ups, votes, notices, FAQ and
        cases: superusers every group, others the groups of their estates."""
        if self.everything:
            return True
        return _estate_of(config, group) in self.seen_estates(config)

    def groups(self, config: LinliConfig) -> list[str]:
        """The configured groups the session sees, in the YAML's order."""
        return [g for g in config.groups if self.sees_group(config, g)]

    @classmethod
    def from_json(cls, data: dict) -> Scope:
        return cls(
            everything=bool(data.get("everything")),
            estates=tuple(data.get("estates") or ()),
            staff_groups=tuple(data.get("staff_groups") or ()),
        )


def _estate_of(config: LinliConfig, group: str | None) -> str:
    return config.section("tickets", group).estate  # type: ignore[attr-defined]


def _all_estates(config: LinliConfig) -> tuple[str, ...]:
    found = {_estate_of(config, None)}
    found.update(_estate_of(config, gid) for gid in config.groups)
    return tuple(sorted(found))


async def scope_for(
    config: LinliConfig, user: str, role: Role, group: str | None
) -> Scope:
    """The same roles as in the chat: superusers see everything; admins their
    estate (every estate when listed in ``core.admins``); staff the tickets of
    the staff groups they serve (every staff group when in ``core.staff``)."""
    if role >= Role.SUPERUSER:
        return Scope(everything=True)
    core = config.core
    if role >= Role.ADMIN:
        if listed(user, core.admins) or group is None:
            return Scope(estates=_all_estates(config))
        return Scope(estates=(_estate_of(config, group),))
    staff = [gid for gid, _ in config.groups_with(role="staff")]
    if listed(user, core.staff):
        return Scope(staff_groups=tuple(staff))
    serving = {
        gid for gid in staff if gid == group or listed(user, config.group(gid).staff)
    }
    member_of = await KnownMember.filter(user=user, group__in=staff).values_list(
        "group", flat=True
    )
    serving.update(member_of)
    if group is not None and listed(user, config.group(group).staff):
        # listed as staff of a residents' group: the staff groups of its estate
        estate = _estate_of(config, group)
        serving.update(g for g in staff if _estate_of(config, g) == estate)
    return Scope(staff_groups=tuple(sorted(serving)))


# --------------------------------------------------------------------------
# links
# --------------------------------------------------------------------------


class LinkProblem(StrEnum):
    UNKNOWN = "unknown"
    USED = "used"
    EXPIRED = "expired"


async def issue_link(
    config: LinliConfig,
    *,
    user: str,
    name: str,
    role: Role,
    scope: Scope,
    locale: str,
    now: datetime,
) -> str:
    """A new one-time token for ``user`` (only its hash is stored)."""
    token = secrets.token_urlsafe(32)
    await Link.create(
        token_hash=_hash(token),
        user=user,
        name=name,
        role=int(role),
        scope=scope.as_json(),
        locale=locale,
        created_at=now,
        expires_at=now + section(config).link_lifetime,
    )
    return token


async def peek_link(token: str, now: datetime) -> Link | LinkProblem:
    """The link as it stands, without using it (the page with the button)."""
    link = await Link.get_or_none(token_hash=_hash(token))
    if link is None:
        return LinkProblem.UNKNOWN
    if link.used_at is not None:
        return LinkProblem.USED
    if link.expires_at <= now:
        return LinkProblem.EXPIRED
    return link


async def redeem(
    config: LinliConfig, token: str, now: datetime
) -> tuple[Session, str] | LinkProblem:
    """Use the link (once: a conditional update, so two clicks at the same
    moment make one session) and open a session; returns it and its token."""
    found = await peek_link(token, now)
    if isinstance(found, LinkProblem):
        return found
    won = await Link.filter(id=found.id, used_at=None).update(used_at=now)
    if not won:
        return LinkProblem.USED
    raw = secrets.token_urlsafe(32)
    session = await Session.create(
        token_hash=_hash(raw),
        user=found.user,
        name=found.name,
        role=found.role,
        scope=found.scope,
        locale=found.locale,
        csrf=secrets.token_urlsafe(24),
        created_at=now,
        expires_at=now + section(config).session_lifetime,
    )
    return session, raw


# --------------------------------------------------------------------------
# cookies
# --------------------------------------------------------------------------

_serializer: URLSafeTimedSerializer | None = None


async def serializer() -> URLSafeTimedSerializer:
    """Signs the session cookie with the key in the database (made once)."""
    global _serializer
    if _serializer is None:
        secret = await Secret.get_or_none(name="cookie")
        if secret is None:
            try:
                secret = await Secret.create(
                    name="cookie", value=secrets.token_urlsafe(48)
                )
            except IntegrityError:  # another process made it first
                secret = await Secret.get(name="cookie")
        _serializer = URLSafeTimedSerializer(secret.value, salt=_SALT)
    return _serializer


def forget_key() -> None:
    """Tests: read the key again."""
    global _serializer
    _serializer = None


async def cookie_value(raw: str) -> str:
    return (await serializer()).dumps(raw)


async def session_of(
    config: LinliConfig, cookie: str | None, now: datetime
) -> Session | None:
    """The live session a cookie stands for, or None (missing, forged, old)."""
    if not cookie:
        return None
    max_age = int(section(config).session_lifetime.total_seconds())
    try:
        raw = (await serializer()).loads(cookie, max_age=max_age)
    except BadSignature:
        return None
    if not isinstance(raw, str):
        return None
    session = await Session.get_or_none(token_hash=_hash(raw))
    if session is None or session.expires_at <= now:
        return None
    return session


def csrf_ok(session: Session, sent: str | None) -> bool:
    return bool(sent) and hmac.compare_digest(session.csrf, str(sent))


# --------------------------------------------------------------------------
# the login rate limit (per process: a token cannot be guessed anyway; this
# keeps a scanner from hammering the database)
# --------------------------------------------------------------------------


@dataclass
class RateLimit:
    attempts: dict[str, deque[float]] = field(default_factory=dict)

    def allow(self, address: str, limit: int, window: float) -> bool:
        now = time.monotonic()
        seen = self.attempts.setdefault(address, deque())
        while seen and seen[0] <= now - window:
            seen.popleft()
        if len(seen) >= limit:
            return False
        seen.append(now)
        if len(self.attempts) > 10_000:  # bounded memory
            self.attempts.pop(next(iter(self.attempts)))
        return True

    def clear(self) -> None:
        self.attempts.clear()


LOGINS = RateLimit()
