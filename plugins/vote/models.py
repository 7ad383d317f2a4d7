"""vote's tables: votes, ballots (one per voter key) and running totals."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class Vote(Model):
    """A vote in a group, with ``number`` its short number there (#1, #2 …)."""

    id = fields.BigIntField(primary_key=True)
    group = fields.CharField(max_length=128)
    number = fields.IntField()
    title = fields.CharField(max_length=200)
    options = fields.JSONField(default=list)  # ["方案A", "方案B"]
    max_choices = fields.IntField(default=1)
    anonymous = fields.BooleanField(default=False)
    per_household = fields.BooleanField(default=False)
    hide_results = fields.BooleanField(default=False)
    decision = fields.CharField(max_length=16, default="")  # "", ordinary, major
    allow_change = fields.BooleanField(default=True)
    roster_only = fields.BooleanField(default=False)
    # the roster when the vote started: {"3-2-201": 8950 (hundredths of m²) or null}
    roster = fields.JSONField(null=True)
    status = fields.CharField(max_length=16, default="open", db_index=True)
    deadline = fields.DatetimeField(null=True)
    # anonymous votes: the key of the voters' keyed hashes; erased at close
    secret = fields.CharField(max_length=64, null=True)
    created_by = fields.CharField(max_length=128)
    created_at = fields.DatetimeField(auto_now_add=True)
    closed_at = fields.DatetimeField(null=True)
    announced = fields.BooleanField(default=False)  # results posted after closing

    class Meta:
        table = "vote_vote"
        unique_together = (("group", "number"),)

    @property
    def is_open(self) -> bool:
        return self.status == "open"


class Ballot(Model):
    """The current choice of one voter or household, unique per vote.

    A second ballot of the same voter key is impossible (unique constraint), so
    a new ballot replaces this row. ``voter_key`` is ``u:<user>`` or
    ``h:<household>``. For an anonymous vote it is an HMAC of that under the
    vote's secret, and user, name, household and cast_at stay empty.
    """

    id = fields.BigIntField(primary_key=True)
    vote = fields.ForeignKeyField(
        "vote.Vote", related_name="ballots", on_delete=fields.CASCADE
    )
    voter_key = fields.CharField(max_length=128)
    choices = fields.JSONField(default=list)  # [1, 3]
    user = fields.CharField(max_length=128, null=True)
    name = fields.CharField(max_length=255, null=True)
    household = fields.CharField(max_length=64, null=True)
    cast_at = fields.DatetimeField(null=True)

    class Meta:
        table = "vote_ballot"
        unique_together = (("vote", "voter_key"),)


class Total(Model):
    """Running totals per option, option 0 counting everyone who voted.

    They change in the same transaction as the ballots. Anonymous results come
    only from here.
    """

    id = fields.BigIntField(primary_key=True)
    vote = fields.ForeignKeyField(
        "vote.Vote", related_name="totals", on_delete=fields.CASCADE
    )
    option = fields.IntField()
    count = fields.IntField(default=0)
    area = fields.BigIntField(default=0)  # hundredths of m²

    class Meta:
        table = "vote_total"
        unique_together = (("vote", "option"),)
