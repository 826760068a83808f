"""Issue a bearer token for a staff member's system to call the staff API. Printed once, stored hashed."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from spinepath.clinic.api.models import StaffApiToken


class Command(BaseCommand):
    help = "Create a staff API token: create_api_token USERNAME [--name NAME]"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="integration")

    def handle(self, *args: Any, username: str, name: str, **options: Any) -> None:
        user = get_user_model().objects.filter(username=username).first()
        if user is None or not hasattr(user, "staff_profile"):
            raise CommandError(f"No staff member called {username!r}.")
        _, plain = StaffApiToken.issue(user=user, name=name)
        self.stdout.write(plain)
