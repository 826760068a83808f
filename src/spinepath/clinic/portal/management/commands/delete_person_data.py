"""Delete one person's data on request, leaving only an audit record that it happened."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from spinepath.clinic.booking.models import Appointment, WaitlistEntry
from spinepath.clinic.intake.models import Interview
from spinepath.clinic.portal import audit


class Command(BaseCommand):
    help = "Delete a person's interview, assessments, diary, case and bookings (by case id or private token)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("identifier", help="the case id (UUID) or the person's private link token")
        parser.add_argument("--reason", default="request from the person")

    def handle(self, *args: Any, identifier: str, reason: str, **options: Any) -> None:
        interview = Interview.objects.filter(token=identifier).first()
        if interview is None:
            try:
                interview = Interview.objects.filter(public_id=identifier).first()
            except Exception:
                interview = None
        if interview is None:
            raise CommandError("No interview matches that identifier.")
        case_id = str(interview.public_id)
        with transaction.atomic():
            Appointment.objects.filter(assessment__interview=interview).delete()
            WaitlistEntry.objects.filter(assessment__interview=interview).delete()
            interview.delete()  # cascades to assessments, diary entries, case and notes
            audit.record(None, "delete_person_data", "case", case_id, reason)
        self.stdout.write(
            self.style.SUCCESS(f"Deleted all data for case {case_id}; the audit log records it.")
        )
