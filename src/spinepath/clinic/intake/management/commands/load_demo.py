"""Load the demo clinic so `make run` shows a working system. Safe to run again: it never duplicates."""

from __future__ import annotations

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Load the demo clinic (idempotent)."

    def handle(self, *args: object, **options: object) -> None:
        from spinepath.clinic.booking.demo import load_demo_clinic

        clinic = load_demo_clinic()
        self.stdout.write(self.style.SUCCESS(f"Demo clinic ready: {clinic.name}."))
        self.stdout.write("E-mails (confirmations, reminders) are written to var/outbox/.")
