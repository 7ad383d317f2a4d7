from tortoise import fields, migrations
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [("core", "0004_speaker_lease")]

    initial = False

    operations = [
        ops.AddField(
            model_name="Job",
            name="group",
            field=fields.CharField(null=True, db_index=True, max_length=128),
        ),
    ]
