"""Bearer tokens for staff systems calling the API. Only a hash of each token is stored."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import models


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class StaffApiToken(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    @classmethod
    def issue(cls, *, user: object, name: str) -> tuple[StaffApiToken, str]:
        """Create a token; the plain value is returned once and never stored."""
        plain = secrets.token_urlsafe(32)
        return cls.objects.create(user=user, name=name, token_hash=hash_token(plain)), plain
