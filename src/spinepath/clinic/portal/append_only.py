"""The database's own guard on the audit table (portal migration 0004): rows can be added, never
changed or deleted, even by raw SQL. This module finds those triggers and lifts them for a whole-database
flush, which is the one operation allowed to empty the table (`manage.py flush`, and Django's
TransactionTestCase after each test; PostgreSQL flushes with TRUNCATE, SQLite with DELETE)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db.backends.base.base import BaseDatabaseWrapper

from .models import AuditEvent

TABLE = AuditEvent._meta.db_table


def guard_triggers(connection: BaseDatabaseWrapper) -> dict[str, str]:
    """The triggers on the audit table, by name, with their SQL (empty before migration 0004)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname, pg_get_triggerdef(oid) FROM pg_trigger"
                " WHERE tgrelid = to_regclass(%s) AND NOT tgisinternal",
                [TABLE],
            )
        elif connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [TABLE]
            )
        else:
            return {}
        return dict(cursor.fetchall())


@contextmanager
def lifted(connection: BaseDatabaseWrapper) -> Iterator[None]:
    """Lift the guard for the caller's transaction (which must be atomic, so a failure restores it).

    PostgreSQL disables the triggers; SQLite, which cannot disable one, drops and re-creates them."""
    if not connection.in_atomic_block:
        raise RuntimeError("lift the audit table's guard only inside a transaction")
    triggers = guard_triggers(connection)
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for name in triggers:
            if connection.vendor == "postgresql":
                cursor.execute(f"ALTER TABLE {quote(TABLE)} DISABLE TRIGGER {quote(name)}")
            else:
                cursor.execute(f"DROP TRIGGER {quote(name)}")
    yield
    with connection.cursor() as cursor:
        for name, sql in triggers.items():
            if connection.vendor == "postgresql":
                cursor.execute(f"ALTER TABLE {quote(TABLE)} ENABLE TRIGGER {quote(name)}")
            else:
                cursor.execute(sql)
