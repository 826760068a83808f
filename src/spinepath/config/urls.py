"""Top-level URL map: each part of the clinic mounts its own urls module."""

from django.contrib import admin
from django.urls import include, path

from spinepath.clinic.api.api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("booking/", include("spinepath.clinic.booking.urls")),
    path("staff/", include("spinepath.clinic.portal.urls")),
    path("api/v1/", api.urls),
    path("", include("spinepath.clinic.intake.urls")),
]
