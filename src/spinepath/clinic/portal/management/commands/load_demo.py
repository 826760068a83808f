"""Load the demo clinic so `make run` shows a working system. Safe to run again: it never duplicates.

It lives in the portal, the app that depends on both booking and intake, so no app imports upward.
"""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Load the demo clinic (idempotent)."

    def handle(self, *args: object, **options: object) -> None:
        from spinepath.clinic.booking.demo import load_demo_clinic
        from spinepath.clinic.portal.demo import load_demo_staff

        clinic = load_demo_clinic()
        staff = load_demo_staff(clinic)
        self.stdout.write(self.style.SUCCESS(f"Demo clinic ready: {clinic.name}."))
        self.stdout.write(f"Patients start at: {settings.SITE_URL}/")
        self.stdout.write(
            f"Staff portal: {settings.SITE_URL}/staff/  (demo accounts; clinicians and admins enrol"
        )
        self.stdout.write("two-factor with an authenticator app at first sign-in):")
        for username, password, role in staff:
            self.stdout.write(f"  Demo {role.lower()}: {username} / {password}")
        self.stdout.write(f"API documentation: {settings.SITE_URL}/api/v1/docs")
        self.stdout.write("E-mails (confirmations, reminders, staff alerts) are written to var/outbox/.")
