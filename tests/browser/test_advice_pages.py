"""Safe advice and honest numbers, seen in a real browser (screenshots in build/screenshots/)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.engine.helpers import baseline, sciatica

from .conftest import check_page
from .test_journeys import run_journey

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _section(page: Any, heading: str) -> str:
    return str(page.locator("section", has=page.locator(f"h2:text-is('{heading}')")).inner_text())


def test_a_fracture_risk_result_has_no_bending_stretches_and_says_why(page: Any, live_server: Any) -> None:
    answers = baseline(age=74, sex="female", medical_history=["osteoporosis"], injury="minor")
    assert run_journey(page, live_server, answers, "fracture-risk").endswith("/result/")
    self_care = _section(page, "What you can do now")
    offered, _, withheld = self_care.partition("Not for you right now")
    assert "child's pose" not in offered and "cat-cow" not in offered and "Massage" not in offered
    assert "child's pose" in withheld and "check your spine first" in withheld
    assert page.locator("svg.illustration").count() == 0, "no stretch drawings either"
    check_page(page, "fracture-risk-result-no-flexion")


def test_a_suspected_cauda_equina_result_shows_no_reassuring_percentage(page: Any, live_server: Any) -> None:
    answers = sciatica(
        pain_regions=["lower_back", "buttock_left", "buttock_right", "calf_left", "calf_right"],
        both_legs_timing="recent_or_spreading",
    )
    assert run_journey(page, live_server, answers, "suspected-ces").endswith("/result/")
    causes = _section(page, "What is most likely causing it")
    ces = causes[causes.lower().index("cauda equina") :][:400]
    assert "6 to 22 in 100" in ces and "less than 1 in 100" not in ces
    check_page(page, "suspected-ces-result-no-reassuring-percentage")


def test_the_emergency_summary_of_suspected_cauda_equina_shows_the_referred_range(
    page: Any, live_server: Any
) -> None:
    answers = sciatica(bladder_bowel=["numb_saddle"], bladder_bowel_timing="new_or_worse")
    assert run_journey(page, live_server, answers, "ces-emergency").endswith("/emergency/")
    page.click("text=A summary to print or show the clinician")
    row = page.locator("tr", has_text="cauda equina").inner_text()
    assert "6–22" in row and "< 1" not in row
    check_page(page, "suspected-ces-emergency-summary")
