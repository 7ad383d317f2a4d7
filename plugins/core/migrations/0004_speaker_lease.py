from tortoise import fields, migrations
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [("core", "0003_member_username")]

    initial = False

    operations = [
        ops.CreateModel(
            name="SpeakerLease",
            fields=[
                (
                    "id",
                    fields.BigIntField(
                        generated=True, primary_key=True, unique=True, db_index=True
                    ),
                ),
                ("group", fields.CharField(unique=True, max_length=128)),
                ("holder", fields.CharField(max_length=128)),
                ("worker", fields.CharField(default="", max_length=64)),
                (
                    "expires_at",
                    fields.DatetimeField(
                        db_index=True, auto_now=False, auto_now_add=False
                    ),
                ),
                (
                    "renewed_at",
                    fields.DatetimeField(auto_now=True, auto_now_add=False),
                ),
            ],
            options={
                "table": "core_speaker",
                "app": "core",
                "pk_attr": "id",
                "table_description": (
                    "Which of linli's accounts speaks for a group, and until when."
                ),
            },
            bases=["Model"],
        ),
    ]
