"""Reads for the portal: the worklist and a case, always limited to the staff member's clinic."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import QuerySet

from spinepath.clinic.booking.models import Appointment, CallbackFlag, Clinic
from spinepath.clinic.intake.models import AssessmentRecord

from .models import Case


@dataclass(frozen=True)
class Row:
    case: Case
    record: AssessmentRecord
    appointment: Appointment | None
    flags: list[str]

    @property
    def name(self) -> str:
        return self.appointment.person_name if self.appointment else "(not booked)"


def cases_for(clinic: Clinic) -> QuerySet[Case]:
    return Case.objects.filter(clinic=clinic).select_related("interview", "reviewed_by")


def worklist(*, clinic: Clinic, filters: dict[str, Any]) -> list[Row]:
    """Most urgent first, then the longest waiting; emergencies and diary escalations flagged."""
    rows = []
    cases = cases_for(clinic)
    if filters.get("status"):
        cases = cases.filter(status=filters["status"])
    for case in cases:
        record = case.interview.assessments.order_by("-created_at").first()
        if record is None:
            continue
        if filters.get("level") and record.triage_level != filters["level"]:
            continue
        if (
            filters.get("clinician")
            and record.result.get("next_step", {}).get("clinician") != filters["clinician"]
        ):
            continue
        since = filters.get("since")
        if isinstance(since, date) and record.created_at.date() < since:
            continue
        appointment = (
            Appointment.objects.filter(assessment__interview=case.interview).order_by("-created_at").first()
        )
        flags = []
        if record.triage_level == "emergency":
            flags.append("emergency")
        if case.interview.escalated:
            flags.append("diary escalation")
        if CallbackFlag.objects.filter(assessment__interview=case.interview, resolved=False).exists():
            flags.append("phone the person")
        rows.append(Row(case, record, appointment, flags))
    rows.sort(key=lambda r: (-bool(r.flags), -r.record.triage_rank, r.record.created_at))
    return rows
