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
            name='Sheet',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('group', fields.CharField(db_index=True, max_length=128)),
                ('number', fields.IntField()),
                ('title', fields.CharField(max_length=200)),
                ('description', fields.TextField(default='', unique=False)),
                ('capacity', fields.IntField(null=True)),
                ('deadline', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('field_names', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('lottery', fields.BooleanField(default=False)),
                ('per_household', fields.BooleanField(default=False)),
                ('status', fields.CharField(default='open', db_index=True, max_length=16)),
                ('creator', fields.CharField(max_length=128)),
                ('creator_name', fields.CharField(default='', max_length=255)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('closed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('closed_by', fields.CharField(null=True, max_length=128)),
                ('final_posted', fields.BooleanField(default=False)),
                ('version', fields.IntField(default=0)),
                ('posted_version', fields.IntField(default=0)),
                ('draw', fields.JSONField(null=True, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
            ],
            options={'table': 'signup_sheet', 'app': 'signup', 'unique_together': (('group', 'number'),), 'pk_attr': 'id', 'table_description': 'A sign-up sheet in one group, with a short number there.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Entry',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('sheet', fields.ForeignKeyField('signup.Sheet', source_field='sheet_id', db_constraint=True, to_field='id', related_name='entries', on_delete=OnDelete.CASCADE)),
                ('user', fields.CharField(max_length=128)),
                ('slot', fields.CharField(max_length=191)),
                ('display_name', fields.CharField(default='', max_length=255)),
                ('name', fields.CharField(default='', max_length=255)),
                ('household', fields.CharField(null=True, max_length=64)),
                ('count', fields.IntField(default=1)),
                ('values', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('note', fields.TextField(default='', unique=False)),
                ('status', fields.CharField(default='in', max_length=16)),
                ('rank', fields.IntField(default=0)),
                ('joined_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'signup_entry', 'app': 'signup', 'unique_together': (('sheet', 'user'), ('sheet', 'slot')), 'pk_attr': 'id', 'table_description': 'One line on a sheet: one person, or one household.'},
            bases=['Model'],
        ),
    ]
