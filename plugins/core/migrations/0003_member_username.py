from tortoise import fields, migrations
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [("core", "0002_counter")]

    initial = False

    operations = [
        ops.AddField(
            model_name="KnownMember",
            name="username",
            field=fields.CharField(null=True, db_index=True, max_length=64),
        ),
    ]
