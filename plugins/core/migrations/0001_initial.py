from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise import fields

class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name='AuditEntry',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=True)),
                ('actor', fields.CharField(max_length=128)),
                ('action', fields.CharField(db_index=True, max_length=64)),
                ('group', fields.CharField(null=True, db_index=True, max_length=128)),
                ('target', fields.CharField(null=True, max_length=128)),
                ('reason', fields.TextField(default='', unique=False)),
                ('details', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
            ],
            options={'table': 'core_audit', 'app': 'core', 'pk_attr': 'id', 'table_description': 'Every moderation action and admin change: who, what, where, why, when.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Job',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('kind', fields.CharField(db_index=True, max_length=64)),
                ('payload', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('due_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
                ('status', fields.CharField(default='pending', db_index=True, max_length=16)),
                ('attempts', fields.IntField(default=0)),
                ('claimed_by', fields.CharField(null=True, max_length=64)),
                ('lease_until', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('last_error', fields.TextField(null=True, unique=False)),
                ('key', fields.CharField(null=True, unique=True, max_length=191)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('finished_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'core_job', 'app': 'core', 'pk_attr': 'id', 'table_description': 'A deadline: fired once by the scheduler when ``due_at`` has passed.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='KnownMember',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('group', fields.CharField(max_length=128)),
                ('user', fields.CharField(db_index=True, max_length=128)),
                ('display_name', fields.CharField(default='', max_length=255)),
                ('household', fields.CharField(null=True, max_length=64)),
                ('last_seen', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'core_member', 'app': 'core', 'unique_together': (('group', 'user'),), 'pk_attr': 'id', 'table_description': 'A member seen speaking in a group, with the name and household they used.'},
            bases=['Model'],
        ),
    ]
