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
            name='Notice',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('created_by', fields.CharField(max_length=128)),
                ('origin_group', fields.CharField(null=True, db_index=True, max_length=128)),
                ('title', fields.CharField(max_length=255)),
                ('time_text', fields.CharField(default='', max_length=255)),
                ('place', fields.CharField(default='', max_length=255)),
                ('content', fields.TextField(default='', unique=False)),
                ('contact', fields.CharField(default='', max_length=255)),
                ('event_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('publish_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
                ('status', fields.CharField(default='scheduled', db_index=True, max_length=16)),
                ('urgent', fields.BooleanField(default=False)),
                ('emergency', fields.BooleanField(default=False)),
                ('notice_type', fields.CharField(null=True, max_length=64)),
                ('confirm', fields.BooleanField(default=False)),
                ('confirm_until', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('targets', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('reminders', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('last_nudge_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('published_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('cancelled_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'notices_notice', 'app': 'notices', 'pk_attr': 'id', 'table_description': 'One announcement, to one or many groups, now or at ``publish_at``.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Confirmation',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('notice', fields.ForeignKeyField('notices.Notice', source_field='notice_id', db_constraint=True, to_field='id', related_name='confirmations', on_delete=OnDelete.CASCADE)),
                ('group', fields.CharField(max_length=128)),
                ('user', fields.CharField(max_length=128)),
                ('household', fields.CharField(null=True, max_length=64)),
                ('display_name', fields.CharField(default='', max_length=255)),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'notices_confirmation', 'app': 'notices', 'unique_together': (('notice', 'user'),), 'pk_attr': 'id', 'table_description': 'A resident confirmed a notice: once per person, counted per household.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Delivery',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('notice', fields.ForeignKeyField('notices.Notice', source_field='notice_id', db_constraint=True, to_field='id', related_name='deliveries', on_delete=OnDelete.CASCADE)),
                ('group', fields.CharField(db_index=True, max_length=128)),
                ('kind', fields.CharField(max_length=32)),
                ('counts', fields.BooleanField(default=False)),
                ('due_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
                ('status', fields.CharField(default='pending', db_index=True, max_length=16)),
                ('claimed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('sent_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('message_id', fields.CharField(null=True, max_length=64)),
                ('error', fields.TextField(null=True, unique=False)),
            ],
            options={'table': 'notices_delivery', 'app': 'notices', 'unique_together': (('notice', 'group', 'kind'),), 'pk_attr': 'id', 'table_description': 'One message for a notice in one group: the post itself or reminder n.'},
            bases=['Model'],
        ),
    ]
