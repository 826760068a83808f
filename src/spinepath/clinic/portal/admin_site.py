"""The Django admin behind the portal's sign-in: password, lockout and two-factor apply there too."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp.admin import OTPAdminSite

from .access import is_verified


class StaffAdminSite(OTPAdminSite):  # type: ignore[misc]
    """Only verified (two-factor) staff reach the admin; its own login form is never used."""

    def login(self, request: HttpRequest, extra_context: object = None) -> HttpResponse:
        target = request.GET.get("next") or reverse("admin:index")
        if not request.user.is_authenticated:
            return redirect_to_login(target)
        if not request.user.is_staff:
            raise PermissionDenied("the admin site is for clinic administrators")
        if not is_verified(request):
            return redirect(f"{reverse('portal:two_factor')}?{urlencode({'next': target})}")
        return redirect(target if url_has_allowed_host_and_scheme(target, {request.get_host()}) else "/")
