"""Writes for a case's workflow: status changes, who reviewed it, and notes. Each is audited.

The rules live here, not in the view: only clinicians may mark a case reviewed (reviewing means
reading the clinical detail), and marking it reviewed records who and when.
"""

from __future__ import annotations

from django.contrib.auth.models import User
from django.http import HttpRequest
from django.utils import timezone

from . import audit
from .models import Case, CaseNote, StaffProfile


class NotAllowed(PermissionError):
    """This staff member's role may not make the change; the message is safe to show."""


def change_status(*, request: HttpRequest, case: Case, status: str, by: User, profile: StaffProfile) -> None:
    if not status or status == case.status:
        return
    if status == Case.Status.REVIEWED and not profile.sees_clinical_detail:
        raise NotAllowed("Only clinicians can mark a case reviewed.")
    case.status = status
    if status == Case.Status.REVIEWED:
        case.reviewed_by, case.reviewed_at = by, timezone.now()
    case.save()
    audit.record(request, "change_status", "case", str(case.interview.public_id), status)


def add_note(*, request: HttpRequest, case: Case, text: str, by: User) -> CaseNote | None:
    if not text:
        return None
    note = CaseNote.objects.create(case=case, author=by, text=text)
    audit.record(request, "add_note", "case", str(case.interview.public_id))
    return note
