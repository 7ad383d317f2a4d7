"""signup's tables: sheets (接龙) and their entries.

One entry per person — or per household — is a UNIQUE constraint here, not a
check in Python: ``(sheet, user)`` and ``(sheet, slot)``, where ``slot`` is the
user id, or the household when the sheet counts one entry per household.
"""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

OPEN, CLOSED = "open", "closed"
IN, WAITLIST, APPLIED = "in", "waitlist", "applied"  # APPLIED: lottery, before the draw


class Sheet(Model):
    """A sign-up sheet in one group, with a short number there.

    Every change of its entries bumps version while the row is locked.
    """

    id = fields.BigIntField(primary_key=True)
    group = fields.CharField(max_length=128, db_index=True)
    number = fields.IntField()
    title = fields.CharField(max_length=200)
    description = fields.TextField(default="")
    capacity = fields.IntField(null=True)  # places (a 人数 of 2 takes two)
    deadline = fields.DatetimeField(null=True)
    field_names = fields.JSONField(default=list)  # ["房号", "人数", …]
    lottery = fields.BooleanField(default=False)
    per_household = fields.BooleanField(default=False)
    status = fields.CharField(max_length=16, default=OPEN, db_index=True)
    creator = fields.CharField(max_length=128)
    creator_name = fields.CharField(max_length=255, default="")
    created_at = fields.DatetimeField(auto_now_add=True)
    closed_at = fields.DatetimeField(null=True)
    closed_by = fields.CharField(max_length=128, null=True)  # a user, or "deadline"
    final_posted = fields.BooleanField(default=False)
    # every change bumps version; the list posted last showed posted_version
    version = fields.IntField(default=0)
    posted_version = fields.IntField(default=0)
    # after a lottery: {"seed": 12345678, "entries": [entry ids in join order]}
    draw = fields.JSONField(null=True)

    entries: fields.ReverseRelation[Entry]

    class Meta:
        table = "signup_sheet"
        unique_together = (("group", "number"),)


class Entry(Model):
    """One line on a sheet: one person, or one household.

    ``status`` is ``in``, ``waitlist`` or (lottery sheets before the draw)
    ``applied``; it changes only while the sheet row is locked. The numbers
    shown (1., 2., …) are computed when the list is read, ordered by
    ``(rank, id)``: ``rank`` is 0, or the draw order after a lottery.
    """

    id = fields.BigIntField(primary_key=True)
    sheet: fields.ForeignKeyRelation[Sheet] = fields.ForeignKeyField(
        "signup.Sheet", related_name="entries", on_delete=fields.CASCADE
    )
    user = fields.CharField(max_length=128)
    slot = fields.CharField(max_length=191)  # user, or "hh:<household>"
    display_name = fields.CharField(max_length=255, default="")
    name = fields.CharField(max_length=255, default="")
    household = fields.CharField(max_length=64, null=True)
    count = fields.IntField(default=1)
    values = fields.JSONField(default=dict)  # the sheet's other fields
    note = fields.TextField(default="")
    status = fields.CharField(max_length=16, default=IN)
    rank = fields.IntField(default=0)
    joined_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "signup_entry"
        unique_together = (("sheet", "user"), ("sheet", "slot"))
