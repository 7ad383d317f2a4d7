import functools
from json import dumps, loads

from tortoise import fields, migrations
from tortoise.indexes import Index
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [("core", "0005_job_group")]

    initial = False

    operations = [
        ops.CreateModel(
            name="HandledMessage",
            fields=[
                (
                    "id",
                    fields.BigIntField(
                        generated=True, primary_key=True, unique=True, db_index=True
                    ),
                ),
                ("group", fields.CharField(max_length=128)),
                ("user", fields.CharField(max_length=128)),
                ("digest", fields.CharField(max_length=32)),
                (
                    "at",
                    fields.DatetimeField(
                        db_index=True, auto_now=False, auto_now_add=False
                    ),
                ),
                ("account", fields.CharField(max_length=128)),
                ("message_id", fields.CharField(null=True, max_length=128)),
            ],
            options={
                "table": "core_handled",
                "app": "core",
                "indexes": [Index(fields=["group", "user", "digest", "at"])],
                "pk_attr": "id",
                "table_description": (
                    "A group message the speaker took for handling (several processes)."
                ),
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="SharedEvent",
            fields=[
                (
                    "id",
                    fields.BigIntField(
                        generated=True, primary_key=True, unique=True, db_index=True
                    ),
                ),
                ("key", fields.CharField(max_length=191)),
                ("at", fields.FloatField()),
                ("value", fields.TextField(default="", unique=False)),
                ("until", fields.FloatField(db_index=True)),
            ],
            options={
                "table": "core_shared_event",
                "app": "core",
                "indexes": [Index(fields=["key", "at"])],
                "pk_attr": "id",
                "table_description": (
                    "One event of a sliding window shared by every process."
                ),
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="SharedMark",
            fields=[
                (
                    "id",
                    fields.BigIntField(
                        generated=True, primary_key=True, unique=True, db_index=True
                    ),
                ),
                ("key", fields.CharField(unique=True, max_length=191)),
                (
                    "value",
                    fields.JSONField(
                        default=dict,
                        encoder=functools.partial(dumps, separators=(",", ":")),
                        decoder=loads,
                    ),
                ),
                ("until", fields.FloatField(db_index=True)),
            ],
            options={
                "table": "core_shared_mark",
                "app": "core",
                "pk_attr": "id",
                "table_description": (
                    "A short-lived value under a key, shared by every process."
                ),
            },
            bases=["Model"],
        ),
    ]
