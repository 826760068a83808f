"""Anti-automation with the real limits (settings.RATE_LIMITS): per client address and per
interview token, on every write a flood could abuse. Over a limit: API 429 JSON, web a plain page in the
person's language, both with Retry-After, and nothing written."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import caches
from django.test import Client

from spinepath.clinic import limits
from spinepath.clinic.booking.models import Clinic, WaitlistEntry
from spinepath.clinic.intake.models import AssessmentRecord, Interview
from tests.booking.conftest import clinic, record_for  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.django_db, pytest.mark.rate_limits]


def _limit(action: str, key: str) -> int:
    return int(settings.RATE_LIMITS[action][key].split("/")[0])


@pytest.fixture(autouse=True)
def _fresh_counters() -> Iterator[None]:
    counters = caches[settings.RATELIMIT_USE_CACHE]
    counters.clear()  # counters from other tests do not count here
    limits._REFUSING.clear()
    yield
    counters.clear()
    limits._REFUSING.clear()


def _flood(send: Callable[[], Any], times: int) -> list[int]:
    return [send().status_code for _ in range(times)]


def test_one_address_cannot_start_interviews_without_end_but_another_address_can(client: Client) -> None:
    limit = _limit("start", "address")
    statuses = _flood(lambda: client.post("/", REMOTE_ADDR="203.0.113.7"), limit)
    assert set(statuses) == {302}
    refused = client.post("/", REMOTE_ADDR="203.0.113.7")
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 3600 and refused["Cache-Control"] == "no-store"
    assert "Please wait a moment" in refused.content.decode()
    assert Interview.objects.count() == limit  # the refused request wrote nothing
    assert client.post("/", REMOTE_ADDR="198.51.100.4").status_code == 302
    # Reading is never limited.
    assert client.get("/", REMOTE_ADDR="203.0.113.7").status_code == 200


def test_the_web_page_says_it_in_spanish(client: Client) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    _flood(lambda: client.post("/", REMOTE_ADDR="203.0.113.8"), _limit("start", "address"))
    refused = client.post("/", REMOTE_ADDR="203.0.113.8")
    assert refused.status_code == 429 and "Espere un momento" in refused.content.decode()


def test_the_api_answers_429_json_with_retry_after(client: Client) -> None:
    limit = _limit("start", "address")
    statuses = _flood(
        lambda: client.post(
            "/api/v1/interviews", {}, content_type="application/json", REMOTE_ADDR="203.0.113.9"
        ),
        limit,
    )
    assert set(statuses) == {201}
    refused = client.post(
        "/api/v1/interviews", {}, content_type="application/json", REMOTE_ADDR="203.0.113.9"
    )
    assert refused.status_code == 429 and refused["Content-Type"].startswith("application/json")
    assert int(refused["Retry-After"]) > 0
    [problem] = refused.json()["detail"]
    assert problem["field"] is None and "Too many requests" in problem["message"]


def test_behind_the_proxy_each_client_address_is_counted_not_the_proxy(client: Client, settings: Any) -> None:
    settings.SPINEPATH_PROXY_COUNT = 1
    limit = _limit("start", "address")
    _flood(lambda: client.post("/", HTTP_X_FORWARDED_FOR="192.0.2.1", REMOTE_ADDR="10.0.0.1"), limit)
    assert client.post("/", HTTP_X_FORWARDED_FOR="192.0.2.1", REMOTE_ADDR="10.0.0.1").status_code == 429
    assert client.post("/", HTTP_X_FORWARDED_FOR="192.0.2.2", REMOTE_ADDR="10.0.0.1").status_code == 302


def test_one_interview_token_cannot_book_again_and_again_even_from_many_addresses(
    clinic: Clinic,  # noqa: F811
    record_for: Callable[[str], AssessmentRecord],  # noqa: F811
    client: Client,
) -> None:
    token = record_for("routine").interview.token
    body = {"token": token, "clinician_id": 999999, "start": "2026-12-08T09:00:00+00:00", "name": "A",
            "date_of_birth": "1980-01-01", "email": "a@example.org"}  # fmt: skip
    limit = _limit("book", "token")
    for index in range(limit):
        answer = client.post("/api/v1/bookings", body, content_type="application/json",
                             HTTP_IDEMPOTENCY_KEY=f"k{index}", REMOTE_ADDR=f"198.51.100.{index + 1}")  # fmt: skip
        assert answer.status_code in {400, 409, 422}, answer.content
    refused = client.post("/api/v1/bookings", body, content_type="application/json",
                          HTTP_IDEMPOTENCY_KEY="again", REMOTE_ADDR="192.0.2.200")  # fmt: skip
    assert refused.status_code == 429 and "Retry-After" in refused
    # The web booking page shares the token's limit.
    assert client.post(f"/booking/{token}/", {}, REMOTE_ADDR="192.0.2.201").status_code == 429
    other = record_for("routine").interview.token
    assert client.post(f"/booking/{other}/", {}, REMOTE_ADDR="192.0.2.201").status_code == 400


def test_the_waiting_list_and_the_diary_are_limited_per_token(
    clinic: Clinic,  # noqa: F811
    record_for: Callable[[str], AssessmentRecord],  # noqa: F811
    client: Client,
) -> None:
    token = record_for("routine").interview.token
    for index in range(_limit("waitlist", "token")):
        client.post(f"/booking/{token}/waitlist/", {"name": "Sam", "email": f"s{index}@example.org"},
                    REMOTE_ADDR=f"198.51.100.{index + 1}")  # fmt: skip
    refused = client.post(f"/booking/{token}/waitlist/", {"name": "Sam", "email": "x@example.org"})
    assert refused.status_code == 429
    assert not WaitlistEntry.objects.filter(email="x@example.org").exists()
    diary = _flood(lambda: client.post(f"/i/{token}/diary/", {}), _limit("diary", "token") + 1)
    assert diary[-1] == 429 and 429 not in diary[:-1]


def test_staff_sign_in_is_limited_per_address_whatever_the_usernames(client: Client) -> None:
    limit = _limit("sign_in", "address")
    for index in range(limit):
        answer = client.post("/staff/login/", {"username": f"user{index}", "password": "wrong"},
                             REMOTE_ADDR="203.0.113.50")  # fmt: skip
        assert answer.status_code in {200, 403}
    refused = client.post(
        "/staff/login/", {"username": "another", "password": "wrong"}, REMOTE_ADDR="203.0.113.50"
    )
    assert refused.status_code == 429


def test_contact_details_left_for_a_call_back_are_limited_per_token(
    clinic: Clinic,  # noqa: F811
    record_for: Callable[[str], AssessmentRecord],  # noqa: F811
    client: Client,
) -> None:
    """The contact form for an unbooked urgent result is a public write like the others (issue #14)."""
    from spinepath.clinic.intake.models import FollowUpContact

    record = record_for("urgent")
    token = record.interview.token
    for index in range(_limit("contact", "token")):
        saved = client.post(f"/i/{token}/contact/", {"consent": "on", "phone": f"07700 90012{index % 10}"},
                            REMOTE_ADDR=f"198.51.100.{index + 1}")  # fmt: skip
        assert saved.status_code == 302
    refused = client.post(f"/i/{token}/contact/", {"consent": "on", "phone": "07700 900999"},
                          REMOTE_ADDR="192.0.2.202")  # fmt: skip
    assert refused.status_code == 429 and "Retry-After" in refused
    assert FollowUpContact.objects.get(interview=record.interview).phone != "07700 900999"
    limit = _limit("contact", "address")
    statuses = [
        client.post(f"/i/nobody-{index}/contact/", {}, REMOTE_ADDR="203.0.113.60").status_code
        for index in range(limit + 1)
    ]
    assert statuses[-1] == 429 and 429 not in statuses[:-1]
