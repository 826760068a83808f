"""Bearer tokens for staff systems calling the API. Only a hash of each token is stored."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

DEFAULT_LIFETIME_DAYS = 90  # a leaked token stops working on its own; integrations renew it


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _default_expiry() -> datetime:
    return timezone.now() + timedelta(days=DEFAULT_LIFETIME_DAYS)


class StaffApiToken(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(default=_default_expiry)

    @classmethod
    def issue(
        cls, *, user: object, name: str, days: int = DEFAULT_LIFETIME_DAYS
    ) -> tuple[StaffApiToken, str]:
        """Create a token valid for `days`; the plain value is returned once and never stored."""
        plain = secrets.token_urlsafe(32)
        expires_at = timezone.now() + timedelta(days=days)
        token = cls.objects.create(user=user, name=name, token_hash=hash_token(plain), expires_at=expires_at)
        return token, plain
