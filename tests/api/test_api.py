"""The JSON API end to end with Django's test client: interview, result, booking, staff.
Bad input is in test_bad_input.py; the live server under schemathesis and faults in their own files."""

from __future__ import annotations

import io
import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from spinepath.clinic.api import schemas
from spinepath.clinic.api.api import api
from spinepath.clinic.api.models import StaffApiToken
from spinepath.clinic.booking.demo import load_demo_clinic
from spinepath.clinic.intake.models import AssessmentRecord, Interview
from spinepath.clinic.portal.models import AuditEvent, Role
from spinepath.engine import assess, validate_answers
from spinepath.evaluation import oracle_answer
from spinepath.fhir.questionnaire import questionnaire_response
from tests.engine.helpers import sciatica
from tests.portal.conftest import make_staff

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def post(client: Client, url: str, body: Any, **headers: str) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json", headers=headers)


@pytest.fixture
def clinic(db: Any) -> Any:
    return load_demo_clinic()


def complete_interview(client: Client, answers: dict[str, Any]) -> str:
    step = post(client, "/api/v1/interviews", {"language": "en"}).json()
    token = step["token"]
    for _ in range(40):
        if step["done"]:
            break
        batch = {q["link_id"]: oracle_answer(answers, q["link_id"], q["type"]) for q in step["questions"]}
        response = post(client, f"/api/v1/interviews/{token}/answers", {"answers": batch})
        assert response.status_code == 200, response.content
        step = response.json()
    return str(token)


def test_health_and_questionnaire(client: Client) -> None:
    assert client.get("/api/v1/health").json() == {"status": "ok"}
    questionnaire = client.get("/api/v1/questionnaire?language=es").json()
    assert questionnaire["language"] == "es" and any(
        q["link_id"] == "bladder_bowel" for q in questionnaire["questions"]
    )
    fhir = client.get("/api/v1/questionnaire?format=fhir&language=es").json()
    assert fhir["resourceType"] == "Questionnaire" and fhir["language"] == "es"


def test_stateless_assessment(client: Client) -> None:
    result = post(client, "/api/v1/assess", {"answers": sciatica()}).json()
    assert (
        result["triage"]["level"] == "routine" and result["differential"][0]["id"] == "lumbar_disc_herniation"
    )


def test_the_assessment_json_is_exactly_the_engines(client: Client) -> None:
    for language in ("en", "es"):
        served = post(client, "/api/v1/assess", {"answers": sciatica(), "language": language}).json()
        assert served == json.loads(json.dumps(assess(sciatica(), language=language).to_dict()))


def test_a_fhir_questionnaire_response_is_assessed_like_the_same_answers(client: Client) -> None:
    response = questionnaire_response(sciatica())
    served = post(client, "/api/v1/assess/fhir?language=es", response)
    assert served.status_code == 200, served.content
    assert served.json() == json.loads(json.dumps(assess(sciatica(), language="es").to_dict()))


def test_a_bad_questionnaire_response_is_a_422_naming_the_item(client: Client) -> None:
    bad = {
        "resourceType": "QuestionnaireResponse",
        "status": "completed",
        "item": [{"linkId": "age", "answer": [{"valueInteger": 400}]}],
    }
    response = post(client, "/api/v1/assess/fhir", bad)
    assert response.status_code == 422 and response.json()["detail"][0]["field"] == "age"
    assert post(client, "/api/v1/assess/fhir", ["not", "a", "resource"]).status_code == 422


def test_the_documented_example_answers_are_valid(client: Client) -> None:
    example = schemas.EXAMPLE_ANSWERS
    assert validate_answers(example) == validate_answers(dict(example))  # raises if the knowledge changed
    assert post(client, "/api/v1/assess", {"answers": example}).status_code == 200


def test_the_interview_is_reached_only_by_its_private_token(client: Client) -> None:
    step = post(client, "/api/v1/interviews", {}).json()
    assert len(step["token"]) >= 40 and "id" not in step
    interview = Interview.objects.get(token=step["token"])
    assert client.get(f"/api/v1/interviews/{interview.pk}").status_code == 404


