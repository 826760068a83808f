"""On SQLite, make overlapping active appointments for one clinician impossible in the database too.

SQLite has no exclusion constraints, so two triggers (insert and update) abort any write that would leave
two booked appointments of one clinician overlapping in time ([start, end), so back-to-back is fine).
Django stores datetimes on SQLite as UTC text 'YYYY-MM-DD HH:MM:SS[.ffffff]', which sorts like the time
itself, so plain comparisons are exact and can use the (clinician, start) index. RAISE(ABORT) is a
constraint error, which Django reports as IntegrityError, like PostgreSQL's exclusion constraint
(migration 0002). Bookings are still written in IMMEDIATE transactions that re-check every rule first.
"""

from django.db import migrations

CONDITION = """
    NEW.status = 'booked' AND EXISTS (
        SELECT 1 FROM booking_appointment AS other
        WHERE other.clinician_id = NEW.clinician_id AND other.status = 'booked' AND other.id IS NOT NEW.id
          AND other.start < NEW."end" AND NEW.start < other."end"
    )"""
CREATE = [
    f"""CREATE TRIGGER booking_appointment_no_overlap_insert BEFORE INSERT ON booking_appointment
        WHEN {CONDITION}
        BEGIN SELECT RAISE(ABORT, 'booking_appointment_no_overlap'); END""",
    f"""CREATE TRIGGER booking_appointment_no_overlap_update
        BEFORE UPDATE OF clinician_id, start, "end", status ON booking_appointment
        WHEN {CONDITION}
        BEGIN SELECT RAISE(ABORT, 'booking_appointment_no_overlap'); END""",
]
DROP = [
    "DROP TRIGGER IF EXISTS booking_appointment_no_overlap_insert",
    "DROP TRIGGER IF EXISTS booking_appointment_no_overlap_update",
]


def _run(statements: list[str]):  # noqa: ANN202 - migration helper
    def run(apps, schema_editor) -> None:  # noqa: ANN001
        if schema_editor.connection.vendor == "sqlite":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("booking", "0003_waitlist_hold")]
    operations = [migrations.RunPython(_run(CREATE), _run(DROP))]
