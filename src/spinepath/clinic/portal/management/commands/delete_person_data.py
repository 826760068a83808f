"""Delete one person's data on request, leaving only an audit record that it happened."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from spinepath.clinic.portal.services import NoSuchPerson, delete_person_data, find_interview


class Command(BaseCommand):
    help = "Delete a person's interview, assessments, diary, case and bookings (by case id or private token)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("identifier", help="the case id (UUID) or the person's private link token")
        parser.add_argument("--reason", default="request from the person")

    def handle(self, *args: Any, identifier: str, reason: str, **options: Any) -> None:
        try:
            interview = find_interview(identifier)
        except NoSuchPerson as error:
            raise CommandError("No interview matches that identifier.") from error
        erased = delete_person_data(interview=interview, reason=reason)
        self.stdout.write(
            self.style.SUCCESS(
                f"Deleted all data for case {erased.case_id} ({erased.appointments} appointments, "
                f"{erased.waitlist_entries} waitlist entries); the audit log records it."
            )
        )
