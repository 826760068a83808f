"""Recording access to health data. Called by every portal view that shows or changes it."""

from __future__ import annotations

from django.http import HttpRequest

from .models import AuditEvent


def record(
    request: HttpRequest | None, action: str, object_type: str = "", object_id: str = "", detail: str = ""
) -> None:
    user = getattr(request, "user", None) if request is not None else None
    authenticated = bool(user and user.is_authenticated)
    AuditEvent.objects.create(
        actor=user if authenticated else None,
        actor_name=user.get_username() if authenticated and user else "system",
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        ip_address=(request.META.get("REMOTE_ADDR") if request is not None else None) or None,
        detail=detail[:300],
    )
