"""notices' tables: the notices, each message sent for them, and confirmations."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class Notice(Model):
    """One announcement, to one or many groups, now or at ``publish_at``."""

    id = fields.BigIntField(primary_key=True)
    created_by = fields.CharField(max_length=128)
    origin_group = fields.CharField(max_length=128, null=True, db_index=True)
    title = fields.CharField(max_length=255)
    time_text = fields.CharField(max_length=255, default="")
    place = fields.CharField(max_length=255, default="")
    content = fields.TextField(default="")
    contact = fields.CharField(max_length=255, default="")
    event_at = fields.DatetimeField(null=True)
    publish_at = fields.DatetimeField(db_index=True)
    # scheduled → published; or cancelled
    status = fields.CharField(max_length=16, default="scheduled", db_index=True)
    urgent = fields.BooleanField(default=False)
    emergency = fields.BooleanField(default=False)
    notice_type = fields.CharField(max_length=64, null=True)
    confirm = fields.BooleanField(default=False)
    confirm_until = fields.DatetimeField(null=True)
    targets = fields.JSONField(default=list)
    reminders = fields.JSONField(default=list)  # ISO times, in order
    last_nudge_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    published_at = fields.DatetimeField(null=True)
    cancelled_at = fields.DatetimeField(null=True)

    class Meta:
        table = "notices_notice"


class Delivery(Model):
    """One message for a notice in one group: the post itself or reminder n.

    ``counts`` marks a non-urgent post, which counts toward the group's weekly
    cap; the unique (notice, group, kind) makes a double send impossible to record.
    """

    id = fields.BigIntField(primary_key=True)
    notice: fields.ForeignKeyRelation[Notice] = fields.ForeignKeyField(
        "notices.Notice", related_name="deliveries", on_delete=fields.CASCADE
    )
    group = fields.CharField(max_length=128, db_index=True)
    kind = fields.CharField(max_length=32)  # "post" or "remind:<n>"
    counts = fields.BooleanField(default=False)
    due_at = fields.DatetimeField(db_index=True)
    # pending → sending → sent | failed; or cancelled
    status = fields.CharField(max_length=16, default="pending", db_index=True)
    claimed_at = fields.DatetimeField(null=True)
    sent_at = fields.DatetimeField(null=True)
    message_id = fields.CharField(max_length=64, null=True)
    error = fields.TextField(null=True)

    class Meta:
        table = "notices_delivery"
        unique_together = (("notice", "group", "kind"),)


class Confirmation(Model):
    """A resident confirmed a notice: once per person, counted per household."""

    id = fields.BigIntField(primary_key=True)
    notice: fields.ForeignKeyRelation[Notice] = fields.ForeignKeyField(
        "notices.Notice", related_name="confirmations", on_delete=fields.CASCADE
    )
    group = fields.CharField(max_length=128)
    user = fields.CharField(max_length=128)
    household = fields.CharField(max_length=64, null=True)
    display_name = fields.CharField(max_length=255, default="")
    at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "notices_confirmation"
        unique_together = (("notice", "user"),)
