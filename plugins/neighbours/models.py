"""The feature's tables.

After a change: python manage.py makemigrations neighbours
"""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

KINDS = ("ask", "offer", "lost", "found")
STATUSES = ("open", "closed", "expired")


class Item(Model):
    """An ask, an offer, a lost or a found thing posted in a group, numbered there."""

    id = fields.BigIntField(primary_key=True)
    group = fields.CharField(max_length=128, db_index=True)
    number = fields.IntField()
    kind = fields.CharField(max_length=8)  # ask, offer, lost, found
    author = fields.CharField(max_length=128)  # qualified: qq:42
    author_name = fields.CharField(max_length=128, default="")  # group card then
    text = fields.TextField()
    status = fields.CharField(max_length=8, default="open", db_index=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    expires_at = fields.DatetimeField(null=True)  # None: never expires
    ended_at = fields.DatetimeField(null=True)  # closed or expired at
    ended_by = fields.CharField(max_length=128, null=True)  # who closed it
    notified = fields.BooleanField(default=False)  # the poster was told it expired

    class Meta:
        table = "neighbours_item"
        unique_together = (("group", "number"),)
