"""The patient journey with the Django test client: flow, validation, privacy, resume, language, diary."""

from __future__ import annotations

import logging
import re

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
    assert response.status_code == 303  # post/redirect/get, after an error too: no resubmission warning
    page = client.get(response["Location"], follow=True).content.decode()
    assert "120" in page  # the limit is explained next to the field
    assert re.search(r'<input type="radio" name="sex" value="female"[^>]* checked', page)
    assert 'value="400"' in page  # the wrong value stays in the box to be corrected
    # The valid answer is already saved, so closing the tab now loses only the wrong one.
    assert Interview.objects.get(pk=interview.pk).answers == {"sex": "female"}


def test_tampered_form_fields_are_rejected_clearly(client: Client) -> None:
    interview = start(client)
    assert client.post(f"/i/{interview.token}/", {"shown": "password"}).status_code == 400
    response = client.post(f"/i/{interview.token}/", {"shown": "sex", "sex": "robot"}, follow=True)
    assert response.redirect_chain[0][1] == 303 and "valid choice" in response.content.decode()


def test_unknown_private_link_is_not_found(client: Client) -> None:
    assert client.get("/i/not-a-real-token/").status_code == 404
    assert client.get("/i/not-a-real-token/result/").status_code == 404


def test_answers_survive_a_closed_tab(client: Client) -> None:
    interview = start(client)
    client.post(f"/i/{interview.token}/", {"shown": "age,sex", "age": "50", "sex": "male"})
    other_browser = Client()
    page = other_browser.get(f"/i/{interview.token}/", follow=True).content.decode()
    assert "pain" in page.lower() and "How old are you" not in page


def test_back_reopens_the_last_step_with_its_answers(client: Client) -> None:
    interview = start(client)
    client.post(f"/i/{interview.token}/", {"shown": "age,sex", "age": "50", "sex": "male"})
    response = client.get(f"/i/{interview.token}/back/", follow=True)
    assert 'value="50"' in response.content.decode()


def test_spanish_pages(client: Client) -> None:
    client.cookies["django_language"] = "es"
    interview = start(client)
    page = client.get(f"/i/{interview.token}/", follow=True).content.decode()
    assert "Desde que empezó el dolor, ¿ha notado algo de esto?" in page and 'lang="es"' in page
    assert "Siguiente" in page and "llame ahora al número de emergencias" in page  # our own strings too


def test_pain_diary_escalates_on_a_new_red_flag(client: Client) -> None:
    interview = start(client)
    walk(client, interview, baseline())
    client.get(f"/i/{interview.token}/result/")
    check_in = {"pain": "5", "function": "4", "new-bladder_bowel": ["numb_saddle"]}
    response = client.post(f"/i/{interview.token}/diary/", check_in)
    assert response.status_code == 200 and "When did these changes start?" in response.content.decode()
    assert not PainDiaryEntry.objects.filter(interview=interview).exists()  # the follow-up comes first
    response = client.post(
        f"/i/{interview.token}/diary/",
        {**check_in, "follow_shown": "bladder_bowel_timing", "follow-bladder_bowel_timing": "new_or_worse"},
    )
    assert response.status_code == 200
    entry = PainDiaryEntry.objects.get(interview=interview)
    assert entry.escalated and entry.level_after == "emergency"
    assert Interview.objects.get(pk=interview.pk).escalated


def test_pain_diary_rejects_out_of_range_values(client: Client) -> None:
    interview = start(client)
    response = client.post(f"/i/{interview.token}/diary/", {"pain": "11", "function": "2"})
    assert response.status_code == 400 and not PainDiaryEntry.objects.exists()


def test_a_warning_sign_checklist_needs_a_tick_even_if_it_is_none_of_these(client: Client) -> None:
    interview = start(client)
    interview.answers = {"age": 50, "sex": "male", "pain_regions": ["lower_back"], "numb_regions": []}
    interview.save()
    response = client.post(f"/i/{interview.token}/", {"shown": "bladder_bowel"}, follow=True)
    assert response.redirect_chain[0][1] == 303
    assert "or tick “None of these”" in response.content.decode()
    assert "bladder_bowel" not in Interview.objects.get(pk=interview.pk).answers
    client.post(f"/i/{interview.token}/", {"shown": "bladder_bowel", "bladder_bowel": "none_of_these"})
    assert Interview.objects.get(pk=interview.pk).answers["bladder_bowel"] == []


def test_none_of_these_with_another_answer_is_refused(client: Client) -> None:
    interview = start(client)
    interview.answers = {"age": 50, "sex": "male", "pain_regions": ["lower_back"], "numb_regions": []}
    interview.save()
    data = {"shown": "bladder_bowel", "bladder_bowel": ["none_of_these", "numb_saddle"]}
    response = client.post(f"/i/{interview.token}/", data, follow=True)
    assert response.redirect_chain[0][1] == 303 and "untick" in response.content.decode()


def test_pain_map_needs_a_place_or_no_pain_anywhere(client: Client) -> None:
    interview = start(client)
    client.post(f"/i/{interview.token}/", {"shown": "age,sex", "age": "50", "sex": "male"})
    response = client.post(
        f"/i/{interview.token}/", {"shown": "pain_regions,numb_regions,pain_score"}, follow=True
    )
    page = response.content.decode()
    assert response.redirect_chain[0][1] == 303
    assert "Please tick every place that applies, or tick “No pain anywhere" in page
    assert "or tick “No numbness or tingling anywhere”" in page


