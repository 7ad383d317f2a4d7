from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('core', '0001_initial')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Counter',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('scope', fields.CharField(unique=True, max_length=191)),
                ('value', fields.BigIntField(default=0)),
            ],
            options={'table': 'core_counter', 'app': 'core', 'pk_attr': 'id', 'table_description': 'The last number handed out in a scope (a feature in a group): 接龙 3 is 3.'},
            bases=['Model'],
        ),
    ]
