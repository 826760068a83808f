"""Staff roles, case workflow and the append-only audit log."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models


class Role(models.TextChoices):
    CLINICIAN = "clinician", "Clinician"
    FRONT_DESK = "front_desk", "Front desk"
    CLINIC_ADMIN = "clinic_admin", "Clinic administrator"


class StaffProfile(models.Model):
    """Least privilege: front desk sees contact and booking details; clinicians the clinical detail;
    clinic admins the configuration and the audit log. Staff see their own clinic's cases only."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_profile"
    )
    role = models.CharField(max_length=16, choices=Role.choices)
    clinic = models.ForeignKey("booking.Clinic", on_delete=models.PROTECT, related_name="staff")

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"

    @property
    def needs_two_factor(self) -> bool:
        return self.role in {Role.CLINICIAN, Role.CLINIC_ADMIN}

    @property
    def sees_clinical_detail(self) -> bool:
        return self.role == Role.CLINICIAN


class Case(models.Model):
    """The clinic's handling of one person's interview: status workflow and who reviewed it."""

    class Status(models.TextChoices):
        NEW = "new", "New"
        REVIEWED = "reviewed", "Reviewed"
        CONTACTED = "contacted", "Contacted / booked"
        CLOSED = "closed", "Closed"

    interview = models.OneToOneField("intake.Interview", on_delete=models.CASCADE, related_name="case")
    clinic = models.ForeignKey("booking.Clinic", on_delete=models.PROTECT, related_name="cases")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.NEW, db_index=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    # An emergency or a diary escalation asks for attention; the case is "new" until a staff member
    # opens it after that moment.
    attention_at = models.DateTimeField(null=True, blank=True)
    opened_at = models.DateTimeField(null=True, blank=True)

    @property
    def is_new_alert(self) -> bool:
        return self.attention_at is not None and (
            self.opened_at is None or self.opened_at < self.attention_at
        )


class CaseNote(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True)
    text = models.TextField(max_length=4000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise PermissionError("the audit log is append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("the audit log is append-only")


class AuditEvent(models.Model):
    """Who viewed or changed which health data, when and from where. Rows are never changed."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    actor_name = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=40)
    object_type = models.CharField(max_length=40, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    detail = models.CharField(max_length=300, blank=True)
    # The clinic whose data was touched (empty for system-wide events), so admins read only their own.
    clinic = models.ForeignKey(
        "booking.Clinic", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at"]

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("the audit log is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("the audit log is append-only")
