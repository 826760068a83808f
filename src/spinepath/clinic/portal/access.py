"""Who may see what: one decorator that every staff view uses."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, cast
from urllib.parse import urlencode

from django.contrib.auth.models import User
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from .models import Role, StaffProfile

View = Callable[..., HttpResponse]


class StaffRequest(HttpRequest):
    """A request that passed `staff_required`: a signed-in user with a staff profile (`staff`)."""

    user: User
    staff: StaffProfile


def staff_profile(request: HttpRequest) -> StaffProfile | None:
    user = request.user
    if not user.is_authenticated:
        return None
    return StaffProfile.objects.select_related("clinic").filter(user=user).first()


def is_verified(request: HttpRequest) -> bool:
    """Passed two-factor in this session (django-otp's OTPMiddleware sets `user.is_verified`)."""
    return bool(getattr(request.user, "is_verified", lambda: False)())


def staff_required(*roles: Role) -> Callable[[View], View]:
    """Signed-in staff with one of `roles`; clinicians and admins must have passed two-factor."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            profile = staff_profile(request)
            if profile is None:
                raise PermissionDenied("staff only")
            if profile.needs_two_factor and not is_verified(request):
                query = urlencode({"next": request.get_full_path()})
                return redirect(f"{reverse('portal:two_factor')}?{query}")
            if roles and profile.role not in roles:
                raise PermissionDenied("your role cannot see this page")
            staff_request = cast(StaffRequest, request)
            staff_request.staff = profile
            return view(staff_request, *args, **kwargs)

        return wrapper

    return decorate
