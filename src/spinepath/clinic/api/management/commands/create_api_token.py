"""Issue a bearer token for a staff member's system to call the staff API. Printed once, stored hashed."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from spinepath.clinic.api.models import DEFAULT_LIFETIME_DAYS, StaffApiToken
from spinepath.clinic.portal import audit

MAX_LIFETIME_DAYS = 365


class Command(BaseCommand):
    help = "Create a staff API token: create_api_token USERNAME [--name NAME] [--days N]"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="integration")
        parser.add_argument(
            "--days", type=int, default=DEFAULT_LIFETIME_DAYS, help=f"lifetime, 1-{MAX_LIFETIME_DAYS} days"
        )

    def handle(self, *args: Any, username: str, name: str, days: int, **options: Any) -> None:
        if not 1 <= days <= MAX_LIFETIME_DAYS:
            raise CommandError(f"--days must be between 1 and {MAX_LIFETIME_DAYS}; got {days}.")
        user = get_user_model().objects.filter(username=username).first()
        if user is None or not hasattr(user, "staff_profile"):
            raise CommandError(f"No staff member called {username!r}.")
        token, plain = StaffApiToken.issue(user=user, name=name, days=days)
        audit.record(None, "api_token_issued", "user", str(user.pk), f"{name}, {days} days (command line)",
                     clinic=user.staff_profile.clinic)  # fmt: skip
        self.stdout.write(plain)
        self.stderr.write(f"Valid until {token.expires_at:%Y-%m-%d %H:%M} UTC. Shown once: store it now.")