def test_body_map_has_a_labelled_checkbox_for_every_region_grouped_by_side(client: Client) -> None:
    from spinepath.engine import get_body_map

    interview = start(client)
    page = client.get(f"/i/{interview.token}/?edit=pain_regions").content.decode()
    for region_id in get_body_map().region_ids:
        assert f'name="pain_regions" value="{region_id}"' in page
    assert "Left calf" in page and "<legend>Left side</legend>" in page and "<legend>Middle</legend>" in page


def test_svg_coordinates_are_not_localised_in_spanish(client: Client) -> None:
    client.cookies["django_language"] = "es"
    interview = start(client)
    walk(client, interview, baseline())
    for pain in ("3", "6"):
        client.post(f"/i/{interview.token}/diary/", {"pain": pain, "function": "2"})
    pages = [
        client.get(f"/i/{interview.token}/{path}").content.decode()
        for path in ("diary/", "?edit=pain_regions")
    ]
    for page in pages:
        numbers = re.findall(r'\b(?:x|y|cx|cy|width|height|points)="([^"]*)"', page)
        assert numbers and not any("," in n and " " not in n for n in numbers), numbers


def test_every_step_has_its_own_url_and_back_goes_one_step_further_each_time(client: Client) -> None:
    interview = start(client)
    walk(client, interview, baseline())
    history = Interview.objects.get(pk=interview.pk).history
    last = client.get(f"/i/{interview.token}/back/")
    assert last["Location"] == f"/i/{interview.token}/step/{len(history)}/"
    for number in range(len(history), 0, -1):
        page = client.get(f"/i/{interview.token}/step/{number}/")
        assert page.status_code == 200 and page.context["shown"] == ",".join(history[number - 1])
        back = f'href="/i/{interview.token}/step/{number - 1}/"'
        assert (back in page.content.decode()) is (number > 1)
    # Past the last step: on to where the interview stands (here, the result).
    assert client.get(f"/i/{interview.token}/step/{len(history) + 1}/")["Location"].endswith("/result/")
    assert client.get(f"/i/{interview.token}/step/99/")["Location"].endswith(f"/step/{len(history) + 1}/")


def test_changing_an_earlier_step_keeps_its_place_and_goes_on_to_the_next(client: Client) -> None:
    interview = start(client)
    walk(client, interview, baseline())
    history = Interview.objects.get(pk=interview.pk).history
    # Step 1 is the emergency warning signs; step 2 asks who you are.
    response = client.post(f"/i/{interview.token}/step/2/", {"shown": "age,sex", "age": "37", "sex": "male"})
    assert response.status_code == 303 and response["Location"] == f"/i/{interview.token}/step/3/"
    changed = Interview.objects.get(pk=interview.pk)
    assert changed.answers["age"] == 37 and changed.history == history
    assert 'value="37"' in client.get(f"/i/{interview.token}/step/2/").content.decode()


def test_a_wrong_answer_is_shown_once_at_the_steps_own_url(client: Client) -> None:
    interview = start(client)
    url = f"/i/{interview.token}/step/1/"
    posted = client.post(url, {"shown": "age,sex", "age": "400", "sex": "male"})
    assert posted.status_code == 303 and posted["Location"] == url
    first = client.get(url).content.decode()
    assert 'value="400"' in first and "120" in first
    again = client.get(url).content.decode()  # a reload later shows the step, not the old error
    assert 'value="400"' not in again


def test_a_result_is_not_shown_before_the_warning_sign_questions(client: Client) -> None:
    interview = start(client)
    client.post(f"/i/{interview.token}/", {"shown": "age,sex", "age": "50", "sex": "male"})
    response = client.get(f"/i/{interview.token}/result/")
    assert response.status_code == 302 and response["Location"] == f"/i/{interview.token}/"
    assert not AssessmentRecord.objects.filter(interview=interview).exists()


def test_the_emergency_page_only_shows_for_an_emergency(client: Client) -> None:
    interview = start(client)
    walk(client, interview, baseline())
    assert client.get(f"/i/{interview.token}/emergency/").status_code == 302


def test_private_pages_are_never_cached(client: Client) -> None:
    interview = start(client)
    for url in (f"/i/{interview.token}/", f"/i/{interview.token}/step/1/"):
        response = client.get(url)
        assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_the_printable_summary_lists_the_result_and_the_answers(client: Client) -> None:
    interview = start(client)
    walk(client, interview, sciatica())
    client.get(f"/i/{interview.token}/result/")
    page = client.get(f"/i/{interview.token}/summary/").content.decode()
    assert "Summary for your clinician" in page and "S1" in page and "How old are you" in page


def test_private_links_are_redacted_from_logs(client: Client, caplog: pytest.LogCaptureFixture) -> None:
    from spinepath.clinic.intake.privacy import RedactPrivateLinks

    logging.getLogger("django.request").addHandler(caplog.handler)
    caplog.handler.addFilter(RedactPrivateLinks())  # as the configured handlers do
    interview = start(client)
    with caplog.at_level(logging.WARNING, logger="django.request"):
        client.post(f"/i/{interview.token}/", {"shown": "password"})  # a 400, logged
    assert caplog.records and all(interview.token not in r.getMessage() for r in caplog.records)
    logging.getLogger("django.request").removeHandler(caplog.handler)


def test_range_messages_are_plain_and_in_the_readers_language(client: Client) -> None:
    interview = start(client)
    page = client.post(f"/i/{interview.token}/diary/", {"pain": "11", "function": "2"}).content.decode()
    assert "Please enter a number from 0 to 10." in page
    client.cookies["django_language"] = "es"
    page = client.post(f"/i/{interview.token}/diary/", {"pain": "11", "function": "2"}).content.decode()
    assert "Escriba un número del 0 al 10, por favor." in page
