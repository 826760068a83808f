"""Top-level URL map: each part of the clinic mounts its own urls module."""

from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from spinepath.clinic.api.api import api
from spinepath.clinic.portal.admin_site import StaffAdminSite

# The admin sits behind the portal's sign-in: lockout and two-factor apply there too.
admin.site.__class__ = StaffAdminSite

urlpatterns = [
    # Browsers ask for /favicon.ico on pages without a <link rel=icon> (the API's JSON, files).
    path("favicon.ico", RedirectView.as_view(url=static("intake/favicon.svg"), permanent=True)),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("booking/", include("spinepath.clinic.booking.urls")),
    path("staff/", include("spinepath.clinic.portal.urls")),
    path("api/v1/", api.urls),
    path("", include("spinepath.clinic.intake.urls")),
]
