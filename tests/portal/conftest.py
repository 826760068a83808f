"""Portal fixtures: two clinics, staff of every role, cases in each clinic."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from spinepath.clinic.booking.demo import load_demo_clinic
from spinepath.clinic.booking.models import Clinic
from spinepath.clinic.intake.models import Interview
from spinepath.clinic.intake.services import record_assessment
from spinepath.clinic.portal.models import Case, Role, StaffProfile
from tests.engine.helpers import baseline, sciatica

PASSWORD = "correct horse battery staple"


@pytest.fixture
def clinics(db: Any) -> tuple[Clinic, Clinic]:
    home = load_demo_clinic()
    other = Clinic.objects.create(name="Other clinic", slug="other", phone="1", email="o@example.org")
    return home, other


def make_staff(username: str, role: Role, clinic: Clinic, *, enrolled: bool = True) -> Any:
    user = get_user_model().objects.create_user(username=username, password=PASSWORD)
    StaffProfile.objects.create(user=user, role=role, clinic=clinic)
    if enrolled:
        TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    return user


def code_for(user: Any) -> str:
    device = TOTPDevice.objects.get(user=user)
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


@pytest.fixture
def signed_in() -> Callable[[Any], Client]:
    """A client signed in as `user`, having passed two-factor when the role needs it."""

    def make(user: Any) -> Client:
        client = Client()
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            assert client.post("/staff/two-factor/", {"token": code_for(user)}).status_code == 302
        return client

    return make


@pytest.fixture
def cases(clinics: tuple[Clinic, Clinic]) -> tuple[Case, Case]:
    _home, other = clinics
    mine = Interview.objects.create(answers=sciatica())
    record_assessment(interview=mine, language="en")
    theirs = Interview.objects.create(answers=baseline())
    record_assessment(interview=theirs, language="en")
    Case.objects.filter(interview=theirs).update(clinic=other)
    return Case.objects.get(interview=mine), Case.objects.get(interview=theirs)
