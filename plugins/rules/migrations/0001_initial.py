from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name='Case',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('group', fields.CharField(db_index=True, max_length=128)),
                ('user', fields.CharField(db_index=True, max_length=128)),
                ('display_name', fields.CharField(default='', max_length=255)),
                ('rule', fields.CharField(max_length=32)),
                ('reason', fields.CharField(default='', max_length=64)),
                ('detail', fields.CharField(default='', max_length=255)),
                ('text', fields.TextField(default='', unique=False)),
                ('segments', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('message_id', fields.CharField(null=True, max_length=64)),
                ('at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
                ('actor', fields.CharField(default='linli', max_length=128)),
                ('action', fields.CharField(default='', max_length=16)),
                ('strikes', fields.IntField(default=0)),
                ('mute_seconds', fields.IntField(null=True)),
                ('dry_run', fields.BooleanField(default=False)),
                ('recalled', fields.BooleanField(default=False)),
                ('problems', fields.TextField(default='', unique=False)),
                ('pardoned_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('pardoned_by', fields.CharField(null=True, max_length=128)),
                ('appeal', fields.TextField(null=True, unique=False)),
                ('appealed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'rules_case', 'app': 'rules', 'pk_attr': 'id', 'table_description': 'One violation or moderation action, numbered: the id is the case number.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Blacklisted',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user', fields.CharField(unique=True, max_length=128)),
                ('reason', fields.CharField(default='', max_length=255)),
                ('case', fields.ForeignKeyField('rules.Case', source_field='case_id', null=True, db_constraint=True, to_field='id', related_name='blacklisted', on_delete=OnDelete.SET_NULL)),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'rules_blacklist', 'app': 'rules', 'pk_attr': 'id', 'table_description': 'Removed from every group of the estate, join requests refused.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Mute',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('group', fields.CharField(max_length=128)),
                ('user', fields.CharField(max_length=128)),
                ('ends_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('case', fields.ForeignKeyField('rules.Case', source_field='case_id', null=True, db_constraint=True, to_field='id', related_name='mutes', on_delete=OnDelete.SET_NULL)),
                ('lifted', fields.BooleanField(default=False)),
            ],
            options={'table': 'rules_mute', 'app': 'rules', 'indexes': [Index(fields=['group', 'user', 'ends_at'])], 'pk_attr': 'id', 'table_description': 'A mute and when it ends: re-applied if the member leaves and rejoins.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Strike',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('case', fields.ForeignKeyField('rules.Case', source_field='case_id', db_constraint=True, to_field='id', related_name='strike_rows', on_delete=OnDelete.CASCADE)),
                ('group', fields.CharField(max_length=128)),
                ('user', fields.CharField(max_length=128)),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('pardoned', fields.BooleanField(default=False)),
            ],
            options={'table': 'rules_strike', 'app': 'rules', 'indexes': [Index(fields=['group', 'user', 'at'])], 'pk_attr': 'id', 'table_description': 'One strike on the ladder, counted while younger than the window.'},
            bases=['Model'],
        ),
    ]
