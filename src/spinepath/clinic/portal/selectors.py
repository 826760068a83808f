"""Reads for the portal: the worklist and a case, always limited to the staff member's clinic."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import F, OuterRef, QuerySet, Subquery
from django.utils.translation import gettext_noop

from spinepath.clinic.booking.models import Appointment, CallbackFlag, Clinic
from spinepath.clinic.intake.models import AssessmentRecord, FollowUpContact
from spinepath.engine import Level

from .models import Case


@dataclass(frozen=True)
class Row:
    case: Case
    record: AssessmentRecord
    appointment: Appointment | None
    flags: list[str]
    contact: FollowUpContact | None = None

    @property
    def name(self) -> str:
        if self.appointment:
            return self.appointment.person_name
        if self.contact and self.contact.name:
            return self.contact.name
        return "(not booked)"

    @property
    def is_new(self) -> bool:
        """An emergency or diary escalation nobody has opened since it arrived."""
        return self.case.is_new_alert

    @property
    def reach(self) -> list[tuple[str, str]]:
        """How the clinic can contact the person: ("phone", number) and/or ("email", address)."""
        booked = self.appointment if self.appointment and self.appointment.status == "booked" else None
        source: Appointment | FollowUpContact | None = booked or self.contact or self.appointment
        if source is None:
            return []
        return [(kind, value) for kind, value in (("phone", source.phone), ("email", source.email)) if value]

    @property
    def clinician(self) -> str:
        return self.record.assessment.next_step.clinician


def cases_for(clinic: Clinic) -> QuerySet[Case]:
    return Case.objects.filter(clinic=clinic).select_related("interview", "reviewed_by", "clinic")


def latest_assessment(case: Case) -> AssessmentRecord | None:
    return case.interview.assessments.order_by("-created_at", "-pk").first()


def worklist(*, clinic: Clinic, filters: dict[str, Any]) -> list[Row]:
    """Flagged cases first (emergency, diary escalation, a call-back owed), then the most urgent, then
    the longest waiting. Filters: status, open (not closed), level, clinician, since (a date).

    A fixed number of queries however long the list is.
    """
    latest = (
        AssessmentRecord.objects.filter(interview=OuterRef("interview"))
        .order_by("-created_at", "-pk")
        .values("pk")[:1]
    )
    cases = (
        cases_for(clinic)
        .defer("interview__answers", "interview__history")
        .annotate(latest_id=Subquery(latest))
        .exclude(latest_id=None)
    )
    if filters.get("status"):
        cases = cases.filter(status=filters["status"])
    elif filters.get("open"):
        cases = cases.exclude(status=Case.Status.CLOSED)
    by_id = {case.latest_id: case for case in cases}
    records = AssessmentRecord.objects.filter(pk__in=by_id).defer("answers")
    if filters.get("level"):
        records = records.filter(triage_level=filters["level"])
    since = filters.get("since")
    if isinstance(since, date):
        records = records.filter(created_at__date__gte=since)
    if filters.get("clinician"):
        records = records.filter(result__next_step__clinician=filters["clinician"])
    found = list(records)
    interview_ids = [by_id[r.pk].interview_id for r in found]
    appointments: dict[int, Appointment] = {}
    for appointment in (
        Appointment.objects.filter(assessment__interview_id__in=interview_ids)
        .annotate(interview_id=F("assessment__interview_id"))
        .order_by("created_at", "pk")
    ):
        appointments[appointment.interview_id] = appointment  # the latest wins
    callbacks = set(
        CallbackFlag.objects.filter(assessment__interview_id__in=interview_ids, resolved=False).values_list(
            "assessment__interview_id", flat=True
        )
    )
    contacts = {c.interview_id: c for c in FollowUpContact.objects.filter(interview_id__in=interview_ids)}
    rows = []
    for record in found:
        case = by_id[record.pk]
        flags = []
        if record.level == Level.EMERGENCY:
            flags.append(gettext_noop("emergency"))
        if case.interview.escalated:
            flags.append(gettext_noop("diary escalation"))
        if case.interview_id in callbacks:
            flags.append(gettext_noop("phone the person"))
        rows.append(
            Row(case, record, appointments.get(case.interview_id), flags, contacts.get(case.interview_id))
        )
    # New alerts first (until opened), then other flagged cases, then the most urgent, longest waiting.
    rows.sort(key=lambda r: (not r.is_new, not r.flags, -r.record.triage_rank, r.record.created_at))
    return rows


def clinician_types(*, clinic: Clinic) -> list[tuple[str, str]]:
    """The kinds of clinician this clinic's cases were sent to, for the worklist filter."""
    seen: dict[str, str] = {}
    records = AssessmentRecord.objects.filter(interview__case__clinic=clinic).values_list(
        "result__next_step__clinician", "result__next_step__clinician_name"
    )
    for value, label in records.distinct():
        if value:
            seen[str(value)] = str(label or value)
    return sorted(seen.items(), key=lambda item: item[1])
