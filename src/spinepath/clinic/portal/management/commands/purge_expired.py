"""Delete data older than the retention period (and everything hanging from it)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from spinepath.clinic.portal.services import purge_expired


class Command(BaseCommand):
    help = "Purge data past the retention period (default 8 years, the usual adult record retention)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--days", type=int, default=8 * 365)

    def handle(self, *args: Any, days: int, **options: Any) -> None:
        try:
            purged = purge_expired(days=days)
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Purged {purged.interviews} interviews, {purged.appointments} appointments and "
                f"{purged.waitlist_entries} waitlist entries older than {days} days."
            )
        )
