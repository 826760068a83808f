"""Django's `flush`, able to empty the append-only audit table too.

Emptying the whole database (`manage.py flush`, and Django's TransactionTestCase after each test) is
the one time audit rows may go: the command lifts the table's triggers inside its own transaction and
puts them back before it commits, so a failed or cancelled flush leaves the guard in place."""

from __future__ import annotations

from typing import Any

from django.core.management.commands import flush
from django.db import connections, transaction

from spinepath.clinic.portal import append_only


class Command(flush.Command):
    def handle(self, **options: Any) -> None:
        connection = connections[options["database"]]
        with transaction.atomic(using=connection.alias), append_only.lifted(connection):
            super().handle(**options)
