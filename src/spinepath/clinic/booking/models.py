"""Clinics, clinicians, services, availability and appointments. Times are stored in UTC.

Double booking is prevented by the database, not only by Python: a partial unique index on
(clinician, start) for active appointments everywhere; on PostgreSQL an exclusion constraint over
(clinician, time range) (migration 0002) and on SQLite a trigger (migration 0004), so partial overlaps
of different lengths are refused by the database itself. On top of that every booking is written in
one transaction (IMMEDIATE on SQLite) that re-checks every rule, including the buffers.
"""

from __future__ import annotations

import uuid
from zoneinfo import ZoneInfo, available_timezones

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from spinepath.clinic.choices import bookable_level_choices, bookable_role_choices

WEEKDAYS = [
    (0, "Monday"),
    (1, "Tuesday"),
    (2, "Wednesday"),
    (3, "Thursday"),
    (4, "Friday"),
    (5, "Saturday"),
    (6, "Sunday"),
]


def validate_time_zone(value: str) -> None:
    if value not in available_timezones():
        raise ValidationError(f"'{value}' is not an IANA time zone (e.g. Europe/London)")


class Clinic(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(unique=True)
    time_zone = models.CharField(max_length=64, default="Europe/London", validators=[validate_time_zone])
    phone = models.CharField(max_length=40)
    email = models.EmailField()
    duty_email = models.EmailField(
        blank=True,
        help_text="Who is alerted at once about emergencies and diary escalations "
        "(empty: the SPINEPATH_DUTY_EMAIL setting, else the clinic's e-mail).",
    )
    address = models.CharField(max_length=300, blank=True)
    min_notice_hours = models.PositiveIntegerField(default=2, help_text="No booking closer to now than this.")
    booking_window_days = models.PositiveIntegerField(
        default=42, help_text="No booking further ahead than this."
    )

    def __str__(self) -> str:
        return self.name

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)


class Clinician(models.Model):
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="clinicians")
    name = models.CharField(max_length=200)
    role = models.CharField(max_length=32, choices=bookable_role_choices)
    active = models.BooleanField(default=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.get_role_display()})"


class Service(models.Model):
    class Kind(models.TextChoices):
        NEW = "new", _("New-patient consultation")
        FOLLOW_UP = "follow_up", _("Follow-up")
        PHYSIO = "physio", _("Physiotherapy session")

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="services")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.NEW)
    role = models.CharField(max_length=32, choices=bookable_role_choices)
    duration_minutes = models.PositiveIntegerField(default=30)
    buffer_minutes = models.PositiveIntegerField(default=0, help_text="Gap kept free after each appointment.")

    def __str__(self) -> str:
        return f"{self.name} ({self.duration_minutes} min)"


class WeeklyAvailability(models.Model):
    """A block of working time each week, in the clinic's local time."""

    clinician = models.ForeignKey(Clinician, on_delete=models.CASCADE, related_name="availability")
    weekday = models.PositiveSmallIntegerField(choices=WEEKDAYS)
    start = models.TimeField()
    end = models.TimeField()
    urgent_only = models.BooleanField(
        default=False, help_text="Held back for urgent cases (within 48 hours)."
    )

    class Meta:
        verbose_name_plural = "weekly availability"

    def __str__(self) -> str:
        held = " (urgent only)" if self.urgent_only else ""
        return f"{WEEKDAYS[self.weekday][1]} {self.start:%H:%M}-{self.end:%H:%M}{held}"

    def clean(self) -> None:
        if self.end <= self.start:
            raise ValidationError("The block must end after it starts.")


class Break(models.Model):
    clinician = models.ForeignKey(Clinician, on_delete=models.CASCADE, related_name="breaks")
    weekday = models.PositiveSmallIntegerField(choices=WEEKDAYS)
    start = models.TimeField()
    end = models.TimeField()

    def __str__(self) -> str:
        return f"Break {WEEKDAYS[self.weekday][1]} {self.start:%H:%M}-{self.end:%H:%M}"

    def clean(self) -> None:
        if self.end <= self.start:
            raise ValidationError("The break must end after it starts.")


class AvailabilityException(models.Model):
    """Leave or a holiday: no slots from start to end date inclusive (whole clinic if no clinician)."""

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="exceptions")
    clinician = models.ForeignKey(
        Clinician, on_delete=models.CASCADE, null=True, blank=True, related_name="exceptions"
    )
    start_date = models.DateField()
    end_date = models.DateField()
    reason = models.CharField(max_length=200, blank=True)

    def __str__(self) -> str:
        who = self.clinician.name if self.clinician else "whole clinic"
        return f"{who}: {self.start_date} to {self.end_date} {self.reason}".strip()

    def clean(self) -> None:
        if self.end_date < self.start_date:
            raise ValidationError("The last day cannot be before the first day.")


class Appointment(models.Model):
    class Status(models.TextChoices):
        BOOKED = "booked", _("Booked")
        CANCELLED = "cancelled", _("Cancelled")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    clinician = models.ForeignKey(Clinician, on_delete=models.PROTECT, related_name="appointments")
    service = models.ForeignKey(Service, on_delete=models.PROTECT)
    start = models.DateTimeField(db_index=True)
    end = models.DateTimeField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.BOOKED)
    urgency = models.CharField(max_length=16, choices=bookable_level_choices)
    urgent_slot = models.BooleanField(default=False)
    person_name = models.CharField(max_length=200)
    date_of_birth = models.DateField()
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    assessment = models.ForeignKey(
        "intake.AssessmentRecord",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="appointments",
    )
    idempotency_key = models.CharField(max_length=100, unique=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["start"]
        constraints = [
            models.UniqueConstraint(
                fields=["clinician", "start"],
                condition=models.Q(status="booked"),
                name="one_booked_appointment_per_clinician_start",
            ),
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="appointment_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"Appointment {self.public_id}"


class WaitlistEntry(models.Model):
    class Status(models.TextChoices):
        WAITING = "waiting", "Waiting"
        OFFERED = "offered", "Offered a slot"
        DONE = "done", "Done"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE)
    role = models.CharField(max_length=32, choices=bookable_role_choices)
    urgency = models.CharField(max_length=16, choices=bookable_level_choices)
    person_name = models.CharField(max_length=200)
    email = models.EmailField()
    assessment = models.ForeignKey(
        "intake.AssessmentRecord", on_delete=models.SET_NULL, null=True, blank=True
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.WAITING)
    offered_clinician = models.ForeignKey(Clinician, on_delete=models.SET_NULL, null=True, blank=True)
    offered_start = models.DateTimeField(null=True, blank=True)
    offered_end = models.DateTimeField(null=True, blank=True)
    offered_until = models.DateTimeField(
        null=True, blank=True, help_text="The offered slot is held for this person until then."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name_plural = "waitlist entries"

    def __str__(self) -> str:
        return f"Waitlist entry {self.public_id} ({self.status})"


class CallbackFlag(models.Model):
    """An urgent case with no urgent slot free: staff must phone the person."""

    assessment = models.ForeignKey(
        "intake.AssessmentRecord", on_delete=models.CASCADE, related_name="callback_flags"
    )
    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE)
    reason = models.CharField(max_length=300)
    resolved = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Callback for {self.assessment_id} ({'resolved' if self.resolved else 'open'})"
