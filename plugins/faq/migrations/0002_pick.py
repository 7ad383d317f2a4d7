from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('faq', '0001_initial')]

    initial = False

    operations = [
        ops.CreateModel(
            name='FaqPick',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('key', fields.CharField(max_length=191)),
                ('sample', fields.CharField(max_length=255)),
                ('entry_key', fields.CharField(max_length=64)),
                ('user', fields.CharField(max_length=128)),
                ('name', fields.CharField(default='', max_length=255)),
                ('group', fields.CharField(null=True, max_length=128)),
                ('learnt', fields.BooleanField(default=False)),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'faq_pick', 'app': 'faq', 'unique_together': (('key', 'entry_key', 'user'),), 'pk_attr': 'id', 'table_description': 'A member picked an entry from a suggestion list after asking a phrasing.'},
            bases=['Model'],
        ),
    ]
