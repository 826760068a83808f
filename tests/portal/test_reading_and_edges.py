"""Each reader in their own language, and the finished edges: staff read a Spanish-speaking patient's case
in English; times, zones and services in words; styled error pages; FHIR as a file; the printed summary."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from spinepath.clinic import wording
from spinepath.clinic.booking.models import Clinic
from spinepath.clinic.intake.models import Interview
from spinepath.clinic.intake.services import add_diary_entry, record_assessment
from spinepath.clinic.portal.models import Case
from tests.engine.helpers import baseline, sciatica

from .conftest import book

pytestmark = pytest.mark.django_db


def spanish_case() -> Case:
    interview = Interview.objects.create(answers=sciatica(), language="es")
    record = record_assessment(interview=interview, language="es")
    assert record.assessment.language == "es"
    return Case.objects.select_related("interview").get(interview=interview)


def test_staff_read_a_spanish_speaking_patients_case_in_english(
    clinics: tuple[Clinic, Clinic], staff: dict[str, Any], signed_in: Callable[[Any], Client]
) -> None:
    case = spanish_case()
    stored = case.interview.assessments.get().assessment
    spanish_name = stored.differential[0].name
    client = signed_in(staff["clinician"])
    page = client.get(f"/staff/case/{case.interview.public_id}/").content.decode()
    worklist = client.get("/staff/").content.decode()
    english = record_assessment(interview=case.interview, language="en")  # same record: stored words
    assert english.assessment.language == "es"
    with translation.override("en"):
        from spinepath.engine import assess

        english_name = assess(case.interview.answers, language="en").differential[0].name
    assert english_name != spanish_name
    for html in (page, worklist):
        assert english_name in html
        assert spanish_name not in html
    csv_text = client.get("/staff/worklist.csv?status=all").content.decode()
    assert english_name in csv_text and spanish_name not in csv_text
    assert ">self_care<" not in worklist and ">Self-care<" in worklist  # urgency in words
    assert "Fisioterapeuta" not in worklist


def test_times_zones_and_services_in_words() -> None:
    moment = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
    with translation.override("es"):
        assert (
            wording.when(moment, "Europe/London") == "jueves, 3 de diciembre de 2026, 09:00 (hora de Londres)"
        )
    with translation.override("en"):
        assert wording.when(moment, "Europe/London") == "Thursday 3 December 2026, 09:00 (London time)"
        assert wording.zone_words("America/Argentina/Buenos_Aires") == "Buenos Aires time"


def test_each_language_is_named_in_itself_in_the_menu(client: Client) -> None:
    client.cookies["django_language"] = "es"
    page = client.get("/").content.decode()
    assert ">English</option>" in page and ">Español</option>" in page and "Inglés" not in page


def test_error_pages_have_the_emergency_banner_and_a_way_back(client: Client) -> None:
    missing = client.get("/no/such/page/")
    html = missing.content.decode()
    assert missing.status_code == 404
    assert "Page not found" in html and "emergency number" in html and 'href="/"' in html
    assert "spinepath.css" in html
    assert client.get("/favicon.ico").status_code == 301
    assert 'rel="icon"' in html


def test_the_500_page_renders_without_a_request(rf: Any) -> None:
    from django.views.defaults import server_error

    response = server_error(rf.get("/"))
    html = response.content.decode()
    assert response.status_code == 500 and "Something went wrong" in html and "emergency number" in html


def test_fhir_downloads_as_a_file(
    clinics: tuple[Clinic, Clinic], staff: dict[str, Any], signed_in: Callable[[Any], Client]
) -> None:
    case = spanish_case()
    response = signed_in(staff["clinician"]).get(f"/staff/case/{case.interview.public_id}/fhir/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment; filename=")
    assert response["Content-Disposition"].endswith('.fhir.json"')


def test_the_printed_summary_is_fit_for_a_clinician(clinics: tuple[Clinic, Clinic]) -> None:
    interview = Interview.objects.create(answers=sciatica(pain_score=6))
    record = record_assessment(interview=interview, language="en")
    book(record, name="Ana Example")
    add_diary_entry(interview=interview, pain=3, function=2, new_symptoms={}, language="en")
    html = Client().get(f"/i/{interview.token}/summary/").content.decode()
    for expected in ("Ana Example", "Date of birth", "Appointment", "Pain at the first assessment: 6/10",
                     "Latest diary entry: 3/10", "Advice given", "Rules that fired"):  # fmt: skip
        assert expected in html, expected


def test_no_empty_why_heading_on_a_self_care_result(clinics: tuple[Clinic, Clinic]) -> None:
    interview = Interview.objects.create(answers=baseline())
    record = record_assessment(interview=interview, language="en")
    assert record.triage_level == "self_care"
    html = Client().get(f"/i/{interview.token}/result/").content.decode()
    if "Why we say this" in html:
        section = html.split("Why we say this", 1)[1].split("</section>", 1)[0]
        assert "<li>" in section
