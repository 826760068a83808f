"""The waiting list: a freed time is held for the first person waiting, booked through the claim link,
and passed on to the next person when the hold ends unclaimed. E-mail goes through a real SMTP server."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core import signing
from django.test import Client, override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from spinepath.clinic.booking import services, waitlist
from spinepath.clinic.booking.models import Appointment, Clinic, WaitlistEntry
from spinepath.clinic.booking.selectors import offer_for
from spinepath.clinic.booking.services import Person
from spinepath.clinic.booking.tokens import CLAIM_SALT, claim_token, manage_token

from .conftest import NOW, Inbox, body_of, free_port

pytestmark = pytest.mark.django_db
OFFER_SUBJECT = "An earlier appointment is free for you"


def _book(
    clinic: Clinic, record: Any, person: Person, now: datetime, *, after: timedelta, key: str
) -> Appointment:
    offer = offer_for(clinic=clinic, assessment=record.assessment, now=now)
    slot = next(s for s in offer.slots if s.start > now + after)
    return services.book_appointment(clinic=clinic, record=record, clinician_id=slot.clinician_id, start=slot.start,
                                     person=person, idempotency_key=key, now=now)  # fmt: skip


def _join(clinic: Clinic, record_for: Callable[..., Any], name: str, now: datetime) -> WaitlistEntry:
    email = f"{name.lower()}@example.org"
    return waitlist.join_waitlist(
        clinic=clinic, record=record_for("routine"), name=name, email=email, now=now
    )


def _claim_path(inbox: Inbox, address: str) -> str:
    [offer_mail] = [m for m in inbox.to(address) if m["Subject"] == OFFER_SUBJECT]
    match = re.search(r"https?://\S+/booking/claim/\S+/", body_of(offer_mail))
    assert match, body_of(offer_mail)
    return urlsplit(match.group(0)).path


def _offered_slots(
    entry: WaitlistEntry, clinic: Clinic, now: datetime, held_for: int | None
) -> set[tuple[int, datetime]]:
    assert entry.assessment is not None
    offer = offer_for(clinic=clinic, assessment=entry.assessment.assessment, now=now, held_for=held_for)
    return {(s.clinician_id, s.start) for s in offer.slots}


def _expiry_job(entry: WaitlistEntry) -> DBTaskResult[Any, Any]:
    jobs = [
        job
        for job in DBTaskResult.objects.filter(task_path__endswith="expire_waitlist_offer")
        if job.args_kwargs["args"][0] == entry.pk
    ]
    assert len(jobs) == 1, jobs
    return jobs[0]


def _run_expiry(entry: WaitlistEntry, now: datetime) -> str:
    """What the worker does when the queued expiry job comes due, at `now` instead of the wall clock."""
    entry_id, *rest = _expiry_job(entry).args_kwargs["args"]
    return waitlist.pass_offer_on(entry_id=entry_id, now=now, passed_over=tuple(rest[0] if rest else ()))


def test_a_freed_time_is_held_for_the_first_person_and_the_claim_page_books_it(
    clinic: Clinic,
    record_for: Callable[..., Any],
    person: Person,
    inbox: Inbox,
    run_worker: Callable[[], int],
    client: Client,
    django_capture_on_commit_callbacks: Any,
) -> None:
    now = timezone.now()  # the claim page runs on the wall clock
    freed = _book(clinic, record_for("routine"), person, now, after=timedelta(hours=30), key="alex")
    first = _join(clinic, record_for, "Sam", now)
    second = _join(clinic, record_for, "Kim", now)
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_appointment(appointment=freed, now=now)
    run_worker()

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == WaitlistEntry.Status.OFFERED and second.status == WaitlistEntry.Status.WAITING
    assert (first.offered_clinician_id, first.offered_start) == (freed.clinician_id, freed.start)
    assert first.offered_until == now + waitlist.HOLD
    # Held: nobody else is offered the time while Sam may claim it; Sam is.
    held = (freed.clinician_id, freed.start)
    assert held not in _offered_slots(second, clinic, now, held_for=second.assessment_id)
    assert held in _offered_slots(first, clinic, now, held_for=first.assessment_id)
    assert inbox.to("kim@example.org") == []

    path = _claim_path(inbox, "sam@example.org")
    page = client.get(path)
    assert page.status_code == 200 and "An earlier time for you" in page.content.decode()
    details = {
        "idempotency_key": page.context["form"].initial["idempotency_key"],
        "name": "Sam Example",
        "date_of_birth": "1990-01-02",
        "email": "sam@example.org",
    }
    with django_capture_on_commit_callbacks(execute=True):
        booked = client.post(path, details)
    run_worker()
    assert booked.status_code == 302 and "/booking/manage/" in booked["Location"]
    appointment = Appointment.objects.get(assessment=first.assessment, status=Appointment.Status.BOOKED)
    assert (appointment.clinician_id, appointment.start) == held
    first.refresh_from_db()
    assert first.status == WaitlistEntry.Status.DONE
    assert [m["Subject"] for m in inbox.to("sam@example.org")] == [
        OFFER_SUBJECT,
        "Your appointment is booked",
    ]
    # The link opened again, or the form sent twice: the booked appointment, never a second one.
    for again in (
        client.get(path),
        client.post(path, details),
        client.post(path, {**details, "idempotency_key": "x"}),
    ):
        # the same appointment (the link is signed again, so its timestamp may differ by a second)
        assert (
            again.status_code == 302 and again["Location"].split(":")[0] == booked["Location"].split(":")[0]
        )
    assert Appointment.objects.filter(assessment=first.assessment).count() == 1


def test_an_unclaimed_offer_passes_to_the_next_person_after_the_hold_and_never_back(
    clinic: Clinic,
    record_for: Callable[..., Any],
    person: Person,
    inbox: Inbox,
    run_worker: Callable[[], int],
    django_capture_on_commit_callbacks: Any,
) -> None:
    freed = _book(clinic, record_for("routine"), person, NOW, after=timedelta(hours=30), key="alex")
    sam, kim, lee = (_join(clinic, record_for, name, NOW) for name in ("Sam", "Kim", "Lee"))
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_appointment(appointment=freed, now=NOW)
    run_worker()
    sam.refresh_from_db()
    assert sam.status == WaitlistEntry.Status.OFFERED and _expiry_job(sam).run_after == NOW + waitlist.HOLD
    assert (
        waitlist.pass_offer_on(entry_id=sam.pk, now=NOW + waitlist.HOLD - timedelta(minutes=1))
        == "still held"
    )

    after_sam = NOW + waitlist.HOLD + timedelta(minutes=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert _run_expiry(sam, after_sam) == "passed on"
    run_worker()
    sam.refresh_from_db()
    kim.refresh_from_db()
    assert sam.status == WaitlistEntry.Status.WAITING and sam.offered_start is None  # keeps their place
    assert kim.status == WaitlistEntry.Status.OFFERED and kim.offered_start == freed.start
    assert kim.offered_until == after_sam + waitlist.HOLD
    assert [m["Subject"] for m in inbox.to("kim@example.org")] == [OFFER_SUBJECT]

    # Kim lets it go too: it goes on to Lee, not back to Sam (who was first in the queue).
    after_kim = after_sam + waitlist.HOLD + timedelta(minutes=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert _run_expiry(kim, after_kim) == "passed on"
    run_worker()
    lee.refresh_from_db()
    sam.refresh_from_db()
    assert lee.status == WaitlistEntry.Status.OFFERED and sam.status == WaitlistEntry.Status.WAITING
    assert len(inbox.to("sam@example.org")) == 1
    # Everyone has been offered it once: the time is released for anyone to book.
    assert _run_expiry(lee, after_kim + waitlist.HOLD + timedelta(minutes=1)) == "released"


def test_claiming_moves_a_later_appointment_instead_of_booking_twice(
    clinic: Clinic, record_for: Callable[..., Any], person: Person, django_capture_on_commit_callbacks: Any
) -> None:
    freed = _book(clinic, record_for("routine"), person, NOW, after=timedelta(hours=30), key="alex")
    sam = _join(clinic, record_for, "Sam", NOW)
    assert sam.assessment is not None
    later = _book(clinic, sam.assessment, person, NOW, after=timedelta(days=7), key="sam-later")
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_appointment(appointment=freed, now=NOW)
    sam.refresh_from_db()
    claimed = waitlist.claim_offer(entry=sam, person=person, idempotency_key="sam-claim", now=NOW)
    assert claimed.start == freed.start
    booked = Appointment.objects.filter(assessment=sam.assessment, status=Appointment.Status.BOOKED)
    assert list(booked) == [claimed]
    later.refresh_from_db()
    assert later.status == Appointment.Status.CANCELLED


def test_someone_already_booked_as_soon_is_passed_over_and_cannot_claim_a_later_time(
    clinic: Clinic, record_for: Callable[..., Any], person: Person, django_capture_on_commit_callbacks: Any
) -> None:
    freed = _book(clinic, record_for("routine"), person, NOW, after=timedelta(days=3), key="alex")
    sam = _join(clinic, record_for, "Sam", NOW)
    kim = _join(clinic, record_for, "Kim", NOW)
    assert sam.assessment is not None
    sooner = _book(clinic, sam.assessment, person, NOW, after=timedelta(hours=30), key="sam-sooner")
    assert sooner.start < freed.start
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_appointment(appointment=freed, now=NOW)
    sam.refresh_from_db()
    kim.refresh_from_db()
    assert sam.status == WaitlistEntry.Status.WAITING and kim.status == WaitlistEntry.Status.OFFERED
    # Kim books something sooner elsewhere before claiming: the offer cannot give her a second appointment.
    assert kim.assessment is not None
    _book(clinic, kim.assessment, person, NOW, after=timedelta(hours=30), key="kim-sooner")
    with pytest.raises(services.RuleViolation, match="already have an appointment"):
        waitlist.claim_offer(entry=kim, person=person, idempotency_key="kim-claim", now=NOW)
    assert (
        Appointment.objects.filter(assessment=kim.assessment, status=Appointment.Status.BOOKED).count() == 1
    )


def test_an_offer_that_ended_cannot_be_claimed(
    clinic: Clinic, record_for: Callable[..., Any], person: Person, django_capture_on_commit_callbacks: Any
) -> None:
    freed = _book(clinic, record_for("routine"), person, NOW, after=timedelta(hours=30), key="alex")
    sam = _join(clinic, record_for, "Sam", NOW)
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_appointment(appointment=freed, now=NOW)
    sam.refresh_from_db()
    stale = WaitlistEntry.objects.get(pk=sam.pk)  # the claim page loaded before the hold ended
    waitlist.pass_offer_on(entry_id=sam.pk, now=NOW + waitlist.HOLD + timedelta(minutes=1))
    with pytest.raises(services.RuleViolation, match="offer has ended"):
        waitlist.claim_offer(entry=stale, person=person, idempotency_key="late", now=NOW + timedelta(hours=1))
    assert not Appointment.objects.filter(idempotency_key="late").exists()


def test_claim_links_that_are_forged_expired_or_used_get_a_clear_4xx_page(
    clinic: Clinic, record_for: Callable[..., Any], client: Client
) -> None:
    class LongAgo(signing.TimestampSigner):
        def timestamp(self) -> str:
            return signing.b62_encode(0)  # 1970: long expired

    waiting = _join(clinic, record_for, "Sam", timezone.now())
    for path in (
        "/booking/claim/forged-token/",
        f"/booking/claim/{claim_token(str(waiting.public_id))[:-2]}xx/",  # altered
        f"/booking/claim/{LongAgo(salt=CLAIM_SALT).sign(str(waiting.public_id))}/",  # expired
        f"/booking/claim/{claim_token(str(uuid.uuid4()))}/",  # signed, but no such entry
    ):
        for response in (client.get(path), client.post(path, {"name": "x"})):
            assert response.status_code == 404, path
            assert "This link is not valid or has expired" in response.content.decode()
    # A genuine link for someone with no live offer (never offered, or it ended): 410 and what to do.
    ended = client.get(f"/booking/claim/{claim_token(str(waiting.public_id))}/")
    assert ended.status_code == 410
    assert "still on the waiting list" in ended.content.decode() and clinic.phone in ended.content.decode()


def test_the_claim_form_answers_bad_details_with_400_and_says_what_to_fix(
    clinic: Clinic,
    record_for: Callable[..., Any],
    person: Person,
    inbox: Inbox,
    run_worker: Callable[[], int],
    client: Client,
    django_capture_on_commit_callbacks: Any,
) -> None:
    now = timezone.now()
    freed = _book(clinic, record_for("routine"), person, now, after=timedelta(hours=30), key="alex")
    _join(clinic, record_for, "Sam", now)
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_appointment(appointment=freed, now=now)
    run_worker()
    path = _claim_path(inbox, "sam@example.org")
    good = {
        "idempotency_key": "claim-1",
        "name": "Sam",
        "date_of_birth": "1990-01-02",
        "email": "s@example.org",
    }
    cases = [
        ({**good, "date_of_birth": "2999-01-01"}, "The date of birth must be in the past."),
        ({**good, "email": ""}, "e-mail address or a phone number"),
        ({**good, "email": "not-an-email"}, "Enter a valid email address."),
        ({**good, "name": ""}, "This field is required."),
    ]
    for data, message in cases:
        response = client.post(path, data)
        assert response.status_code == 400 and message in response.content.decode(), message
    assert client.post(path, {**good, "idempotency_key": ""}).status_code == 400  # tampered hidden field
    assert not Appointment.objects.filter(status=Appointment.Status.BOOKED).exists()


def test_joining_the_waiting_list_from_the_booking_page(
    clinic: Clinic, record_for: Callable[..., Any], client: Client
) -> None:
    token = record_for("routine").interview.token
    joined = client.post(f"/booking/{token}/waitlist/", {"name": "Sam", "email": "sam@example.org"})
    assert joined.status_code == 200 and "You are on the waiting list" in joined.content.decode()
    client.post(f"/booking/{token}/waitlist/", {"name": "Sam", "email": "sam@example.org"})
    assert WaitlistEntry.objects.count() == 1  # once per assessment
    bad = client.post(f"/booking/{token}/waitlist/", {"name": "", "email": "nope"})
    assert bad.status_code == 400 and "Enter a valid email address." in bad.content.decode()
    emergency = record_for("emergency").interview.token
    refused = client.post(f"/booking/{emergency}/waitlist/", {"name": "Sam", "email": "sam@example.org"})
    assert refused.status_code == 400 and "cannot join the waiting list" in refused.content.decode()
    assert client.get(f"/booking/{token}/waitlist/").status_code == 405


@pytest.mark.django_db(transaction=True)  # so the after-commit work runs inside the request, as in production
def test_cancelling_still_works_when_the_mail_server_is_down(
    clinic: Clinic, record_for: Callable[..., Any], person: Person, client: Client
) -> None:
    now = timezone.now()
    appointment = _book(clinic, record_for("routine"), person, now, after=timedelta(hours=30), key="alex")
    sam = _join(clinic, record_for, "Sam", now)
    signed = manage_token(str(appointment.public_id))
    with override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=free_port(),
    ):
        response = client.post(f"/booking/manage/{signed}/cancel/")
    assert response.status_code == 200  # the confirmation, at once: no mail server is asked in the request
    appointment.refresh_from_db()
    sam.refresh_from_db()
    assert appointment.status == Appointment.Status.CANCELLED
    assert sam.status == WaitlistEntry.Status.OFFERED  # held for Sam; the hold ends and passes on as usual
