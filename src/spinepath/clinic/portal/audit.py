"""Recording access to health data. Called by every portal view that shows or changes it.

Only identifiers go into the log (case id, action, counts), never answers or results.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from .models import AuditEvent, StaffProfile
from .network import client_ip


def _clinic_of(request: HttpRequest | None) -> Any:
    # The portal sets `request.staff`; the JSON API authenticates staff as `request.auth`.
    for attribute in ("staff", "auth"):
        profile = getattr(request, attribute, None)
        if isinstance(profile, StaffProfile):
            return profile.clinic
    return None


def record(
    request: HttpRequest | None,
    action: str,
    object_type: str = "",
    object_id: str = "",
    detail: str = "",
    *,
    clinic: Any = None,
) -> AuditEvent:
    user = getattr(request, "user", None) if request is not None else None
    authenticated = bool(user and user.is_authenticated)
    return AuditEvent.objects.create(
        actor=user if authenticated else None,
        actor_name=user.get_username() if authenticated and user else "system",
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        ip_address=client_ip(request) if request is not None else None,
        detail=detail[:300],
        clinic=clinic if clinic is not None else _clinic_of(request),
    )
