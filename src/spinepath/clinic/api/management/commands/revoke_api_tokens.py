"""Revoke a staff member's API tokens at once (all of them, or those with one name): for a leaked token
or a retired integration."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from spinepath.clinic.api.models import StaffApiToken
from spinepath.clinic.portal import audit


class Command(BaseCommand):
    help = "Revoke staff API tokens: revoke_api_tokens USERNAME [--name NAME]"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", help="only the tokens issued under this name")

    def handle(self, *args: Any, username: str, name: str | None, **options: Any) -> None:
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user called {username!r}.")
        tokens = StaffApiToken.objects.filter(user=user)
        if name is not None:
            tokens = tokens.filter(name=name)
        revoked, _ = tokens.delete()
        if not revoked:
            raise CommandError(f"{username!r} has no API token{f' named {name!r}' if name else ''}.")
        profile = getattr(user, "staff_profile", None)
        audit.record(None, "api_token_revoked", "user", str(user.pk), f"{revoked} token(s) (command line)",
                     clinic=profile.clinic if profile else None)  # fmt: skip
        self.stdout.write(f"Revoked {revoked} token(s) of {username}.")
