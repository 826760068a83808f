"""A case as a FHIR R4 Bundle, built from plain values: valid, linked by urn:uuid, stable ids."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from fhir.resources.R4B.bundle import Bundle

from spinepath.engine import assess
from spinepath.fhir.case import case_bundle
from tests.engine.helpers import baseline, sciatica

CASE_ID = "0b6c3c1e-1f7a-4d3e-9a55-3f1f0c2b9d11"
AT = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
PERSON = {"name": "Ana Example", "birth_date": "1980-05-17", "email": "ana@example.org", "phone": ""}
BOOKING = {
    "public_id": "5d1f8f0e-3a6b-4a55-8c3e-2b7e5a9b4c21",
    "status": "booked",
    "urgency": "soon",
    "start": AT + timedelta(days=3),
    "end": AT + timedelta(days=3, minutes=30),
    "clinician_name": "Dr Tom Okafor",
    "service_name": "New-patient consultation (spine doctor)",
}


def build(answers: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    arguments: dict[str, Any] = {
        "case_id": CASE_ID,
        "answers": answers,
        "assessment": assess(answers),
        "assessed_at": AT,
        "person": PERSON,
        "appointment": BOOKING,
    }
    return case_bundle(**(arguments | overrides))


def resources(bundle: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {entry["resource"]["resourceType"]: entry["resource"] for entry in bundle["entry"]}


def test_a_booked_case_has_all_four_resources_and_validates() -> None:
    bundle = build(sciatica())
    Bundle.model_validate(bundle)
    assert bundle["type"] == "collection"
    assert [e["resource"]["resourceType"] for e in bundle["entry"]] == [
        "Patient", "QuestionnaireResponse", "RiskAssessment", "Appointment",
    ]  # fmt: skip
    patient = resources(bundle)["Patient"]
    assert patient["name"] == [{"text": "Ana Example"}] and patient["birthDate"] == "1980-05-17"
    assert patient["telecom"] == [{"system": "email", "value": "ana@example.org"}]


def test_references_resolve_inside_the_bundle() -> None:
    bundle = build(sciatica())
    full_urls = {entry["fullUrl"] for entry in bundle["entry"]}
    assert all(url.startswith("urn:uuid:") for url in full_urls)
    found = resources(bundle)
    references = [
        found["QuestionnaireResponse"]["subject"]["reference"],
        found["RiskAssessment"]["subject"]["reference"],
        found["RiskAssessment"]["basis"][0]["reference"],
        found["Appointment"]["participant"][0]["actor"]["reference"],
    ]
    assert set(references) <= full_urls


def test_the_differential_becomes_predictions_with_probabilities() -> None:
    answers = sciatica()
    result = assess(answers).to_dict()
    risk = resources(build(answers))["RiskAssessment"]
    first = risk["prediction"][0]
    assert (
        first["outcome"]["coding"][0]["code"] == result["differential"][0]["id"] == "lumbar_disc_herniation"
    )
    assert abs(first["probabilityDecimal"] - result["differential"][0]["probability"]) < 1e-4
    assert all(0 <= p["probabilityDecimal"] <= 1 for p in risk["prediction"])
    assert risk["code"]["coding"][0]["code"] == result["triage"]["level"]
    assert result["knowledge_version"] in risk["method"]["text"]


def test_an_emergency_is_carried_with_the_rules_that_fired() -> None:
    answers = baseline(bladder_bowel=["numb_saddle"], bladder_bowel_timing="new_or_worse")
    risk = resources(build(answers, appointment=None))["RiskAssessment"]
    assert risk["code"]["coding"][0]["code"] == "emergency"
    assert risk["note"][0]["text"] and risk["mitigation"].startswith("Triage: emergency.")


def test_without_a_booking_the_patient_is_anonymous_and_there_is_no_appointment() -> None:
    bundle = build(baseline(), person=None, appointment=None)
    Bundle.model_validate(bundle)
    found = resources(bundle)
    assert set(found) == {"Patient", "QuestionnaireResponse", "RiskAssessment"}
    assert set(found["Patient"]) == {"resourceType", "id", "identifier"}


def test_exporting_twice_gives_the_same_ids() -> None:
    first, second = build(sciatica()), build(sciatica())
    assert [e["fullUrl"] for e in first["entry"]] == [e["fullUrl"] for e in second["entry"]]
    other = build(sciatica(), case_id=str(uuid.uuid4()))
    assert first["entry"][1]["fullUrl"] != other["entry"][1]["fullUrl"]


def test_a_must_rule_out_condition_is_exported_with_its_calibrated_range_not_the_prior() -> None:
    bundle = build(baseline(bladder_bowel=["numb_saddle"], bladder_bowel_timing="new_or_worse"))
    Bundle.model_validate(bundle)
    risk = next(e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "RiskAssessment")
    ces = next(p for p in risk["prediction"] if p["outcome"]["coding"][0]["code"] == "cauda_equina_syndrome")
    assert "probabilityDecimal" not in ces
    assert (
        ces["probabilityRange"]["low"]["value"] == 0.06 and ces["probabilityRange"]["high"]["value"] == 0.22
    )
    assert ces["qualitativeRisk"]["text"].startswith("must be checked")
