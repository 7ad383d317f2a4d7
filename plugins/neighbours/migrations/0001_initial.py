from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name='Item',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('group', fields.CharField(db_index=True, max_length=128)),
                ('number', fields.IntField()),
                ('kind', fields.CharField(max_length=8)),
                ('author', fields.CharField(max_length=128)),
                ('author_name', fields.CharField(default='', max_length=128)),
                ('text', fields.TextField(unique=False)),
                ('status', fields.CharField(default='open', db_index=True, max_length=8)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('expires_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('ended_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('ended_by', fields.CharField(null=True, max_length=128)),
                ('notified', fields.BooleanField(default=False)),
            ],
            options={'table': 'neighbours_item', 'app': 'neighbours', 'unique_together': (('group', 'number'),), 'pk_attr': 'id', 'table_description': 'An ask, an offer, a lost or a found thing posted in a group, numbered there.'},
            bases=['Model'],
        ),
    ]
