"""The worklist: who needs the clinic most comes first; filters; CSV export by role; the case page."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from spinepath.clinic.booking.models import CallbackFlag, Clinic
from spinepath.clinic.intake.models import AssessmentRecord
from spinepath.clinic.intake.services import add_diary_entry
from spinepath.clinic.portal.models import Case
from spinepath.clinic.portal.selectors import worklist
from tests.engine.helpers import baseline, sciatica

from .conftest import assess, book

pytestmark = pytest.mark.django_db

EMERGENCY = baseline(bladder_bowel=["numb_saddle"], bladder_bowel_timing="new_or_worse")
URGENT = sciatica(leg_weakness=["foot_drop"], weakness_change="new_stable", duration="under_1_week")


def received(case: Case, days_ago: int) -> None:
    AssessmentRecord.objects.filter(interview=case.interview).update(
        created_at=timezone.now() - timedelta(days=days_ago)
    )


@pytest.fixture
def mix(clinics: tuple[Clinic, Clinic]) -> dict[str, Case]:
    del clinics  # the home clinic must exist: new cases open there
    cases = {
        "old_self_care": assess(baseline(age=30)),
        "new_self_care": assess(baseline(age=31)),
        "routine": assess(sciatica()),
        "urgent": assess(URGENT),
        "emergency": assess(EMERGENCY),
        "closed": assess(sciatica(age=50)),
        "escalated": assess(baseline(age=32)),
    }
    for days, name in enumerate(
        ["new_self_care", "escalated", "routine", "urgent", "emergency", "old_self_care"]
    ):
        received(cases[name], days)
    Case.objects.filter(pk=cases["closed"].pk).update(status="closed")
    add_diary_entry(
        interview=cases["escalated"].interview, pain=9, function=8,
        new_symptoms={"general_health": ["fever"]}, language="en",
    )  # fmt: skip
    return cases


def order(home: Clinic, **filters: Any) -> list[int]:
    return [row.case.pk for row in worklist(clinic=home, filters=filters)]


def test_flagged_cases_first_then_urgency_then_longest_waiting(
    mix: dict[str, Case], clinics: tuple[Clinic, Clinic]
) -> None:
    home, _ = clinics
    levels = {
        name: case.interview.assessments.order_by("-created_at")[0].triage_level for name, case in mix.items()
    }
    assert (
        levels["emergency"] == "emergency" and levels["urgent"] == "urgent" and levels["routine"] == "routine"
    )
    assert levels["escalated"] in {"urgent", "emergency"} and levels["old_self_care"] == "self_care"
    rows = worklist(clinic=home, filters={"open": True})
    names = {case.pk: name for name, case in mix.items()}
    assert [names[row.case.pk] for row in rows] == [
        "emergency", "escalated", "urgent", "routine", "old_self_care", "new_self_care",
    ]  # fmt: skip
    assert rows[0].flags == ["emergency"] and "diary escalation" in rows[1].flags


def test_an_urgent_case_with_no_slot_free_is_flagged_for_a_phone_call(
    mix: dict[str, Case], clinics: tuple[Clinic, Clinic]
) -> None:
    home, _ = clinics
    CallbackFlag.objects.create(
        assessment=mix["routine"].interview.assessments.get(), clinic=home, reason="x"
    )
    rows = worklist(clinic=home, filters={"open": True})
    assert rows[2].case == mix["routine"] and rows[2].flags == ["phone the person"]


def test_filters_by_status_urgency_clinician_and_date(
    mix: dict[str, Case], clinics: tuple[Clinic, Clinic], staff: dict[str, Any], signed_in: Callable[..., Any]
) -> None:
    home, _ = clinics
    assert mix["closed"].pk not in order(home, open=True)
    assert order(home, status="closed") == [mix["closed"].pk]
    assert len(order(home)) == len(mix)
    assert order(home, level="emergency") == [mix["emergency"].pk]
    clinician = mix["routine"].interview.assessments.get().result["next_step"]["clinician"]
    by_clinician = order(home, clinician=clinician, open=True)
    assert mix["routine"].pk in by_clinician and mix["emergency"].pk not in by_clinician
    assert set(order(home, since=date.today() - timedelta(days=1), open=True)) == {
        mix["new_self_care"].pk, mix["escalated"].pk,
    }  # fmt: skip
    page = (
        signed_in(staff["clinician"]).get(f"/staff/?level=emergency&clinician={clinician}").content.decode()
    )
    assert "0 cases" in page
    page = signed_in(staff["clinician"]).get("/staff/?status=closed").content.decode()
    assert "1 case," in page


def test_the_worklist_takes_a_fixed_number_of_queries(
    mix: dict[str, Case], clinics: tuple[Clinic, Clinic], django_assert_max_num_queries: Any
) -> None:
    home, _ = clinics
    for case in list(mix.values())[:4]:
        book(case.interview.assessments.order_by("-created_at")[0])
    # cases, records, appointments, call-back flags, contact details left by unbooked people
    with django_assert_max_num_queries(5):
        rows = worklist(clinic=home, filters={})
        assert sum(row.appointment is not None for row in rows) == 4 and rows[0].name


def read_csv(client: Any, url: str = "/staff/worklist.csv?status=all") -> list[dict[str, str]]:
    response = client.get(url)
    assert response["Content-Type"] == "text/csv" and "attachment" in response["Content-Disposition"]
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_csv_export_shows_each_role_no_more_than_it_may_see(
    mix: dict[str, Case], staff: dict[str, Any], signed_in: Callable[..., Any]
) -> None:
    book(mix["routine"].interview.assessments.get(), name="Ana Example")
    desk = read_csv(signed_in(staff["front_desk"]))
    doctor = read_csv(signed_in(staff["clinician"]))
    assert len(desk) == len(doctor) == len(mix)
    assert set(desk[0]) == {"case", "received", "urgency", "status", "name", "appointment"}
    assert set(doctor[0]) == set(desk[0]) | {"most likely cause", "red flags"}
    assert desk[0]["urgency"] == "emergency" and doctor[0]["red flags"]
    assert "Ana Example" in {row["name"] for row in desk}
    desk_text = str(desk)
    top = mix["routine"].interview.assessments.get().top_condition
    assert top is not None and top.name not in desk_text and top.name in str(doctor)
    assert read_csv(signed_in(staff["other_clinician"])) == []


def test_case_page_shows_the_pain_diary_chart_and_the_body_map(
    mix: dict[str, Case], staff: dict[str, Any], signed_in: Callable[..., Any]
) -> None:
    url = f"/staff/case/{mix['escalated'].interview.public_id}/"
    page = signed_in(staff["clinician"]).get(url).content.decode()
    assert "Pain diary" in page and "<polyline" in page and "urgency raised" in page
    assert 'class="region pain"' in page and "diary escalation" in page
    assert "<details>" in page  # each cause opens to its explanation
    desk = signed_in(staff["front_desk"]).get(url).content.decode()
    assert "Pain diary" not in desk and "<polyline" not in desk


def test_the_worklist_page_is_paginated_and_its_query_count_does_not_grow_with_the_cases(
    mix: dict[str, Case],
    staff: dict[str, Any],
    signed_in: Callable[[Any], Any],
    settings: Any,
    django_assert_num_queries: Any,
) -> None:
    settings.SPINEPATH_WORKLIST_PAGE_SIZE = 3
    client = signed_in(staff["clinician"])
    client.get("/staff/?status=all")  # warm the session
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        first = client.get("/staff/?status=all")
    for age in range(33, 45):  # a flood of new cases
        assess(baseline(age=age))
    with CaptureQueriesContext(connection) as many:
        flooded = client.get("/staff/?status=all")
    assert len(many) == len(few)
    page_one = flooded.content.decode()
    assert "19 cases" in page_one and "Page 1 of 7" in page_one and page_one.count('class="badge level-') == 3
    assert "Page 1 of 3" in first.content.decode()
    # Page 2 keeps the filters; the emergency stays on page 1 (flagged cases first, over all pages).
    last = client.get("/staff/?status=all&page=7").content.decode()
    assert "Page 7 of 7" in last and last.count('class="badge level-') == 1
    assert "level-emergency" in page_one and "status=all&amp;page=2" in page_one
    assert client.get("/staff/?status=all&page=x").status_code == 200  # a bad page number shows page 1


def test_csv_cells_a_spreadsheet_would_run_as_formulas_are_plain_text(
    mix: dict[str, Case], staff: dict[str, Any], signed_in: Callable[..., Any]
) -> None:
    attacks = ['=HYPERLINK("http://evil.example","x")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\tTAB"]
    for case, name in zip(list(mix.values())[:5], attacks, strict=True):
        record = case.interview.assessments.order_by("-created_at").first()
        assert record is not None
        book(record, name=name)
    names = {row["name"] for row in read_csv(signed_in(staff["clinician"]))}
    assert {"'" + attack for attack in attacks} <= names
    assert not any(name.startswith(("=", "+", "-", "@", "\t")) for name in names)
