"""On PostgreSQL, make overlapping active appointments for one clinician impossible in the database.

An exclusion constraint over (clinician, [start, end)) with btree_gist catches partial overlaps of
different lengths, which a unique index cannot. SQLite has no such constraint: there, bookings are
written in IMMEDIATE transactions that re-check the overlap (see services.book_appointment).
"""

from django.db import migrations

CREATE = [
    "CREATE EXTENSION IF NOT EXISTS btree_gist",
    """ALTER TABLE booking_appointment ADD CONSTRAINT booking_appointment_no_overlap
       EXCLUDE USING gist (clinician_id WITH =, tstzrange(start, "end", '[)') WITH &&)
       WHERE (status = 'booked')""",
]
DROP = ["ALTER TABLE booking_appointment DROP CONSTRAINT IF EXISTS booking_appointment_no_overlap"]


def _run(statements: list[str]):  # noqa: ANN202 - migration helper
    def run(apps, schema_editor) -> None:  # noqa: ANN001
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("booking", "0001_initial")]
    operations = [migrations.RunPython(_run(CREATE), _run(DROP))]
