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
            name='Counter',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('estate', fields.CharField(unique=True, max_length=64)),
                ('value', fields.IntField(default=0)),
            ],
            options={'table': 'tickets_counter', 'app': 'tickets', 'pk_attr': 'id', 'table_description': 'The last ticket number handed out in an estate (#0012 is 12).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Ticket',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('estate', fields.CharField(max_length=64)),
                ('number', fields.IntField()),
                ('kind', fields.CharField(default='repair', max_length=16)),
                ('category', fields.CharField(max_length=32)),
                ('priority', fields.CharField(default='normal', max_length=8)),
                ('status', fields.CharField(default='new', db_index=True, max_length=16)),
                ('description', fields.TextField(unique=False)),
                ('building', fields.CharField(null=True, max_length=16)),
                ('unit', fields.CharField(null=True, max_length=16)),
                ('room', fields.CharField(null=True, max_length=16)),
                ('contact', fields.CharField(null=True, max_length=64)),
                ('images', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('reporter', fields.CharField(db_index=True, max_length=128)),
                ('reporter_name', fields.CharField(default='', max_length=255)),
                ('group', fields.CharField(null=True, max_length=128)),
                ('locale', fields.CharField(default='zh-CN', max_length=8)),
                ('assignee', fields.CharField(null=True, max_length=128)),
                ('assignee_name', fields.CharField(null=True, max_length=255)),
                ('resolution', fields.TextField(default='', unique=False)),
                ('merged_into', fields.IntField(null=True)),
                ('created_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
                ('first_response_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('last_update_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('resolved_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('closed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('hours', fields.CharField(default='service', max_length=8)),
                ('ack_seconds', fields.FloatField()),
                ('update_seconds', fields.FloatField()),
                ('resolve_seconds', fields.FloatField()),
                ('ack_due_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('update_due_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('resolve_due_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('paused_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('resume_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('paused_seconds', fields.FloatField(default=0)),
                ('sla_seq', fields.IntField(default=0)),
                ('sla_mark', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('breached', fields.BooleanField(default=False)),
                ('escalation_level', fields.IntField(default=0)),
                ('rating', fields.IntField(null=True)),
                ('rating_comment', fields.TextField(default='', unique=False)),
                ('rated_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('reopen_count', fields.IntField(default=0)),
            ],
            options={'table': 'tickets_ticket', 'app': 'tickets', 'unique_together': (('estate', 'number'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Subscriber',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('ticket', fields.ForeignKeyField('tickets.Ticket', source_field='ticket_id', db_constraint=True, to_field='id', related_name='subscribers', on_delete=OnDelete.CASCADE)),
                ('user', fields.CharField(db_index=True, max_length=128)),
                ('name', fields.CharField(default='', max_length=255)),
                ('group', fields.CharField(null=True, max_length=128)),
                ('locale', fields.CharField(default='zh-CN', max_length=8)),
                ('reason', fields.CharField(default='reporter', max_length=16)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'tickets_subscriber', 'app': 'tickets', 'unique_together': (('ticket', 'user'),), 'pk_attr': 'id', 'table_description': 'Who hears about a ticket: its reporter, and neighbours who reported it too.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='TicketEvent',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('ticket', fields.ForeignKeyField('tickets.Ticket', source_field='ticket_id', db_constraint=True, to_field='id', related_name='events', on_delete=OnDelete.CASCADE)),
                ('at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
                ('actor', fields.CharField(max_length=128)),
                ('action', fields.CharField(max_length=32)),
                ('status_from', fields.CharField(null=True, max_length=16)),
                ('status_to', fields.CharField(null=True, max_length=16)),
                ('note', fields.TextField(default='', unique=False)),
            ],
            options={'table': 'tickets_event', 'app': 'tickets', 'pk_attr': 'id', 'table_description': "A ticket's history: every change, who made it and why."},
            bases=['Model'],
        ),
    ]
