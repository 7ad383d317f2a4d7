"""core's tables: scheduled jobs, the audit log, the members linli has seen,
the counters that number things per group and which account speaks where."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class Job(Model):
    """A deadline: fired once by the scheduler when ``due_at`` has passed."""

    id = fields.BigIntField(primary_key=True)
    kind = fields.CharField(max_length=64, db_index=True)
    payload = fields.JSONField(default=dict)
    due_at = fields.DatetimeField(db_index=True)
    status = fields.CharField(max_length=16, default="pending", db_index=True)
    attempts = fields.IntField(default=0)
    claimed_by = fields.CharField(max_length=64, null=True)
    lease_until = fields.DatetimeField(null=True)
    last_error = fields.TextField(null=True)
    key = fields.CharField(max_length=191, null=True, unique=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    finished_at = fields.DatetimeField(null=True)
    # a job that must run where the group's speaker is (the process holding
    # its account): a message another process could not send itself
    group = fields.CharField(max_length=128, null=True, db_index=True)

    class Meta:
        table = "core_job"


class AuditEntry(Model):
    """Every moderation action and admin change: who, what, where, why, when."""

    id = fields.BigIntField(primary_key=True)
    at = fields.DatetimeField(auto_now_add=True, db_index=True)
    actor = fields.CharField(max_length=128)
    action = fields.CharField(max_length=64, db_index=True)
    group = fields.CharField(max_length=128, null=True, db_index=True)
    target = fields.CharField(max_length=128, null=True)
    reason = fields.TextField(default="")
    details = fields.JSONField(default=dict)

    class Meta:
        table = "core_audit"


class KnownMember(Model):
    """A member seen speaking in a group, with the name and household they used."""

    id = fields.BigIntField(primary_key=True)
    group = fields.CharField(max_length=128)
    user = fields.CharField(max_length=128, db_index=True)
    display_name = fields.CharField(max_length=255, default="")
    household = fields.CharField(max_length=64, null=True)
    # the @username, lower-cased, where the platform has them (Telegram, whose
    # "@name" mention carries no user id): how /禁言 @name finds the member
    username = fields.CharField(max_length=64, null=True, db_index=True)
    last_seen = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "core_member"
        unique_together = (("group", "user"),)


class Counter(Model):
    """The last number handed out in a scope (a feature in a group): 接龙 3 is 3."""

    id = fields.BigIntField(primary_key=True)
    scope = fields.CharField(max_length=191, unique=True)
    value = fields.BigIntField(default=0)

    class Meta:
        table = "core_counter"


class SpeakerLease(Model):
    """Which of linli's accounts speaks for a group, and until when.

    The speaker renews its lease while it is connected; another account takes
    it over once it has expired (plugins/core/speaker.py)."""

    id = fields.BigIntField(primary_key=True)
    group = fields.CharField(max_length=128, unique=True)
    holder = fields.CharField(max_length=128)  # the account: qq:10000
    worker = fields.CharField(max_length=64, default="")  # host:pid of the holder
    expires_at = fields.DatetimeField(db_index=True)
    renewed_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "core_speaker"


class HandledMessage(Model):
    """A group message the speaker took for handling (several processes).

    On PostgreSQL only: a process that takes a group over compares the copies
    it dropped with these (plugins/core/dedup.py). Kept a few minutes."""

    id = fields.BigIntField(primary_key=True)
    group = fields.CharField(max_length=128)
    user = fields.CharField(max_length=128)
    digest = fields.CharField(max_length=32)
    at = fields.DatetimeField(db_index=True)
    account = fields.CharField(max_length=128)
    message_id = fields.CharField(max_length=128, null=True)

    class Meta:
        table = "core_handled"
        indexes = (("group", "user", "digest", "at"),)


class SharedEvent(Model):
    """One event of a sliding window shared by every process.

    On PostgreSQL only: a message counted for flood, a join for raids
    (plugins/core/shared.py)."""

    id = fields.BigIntField(primary_key=True)
    key = fields.CharField(max_length=191)
    at = fields.FloatField()  # seconds since the epoch (the store's clock)
    value = fields.TextField(default="")
    until = fields.FloatField(db_index=True)  # pruned after this

    class Meta:
        table = "core_shared_event"
        indexes = (("key", "at"),)


class SharedMark(Model):
    """A short-lived value under a key, shared by every process.

    On PostgreSQL only: a cooldown, a pending choice (plugins/core/shared.py)."""

    id = fields.BigIntField(primary_key=True)
    key = fields.CharField(max_length=191, unique=True)
    value = fields.JSONField(default=dict)
    until = fields.FloatField(db_index=True)  # gone after this

    class Meta:
        table = "core_shared_mark"
