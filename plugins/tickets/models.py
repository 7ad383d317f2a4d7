"""tickets' tables: tickets, their subscribers and history.

A ticket's number (#0012 is 12) comes from core's counter per estate
(``next_number(Ticket, estate=…)``); ``(estate, number)`` is unique all the same.

Deadlines are absolute times on the ticket (``ack_due_at``, ``update_due_at``,
``resolve_due_at``); whether one is missed is computed when read. The
escalation ladder's pending job is keyed ``tickets:sla:<id>:<sla_seq>``.
"""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class Ticket(Model):
    id = fields.BigIntField(primary_key=True)
    estate = fields.CharField(max_length=64)
    number = fields.IntField()
    kind = fields.CharField(max_length=16, default="repair")  # repair|report|complaint
    category = fields.CharField(max_length=32)
    priority = fields.CharField(max_length=8, default="normal")  # normal | p1
    status = fields.CharField(max_length=16, default="new", db_index=True)
    description = fields.TextField()
    building = fields.CharField(max_length=16, null=True)
    unit = fields.CharField(max_length=16, null=True)
    room = fields.CharField(max_length=16, null=True)
    contact = fields.CharField(max_length=64, null=True)
    images = fields.JSONField(default=list)
    reporter = fields.CharField(max_length=128, db_index=True)
    reporter_name = fields.CharField(max_length=255, default="")
    group = fields.CharField(max_length=128, null=True)  # None: a private chat
    locale = fields.CharField(max_length=8, default="zh-CN")
    assignee = fields.CharField(max_length=128, null=True)
    assignee_name = fields.CharField(max_length=255, null=True)
    resolution = fields.TextField(default="")
    merged_into = fields.IntField(null=True)  # number of the ticket in the estate

    created_at = fields.DatetimeField(db_index=True)
    first_response_at = fields.DatetimeField(null=True)
    last_update_at = fields.DatetimeField(null=True)
    resolved_at = fields.DatetimeField(null=True)
    closed_at = fields.DatetimeField(null=True)

    # SLA: durations fixed when the clock starts, deadlines as absolute times
    hours = fields.CharField(max_length=8, default="service")  # service | always
    ack_seconds = fields.FloatField()
    update_seconds = fields.FloatField()
    resolve_seconds = fields.FloatField()
    ack_due_at = fields.DatetimeField(null=True)
    update_due_at = fields.DatetimeField(null=True)
    resolve_due_at = fields.DatetimeField(null=True)
    paused_at = fields.DatetimeField(null=True)
    resume_at = fields.DatetimeField(null=True)
    paused_seconds = fields.FloatField(default=0)
    sla_seq = fields.IntField(default=0)
    sla_mark = fields.DatetimeField(null=True)
    breached = fields.BooleanField(default=False)
    escalation_level = fields.IntField(default=0)

    rating = fields.IntField(null=True)
    rating_comment = fields.TextField(default="")
    rated_at = fields.DatetimeField(null=True)
    reopen_count = fields.IntField(default=0)

    class Meta:
        table = "tickets_ticket"
        unique_together = (("estate", "number"),)


class Subscriber(Model):
    """Who hears about a ticket: its reporter, and neighbours who reported it too."""

    id = fields.BigIntField(primary_key=True)
    ticket = fields.ForeignKeyField(
        "tickets.Ticket", related_name="subscribers", on_delete=fields.CASCADE
    )
    user = fields.CharField(max_length=128, db_index=True)
    name = fields.CharField(max_length=255, default="")
    group = fields.CharField(max_length=128, null=True)
    locale = fields.CharField(max_length=8, default="zh-CN")
    reason = fields.CharField(max_length=16, default="reporter")  # |duplicate|merged
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "tickets_subscriber"
        unique_together = (("ticket", "user"),)


class TicketEvent(Model):
    """A ticket's history: every change, who made it and why."""

    id = fields.BigIntField(primary_key=True)
    ticket = fields.ForeignKeyField(
        "tickets.Ticket", related_name="events", on_delete=fields.CASCADE
    )
    at = fields.DatetimeField(db_index=True)
    actor = fields.CharField(max_length=128)
    action = fields.CharField(max_length=32)
    status_from = fields.CharField(max_length=16, null=True)
    status_to = fields.CharField(max_length=16, null=True)
    note = fields.TextField(default="")

    class Meta:
        table = "tickets_event"
