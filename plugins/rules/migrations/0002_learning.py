from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('rules', '0001_initial')]

    initial = False

    operations = [
        ops.CreateModel(
            name='LearnedExample',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('estate', fields.CharField(max_length=64)),
                ('label', fields.CharField(max_length=8)),
                ('text', fields.TextField(unique=False)),
                ('case', fields.ForeignKeyField('rules.Case', source_field='case_id', null=True, db_constraint=True, to_field='id', related_name='learned', on_delete=OnDelete.SET_NULL)),
                ('actor', fields.CharField(default='', max_length=128)),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'rules_learned_example', 'app': 'rules', 'indexes': [Index(fields=['estate', 'label'])], 'pk_attr': 'id', 'table_description': 'A message an admin taught the learned signal: an ad (/举报) or an'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='LearnedGram',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('estate', fields.CharField(max_length=64)),
                ('label', fields.CharField(max_length=8)),
                ('gram', fields.CharField(max_length=16)),
                ('count', fields.IntField(default=0)),
            ],
            options={'table': 'rules_learned_gram', 'app': 'rules', 'unique_together': (('estate', 'label', 'gram'),), 'pk_attr': 'id', 'table_description': "The learned signal's model: how many taught messages of a label had"},
            bases=['Model'],
        ),
    ]
