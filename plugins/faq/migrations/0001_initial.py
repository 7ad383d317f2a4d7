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
            name='FaqEntry',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('config_key', fields.CharField(null=True, unique=True, max_length=64)),
                ('questions', fields.JSONField(null=True, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('keywords', fields.JSONField(null=True, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('answer', fields.TextField(null=True, unique=False)),
                ('mode', fields.CharField(null=True, max_length=16)),
                ('groups', fields.JSONField(null=True, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('tags', fields.JSONField(null=True, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('active_hours', fields.JSONField(null=True, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('deleted', fields.BooleanField(default=False)),
                ('created_by', fields.CharField(max_length=128)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_by', fields.CharField(max_length=128)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'faq_entry', 'app': 'faq', 'pk_attr': 'id', 'table_description': 'An entry taught in chat, or the chat edits of an entry of the YAML file.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='FaqChange',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('entry', fields.ForeignKeyField('faq.FaqEntry', source_field='entry_id', db_constraint=True, to_field='id', related_name='changes', on_delete=OnDelete.CASCADE)),
                ('action', fields.CharField(max_length=16)),
                ('before', fields.JSONField(null=True, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('after', fields.JSONField(encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('actor', fields.CharField(max_length=128)),
                ('actor_name', fields.CharField(default='', max_length=255)),
                ('group', fields.CharField(null=True, max_length=128)),
                ('at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=True)),
                ('undone', fields.BooleanField(default=False)),
            ],
            options={'table': 'faq_change', 'app': 'faq', 'pk_attr': 'id', 'table_description': 'One change of an entry: who, when, and the entry before and after.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='FaqUnanswered',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('group', fields.CharField(max_length=128)),
                ('key', fields.CharField(max_length=191)),
                ('sample', fields.CharField(max_length=255)),
                ('count', fields.IntField(default=1)),
                ('first_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('last_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'faq_unanswered', 'app': 'faq', 'unique_together': (('group', 'key'),), 'pk_attr': 'id', 'table_description': 'Question-like messages that matched nothing, grouped by normalised text.'},
            bases=['Model'],
        ),
    ]
