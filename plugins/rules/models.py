"""The rules plugin's tables: cases (with evidence), strikes, mutes, the
blacklist, and what admins taught the learned signal."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class Case(Model):
    """One violation or moderation action, numbered: the id is the case number."""

    id = fields.BigIntField(primary_key=True)
    group = fields.CharField(max_length=128, db_index=True)
    user = fields.CharField(max_length=128, db_index=True)
    display_name = fields.CharField(max_length=255, default="")
    rule = fields.CharField(max_length=32)
    reason = fields.CharField(max_length=64, default="")  # i18n key
    detail = fields.CharField(max_length=255, default="")
    # evidence: what was said, as it was (masked for personal data)
    text = fields.TextField(default="")
    segments = fields.JSONField(default=list)
    message_id = fields.CharField(max_length=64, null=True)
    at = fields.DatetimeField(db_index=True)
    actor = fields.CharField(max_length=128, default="linli")
    # what was done: warn, mute, kick, remind, notify (admins asked), dry_run
    action = fields.CharField(max_length=16, default="")
    strikes = fields.IntField(default=0)
    mute_seconds = fields.IntField(null=True)
    dry_run = fields.BooleanField(default=False)
    recalled = fields.BooleanField(default=False)
    problems = fields.TextField(default="")
    pardoned_at = fields.DatetimeField(null=True)
    pardoned_by = fields.CharField(max_length=128, null=True)
    appeal = fields.TextField(null=True)
    appealed_at = fields.DatetimeField(null=True)

    class Meta:
        table = "rules_case"


class Strike(Model):
    """One strike on the ladder, counted while younger than the window."""

    id = fields.BigIntField(primary_key=True)
    case: fields.ForeignKeyRelation[Case] = fields.ForeignKeyField(
        "rules.Case", related_name="strike_rows", on_delete=fields.CASCADE
    )
    group = fields.CharField(max_length=128)
    user = fields.CharField(max_length=128)
    at = fields.DatetimeField()
    pardoned = fields.BooleanField(default=False)

    class Meta:
        table = "rules_strike"
        indexes = (("group", "user", "at"),)


class Mute(Model):
    """A mute and when it ends: re-applied if the member leaves and rejoins."""

    id = fields.BigIntField(primary_key=True)
    group = fields.CharField(max_length=128)
    user = fields.CharField(max_length=128)
    ends_at = fields.DatetimeField()
    case: fields.ForeignKeyNullableRelation[Case] = fields.ForeignKeyField(
        "rules.Case", related_name="mutes", null=True, on_delete=fields.SET_NULL
    )
    lifted = fields.BooleanField(default=False)

    class Meta:
        table = "rules_mute"
        indexes = (("group", "user", "ends_at"),)


class Blacklisted(Model):
    """Removed from every group of the estate, join requests refused."""

    id = fields.BigIntField(primary_key=True)
    user = fields.CharField(max_length=128, unique=True)
    reason = fields.CharField(max_length=255, default="")
    case: fields.ForeignKeyNullableRelation[Case] = fields.ForeignKeyField(
        "rules.Case", related_name="blacklisted", null=True, on_delete=fields.SET_NULL
    )
    at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "rules_blacklist"


class LearnedExample(Model):
    """A message an admin taught the learned signal: an ad (/举报) or an
    ordinary message (/误判). Kept so that a case taught twice counts once and
    a case taught the other way round is first forgotten."""

    id = fields.BigIntField(primary_key=True)
    estate = fields.CharField(max_length=64)
    label = fields.CharField(max_length=8)  # "ad" | "ok"
    text = fields.TextField()
    case: fields.ForeignKeyNullableRelation[Case] = fields.ForeignKeyField(
        "rules.Case", related_name="learned", null=True, on_delete=fields.SET_NULL
    )
    actor = fields.CharField(max_length=128, default="")
    at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "rules_learned_example"
        indexes = (("estate", "label"),)


class LearnedGram(Model):
    """The learned signal's model: how many taught messages of a label had
    this character gram (1–3 characters of the compacted text)."""

    id = fields.BigIntField(primary_key=True)
    estate = fields.CharField(max_length=64)
    label = fields.CharField(max_length=8)
    gram = fields.CharField(max_length=16)
    count = fields.IntField(default=0)

    class Meta:
        table = "rules_learned_gram"
        unique_together = (("estate", "label", "gram"),)
