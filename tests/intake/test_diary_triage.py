"""The pain diary triages like the interview: the same follow-up questions, level and next step."""

from __future__ import annotations

import pytest
from django.test import Client

from spinepath.clinic.intake.models import PainDiaryEntry
from spinepath.engine import Level, assess
from tests.engine.helpers import baseline

from .journey import start, walk

pytestmark = pytest.mark.django_db

FOOT = {"pain": "5", "function": "4", "new-leg_weakness": ["foot_drop"]}


def _started(client: Client) -> str:
    interview = start(client)
    walk(client, interview, baseline())
    client.get(f"/i/{interview.token}/result/")
    return interview.token


def test_a_new_dragging_foot_asks_whether_it_is_getting_worse_before_saving(client: Client) -> None:
    token = _started(client)
    page = client.post(f"/i/{token}/diary/", FOOT).content.decode()
    assert "How is the weakness changing?" in page and 'name="follow_shown" value="weakness_change"' in page
    assert not PainDiaryEntry.objects.exists()


def test_a_worsening_dragging_foot_in_the_diary_is_an_emergency_with_the_instructions(client: Client) -> None:
    token = _started(client)
    page = client.post(
        f"/i/{token}/diary/",
        {**FOOT, "follow_shown": "weakness_change", "follow-weakness_change": "getting_worse"},
    ).content.decode()
    interview_level = assess(
        baseline(leg_weakness=["foot_drop"], weakness_change="getting_worse")
    ).triage.level
    entry = PainDiaryEntry.objects.get()
    assert entry.level_after == interview_level.value == Level.EMERGENCY.value
    assert f'href="/i/{token}/emergency/"' in page and "What to do now" in page
    assert "Book an appointment" not in page


def test_a_new_stable_dragging_foot_offers_a_booking_at_the_interview_level(client: Client) -> None:
    token = _started(client)
    page = client.post(
        f"/i/{token}/diary/",
        {**FOOT, "follow_shown": "weakness_change", "follow-weakness_change": "new_stable"},
    ).content.decode()
    interview_level = assess(baseline(leg_weakness=["foot_drop"], weakness_change="new_stable")).triage.level
    entry = PainDiaryEntry.objects.get()
    assert entry.escalated and entry.level_after == interview_level.value
    assert "Book an appointment" in page and "Next step:" in page
    hit = next(
        h for h in assess(baseline(leg_weakness=["foot_drop"], weakness_change="new_stable")).triage.red_flags
    )
    assert hit.action in page, "the rule's own action is shown, as on the result page"


def test_a_required_follow_up_left_blank_is_asked_again_not_saved(client: Client) -> None:
    token = _started(client)
    response = client.post(f"/i/{token}/diary/", {**FOOT, "follow_shown": "weakness_change"})
    assert response.status_code == 400 and not PainDiaryEntry.objects.exists()
