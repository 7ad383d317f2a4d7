"""The console's tables: one-time links, signed-in sessions, the signing key.

Only hashes of the link and session tokens are stored: someone reading the
database cannot sign in with them.
"""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class Link(Model):
    """A /工作台 link: opened once, before ``expires_at``."""

    id = fields.BigIntField(primary_key=True)
    token_hash = fields.CharField(max_length=64, unique=True)
    user = fields.CharField(max_length=128)
    name = fields.CharField(max_length=255, default="")
    role = fields.IntField()
    scope = fields.JSONField(default=dict)  # estates and staff groups seen
    locale = fields.CharField(max_length=8, default="zh-CN")
    created_at = fields.DatetimeField()
    expires_at = fields.DatetimeField()
    used_at = fields.DatetimeField(null=True)

    class Meta:
        table = "console_link"


class Session(Model):
    """A signed-in browser: the cookie carries the (signed) token."""

    id = fields.BigIntField(primary_key=True)
    token_hash = fields.CharField(max_length=64, unique=True)
    user = fields.CharField(max_length=128, db_index=True)
    name = fields.CharField(max_length=255, default="")
    role = fields.IntField()
    scope = fields.JSONField(default=dict)
    locale = fields.CharField(max_length=8, default="zh-CN")
    csrf = fields.CharField(max_length=64)
    flash = fields.TextField(default="")
    created_at = fields.DatetimeField()
    expires_at = fields.DatetimeField(db_index=True)

    class Meta:
        table = "console_session"


class Secret(Model):
    """The key that signs session cookies, shared by every linli process."""

    id = fields.BigIntField(primary_key=True)
    name = fields.CharField(max_length=32, unique=True)
    value = fields.CharField(max_length=128)

    class Meta:
        table = "console_secret"
