"""Issue #13 on the web pages: warning signs first, the progress indicator, a measured time on the start
page, numbness without pain, and numbness between the legs marked on the body map.
(The browser-counted screens and the tap-target sizes are in tests/browser/test_bodymap.py.)"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client

from spinepath import answer_time
from spinepath.clinic.intake import timing
from spinepath.clinic.intake.models import Interview
from spinepath.evaluation import load_vignettes
from tests.engine.helpers import baseline

from .journey import start, walk

pytestmark = pytest.mark.django_db
VIGNETTES = sorted((Path(__file__).resolve().parents[1] / "vignettes").glob("*.yaml"))


def _first_page(client: Client, interview: Interview) -> str:
    return client.get(f"/i/{interview.token}/", follow=True).content.decode()


def test_the_first_screen_asks_the_emergency_warning_signs(client: Client) -> None:
    page = _first_page(client, start(client))
    assert 'name="shown" value="bladder_bowel,leg_weakness,emergency_signs"' in page
    assert "<h1>Warning signs</h1>" in page and "How old are you?" not in page


def test_every_step_says_which_step_it_is_in_words(client: Client) -> None:
    interview = start(client)
    page = _first_page(client, interview)
    first = re.search(r"Step 1 of about (\d+)", page)
    assert first and int(first.group(1)) >= 5
    assert '<progress max="' in page and 'aria-hidden="true"' in page  # the bar only repeats the words
    client.post(
        f"/i/{interview.token}/step/1/",
        {"shown": "bladder_bowel,leg_weakness,emergency_signs", "bladder_bowel": "none_of_these",
         "leg_weakness": "none_of_these", "emergency_signs": "none_of_these"},
    )  # fmt: skip
    second = client.get(f"/i/{interview.token}/step/2/").content.decode()
    assert re.search(r"Step 2 of about \d+", second)
    again = client.get(f"/i/{interview.token}/step/1/").content.decode()  # an answered step, via Back
    assert re.search(r"Step 1 of about \d+", again)


def test_the_time_on_the_start_page_is_the_measured_one(client: Client) -> None:
    measured = answer_time.estimate([v.answers for v in load_vignettes(VIGNETTES)])
    assert measured.shown == (timing.ABOUT_MINUTES, timing.UP_TO_MINUTES), (
        f"the questions changed: bench/answer_time.py now measures about {measured.shown[0]} minutes, "
        f"up to {measured.shown[1]}; update spinepath/clinic/intake/timing.py and docs/benchmarks.md"
    )
    page = client.get("/").content.decode()
    assert f"about {timing.ABOUT_MINUTES} minutes, and some up to {timing.UP_TO_MINUTES}" in page


def test_numbness_without_pain_is_answered_without_marking_pain(client: Client) -> None:
    interview = start(client)
    answers = baseline(pain_regions=[], pain_score=0, numb_regions=["foot_top_left"], numbness_change="new")
    assert walk(client, interview, answers).endswith("/result/")
    stored = Interview.objects.get(pk=interview.pk).answers
    assert stored["pain_regions"] == [] and stored["numb_regions"] == ["foot_top_left"]


def test_no_pain_anywhere_and_a_place_cannot_both_be_ticked(client: Client) -> None:
    interview = start(client)
    response = client.post(
        f"/i/{interview.token}/",
        {"shown": "pain_regions", "pain_regions": ["none_of_these", "calf_left"]},
        follow=True,
    )
    assert "You ticked “None of these” and another answer" in response.content.decode()


def test_numbness_between_the_legs_on_the_map_asks_when_it_started_then_sends_to_emergency(
    client: Client,
) -> None:
    interview = start(client)
    answers = baseline(numb_regions=["saddle"], numbness_change="new", bladder_bowel_timing="new_or_worse")
    assert walk(client, interview, answers).endswith("/emergency/")
    stored = Interview.objects.get(pk=interview.pk).answers
    assert stored["bladder_bowel"] == [] and stored["bladder_bowel_timing"] == "new_or_worse"


def test_the_saddle_area_is_a_discreet_clearly_labelled_choice(client: Client) -> None:
    interview = start(client)
    page = client.get(f"/i/{interview.token}/?edit=numb_regions").content.decode()
    assert 'value="saddle"' in page and "Between the legs: around the bottom or genitals" in page
