"""The access-control matrix: every staff URL x every role, other clinics, patients' private links."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from spinepath.clinic.portal.models import Case, Role

from .conftest import make_staff

pytestmark = pytest.mark.django_db


# (url, {role: allowed}) — anonymous is always sent to sign in.
def urls(case: Case) -> list[tuple[str, set[str]]]:
    cid = case.interview.public_id
    everyone = {"clinician", "front_desk", "clinic_admin"}
    return [
        ("/staff/", everyone),
        ("/staff/worklist.csv", everyone),
        (f"/staff/case/{cid}/", everyone),
        (f"/staff/case/{cid}/fhir/", {"clinician"}),
        ("/staff/audit/", {"clinic_admin"}),
    ]


@pytest.fixture
def staff(clinics: Any) -> dict[str, Any]:
    home, other = clinics
    return {
        "clinician": make_staff("doc", Role.CLINICIAN, home),
        "front_desk": make_staff("desk", Role.FRONT_DESK, home, enrolled=False),
        "clinic_admin": make_staff("boss", Role.CLINIC_ADMIN, home),
        "other_clinician": make_staff("elsewhere", Role.CLINICIAN, other),
    }


def test_the_matrix(cases: tuple[Case, Case], staff: dict[str, Any], signed_in: Callable) -> None:
    mine, _ = cases
    anonymous = Client()
    clients = {role: signed_in(user) for role, user in staff.items() if role != "other_clinician"}
    for url, allowed in urls(mine):
        response = anonymous.get(url)
        assert response.status_code == 302 and "/staff/login/" in response["Location"], url
        for role, client in clients.items():
            status = client.get(url).status_code
            if role in allowed:
                assert status == 200, (url, role, status)
            else:
                assert status == 403, (url, role, status)


def test_another_clinics_case_is_invisible(
    cases: tuple[Case, Case], staff: dict[str, Any], signed_in: Callable
) -> None:
    mine, theirs = cases
    doctor = signed_in(staff["clinician"])
    assert doctor.get(f"/staff/case/{theirs.interview.public_id}/").status_code == 404
    assert doctor.get(f"/staff/case/{theirs.interview.public_id}/fhir/").status_code == 404
    assert str(theirs.interview.public_id) not in doctor.get("/staff/").content.decode()
    elsewhere = signed_in(staff["other_clinician"])
    assert elsewhere.get(f"/staff/case/{mine.interview.public_id}/").status_code == 404


def test_a_patient_private_link_opens_no_staff_page(cases: tuple[Case, Case]) -> None:
    patient = Client()
    mine, _ = cases
    assert patient.get(f"/i/{mine.interview.token}/result/").status_code == 200
    for url, _ in urls(mine):
        assert patient.get(url).status_code == 302


def test_a_signed_in_non_staff_user_is_refused(cases: tuple[Case, Case], django_user_model: Any) -> None:
    user = django_user_model.objects.create_user(username="random", password="x" * 20)
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get("/staff/").status_code == 403


def test_clinicians_must_pass_two_factor(cases: tuple[Case, Case], staff: dict[str, Any]) -> None:
    client = Client()
    client.force_login(staff["clinician"], backend="django.contrib.auth.backends.ModelBackend")
    response = client.get("/staff/")
    assert response.status_code == 302 and response["Location"] == "/staff/two-factor/"


def test_front_desk_sees_contact_and_booking_but_not_clinical_detail(
    cases: tuple[Case, Case], staff: dict[str, Any], signed_in: Callable
) -> None:
    mine, _ = cases
    desk = signed_in(staff["front_desk"]).get(f"/staff/case/{mine.interview.public_id}/").content.decode()
    doctor = signed_in(staff["clinician"]).get(f"/staff/case/{mine.interview.public_id}/").content.decode()
    assert "Differential" in doctor and "Differential" not in desk
    assert (
        "Body map" in doctor and 'class="region pain"' in doctor and "Left calf" in doctor
    )  # labelled answers
    assert "Bookings" in desk
    csv_desk = signed_in(staff["front_desk"]).get("/staff/worklist.csv").content.decode()
    assert "most likely cause" not in csv_desk.splitlines()[0]


def test_only_clinicians_can_mark_a_case_reviewed_and_it_records_who(
    cases: tuple[Case, Case], staff: dict[str, Any], signed_in: Callable
) -> None:
    mine, _ = cases
    url = f"/staff/case/{mine.interview.public_id}/"
    assert signed_in(staff["front_desk"]).post(url, {"status": "reviewed"}).status_code == 403
    assert (
        signed_in(staff["clinician"]).post(url, {"status": "reviewed", "note": "Called, booked."}).status_code
        == 302
    )
    mine.refresh_from_db()
    assert mine.status == "reviewed" and mine.reviewed_by == staff["clinician"] and mine.reviewed_at
    assert mine.notes.get().text == "Called, booked."
