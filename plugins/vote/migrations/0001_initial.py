from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name='Vote',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('group', fields.CharField(max_length=128)),
                ('number', fields.IntField()),
                ('title', fields.CharField(max_length=200)),
                ('options', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('max_choices', fields.IntField(default=1)),
                ('anonymous', fields.BooleanField(default=False)),
                ('per_household', fields.BooleanField(default=False)),
                ('hide_results', fields.BooleanField(default=False)),
                ('decision', fields.CharField(default='', max_length=16)),
                ('allow_change', fields.BooleanField(default=True)),
                ('roster_only', fields.BooleanField(default=False)),
                ('roster', fields.JSONField(null=True, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('status', fields.CharField(default='open', db_index=True, max_length=16)),
                ('deadline', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('secret', fields.CharField(null=True, max_length=64)),
                ('created_by', fields.CharField(max_length=128)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('closed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('announced', fields.BooleanField(default=False)),
            ],
            options={'table': 'vote_vote', 'app': 'vote', 'unique_together': (('group', 'number'),), 'pk_attr': 'id', 'table_description': 'A vote in a group, with ``number`` its short number there (#1, #2 …).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Ballot',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('vote', fields.ForeignKeyField('vote.Vote', source_field='vote_id', db_constraint=True, to_field='id', related_name='ballots', on_delete=OnDelete.CASCADE)),
                ('voter_key', fields.CharField(max_length=128)),
                ('choices', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('user', fields.CharField(null=True, max_length=128)),
                ('name', fields.CharField(null=True, max_length=255)),
                ('household', fields.CharField(null=True, max_length=64)),
                ('cast_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'vote_ballot', 'app': 'vote', 'unique_together': (('vote', 'voter_key'),), 'pk_attr': 'id', 'table_description': 'The current choice of one voter or household, unique per vote.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Total',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('vote', fields.ForeignKeyField('vote.Vote', source_field='vote_id', db_constraint=True, to_field='id', related_name='totals', on_delete=OnDelete.CASCADE)),
                ('option', fields.IntField()),
                ('count', fields.IntField(default=0)),
                ('area', fields.BigIntField(default=0)),
            ],
            options={'table': 'vote_total', 'app': 'vote', 'unique_together': (('vote', 'option'),), 'pk_attr': 'id', 'table_description': 'Running totals per option, option 0 counting everyone who voted.'},
            bases=['Model'],
        ),
    ]
