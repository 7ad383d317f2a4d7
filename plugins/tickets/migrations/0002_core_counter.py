"""Ticket numbers come from core's counter (``core_counter``, scope
``tickets_ticket:estate=<estate>``): the estates' last numbers move there, so
every estate keeps counting from where it was, and ``tickets_counter`` goes."""

from tortoise import migrations
from tortoise.migrations import operations as ops

# the scope plugins.core.numbering.scope_of(Ticket, {"estate": …}) names
PREFIX = "tickets_ticket:estate="

COPY = (
    "INSERT INTO core_counter (scope, value) "
    f"SELECT '{PREFIX}' || estate, value FROM tickets_counter WHERE true "
    "ON CONFLICT (scope) DO UPDATE SET value = excluded.value"
)
COPY_BACK = [
    "INSERT INTO tickets_counter (estate, value) "
    f"SELECT substr(scope, {len(PREFIX) + 1}), value FROM core_counter "
    f"WHERE scope LIKE '{PREFIX}%'",
    f"DELETE FROM core_counter WHERE scope LIKE '{PREFIX}%'",
]


class Migration(migrations.Migration):
    dependencies = [("tickets", "0001_initial"), ("core", "0002_counter")]

    initial = False

    operations = [
        ops.RunSQL(COPY, reverse_sql=COPY_BACK),
        ops.DeleteModel(name="Counter"),
    ]
