"""The audit trail: every view or change of health data is recorded, nobody can change it, admins read
their own clinic's."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from spinepath.clinic.portal.models import AuditEvent, Case

pytestmark = pytest.mark.django_db


def actions_by(username: str) -> list[str]:
    return list(
        AuditEvent.objects.filter(actor_name=username).order_by("at", "pk").values_list("action", flat=True)
    )


def test_every_view_and_change_of_health_data_is_recorded_with_who_what_when_and_where(
    cases: tuple[Case, Case], staff: dict[str, Any], signed_in: Callable[..., Any]
) -> None:
    mine, _ = cases
    case_id = str(mine.interview.public_id)
    doctor = signed_in(staff["clinician"])
    doctor.get("/staff/")
    doctor.get("/staff/worklist.csv")
    doctor.get(f"/staff/case/{case_id}/")
    doctor.post(f"/staff/case/{case_id}/", {"status": "reviewed", "note": "Seen."})
    doctor.get(f"/staff/case/{case_id}/fhir/")
    assert actions_by("doc") == [
        "two_factor_verified",
        "view_worklist",
        "export_csv",
        "view_case",
        "change_status",
        "add_note",
        "export_fhir",
    ]
    event = AuditEvent.objects.get(actor_name="doc", action="export_fhir")
    assert event.object_type == "case" and event.object_id == case_id
    assert event.actor == staff["clinician"] and event.ip_address == "127.0.0.1" and event.at
    assert event.clinic == mine.clinic
    signed_in(staff["front_desk"]).get(f"/staff/case/{case_id}/")
    assert AuditEvent.objects.get(actor_name="desk", action="view_case").detail == "contact and booking"


def test_refused_requests_record_no_view(
    cases: tuple[Case, Case], staff: dict[str, Any], signed_in: Callable[..., Any]
) -> None:
    _, theirs = cases
    doctor = signed_in(staff["clinician"])
    doctor.get(f"/staff/case/{theirs.interview.public_id}/")
    signed_in(staff["front_desk"]).get(f"/staff/case/{theirs.interview.public_id}/fhir/")
    assert not AuditEvent.objects.filter(action__in=["view_case", "export_fhir"]).exists()


def test_the_log_is_append_only(
    cases: tuple[Case, Case], staff: dict[str, Any], signed_in: Callable[..., Any]
) -> None:
    signed_in(staff["clinician"]).get("/staff/")
    event = AuditEvent.objects.filter(action="view_worklist").get()
    event.action = "nothing_to_see"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.update(action="edited")
    assert AuditEvent.objects.filter(action="view_worklist").count() == 1


def test_the_admin_site_shows_the_log_read_only(
    cases: tuple[Case, Case], staff: dict[str, Any], signed_in: Callable[..., Any]
) -> None:
    boss = signed_in(staff["clinic_admin"])
    event = AuditEvent.objects.filter(actor_name="boss").first()
    assert event is not None
    assert boss.get("/admin/portal/auditevent/").status_code == 200
    assert boss.get("/admin/portal/auditevent/add/").status_code == 403
    page = boss.get(f"/admin/portal/auditevent/{event.pk}/change/")
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert boss.post(f"/admin/portal/auditevent/{event.pk}/change/", {"action": "x"}).status_code == 403
    assert boss.get(f"/admin/portal/auditevent/{event.pk}/delete/").status_code == 403
    bulk = boss.post(
        "/admin/portal/auditevent/", {"action": "delete_selected", "_selected_action": [event.pk]}
    )
    assert bulk.status_code in {200, 302, 403}
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_admins_read_their_own_clinics_log_in_the_portal(
    cases: tuple[Case, Case], staff: dict[str, Any], signed_in: Callable[..., Any]
) -> None:
    mine, theirs = cases
    signed_in(staff["clinician"]).get(f"/staff/case/{mine.interview.public_id}/")
    signed_in(staff["other_clinician"]).get(f"/staff/case/{theirs.interview.public_id}/")
    boss = signed_in(staff["clinic_admin"])
    page = boss.get("/staff/audit/").content.decode()
    assert str(mine.interview.public_id) in page and str(theirs.interview.public_id) not in page
    assert "elsewhere" not in page
    filtered = boss.get(f"/staff/audit/?object={mine.interview.public_id}").content.decode()
    assert "view_case" in filtered and "view_worklist" not in filtered
    assert AuditEvent.objects.filter(actor_name="boss", action="view_audit_log").count() == 2
