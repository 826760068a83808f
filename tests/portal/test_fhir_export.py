"""A clinician exports a stored case as a FHIR Bundle from the portal."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone
from fhir.resources.R4B.bundle import Bundle

from spinepath.clinic.intake.models import FollowUpContact
from spinepath.clinic.portal.models import Case

from .conftest import book

pytestmark = pytest.mark.django_db


def test_a_booked_case_exports_as_a_valid_fhir_bundle(
    cases: tuple[Case, Case], staff: dict[str, Any], signed_in: Callable[..., Any]
) -> None:
    mine, _ = cases
    appointment = book(mine.interview.assessments.get(), name="Ana Example")
    response = signed_in(staff["clinician"]).get(f"/staff/case/{mine.interview.public_id}/fhir/")
    assert response.status_code == 200 and response["Content-Type"] == "application/fhir+json"
    bundle = json.loads(response.content)
    Bundle.model_validate(bundle)
    found = {entry["resource"]["resourceType"]: entry["resource"] for entry in bundle["entry"]}
    assert list(found) == ["Patient", "QuestionnaireResponse", "RiskAssessment", "Appointment"]
    assert found["Patient"]["name"] == [{"text": "Ana Example"}]
    assert (
        found["RiskAssessment"]["prediction"][0]["outcome"]["coding"][0]["code"] == "lumbar_disc_herniation"
    )
    assert found["Appointment"]["id"] == str(appointment.public_id)
    answered = {item["linkId"] for item in found["QuestionnaireResponse"]["item"]}
    assert {"age", "pain_regions", "numb_regions"} <= answered


def test_an_unbooked_case_carries_the_contact_details_left_with_consent(
    cases: tuple[Case, Case], staff: dict[str, Any], signed_in: Callable[..., Any]
) -> None:
    """Someone told to be seen urgently who did not book, but left a phone number: the record the clinic
    receives says how to reach them (and no name or birth date it was never given)."""
    mine, _ = cases
    clinician = signed_in(staff["clinician"])

    def patient() -> dict[str, Any]:
        response = clinician.get(f"/staff/case/{mine.interview.public_id}/fhir/")
        assert response.status_code == 200
        bundle = json.loads(response.content)
        Bundle.model_validate(bundle)
        resources = [entry["resource"] for entry in bundle["entry"]]
        assert "Appointment" not in {resource["resourceType"] for resource in resources}
        found: dict[str, Any] = resources[0]
        assert found["resourceType"] == "Patient"
        return found

    assert "telecom" not in patient() and "name" not in patient()
    FollowUpContact.objects.create(
        interview=mine.interview, phone="07700 900123", consented_at=timezone.now()
    )
    reachable = patient()
    assert reachable["telecom"] == [{"system": "phone", "value": "07700 900123"}]
    assert "name" not in reachable and "birthDate" not in reachable