def test_the_result_is_stored_once_per_answer_set(client: Client) -> None:
    token = complete_interview(client, sciatica())
    first = client.get(f"/api/v1/interviews/{token}/result").json()
    again = client.get(f"/api/v1/interviews/{token}/result").json()
    assert first["id"] == again["id"] and AssessmentRecord.objects.count() == 1
    record = AssessmentRecord.objects.get()
    assert record.knowledge_version == first["knowledge_version"]
    assert record.answers == Interview.objects.get(token=token).answers
    post(client, f"/api/v1/interviews/{token}/answers", {"answers": {"pain_score": 9}})
    changed = client.get(f"/api/v1/interviews/{token}/result").json()
    assert changed["id"] != first["id"] and AssessmentRecord.objects.count() == 2


def test_a_spanish_interview_stays_in_spanish(client: Client) -> None:
    step = post(client, "/api/v1/interviews", {"language": "es"}).json()
    english = client.get("/api/v1/questionnaire?language=en").json()["questions"]
    next_step = post(client, f"/api/v1/interviews/{step['token']}/answers", {"answers": {"age": 40}}).json()
    english_texts = {q["text"] for q in english}
    assert next_step["questions"] and not {q["text"] for q in next_step["questions"]} & english_texts
    result = client.get(f"/api/v1/interviews/{step['token']}/result").json()
    assert result["language"] == "es"


def test_invalid_answers_change_nothing(client: Client) -> None:
    token = post(client, "/api/v1/interviews", {}).json()["token"]
    post(client, f"/api/v1/interviews/{token}/answers", {"answers": {"age": 40}})
    bad = post(client, f"/api/v1/interviews/{token}/answers", {"answers": {"sex": "male", "age": -5}})
    assert bad.status_code == 422
    assert Interview.objects.get(token=token).answers == {"age": 40}


def test_reschedule_moves_the_booking_and_cancels_the_old_one(client: Client, clinic: Any) -> None:
    token = complete_interview(client, sciatica())
    slots = client.get(f"/api/v1/interviews/{token}/slots").json()["slots"]
    body = {"token": token, "clinician_id": slots[0]["clinician_id"], "start": slots[0]["start"], "name": "Ana",
            "date_of_birth": "1981-02-03", "phone": "+44 20 7946 0001"}  # fmt: skip
    booked = post(client, "/api/v1/bookings", body, **{"Idempotency-Key": "resched-book-1"}).json()
    later = next(s for s in slots[1:] if s["clinician_id"] == slots[0]["clinician_id"])
    move = {"clinician_id": later["clinician_id"], "start": later["start"]}
    url = f"/api/v1/bookings/{booked['manage_token']}/reschedule"
    moved = post(client, url, move, **{"Idempotency-Key": "resched-move-1"})
    assert moved.status_code == 201, moved.content
    assert moved.json()["id"] != booked["id"] and moved.json()["start"] == later["start"]
    assert post(client, url, move, **{"Idempotency-Key": "resched-move-1"}).json()["id"] == moved.json()["id"]
    old = post(client, f"/api/v1/bookings/{booked['manage_token']}/cancel", {}).json()
    assert old["status"] == "cancelled"


