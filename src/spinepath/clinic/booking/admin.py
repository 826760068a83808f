"""Clinic configuration in the admin, each clinic admin seeing and editing their own clinic only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import ForeignKey, Model, QuerySet
from django.forms import ModelChoiceField
from django.http import HttpRequest

from .models import (
    Appointment,
    AvailabilityException,
    Break,
    CallbackFlag,
    Clinic,
    Clinician,
    Service,
    WaitlistEntry,
    WeeklyAvailability,
)


def staff_clinic_id(request: HttpRequest) -> int | None:
    """The clinic of the signed-in staff member (the portal's profile, reached without importing it)."""
    profile = getattr(request.user, "staff_profile", None)
    return getattr(profile, "clinic_id", None)


class ClinicScopedAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Rows, and the clinics and clinicians offered in forms, limited to the admin's own clinic.

    Superusers (the people who set up the installation) see every clinic.
    """

    clinic_path = "clinic"  # how a row reaches its clinic

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        rows = super().get_queryset(request)
        if request.user.is_superuser:
            return rows
        return rows.filter(**{self.clinic_path: staff_clinic_id(request)})

    def formfield_for_foreignkey(
        self, db_field: ForeignKey[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> ModelChoiceField[Model] | None:
        clinic_id = staff_clinic_id(request)
        if not request.user.is_superuser:
            if db_field.related_model is Clinic:
                clinics = Clinic.objects.all()
                kwargs["queryset"] = clinics.filter(pk=clinic_id) if clinic_id else clinics.none()
            elif db_field.related_model is Clinician:
                clinicians = Clinician.objects.all()
                kwargs["queryset"] = (
                    clinicians.filter(clinic_id=clinic_id) if clinic_id else clinicians.none()
                )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class AvailabilityInline(admin.TabularInline[WeeklyAvailability, Clinician]):
    model = WeeklyAvailability
    extra = 0


class BreakInline(admin.TabularInline[Break, Clinician]):
    model = Break
    extra = 0


@admin.register(Clinic)
class ClinicAdmin(ClinicScopedAdmin):
    clinic_path = "pk"
    list_display = ["name", "time_zone", "phone", "min_notice_hours", "booking_window_days"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_superuser)  # a new clinic is an installation-level decision


@admin.register(Clinician)
class ClinicianAdmin(ClinicScopedAdmin):
    list_display = ["name", "role", "clinic", "active"]
    list_filter = ["role", "active"]
    inlines = [AvailabilityInline, BreakInline]


@admin.register(Service)
class ServiceAdmin(ClinicScopedAdmin):
    list_display = ["name", "clinic", "role", "kind", "duration_minutes", "buffer_minutes"]


@admin.register(AvailabilityException)
class ExceptionAdmin(ClinicScopedAdmin):
    list_display = ["clinic", "clinician", "start_date", "end_date", "reason"]


@admin.register(Appointment)
class AppointmentAdmin(ClinicScopedAdmin):
    clinic_path = "clinician__clinic"
    list_display = ["start", "clinician", "service", "status", "urgency", "person_name"]
    list_filter = ["status", "urgency"]
    readonly_fields = ["public_id", "idempotency_key", "created_at", "reminder_sent_at", "cancelled_at"]


@admin.register(WaitlistEntry)
class WaitlistAdmin(ClinicScopedAdmin):
    list_display = ["created_at", "clinic", "role", "urgency", "status"]


@admin.register(CallbackFlag)
class CallbackFlagAdmin(ClinicScopedAdmin):
    list_display = ["created_at", "clinic", "reason", "resolved"]
