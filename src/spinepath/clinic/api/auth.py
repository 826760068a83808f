"""Staff systems authenticate with a bearer token (`manage.py create_api_token`; stored hashed; expires)."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone
from ninja.errors import AuthorizationError
from ninja.security import HttpBearer

from spinepath.clinic.portal.models import Role, StaffProfile

from .models import StaffApiToken, hash_token


class StaffBearer(HttpBearer):
    """`request.auth` becomes the StaffProfile; `request.user` the token's user, for the audit log."""

    def authenticate(self, request: HttpRequest, token: str) -> StaffProfile | None:
        found = (
            StaffApiToken.objects.select_related("user")
            .filter(token_hash=hash_token(token), expires_at__gt=timezone.now())
            .first()
        )
        if found is None or not found.user.is_active:
            return None
        profile = StaffProfile.objects.select_related("clinic").filter(user=found.user).first()
        if profile is None:
            return None
        StaffApiToken.objects.filter(pk=found.pk).update(last_used_at=timezone.now())
        request.user = found.user
        return profile


def staff_of(request: HttpRequest) -> StaffProfile:
    profile = getattr(request, "auth", None)
    if not isinstance(profile, StaffProfile):  # only reachable if a route forgets `auth=`
        raise AuthorizationError(message="A valid staff bearer token is required.")
    return profile


def require_clinician(profile: StaffProfile) -> None:
    if profile.role != Role.CLINICIAN:
        raise AuthorizationError(message="Only clinicians may export clinical records.")
