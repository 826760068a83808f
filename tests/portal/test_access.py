"""The access-control matrix: every staff URL x every role, other clinics, changed ids, patients' links."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from spinepath.clinic.api.models import StaffApiToken
from spinepath.clinic.portal.models import Case

from .conftest import book

pytestmark = pytest.mark.django_db

ROLES = ["front_desk", "clinician", "clinic_admin", "other_clinician", "other_admin"]
EVERY_STAFF_ROLE = set(ROLES)


def matrix(case: Case) -> list[tuple[str, set[str]]]:
    """(url, the roles allowed to open it). `case` belongs to the home clinic."""
    cid = case.interview.public_id
    home = {"front_desk", "clinician", "clinic_admin"}
    return [
        ("/staff/", EVERY_STAFF_ROLE),  # each sees their own clinic's worklist
        ("/staff/?status=all&level=urgent", EVERY_STAFF_ROLE),
        ("/staff/worklist.csv", EVERY_STAFF_ROLE),
        (f"/staff/case/{cid}/", home),
        (f"/staff/case/{cid}/fhir/", {"clinician"}),
        (f"/staff/case/{uuid.uuid4()}/", set()),  # a made-up case id
        ("/staff/audit/", {"clinic_admin", "other_admin"}),
        ("/admin/", {"clinic_admin", "other_admin"}),
        ("/admin/booking/clinician/", {"clinic_admin", "other_admin"}),
        ("/admin/portal/auditevent/", {"clinic_admin", "other_admin"}),
        ("/admin/booking/appointment/", set()),  # contact details are not configuration
        ("/admin/portal/casenote/", set()),  # nor are clinical notes
    ]


def opens(client: Client, url: str) -> bool:
    """True when the page itself answers 200; False when refused (403/404) or sent to sign in."""
    response = client.get(url, follow=True)
    landed = response.request["PATH_INFO"]
    if response.status_code == 200 and landed == url.split("?")[0]:
        return True
    assert response.status_code in {200, 403, 404}, (url, response.status_code)
    if response.status_code == 200:  # redirected: only ever to sign in or to the two-factor check
        assert landed in {"/staff/login/", "/staff/two-factor/"}, (url, landed)
    return False


def test_every_staff_url_for_every_role(
    cases: tuple[Case, Case], staff: dict[str, Any], signed_in: Callable[..., Any]
) -> None:
    mine, _ = cases
    clients = {role: signed_in(staff[role]) for role in ROLES}
    anonymous = Client()
    failures = []
    for url, allowed in matrix(mine):
        if opens(anonymous, url):
            failures.append((url, "anonymous", "opened"))
        for role in ROLES:
            if opens(clients[role], url) != (role in allowed):
                failures.append((url, role, "opened" if role not in allowed else "refused"))
    assert failures == []


def test_anonymous_visitors_are_sent_to_sign_in_and_come_back_after(cases: tuple[Case, Case]) -> None:
    mine, _ = cases
    url = f"/staff/case/{mine.interview.public_id}/"
    response = Client().get(url)
    assert response.status_code == 302 and response["Location"].startswith("/staff/login/?next=")


def test_another_clinics_case_is_invisible_whatever_the_id(
    cases: tuple[Case, Case], staff: dict[str, Any], signed_in: Callable[..., Any]
) -> None:
    mine, theirs = cases
    doctor = signed_in(staff["clinician"])
    for url in (
        f"/staff/case/{theirs.interview.public_id}/",
        f"/staff/case/{theirs.interview.public_id}/fhir/",
        f"/staff/case/{theirs.interview.pk}/",  # a database id instead of the case id
        f"/staff/case/{theirs.interview.token}/",  # the person's private token
    ):
        assert doctor.get(url).status_code == 404, url
    assert doctor.post(f"/staff/case/{theirs.interview.public_id}/", {"status": "closed"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == "new"
    worklist = doctor.get("/staff/?status=all").content.decode()
    assert str(theirs.interview.public_id) not in worklist and str(mine.interview.public_id) in worklist
    csv = doctor.get("/staff/worklist.csv?status=all").content.decode()
    assert str(theirs.interview.public_id) not in csv
    elsewhere = signed_in(staff["other_clinician"])
    assert elsewhere.get(f"/staff/case/{mine.interview.public_id}/").status_code == 404
    assert str(theirs.interview.public_id) in elsewhere.get("/staff/").content.decode()


def test_the_staff_api_keeps_to_the_tokens_clinic_and_role(
    cases: tuple[Case, Case], staff: dict[str, Any]
) -> None:
    mine, theirs = cases
    tokens = {role: StaffApiToken.issue(user=staff[role], name=role)[1] for role in ROLES}
    api = Client()

    def get(url: str, role: str) -> Any:
        return api.get(url, headers={"Authorization": f"Bearer {tokens[role]}"})

    # Only clinicians export; a clinician of another clinic does not even learn that the case exists.
    fhir_answer = {"clinician": 200, "front_desk": 403, "clinic_admin": 403, "other_admin": 403,
                   "other_clinician": 404}  # fmt: skip
    for role in ROLES:
        own_case = theirs if role.startswith("other_") else mine
        listed = {row["case_id"] for row in get("/api/v1/staff/worklist", role).json()}
        assert listed == {str(own_case.interview.public_id)}, role
        fhir = get(f"/api/v1/staff/cases/{mine.interview.public_id}/fhir", role).status_code
        assert fhir == fhir_answer[role], role
    assert get(f"/api/v1/staff/cases/{theirs.interview.public_id}/fhir", "clinician").status_code == 404
    assert get(f"/api/v1/staff/cases/{theirs.interview.token}/fhir", "clinician").status_code == 404


def test_a_case_moves_to_the_clinic_where_the_person_is_booked(
    cases: tuple[Case, Case], staff: dict[str, Any], signed_in: Callable[..., Any]
) -> None:
    _, theirs = cases
    doctor = signed_in(staff["clinician"])
    url = f"/staff/case/{theirs.interview.public_id}/"
    assert doctor.get(url).status_code == 404
    book(theirs.interview.assessments.get())  # booked with a clinician of the home clinic
    assert doctor.get(url).status_code == 200


def test_a_patients_private_link_opens_their_own_pages_and_no_staff_page(cases: tuple[Case, Case]) -> None:
    mine, theirs = cases
    patient = Client()
    assert patient.get(f"/i/{mine.interview.token}/result/").status_code == 200
    for url, _ in matrix(mine):
        assert not opens(patient, url), url
    # Changing the token does not reach anyone else's result.
    assert patient.get(f"/i/{mine.interview.token[:-2]}xx/result/").status_code == 404
    assert patient.get(f"/i/{theirs.interview.public_id}/result/").status_code == 404


def test_a_signed_in_user_without_a_staff_role_is_refused(
    cases: tuple[Case, Case], django_user_model: Any
) -> None:
    user = django_user_model.objects.create_user(username="random", password="x" * 20)
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    mine, _ = cases
    for url, _ in matrix(mine):
        assert not opens(client, url), url
    assert client.get("/staff/").status_code == 403


@pytest.mark.parametrize("role", ["clinician", "clinic_admin"])
def test_clinicians_and_admins_must_pass_two_factor_first(
    cases: tuple[Case, Case], staff: dict[str, Any], role: str
) -> None:
    client = Client()
    client.force_login(staff[role], backend="django.contrib.auth.backends.ModelBackend")
    mine, _ = cases
    for url, _ in matrix(mine):
        assert not opens(client, url), url
    response = client.get("/staff/audit/")
    assert (
        response.status_code == 302 and response["Location"] == "/staff/two-factor/?next=%2Fstaff%2Faudit%2F"
    )
    admin = client.get("/admin/", follow=True)
    if role == "clinic_admin":
        assert admin.request["PATH_INFO"] == "/staff/two-factor/"
    else:
        assert admin.status_code == 403


def test_front_desk_sees_contact_and_booking_but_not_clinical_detail(
    cases: tuple[Case, Case], staff: dict[str, Any], signed_in: Callable[..., Any]
) -> None:
    mine, _ = cases
    book(mine.interview.assessments.get(), name="Ana Example")
    url = f"/staff/case/{mine.interview.public_id}/"
    desk = signed_in(staff["front_desk"]).get(url).content.decode()
    doctor = signed_in(staff["clinician"]).get(url).content.decode()
    clinical = ["Differential", "Slipped disc", "Red flags", "Body map", "Findings", "Left calf", "FHIR"]
    for text in clinical:
        assert text in doctor, text
        assert text not in desk, text
    for text in ("Bookings", "Ana Example", "ana@example.org", "07700 900456"):
        assert text in desk and text in doctor


def test_only_clinicians_can_mark_a_case_reviewed_and_it_records_who_and_when(
    cases: tuple[Case, Case], staff: dict[str, Any], signed_in: Callable[..., Any]
) -> None:
    mine, _ = cases
    url = f"/staff/case/{mine.interview.public_id}/"
    assert signed_in(staff["front_desk"]).post(url, {"status": "reviewed"}).status_code == 403
    assert signed_in(staff["clinic_admin"]).post(url, {"status": "reviewed"}).status_code == 403
    doctor = signed_in(staff["clinician"])
    assert doctor.post(url, {"status": "reviewed", "note": "Called, booked."}).status_code == 302
    mine.refresh_from_db()
    assert mine.status == "reviewed" and mine.reviewed_by == staff["clinician"] and mine.reviewed_at
    assert mine.notes.get().text == "Called, booked."
    page = doctor.get(url).content.decode()
    assert "reviewed by doc" in page and "Called, booked." in page
    # The front desk moves it on after phoning the person.
    assert signed_in(staff["front_desk"]).post(url, {"status": "contacted"}).status_code == 302
    mine.refresh_from_db()
    assert mine.status == "contacted" and mine.reviewed_by == staff["clinician"]


def test_a_clinic_admin_configures_their_own_clinic_only(
    clinics: Any, staff: dict[str, Any], signed_in: Callable[..., Any]
) -> None:
    from spinepath.clinic.booking.models import Clinician, Service

    home, other = clinics
    theirs = Clinician.objects.filter(clinic=home).first()
    service = Service.objects.filter(clinic=home).first()
    assert theirs is not None and service is not None
    outsider = signed_in(staff["other_admin"])
    listing = outsider.get("/admin/booking/clinician/").content.decode()
    assert theirs.name not in listing
    for url in (
        f"/admin/booking/clinician/{theirs.pk}/change/",
        f"/admin/booking/service/{service.pk}/change/",
        f"/admin/booking/clinic/{home.pk}/change/",
    ):
        assert outsider.get(url, follow=True).request["PATH_INFO"] != url, url  # not found: back to the index
    assert outsider.post(
        f"/admin/booking/clinician/{theirs.pk}/change/", {"name": "Renamed"}
    ).status_code in {
        302,
        404,
    }
    theirs.refresh_from_db()
    assert theirs.name != "Renamed"
    # Their own clinic they can edit, and a new clinician can only be put in their own clinic.
    assert outsider.get(f"/admin/booking/clinic/{other.pk}/change/").status_code == 200
    form = outsider.get("/admin/booking/clinician/add/").context["adminform"].form
    assert list(form.fields["clinic"].queryset) == [other]
    home_admin = signed_in(staff["clinic_admin"])
    assert theirs.name in home_admin.get("/admin/booking/clinician/").content.decode()
