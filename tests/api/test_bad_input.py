"""Bad input gets a clear 4xx JSON answer naming the field at fault: oversized bodies, wrong content
types, broken JSON, odd unicode, and time-zone edge cases. Never a 500."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from spinepath.clinic.booking.demo import load_demo_clinic
from spinepath.clinic.booking.models import Appointment
from tests.api.test_api import complete_interview, post
from tests.engine.helpers import sciatica

pytestmark = pytest.mark.django_db


def problems(response: Any) -> list[dict[str, Any]]:
    body = response.json()
    assert set(body) == {"detail"} and body["detail"], body
    return list(body["detail"])


def fields(response: Any) -> set[str | None]:
    return {p["field"] for p in problems(response)}


@pytest.fixture
def token(client: Client) -> str:
    load_demo_clinic()
    return complete_interview(client, sciatica())


def booking_body(token: str, **changes: Any) -> dict[str, Any]:
    body = {"token": token, "clinician_id": 1, "start": "2026-12-08T09:00:00+00:00", "name": "Ana",
            "date_of_birth": "1981-02-03", "email": "ana@example.org"}  # fmt: skip
    return {**body, **changes}


# ------------------------------------------------------------------ size and content type
def test_a_body_over_the_limit_is_refused_with_413(client: Client) -> None:
    padding = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    response = post(client, "/api/v1/assess", {"answers": {}, "pad": padding})
    assert response.status_code == 413
    assert "too large" in problems(response)[0]["message"]


@pytest.mark.parametrize(
    "content_type",
    ["application/x-www-form-urlencoded", "text/plain", "application/xml", "multipart/form-data"],
)
def test_a_body_that_is_not_json_is_refused_with_415(client: Client, content_type: str) -> None:
    response = client.post("/api/v1/assess", "answers=1", content_type=content_type)
    assert response.status_code == 415
    assert "application/json" in problems(response)[0]["message"]


def test_json_with_a_charset_parameter_is_accepted(client: Client) -> None:
    response = client.post(
        "/api/v1/assess", '{"answers": {}}', content_type="application/json; charset=utf-8"
    )
    assert response.status_code == 200


# ------------------------------------------------------------------ broken JSON
@pytest.mark.parametrize(
    "raw",
    [
        b"{not json",
        b'{"answers": {"age": 40}',  # truncated
        b"\xff\xfe\x00garbage",  # not UTF-8
        b"[" * 50_000 + b"]" * 50_000,  # nested past the parser's recursion limit
        b'{"answers": {"age": ' + b"9" * 5000 + b"}}",  # an integer too long to convert
    ],
    ids=["syntax", "truncated", "not-utf8", "deeply-nested", "huge-integer"],
)
def test_unparseable_json_is_a_400_that_says_so(client: Client, raw: bytes) -> None:
    response = client.generic("POST", "/api/v1/assess", raw, content_type="application/json")
    assert response.status_code == 400
    assert "not valid JSON" in problems(response)[0]["message"]


@pytest.mark.parametrize("raw", ["[]", "null", '"answers"', "42"])
def test_json_that_is_not_an_object_is_a_422(client: Client, raw: str) -> None:
    response = client.post("/api/v1/assess", raw, content_type="application/json")
    assert response.status_code == 422 and "answers" in fields(response)


@pytest.mark.parametrize(
    ("answers", "field"),
    [
        ({"age": "forty"}, "age"),
        ({"age": True}, "age"),
        ({"age": 1e308}, "age"),
        ({"age": 10**30}, "age"),
        ({"sex": ["male"]}, "sex"),
        ({"pain_regions": "lower_back"}, "pain_regions"),
        ({"pain_regions": ["the_moon"]}, "pain_regions"),
        ({"not_a_question": 1}, "not_a_question"),
    ],
)
def test_wrong_answer_types_name_the_linkid(client: Client, answers: dict[str, Any], field: str) -> None:
    response = post(client, "/api/v1/assess", {"answers": answers})
    assert response.status_code == 422 and field in fields(response)


def test_nan_is_refused_as_an_answer(client: Client) -> None:
    response = client.post("/api/v1/assess", '{"answers": {"age": NaN}}', content_type="application/json")
    assert response.status_code == 422 and fields(response) == {"age"}


# ------------------------------------------------------------------ odd unicode
@pytest.mark.parametrize(
    "value",
    ["\x00", "\u202e\U0001f4a5", "\ud800", "ＭＡＬＥ", "male\u200b", "m\u0061\u0301le", ""],
    ids=[
        "nul",
        "bidi-override+emoji",
        "lone-surrogate",
        "fullwidth",
        "zero-width-space",
        "combining",
        "empty",
    ],
)
def test_odd_unicode_in_a_choice_is_a_clear_422(client: Client, value: str) -> None:
    response = post(client, "/api/v1/assess", {"answers": {"sex": value}})
    assert response.status_code == 422 and fields(response) == {"sex"}


def test_an_odd_unicode_linkid_is_named_back_safely(client: Client) -> None:
    response = client.post(
        "/api/v1/assess", '{"answers": {"\\ud800\\u0000": 1}}', content_type="application/json"
    )
    assert response.status_code == 422
    assert fields(response) == {"\ud800\x00"}  # echoed back as JSON escapes, not as broken bytes


@pytest.mark.parametrize(
    ("name", "accepted"),
    [
        ("José Ñúñez", True),
        ("Zoë 李 محمد", True),
        ("Ana\x00", False),  # PostgreSQL cannot store NUL: refused before it gets there
        ("Ana\u202eanA", False),  # a bidi override makes the stored name read differently
        ("\ud800", False),  # a lone surrogate cannot be encoded for the database
        ("   ", False),
    ],
)
def test_names_with_odd_unicode_are_kept_or_refused_clearly(
    client: Client, token: str, name: str, accepted: bool
) -> None:
    slot = client.get(f"/api/v1/interviews/{token}/slots").json()["slots"][0]
    body = booking_body(token, clinician_id=slot["clinician_id"], start=slot["start"], name=name)
    response = post(client, "/api/v1/bookings", body, **{"Idempotency-Key": f"unicode-{abs(hash(name))}"})
    if accepted:
        assert response.status_code == 201, response.content
        assert Appointment.objects.get().person_name == name
    else:
        assert response.status_code == 422 and fields(response) == {"name"}
        assert not Appointment.objects.exists()


def test_names_are_stored_in_one_normal_form(client: Client, token: str) -> None:
    slot = client.get(f"/api/v1/interviews/{token}/slots").json()["slots"][0]
    decomposed = "Jose\u0301"  # e + combining acute
    body = booking_body(token, clinician_id=slot["clinician_id"], start=slot["start"], name=decomposed)
    assert post(client, "/api/v1/bookings", body, **{"Idempotency-Key": "nfc-name-1"}).status_code == 201
    assert Appointment.objects.get().person_name == "José"


@pytest.mark.parametrize("path", ["abc%00def", "x" * 300, "%F0%9F%92%A5", "..%2F..%2Fetc"])
def test_malformed_tokens_are_simply_not_found(client: Client, path: str) -> None:
    for url in (f"/api/v1/interviews/{path}", f"/api/v1/interviews/{path}/result"):
        response = client.get(url)
        assert response.status_code == 404 and problems(response)


# ------------------------------------------------------------------ time zones
def test_a_time_without_a_utc_offset_is_refused(client: Client, token: str) -> None:
    body = booking_body(token, start="2026-12-08T09:00:00")
    response = post(client, "/api/v1/bookings", body, **{"Idempotency-Key": "naive-time-1"})
    assert response.status_code == 422 and fields(response) == {"start"}
    assert "timezone" in problems(response)[0]["message"]


def test_the_same_instant_in_another_offset_books_the_same_slot(client: Client, token: str) -> None:
    slot = client.get(f"/api/v1/interviews/{token}/slots").json()["slots"][0]
    utc_start = datetime.fromisoformat(slot["start"])
    for_tokyo = utc_start.astimezone(timezone(timedelta(hours=9))).isoformat()
    body = booking_body(token, clinician_id=slot["clinician_id"], start=for_tokyo)
    response = post(client, "/api/v1/bookings", body, **{"Idempotency-Key": "tokyo-offset-1"})
    assert response.status_code == 201, response.content
    assert datetime.fromisoformat(response.json()["start"]) == utc_start
    assert datetime.fromisoformat(response.json()["start"]).utcoffset() == timedelta(0)  # answers in UTC


def test_a_z_suffix_is_utc(client: Client, token: str) -> None:
    slot = client.get(f"/api/v1/interviews/{token}/slots").json()["slots"][0]
    z_time = datetime.fromisoformat(slot["start"]).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    body = booking_body(token, clinician_id=slot["clinician_id"], start=z_time)
    assert post(client, "/api/v1/bookings", body, **{"Idempotency-Key": "zulu-time-1"}).status_code == 201


def test_the_same_wall_clock_in_the_wrong_offset_is_not_that_slot(client: Client, token: str) -> None:
    slot = client.get(f"/api/v1/interviews/{token}/slots").json()["slots"][0]
    wrong = datetime.fromisoformat(slot["start"]).replace(tzinfo=timezone(timedelta(hours=14)))
    body = booking_body(token, clinician_id=slot["clinician_id"], start=wrong.isoformat())
    response = post(client, "/api/v1/bookings", body, **{"Idempotency-Key": "kiribati-1"})
    assert response.status_code in {400, 409} and problems(response)
    assert not Appointment.objects.exists()


@pytest.mark.parametrize(
    "start",
    [
        "9999-12-31T23:59:59-14:00",
        "0001-01-01T00:00:00+14:00",
        "2026-02-30T09:00:00Z",
        "2026-12-08T25:00:00Z",
    ],
    ids=["overflows-after", "overflows-before", "no-such-day", "no-such-hour"],
)
def test_impossible_or_extreme_times_are_a_422(client: Client, token: str, start: str) -> None:
    response = post(
        client, "/api/v1/bookings", booking_body(token, start=start), **{"Idempotency-Key": "extreme-1"}
    )
    assert response.status_code == 422 and fields(response) == {"start"}


@pytest.mark.parametrize("birth", ["1980-02-30", "2999-01-01", "1850-06-01", "not-a-date"])
def test_impossible_birth_dates_are_a_422(client: Client, token: str, birth: str) -> None:
    body = booking_body(token, date_of_birth=birth)
    response = post(client, "/api/v1/bookings", body, **{"Idempotency-Key": "birth-date-1"})
    assert response.status_code == 422 and fields(response) == {"date_of_birth"}


def test_slots_are_offered_in_utc_with_the_clinic_time_zone(client: Client, token: str) -> None:
    offer = client.get(f"/api/v1/interviews/{token}/slots").json()
    assert offer["time_zone"] == "Europe/London"
    starts = [datetime.fromisoformat(s["start"]) for s in offer["slots"]]
    assert starts and all(start.utcoffset() == timedelta(0) for start in starts)
    assert starts == sorted(starts) and len(set(starts)) == len(starts)


# ------------------------------------------------------------------ headers and other fields
@pytest.mark.parametrize("key", [None, "short", "x" * 101, "has space in it"])
def test_a_missing_or_malformed_idempotency_key_is_named(client: Client, token: str, key: str | None) -> None:
    headers = {} if key is None else {"Idempotency-Key": key}
    response = post(client, "/api/v1/bookings", booking_body(token), **headers)
    assert response.status_code == 422 and fields(response) == {"Idempotency-Key"}


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"clinician_id": 2**70}, "clinician_id"),
        ({"clinician_id": -1}, "clinician_id"),
        ({"email": "not-an-address"}, "email"),
        ({"email": None, "phone": None}, None),
        ({"name": "x" * 201}, "name"),
    ],
)
def test_other_booking_fields_are_named(
    client: Client, token: str, changes: dict[str, Any], field: str
) -> None:
    response = post(
        client, "/api/v1/bookings", booking_body(token, **changes), **{"Idempotency-Key": "fields-1"}
    )
    assert response.status_code == 422 and fields(response) == {field}


def test_an_unknown_language_is_named(client: Client) -> None:
    response = post(client, "/api/v1/assess", {"answers": {}, "language": "fr"})
    assert response.status_code == 422 and fields(response) == {"language"}
    assert client.get("/api/v1/questionnaire?language=xx").status_code == 422


def test_a_forged_manage_token_is_not_found(client: Client) -> None:
    response = client.post("/api/v1/bookings/forged-token/cancel", "", content_type="application/json")
    assert response.status_code == 404 and problems(response)


def test_error_bodies_are_always_json(client: Client) -> None:
    for response in (
        client.get("/api/v1/interviews/nope"),
        client.get("/api/v1/staff/worklist"),
        client.post("/api/v1/assess", "{", content_type="application/json"),
    ):
        assert response["Content-Type"].startswith("application/json")
        json.loads(response.content)
