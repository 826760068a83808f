"""The patient journey with the Django test client: flow, validation, privacy, resume, language, diary."""

from __future__ import annotations

import pytest
from django.test import Client

from spinepath.clinic.intake.models import AssessmentRecord, Interview, PainDiaryEntry
from tests.engine.helpers import baseline, sciatica

from .journey import start, walk

pytestmark = pytest.mark.django_db


def test_start_page_explains_and_shows_the_emergency_line(client: Client) -> None:
    page = client.get("/").content.decode()
    assert "does not replace" in page and "emergency number" in page


def test_starting_creates_a_private_unguessable_link(client: Client) -> None:
    interview = start(client)
    assert len(interview.token) >= 40 and not interview.token.isdigit()
    assert client.get(f"/i/{interview.pk}/").status_code == 404  # sequential ids open nothing


def test_a_self_care_journey_ends_in_a_stored_result(client: Client) -> None:
    interview = start(client)
    assert walk(client, interview, baseline()).endswith("/result/")
    page = client.get(f"/i/{interview.token}/result/").content.decode()
    assert "look after this at home" in page and "child" in page.lower()
    assert AssessmentRecord.objects.filter(interview=interview).count() == 1
    client.get(f"/i/{interview.token}/result/")
    assert AssessmentRecord.objects.filter(interview=interview).count() == 1  # once per answer set


def test_a_sciatica_journey_names_the_cause_and_the_nerve(client: Client) -> None:
    interview = start(client)
    walk(client, interview, sciatica())
    page = client.get(f"/i/{interview.token}/result/").content.decode()
    assert "sciatica" in page.lower() and "S1" in page


def test_an_emergency_answer_stops_the_interview_early(client: Client) -> None:
    interview = start(client)
    answers = sciatica(bladder_bowel=["numb_saddle"], bladder_bowel_timing="new_or_worse")
    assert walk(client, interview, answers).endswith("/emergency/")
    page = client.get(f"/i/{interview.token}/emergency/").content.decode()
    assert "emergency" in page.lower() and "toilet paper" in page
    assert (
        "worse_with" not in Interview.objects.get(pk=interview.pk).answers
    )  # stopped before adaptive questions


def test_bad_input_gets_a_message_and_keeps_what_was_entered(client: Client) -> None:
    interview = start(client)
    response = client.post(f"/i/{interview.token}/", {"shown": "age,sex", "age": "400", "sex": "female"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "120" in page  # the limit is explained next to the field
    assert 'value="female" checked' in page or 'value="female"\n' in page or "checked" in page
    assert Interview.objects.get(pk=interview.pk).answers == {}


def test_tampered_form_fields_are_rejected_clearly(client: Client) -> None:
    interview = start(client)
    assert client.post(f"/i/{interview.token}/", {"shown": "password"}).status_code == 400
    response = client.post(f"/i/{interview.token}/", {"shown": "sex", "sex": "robot"})
    assert response.status_code == 400 and "valid choice" in response.content.decode()


def test_unknown_private_link_is_not_found(client: Client) -> None:
    assert client.get("/i/not-a-real-token/").status_code == 404
    assert client.get("/i/not-a-real-token/result/").status_code == 404


def test_answers_survive_a_closed_tab(client: Client) -> None:
    interview = start(client)
    client.post(f"/i/{interview.token}/", {"shown": "age,sex", "age": "50", "sex": "male"})
    other_browser = Client()
    page = other_browser.get(f"/i/{interview.token}/").content.decode()
    assert "pain" in page.lower() and "How old are you" not in page


def test_back_reopens_the_last_step_with_its_answers(client: Client) -> None:
    interview = start(client)
    client.post(f"/i/{interview.token}/", {"shown": "age,sex", "age": "50", "sex": "male"})
    response = client.get(f"/i/{interview.token}/back/", follow=True)
    assert 'value="50"' in response.content.decode()


def test_spanish_pages(client: Client) -> None:
    client.cookies["django_language"] = "es"
    interview = start(client)
    page = client.get(f"/i/{interview.token}/").content.decode()
    assert "¿Cuántos años tiene?" in page and 'lang="es"' in page
    assert "Siguiente" in page and "llame ahora al número de emergencias" in page  # our own strings too


def test_pain_diary_escalates_on_a_new_red_flag(client: Client) -> None:
    interview = start(client)
    walk(client, interview, baseline())
    client.get(f"/i/{interview.token}/result/")
    response = client.post(
        f"/i/{interview.token}/diary/", {"pain": "5", "function": "4", "new-bladder_bowel": ["numb_saddle"]}
    )
    assert response.status_code == 200
    entry = PainDiaryEntry.objects.get(interview=interview)
    assert entry.escalated and entry.level_after == "emergency"
    assert Interview.objects.get(pk=interview.pk).escalated


def test_pain_diary_rejects_out_of_range_values(client: Client) -> None:
    interview = start(client)
    response = client.post(f"/i/{interview.token}/diary/", {"pain": "11", "function": "2"})
    assert response.status_code == 400 and not PainDiaryEntry.objects.exists()


def test_every_spanish_string_is_translated() -> None:
    from pathlib import Path

    po = (Path(__file__).resolve().parents[2] / "src/spinepath/locale/es/LC_MESSAGES/django.po").read_text()
    entries = po.split("\n\n")[1:]  # the first block is the header
    untranslated = [e for e in entries if 'msgstr ""' in e and '\n"' not in e.split('msgstr ""', 1)[1][:2]]
    assert not untranslated, untranslated[:3]
    assert not any("#, fuzzy" in e for e in entries)
