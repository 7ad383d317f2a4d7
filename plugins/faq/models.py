"""faq's tables: entries taught in chat (and chat edits of YAML entries), their
history, and the questions nobody could answer."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class FaqEntry(Model):
    """An entry taught in chat, or the chat edits of an entry of the YAML file.

    Taught: config_key is empty and the row id is the entry's number (编号).
    Chat edits: config_key is the YAML id; a field left empty (null) keeps
    what the YAML file says.
    """

    id = fields.IntField(primary_key=True)
    config_key = fields.CharField(max_length=64, null=True, unique=True)
    questions = fields.JSONField(null=True)
    keywords = fields.JSONField(null=True)
    answer = fields.TextField(null=True)
    mode = fields.CharField(max_length=16, null=True)
    groups = fields.JSONField(null=True)  # [] or None: every group
    tags = fields.JSONField(null=True)
    active_hours = fields.JSONField(null=True)
    deleted = fields.BooleanField(default=False)
    created_by = fields.CharField(max_length=128)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_by = fields.CharField(max_length=128)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "faq_entry"


class FaqChange(Model):
    """One change of an entry: who, when, and the entry before and after."""

    id = fields.BigIntField(primary_key=True)
    entry: fields.ForeignKeyRelation[FaqEntry] = fields.ForeignKeyField(
        "faq.FaqEntry", related_name="changes", on_delete=fields.CASCADE
    )
    action = fields.CharField(max_length=16)  # add | edit | delete | undo | import
    before = fields.JSONField(null=True)  # None: the entry did not exist
    after = fields.JSONField()
    actor = fields.CharField(max_length=128)
    actor_name = fields.CharField(max_length=255, default="")
    group = fields.CharField(max_length=128, null=True)
    at = fields.DatetimeField(auto_now_add=True, db_index=True)
    undone = fields.BooleanField(default=False)

    class Meta:
        table = "faq_change"


class FaqUnanswered(Model):
    """Question-like messages that matched nothing, grouped by normalised text."""

    id = fields.BigIntField(primary_key=True)
    group = fields.CharField(max_length=128)  # "" for private chats
    key = fields.CharField(max_length=191)
    sample = fields.CharField(max_length=255)
    count = fields.IntField(default=1)
    first_at = fields.DatetimeField(auto_now_add=True)
    last_at = fields.DatetimeField(db_index=True)

    class Meta:
        table = "faq_unanswered"
        unique_together = (("group", "key"),)


class FaqPick(Model):
    """A member picked an entry from a suggestion list after asking a phrasing.

    One row per (phrasing, entry, member): a member picking twice counts once.
    Once enough members picked it, the phrasing is learnt as a question of the
    entry and every row of that pair is marked learnt (an undone learning is
    not learnt again).
    """

    id = fields.BigIntField(primary_key=True)
    key = fields.CharField(max_length=191)  # the phrasing, normalised
    sample = fields.CharField(max_length=255)  # the phrasing as asked
    entry_key = fields.CharField(max_length=64)  # the entry's 编号
    user = fields.CharField(max_length=128)
    name = fields.CharField(max_length=255, default="")
    group = fields.CharField(max_length=128, null=True)
    learnt = fields.BooleanField(default=False)
    at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "faq_pick"
        unique_together = (("key", "entry_key", "user"),)
