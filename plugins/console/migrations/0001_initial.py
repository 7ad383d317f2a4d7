from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise import fields

class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name='Link',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('token_hash', fields.CharField(unique=True, max_length=64)),
                ('user', fields.CharField(max_length=128)),
                ('name', fields.CharField(default='', max_length=255)),
                ('role', fields.IntField()),
                ('scope', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('locale', fields.CharField(default='zh-CN', max_length=8)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('used_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'console_link', 'app': 'console', 'pk_attr': 'id', 'table_description': 'A /工作台 link: opened once, before ``expires_at``.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Secret',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('name', fields.CharField(unique=True, max_length=32)),
                ('value', fields.CharField(max_length=128)),
            ],
            options={'table': 'console_secret', 'app': 'console', 'pk_attr': 'id', 'table_description': 'The key that signs session cookies, shared by every linli process.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Session',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('token_hash', fields.CharField(unique=True, max_length=64)),
                ('user', fields.CharField(db_index=True, max_length=128)),
                ('name', fields.CharField(default='', max_length=255)),
                ('role', fields.IntField()),
                ('scope', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('locale', fields.CharField(default='zh-CN', max_length=8)),
                ('csrf', fields.CharField(max_length=64)),
                ('flash', fields.TextField(default='', unique=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('expires_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'console_session', 'app': 'console', 'pk_attr': 'id', 'table_description': 'A signed-in browser: the cookie carries the (signed) token.'},
            bases=['Model'],
        ),
    ]
