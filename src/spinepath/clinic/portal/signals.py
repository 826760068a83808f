"""Every new assessment opens (or updates) a case on the clinic's worklist."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver

from spinepath.clinic.booking.models import Clinic
from spinepath.clinic.intake.models import AssessmentRecord

from . import alerts
from .models import Case


@receiver(post_save, sender=AssessmentRecord)
def open_case(
    sender: type[AssessmentRecord], instance: AssessmentRecord, created: bool, **kwargs: Any
) -> None:
    if not created:
        return
    clinic = Clinic.objects.order_by("pk").first()
    if clinic is None:
        return
    case, made = Case.objects.get_or_create(interview=instance.interview, defaults={"clinic": clinic})
    if not made and case.status == Case.Status.CLOSED and instance.source == "diary":
        case.status = Case.Status.NEW  # a worse diary entry reopens a closed case
        case.save(update_fields=["status", "updated_at"])
    previous = (
        AssessmentRecord.objects.filter(interview_id=instance.interview_id)
        .exclude(pk=instance.pk)
        .order_by("-created_at", "-pk")
        .first()
    )
    reason = alerts.reason_for(instance, previous)
    if reason is not None:
        alerts.raise_attention(case=case, reason=reason)


@receiver(post_save, sender="booking.Appointment")
def move_case_to_booking_clinic(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    """A case belongs to the clinic where the person is booked."""
    if created and instance.assessment_id:
        Case.objects.filter(interview_id=instance.assessment.interview_id).update(
            clinic=instance.clinician.clinic
        )
