"""A person's appointment on pages that belong to apps below booking (the result page, the printed
summary): the template asks here, so intake never imports booking."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

from ..models import Appointment
from ..selectors import active_appointment
from ..tokens import manage_token

register = template.Library()


@register.simple_tag
def booked_appointment(interview: Any) -> Appointment | None:
    """The case's one booked appointment, if any."""
    return active_appointment(interview_id=interview.pk)


@register.simple_tag
def latest_appointment(interview: Any) -> Appointment | None:
    """The case's most recent appointment, booked or cancelled (who the person said they were)."""
    return (
        Appointment.objects.filter(assessment__interview_id=interview.pk)
        .select_related("clinician__clinic", "service")
        .order_by("-created_at", "-pk")
        .first()
    )


@register.filter
def manage_url(appointment: Appointment) -> str:
    """The appointment's private manage page."""
    return reverse("booking:manage", kwargs={"signed": manage_token(str(appointment.public_id))})
