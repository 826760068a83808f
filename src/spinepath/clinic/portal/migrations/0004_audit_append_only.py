"""Make the audit table append-only in the database itself, so raw SQL cannot rewrite history either.

The model already refuses `save()` of an existing row, `delete()` and queryset `update()`/`delete()`;
these triggers hold against anything that reaches the database (a shell, a script, SQL injection).

One change is allowed: when a staff account is deleted, Django sets `actor_id` to NULL
(on_delete=SET_NULL); every other column, `actor_name` included, must stay as written, so the row still
names who acted. Erasure and retention (portal/services.py) never touch audit rows: they hold case ids,
actions and counts, never health data or a patient's contact details (the erasure test reads every table).

PostgreSQL: one row trigger refuses UPDATE (but the detach) and DELETE; a statement trigger refuses
TRUNCATE, including a `TRUNCATE booking_clinic CASCADE` that would reach this table.
SQLite: the same as two triggers; SQLite has no TRUNCATE. Both raise integrity errors.

`manage.py flush` (which Django's TransactionTestCase runs after each test) lifts the triggers for its
own transaction; see portal/append_only.py. On SQLite, a later migration that rebuilds this table
(most AlterField/AddField operations do) drops the triggers: re-create them in that migration
(tests/portal/test_audit.py checks they exist and cover every column).
"""

from django.db import migrations

PG_CREATE = [
    """CREATE FUNCTION portal_auditevent_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'UPDATE' THEN
            -- The one allowed change: detaching a deleted staff account, nothing else.
            IF NEW.actor_id IS NULL AND (to_jsonb(NEW) - 'actor_id') = (to_jsonb(OLD) - 'actor_id') THEN
                RETURN NEW;
            END IF;
        END IF;
        RAISE EXCEPTION 'portal_auditevent is append-only: % refused', TG_OP
            USING ERRCODE = 'integrity_constraint_violation';
    END
    $$""",
    """CREATE TRIGGER portal_auditevent_append_only BEFORE UPDATE OR DELETE ON portal_auditevent
       FOR EACH ROW EXECUTE FUNCTION portal_auditevent_append_only()""",
    """CREATE TRIGGER portal_auditevent_no_truncate BEFORE TRUNCATE ON portal_auditevent
       FOR EACH STATEMENT EXECUTE FUNCTION portal_auditevent_append_only()""",
]
PG_DROP = [
    "DROP TRIGGER IF EXISTS portal_auditevent_no_truncate ON portal_auditevent",
    "DROP TRIGGER IF EXISTS portal_auditevent_append_only ON portal_auditevent",
    "DROP FUNCTION IF EXISTS portal_auditevent_append_only()",
]

# Every column but actor_id must be unchanged (IS compares NULLs as equal).
UNCHANGED = " AND ".join(
    f"NEW.{column} IS OLD.{column}"
    for column in ["id", "at", "actor_name", "action", "object_type", "object_id", "ip_address", "detail",
                   "clinic_id"]  # fmt: skip
)
SQLITE_CREATE = [
    f"""CREATE TRIGGER portal_auditevent_no_update BEFORE UPDATE ON portal_auditevent
        WHEN NOT (NEW.actor_id IS NULL AND {UNCHANGED})
        BEGIN SELECT RAISE(ABORT, 'portal_auditevent is append-only: UPDATE refused'); END""",
    """CREATE TRIGGER portal_auditevent_no_delete BEFORE DELETE ON portal_auditevent
        BEGIN SELECT RAISE(ABORT, 'portal_auditevent is append-only: DELETE refused'); END""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS portal_auditevent_no_delete",
    "DROP TRIGGER IF EXISTS portal_auditevent_no_update",
]


def _run(by_vendor: dict[str, list[str]]):  # noqa: ANN202 - migration helper
    def run(apps, schema_editor) -> None:  # noqa: ANN001
        for statement in by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement, params=None)  # None: the '%' in RAISE is not a placeholder

    return run


class Migration(migrations.Migration):
    dependencies = [("portal", "0003_case_attention_at_case_opened_at")]
    operations = [
        migrations.RunPython(
            _run({"postgresql": PG_CREATE, "sqlite": SQLITE_CREATE}),
            _run({"postgresql": PG_DROP, "sqlite": SQLITE_DROP}),
        )
    ]