def test_interview_to_result_to_booking_to_cancel(client: Client, clinic: Any) -> None:
    token = complete_interview(client, sciatica())
    result = client.get(f"/api/v1/interviews/{token}/result").json()
    assert result["triage"]["level"] == "routine" and result["knowledge_version"]
    offer = client.get(f"/api/v1/interviews/{token}/slots").json()
    slot = offer["slots"][0]
    body = {"token": token, "clinician_id": slot["clinician_id"], "start": slot["start"], "name": "Ana",
            "date_of_birth": "1981-02-03", "email": "ana@example.org"}  # fmt: skip
    first = post(client, "/api/v1/bookings", body, **{"Idempotency-Key": "first-key-123"})
    assert first.status_code == 201, first.content
    retry = post(client, "/api/v1/bookings", body, **{"Idempotency-Key": "first-key-123"})
    assert retry.json()["id"] == first.json()["id"]
    clash = post(client, "/api/v1/bookings", body, **{"Idempotency-Key": "other-key-456"})
    assert clash.status_code == 409 and clash.json()["detail"][0]["message"]
    cancelled = post(client, f"/api/v1/bookings/{first.json()['manage_token']}/cancel", {})
    assert cancelled.json()["status"] == "cancelled"


def test_invalid_answers_name_the_field(client: Client) -> None:
    token = post(client, "/api/v1/interviews", {}).json()["token"]
    response = post(client, f"/api/v1/interviews/{token}/answers", {"answers": {"age": 400, "nope": 1}})
    assert response.status_code == 422
    fields = {p["field"] for p in response.json()["detail"]}
    assert fields == {"age", "nope"}


def test_emergency_answer_is_reported_at_once(client: Client) -> None:
    token = post(client, "/api/v1/interviews", {}).json()["token"]
    answers = {
        "age": 50,
        "sex": "male",
        "bladder_bowel": ["numb_saddle"],
        "bladder_bowel_timing": "new_or_worse",
    }
    step = post(client, f"/api/v1/interviews/{token}/answers", {"answers": answers}).json()
    assert step["done"] and step["emergency"]["level"] == "emergency"


def test_staff_endpoints_need_a_token_and_respect_roles(client: Client, clinic: Any) -> None:
    token = complete_interview(client, sciatica())
    client.get(f"/api/v1/interviews/{token}/result")
    assert client.get("/api/v1/staff/worklist").status_code == 401
    doctor = make_staff("doc", Role.CLINICIAN, clinic)
    desk = make_staff("desk", Role.FRONT_DESK, clinic, enrolled=False)
    _, doctor_token = StaffApiToken.issue(user=doctor, name="emr")
    _, desk_token = StaffApiToken.issue(user=desk, name="desk")
    rows = client.get("/api/v1/staff/worklist", headers={"Authorization": f"Bearer {doctor_token}"}).json()
    assert rows and rows[0]["top_condition"]
    desk_rows = client.get("/api/v1/staff/worklist", headers={"Authorization": f"Bearer {desk_token}"}).json()
    assert desk_rows[0]["top_condition"] is None
    case_id = rows[0]["case_id"]
    bundle = client.get(
        f"/api/v1/staff/cases/{case_id}/fhir", headers={"Authorization": f"Bearer {doctor_token}"}
    )
    assert bundle.status_code == 200 and bundle.json()["resourceType"] == "Bundle"
    assert (
        client.get(
            f"/api/v1/staff/cases/{case_id}/fhir", headers={"Authorization": f"Bearer {desk_token}"}
        ).status_code
        == 403
    )
    assert (
        client.get(
            "/api/v1/staff/cases/not-a-uuid/fhir", headers={"Authorization": f"Bearer {doctor_token}"}
        ).status_code
        == 404
    )
    assert client.get("/api/v1/staff/worklist", headers={"Authorization": "Bearer wrong"}).status_code == 401
    export = AuditEvent.objects.get(action="api_export_fhir")
    assert export.actor == doctor and export.object_id == case_id
    assert StaffApiToken.objects.get(user=doctor).last_used_at is not None


