from django.contrib import admin

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


class AvailabilityInline(admin.TabularInline[WeeklyAvailability, Clinician]):
    model = WeeklyAvailability
    extra = 0


class BreakInline(admin.TabularInline[Break, Clinician]):
    model = Break
    extra = 0


@admin.register(Clinic)
class ClinicAdmin(admin.ModelAdmin[Clinic]):
    list_display = ["name", "time_zone", "phone", "min_notice_hours", "booking_window_days"]


@admin.register(Clinician)
class ClinicianAdmin(admin.ModelAdmin[Clinician]):
    list_display = ["name", "role", "clinic", "active"]
    list_filter = ["clinic", "role", "active"]
    inlines = [AvailabilityInline, BreakInline]


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin[Service]):
    list_display = ["name", "clinic", "role", "kind", "duration_minutes", "buffer_minutes"]


@admin.register(AvailabilityException)
class ExceptionAdmin(admin.ModelAdmin[AvailabilityException]):
    list_display = ["clinic", "clinician", "start_date", "end_date", "reason"]


@admin.register(Appointment)
class AppointmentAdmin(admin.ModelAdmin[Appointment]):
    list_display = ["start", "clinician", "service", "status", "urgency", "person_name"]
    list_filter = ["status", "urgency", "clinician__clinic"]
    readonly_fields = ["public_id", "idempotency_key", "created_at", "reminder_sent_at", "cancelled_at"]


@admin.register(WaitlistEntry)
class WaitlistAdmin(admin.ModelAdmin[WaitlistEntry]):
    list_display = ["created_at", "clinic", "role", "urgency", "status"]


@admin.register(CallbackFlag)
class CallbackFlagAdmin(admin.ModelAdmin[CallbackFlag]):
    list_display = ["created_at", "clinic", "reason", "resolved"]
