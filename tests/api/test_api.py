"""The JSON API end to end with Django's test client: interview, result, booking, staff, and bad input."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from spinepath.clinic.api.api import api
from spinepath.clinic.api.models import StaffApiToken
from spinepath.clinic.booking.demo import load_demo_clinic
from spinepath.clinic.portal.models import Role
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
        batch = {}
        for question in step["questions"]:
            value = answers.get(question["link_id"])
            batch[question["link_id"]] = (
                [] if value is None and question["type"] in {"multi", "regions"} else value
            )
        response = post(client, f"/api/v1/interviews/{token}/answers", {"answers": batch})
        assert response.status_code == 200, response.content
        step = response.json()
    return token


def test_health_and_questionnaire(client: Client) -> None:
    assert client.get("/api/v1/health").json() == {"status": "ok"}
    questionnaire = client.get("/api/v1/questionnaire?language=es").json()
    assert questionnaire["language"] == "es" and any(
        q["link_id"] == "bladder_bowel" for q in questionnaire["questions"]
    )
    assert client.get("/api/v1/questionnaire/fhir").json()["resourceType"] == "Questionnaire"


def test_stateless_assessment(client: Client) -> None:
    result = post(client, "/api/v1/assess", {"answers": sciatica()}).json()
    assert (
        result["triage"]["level"] == "routine" and result["differential"][0]["id"] == "lumbar_disc_herniation"
    )


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


def test_bad_requests_get_clear_json_errors(client: Client, clinic: Any) -> None:
    assert client.get("/api/v1/interviews/unknown-token").status_code == 404
    broken = client.post("/api/v1/assess", "{not json", content_type="application/json")
    assert broken.status_code in {400, 422} and "detail" in broken.json()
    wrong_type = client.post("/api/v1/assess", "answers=1", content_type="application/x-www-form-urlencoded")
    assert wrong_type.status_code == 415 and "application/json" in wrong_type.json()["detail"][0]["message"]
    huge = post(client, "/api/v1/assess", {"answers": {"age": 1}, "pad": "x" * 300_000})
    assert huge.status_code == 413
    odd = post(client, "/api/v1/assess", {"answers": {"sex": "\u202e\U0001f4a5\x00"}})
    assert odd.status_code == 422 and odd.json()["detail"][0]["field"] == "sex"
    no_key = post(client, "/api/v1/bookings", {"token": "x", "clinician_id": 1, "start": "2026-12-08T09:00:00",
                                               "name": "A", "date_of_birth": "1980-01-01", "email": "a@b.c"})  # fmt: skip
    assert no_key.status_code == 422
    naive = post(client, "/api/v1/bookings", {"token": "x", "clinician_id": 1, "start": "2026-12-08T09:00:00",
                                              "name": "A", "date_of_birth": "1980-01-01", "email": "a@b.c"},
                 **{"Idempotency-Key": "naive-time-1"})  # fmt: skip
    assert naive.status_code == 400 and "offset" in naive.json()["detail"][0]["message"]


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


def test_committed_openapi_document_matches_the_served_one(client: Client) -> None:
    served = client.get("/api/v1/openapi.json").json()
    committed = json.loads((ROOT / "docs" / "openapi.json").read_text())
    assert served == committed, "docs/openapi.json is stale: run `.venv/bin/python manage.py export_openapi`"
    assert served == json.loads(json.dumps(api.get_openapi_schema(path_prefix="/api/v1/")))
