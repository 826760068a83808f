"""The staff case page shows a must-rule-out condition's calibrated range, or no number, never the prior."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.engine.helpers import baseline

from .conftest import assess

pytestmark = pytest.mark.django_db


def test_the_case_page_shows_suspected_cauda_equina_with_the_referred_range_and_its_source(
    clinics: Any, staff: dict[str, Any], signed_in: Callable[..., Any]
) -> None:
    case = assess(
        baseline(bladder_bowel=["numb_saddle"], bladder_bowel_timing="new_or_worse"), clinic=clinics[0]
    )
    page = signed_in(staff["clinician"]).get(f"/staff/case/{case.interview.public_id}/").content.decode()
    start = page.index("cauda equina syndrome", page.index("Differential"))
    cause = page[start : start + 900]
    assert "6–22%" in cause and "Wood" in cause
    assert "0%" not in cause.split("</h3>")[0]


def test_the_case_page_gives_no_number_for_a_suspected_spinal_infection(
    clinics: Any, staff: dict[str, Any], signed_in: Callable[..., Any]
) -> None:
    answers = baseline(age=45, medical_history=["injects_drugs"], general_health=["fever"])
    case = assess(answers, clinic=clinics[0])
    page = signed_in(staff["clinician"]).get(f"/staff/case/{case.interview.public_id}/").content.decode()
    start = page.index("<h3>", page.index("Differential"))
    first_cause = page[start : page.index("</h3>", start)]
    assert "must be checked" in first_cause and "%" not in first_cause
