"""Portal fixtures: two clinics, staff of every role, cases in each clinic."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.test import Client
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from spinepath.clinic.booking.demo import load_demo_clinic
from spinepath.clinic.booking.models import Appointment, Clinic, Clinician, Service
from spinepath.clinic.intake.models import AssessmentRecord, Interview
from spinepath.clinic.intake.services import record_assessment
from spinepath.clinic.portal.models import Case, Role, StaffProfile
from tests.booking.conftest import inbox  # noqa: F401  (the real SMTP server, for the alert tests)
from tests.engine.helpers import baseline, sciatica

PASSWORD = "correct horse battery staple"


@pytest.fixture
def clinics(db: Any) -> tuple[Clinic, Clinic]:
    home = load_demo_clinic()
    other = Clinic.objects.create(name="Other clinic", slug="other", phone="1", email="o@example.org")
    return home, other


@functools.cache
def password_hash() -> str:
    """One real Argon2 hash shared by every test user: hashing is deliberately slow."""
    return make_password(PASSWORD)


def make_staff(username: str, role: Role, clinic: Clinic, *, enrolled: bool = True) -> Any:
    user = get_user_model().objects.create(username=username, password=password_hash())
    StaffProfile.objects.create(user=user, role=role, clinic=clinic)
    if enrolled:
        TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    return user


def code_for(user: Any) -> str:
    device = TOTPDevice.objects.get(user=user)
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


@pytest.fixture
def signed_in() -> Callable[[Any], Client]:
    """A client signed in as `user`, having passed two-factor when the role needs it.

    One client per user per test: a TOTP code is accepted once (django-otp refuses replays).
    """
    clients: dict[int, Client] = {}

    def make(user: Any) -> Client:
        if user.pk not in clients:
            client = Client()
            client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
            if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
                assert client.post("/staff/two-factor/", {"token": code_for(user)}).status_code == 302
            clients[user.pk] = client
        return clients[user.pk]

    return make


@pytest.fixture
def staff(clinics: tuple[Clinic, Clinic]) -> dict[str, Any]:
    """One member of staff per role in the home clinic, and a clinician and admin of the other clinic."""
    home, other = clinics
    return {
        "clinician": make_staff("doc", Role.CLINICIAN, home),
        "front_desk": make_staff("desk", Role.FRONT_DESK, home, enrolled=False),
        "clinic_admin": make_staff("boss", Role.CLINIC_ADMIN, home),
        "other_clinician": make_staff("elsewhere", Role.CLINICIAN, other),
        "other_admin": make_staff("otherboss", Role.CLINIC_ADMIN, other),
    }


def book(record: AssessmentRecord, *, name: str = "Ana Example", days_ahead: int = 3) -> Appointment:
    """An appointment for the person behind `record` with the clinic's first matching clinician."""
    clinician = Clinician.objects.filter(role="spine_physician").first()
    assert clinician is not None
    hours = Appointment.objects.count()  # a different hour for each booking: no double booking
    start = timezone.now().replace(microsecond=0) + timedelta(days=days_ahead, hours=hours)
    service = Service.objects.filter(clinic=clinician.clinic, role="spine_physician").first()
    assert service is not None
    return Appointment.objects.create(
        clinician=clinician,
        service=service,
        start=start,
        end=start + timedelta(minutes=30),
        urgency="routine",
        person_name=name,
        date_of_birth=date(1980, 5, 17),
        email="ana@example.org",
        phone="07700 900456",
        assessment=record,
        idempotency_key=f"test:{record.public_id}:{days_ahead}",
    )


def assess(answers: dict[str, Any], *, clinic: Clinic | None = None) -> Case:
    """A stored, assessed interview and its case (moved to `clinic` when given)."""
    interview = Interview.objects.create(answers=answers)
    record_assessment(interview=interview, language="en")
    if clinic is not None:
        Case.objects.filter(interview=interview).update(clinic=clinic)
    return Case.objects.select_related("interview").get(interview=interview)


@pytest.fixture
def cases(clinics: tuple[Clinic, Clinic]) -> tuple[Case, Case]:
    _home, other = clinics
    mine = Interview.objects.create(answers=sciatica())
    record_assessment(interview=mine, language="en")
    theirs = Interview.objects.create(answers=baseline())
    record_assessment(interview=theirs, language="en")
    Case.objects.filter(interview=theirs).update(clinic=other)
    return Case.objects.get(interview=mine), Case.objects.get(interview=theirs)
