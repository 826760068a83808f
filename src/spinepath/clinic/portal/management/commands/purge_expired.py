"""Delete interviews (and everything hanging from them) older than the retention period."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from spinepath.clinic.booking.models import Appointment
from spinepath.clinic.intake.models import Interview
from spinepath.clinic.portal import audit


class Command(BaseCommand):
    help = "Purge data past the retention period (default 8 years, the usual adult record retention)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--days", type=int, default=8 * 365)

    def handle(self, *args: Any, days: int, **options: Any) -> None:
        cutoff = timezone.now() - timedelta(days=days)
        with transaction.atomic():
            old = Interview.objects.filter(updated_at__lt=cutoff)
            count = old.count()
            Appointment.objects.filter(assessment__interview__in=old).delete()
            old.delete()
            audit.record(None, "purge_expired", "interviews", str(count), f"older than {days} days")
        self.stdout.write(self.style.SUCCESS(f"Purged {count} interviews older than {days} days."))