def test_a_token_of_an_inactive_user_is_refused(client: Client, clinic: Any) -> None:
    doctor = make_staff("gone", Role.CLINICIAN, clinic)
    _, token = StaffApiToken.issue(user=doctor, name="emr")
    doctor.is_active = False
    doctor.save()
    response = client.get("/api/v1/staff/worklist", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401 and response["WWW-Authenticate"] == "Bearer"


def test_tokens_expire_and_the_command_issues_them_with_a_checked_lifetime(
    client: Client, clinic: Any
) -> None:
    doctor = make_staff("cmd", Role.CLINICIAN, clinic)
    out, err = io.StringIO(), io.StringIO()
    call_command("create_api_token", "cmd", "--days", "30", stdout=out, stderr=err)
    plain = out.getvalue().strip()
    assert "Valid until" in err.getvalue()
    stored = StaffApiToken.objects.get(user=doctor)
    assert timedelta(days=29) < stored.expires_at - timezone.now() <= timedelta(days=30)
    headers = {"Authorization": f"Bearer {plain}"}
    assert client.get("/api/v1/staff/worklist", headers=headers).status_code == 200
    StaffApiToken.objects.filter(pk=stored.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get("/api/v1/staff/worklist", headers=headers).status_code == 401
    for days in ("0", "366", "-5"):
        with pytest.raises(CommandError, match="--days must be between 1 and 365"):
            call_command("create_api_token", "cmd", "--days", days)
    with pytest.raises(CommandError, match="No staff member called 'nobody'"):
        call_command("create_api_token", "nobody")
    assert StaffApiToken.objects.count() == 1
    issued = AuditEvent.objects.get(action="api_token_issued")
    assert issued.object_id == str(doctor.pk) and issued.detail == "integration, 30 days (command line)"


def test_revoking_tokens_stops_them_at_once(client: Client, clinic: Any) -> None:
    doctor = make_staff("rev", Role.CLINICIAN, clinic)
    _, emr = StaffApiToken.issue(user=doctor, name="emr")
    _, lab = StaffApiToken.issue(user=doctor, name="lab")
    out = io.StringIO()
    call_command("revoke_api_tokens", "rev", "--name", "emr", stdout=out)
    assert "Revoked 1 token(s)" in out.getvalue()
    assert client.get("/api/v1/staff/worklist", headers={"Authorization": f"Bearer {emr}"}).status_code == 401
    assert client.get("/api/v1/staff/worklist", headers={"Authorization": f"Bearer {lab}"}).status_code == 200
    with pytest.raises(CommandError, match="has no API token named 'emr'"):
        call_command("revoke_api_tokens", "rev", "--name", "emr")
    with pytest.raises(CommandError, match="No user called 'nobody'"):
        call_command("revoke_api_tokens", "nobody")
    call_command("revoke_api_tokens", "rev", stdout=io.StringIO())
    assert not StaffApiToken.objects.filter(user=doctor).exists()
    revocations = AuditEvent.objects.filter(action="api_token_revoked", object_id=str(doctor.pk))
    assert [event.detail for event in revocations.order_by("pk")] == [
        "1 token(s) (command line)",
        "1 token(s) (command line)",
    ]
    assert {event.clinic for event in revocations} == {clinic}


def test_tokens_are_stored_only_as_hashes(clinic: Any) -> None:
    doctor = make_staff("hash", Role.CLINICIAN, clinic)
    stored, plain = StaffApiToken.issue(user=doctor, name="emr")
    assert plain not in stored.token_hash and len(stored.token_hash) == 64


def test_unknown_addresses_and_wrong_methods_answer_in_json(client: Client) -> None:
    missing = client.get("/api/v1/no-such-thing")
    assert missing.status_code == 404 and missing.json()["detail"][0]["message"]
    wrong = client.delete("/api/v1/assess")
    assert wrong.status_code == 405 and wrong.json()["detail"][0]["message"]


def test_committed_openapi_document_matches_the_served_one(client: Client) -> None:
    served = client.get("/api/v1/openapi.json").json()
    committed = json.loads((ROOT / "docs" / "openapi.json").read_text())
    assert served == committed, (
        "docs/openapi.json differs from the served document: if the change is intended, regenerate it with "
        "`.venv/bin/python manage.py export_openapi` and commit it"
    )
    assert served == json.loads(json.dumps(api.get_openapi_schema(path_prefix="/api/v1/")))
