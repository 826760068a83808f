"""Whole patient journeys in a real browser, with accessibility checks and screenshots of every page."""

from __future__ import annotations

from typing import Any

import pytest

from spinepath.clinic.intake.forms import NONE_OF_THESE
from spinepath.engine import get_questionnaire
from tests.engine.helpers import baseline, sciatica

from .conftest import check_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def answer_step(page: Any, answers: dict[str, Any]) -> None:
    """Fill in the questions on the current step the way a person would, then press Next."""
    questionnaire = get_questionnaire()
    shown = page.locator("input[name=shown]").get_attribute("value").split(",")
    for link_id in shown:
        question = questionnaire.by_id[link_id]
        value = answers.get(link_id)
        if value is None:
            continue
        if question.type == "integer":
            page.fill(f"input[name={link_id}]", str(value))
        elif question.type == "choice":
            page.check(f"input[name={link_id}][value='{value}']")
        else:
            for item in value or [NONE_OF_THESE]:  # a checklist or body map answered "none"
                page.check(f"input[name={link_id}][value='{item}']")
    page.click("button.primary")


def run_journey(page: Any, live_server: Any, answers: dict[str, Any], name: str, max_steps: int = 30) -> str:
    page.goto(live_server.url + "/")
    check_page(page, f"{name}-start")
    page.click("button.primary")
    for number in range(max_steps):
        if "/result/" in page.url or "/emergency/" in page.url:
            break
        if number < 2:
            check_page(page, f"{name}-step-{number + 1}")
        answer_step(page, answers)
    return str(page.url)


def test_self_care_journey(page: Any, live_server: Any) -> None:
    url = run_journey(page, live_server, baseline(), "self-care")
    assert url.endswith("/result/")
    assert "look after this at home" in page.inner_text("main")
    check_page(page, "self-care-result")


def test_sciatica_journey(page: Any, live_server: Any) -> None:
    run_journey(page, live_server, sciatica(), "sciatica")
    text = page.inner_text("main")
    assert "sciatica" in text.lower() and "S1" in text
    check_page(page, "sciatica-result")
    page.click("text=A summary to print or show the clinician")
    assert "Summary for your clinician" in page.inner_text("main")
    assert page.locator("button[data-print]").is_visible()  # the script shows the print button
    check_page(page, "summary")


def test_emergency_stops_early(page: Any, live_server: Any) -> None:
    answers = sciatica(bladder_bowel=["numb_saddle"], bladder_bowel_timing="new_or_worse")
    url = run_journey(page, live_server, answers, "emergency")
    assert url.endswith("/emergency/")
    assert "emergency" in page.inner_text("main").lower()
    check_page(page, "emergency")


def test_pregnant_woman_is_not_offered_anti_inflammatories_late_in_pregnancy(
    page: Any, live_server: Any
) -> None:
    answers = baseline(sex="female", age=30, pregnancy="pregnant", pregnancy_weeks=24, pregnancy_signs=[])
    run_journey(page, live_server, answers, "pregnancy")
    text = page.inner_text("main")
    # The interview does not ask the weeks when the answer changes neither the level nor what is
    # withheld: anti-inflammatories are withheld in any pregnancy, with the reason for an unknown week.
    assert "Not for you right now" in text and "You are pregnant: do not take these" in text
    check_page(page, "pregnancy-result")


def test_resume_after_closing_the_tab(browser: Any, live_server: Any) -> None:
    first = browser.new_context()
    page = first.new_page()
    page.goto(live_server.url + "/")
    page.click("button.primary")
    private_link = page.url.split("/step/")[0] + "/"  # the link to resume: /i/<token>/
    answer_step(page, baseline())  # the warning signs
    page.wait_for_url("**/step/2/")
    answer_step(page, baseline())  # who you are
    page.wait_for_url("**/step/3/")
    first.close()  # the tab is gone; only the private link remains
    second = browser.new_context()
    again = second.new_page()
    again.goto(private_link)
    assert again.url.endswith("/step/3/") and "How old are you" not in again.inner_text("main")
    check_page(again, "resumed")
    again.click("text=See and change your answers")
    assert "36" in again.inner_text("main")
    check_page(again, "review")
    second.close()


def focused(page: Any) -> str:
    """The focused control as "name=value" (a field) or "button:Its text"."""
    return str(
        page.evaluate(
            "(e => e.tagName === 'BUTTON' ? 'button:' + e.textContent.trim() : e.name + '=' + e.value)"
            "(document.activeElement)"
        )
    )


def tab_to(page: Any, wanted: str, limit: int = 150) -> int:
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        if focused(page) == wanted:
            return presses
    raise AssertionError(f"Tab never reached {wanted}")


def test_body_map_by_keyboard_alone(page: Any, live_server: Any) -> None:
    page.goto(live_server.url + "/")
    tab_to(page, "button:Start")
    page.keyboard.press("Enter")
    page.wait_for_selector("input[name=bladder_bowel]")
    for link_id in ("bladder_bowel", "leg_weakness", "emergency_signs"):  # the warning signs come first
        tab_to(page, f"{link_id}={NONE_OF_THESE}")
        page.keyboard.press("Space")
    page.keyboard.press("Enter")
    page.wait_for_selector("input[name=age]")
    tab_to(page, "age=")
    page.keyboard.type("44")
    tab_to(page, "sex=female")
    page.keyboard.press("ArrowDown")  # radio groups move with the arrow keys
    assert focused(page) == "sex=male"
    with page.expect_navigation():
        page.keyboard.press("Enter")  # submits the form
    # The other warning signs come one at a time before the body map: "none of these", or the first
    # answer of a single choice ("No"), each by keyboard.
    questionnaire = get_questionnaire()
    for _ in range(12):
        shown = page.locator("input[name=shown]").get_attribute("value").split(",")
        if "pain_regions" in shown:
            break
        for link_id in shown:
            question = questionnaire.by_id[link_id]
            first = NONE_OF_THESE if question.type == "multi" else question.options[0].value
            tab_to(page, f"{link_id}={first}")
            page.keyboard.press("Space")
        with page.expect_navigation():
            page.keyboard.press("Enter")
    page.wait_for_selector("input[name=pain_regions]")
    tab_to(page, "pain_regions=calf_left")
    page.keyboard.press("Space")
    target = page.locator("input[name=pain_regions][value=calf_left]")
    assert target.is_checked()
    # The drawing mirrors the ticked box (progressive enhancement).
    assert "selected" in (
        page.locator("[data-bodymap=pain_regions] rect[data-region=calf_left]").get_attribute("class") or ""
    )
    check_page(page, "bodymap")


def test_spanish_version(browser: Any, live_server: Any) -> None:
    context = browser.new_context(locale="es-ES", extra_http_headers={"Accept-Language": "es"})
    page = context.new_page()
    page.goto(live_server.url + "/")
    assert page.locator("html").get_attribute("lang") == "es"
    check_page(page, "spanish-start")
    page.click("button.primary")
    assert "Desde que empezó el dolor, ¿ha notado algo de esto?" in page.inner_text("main")
    assert "Siguiente" in page.inner_text("main")
    check_page(page, "spanish-step")
    answers = sciatica()
    for _ in range(30):
        if "/result/" in page.url:
            break
        answer_step(page, answers)
    text = page.inner_text("main")
    assert "ciática" in text.lower() and "Qué puede hacer ahora" in text
    assert "Because" not in text and "likely" not in text  # no English left behind
    check_page(page, "spanish-result")
    context.close()


def test_a_wrong_answer_is_explained_next_to_the_field(page: Any, live_server: Any) -> None:
    page.goto(live_server.url + "/")
    page.click("button.primary")
    answer_step(page, baseline())  # the warning signs
    page.fill("input[name=age]", "400")
    page.check("input[name=sex][value=female]")
    page.click("button.primary")
    assert "120" in page.inner_text("main")
    assert page.input_value("input[name=age]") == "400" and page.is_checked("input[name=sex][value=female]")
    check_page(page, "step-error")


def test_pain_diary_page(page: Any, live_server: Any) -> None:
    run_journey(page, live_server, baseline(), "diary")
    page.click("text=Open my pain diary")
    page.fill("input[name=pain]", "4")
    page.fill("input[name=function]", "3")
    page.click("button.primary")
    assert "Saved" in page.inner_text("main")
    page.fill("input[name=pain]", "7")  # 3 points worse than the first entry
    page.fill("input[name=function]", "6")
    page.click("button.primary")
    assert page.locator(".chart circle").count() == 2
    check_page(page, "diary")
    page.fill("input[name=pain]", "7")
    page.fill("input[name=function]", "7")
    page.check("input[name=new-bladder_bowel][value=numb_saddle]")
    page.click("button.primary")
    assert "When did these changes start?" in page.inner_text("main")  # the interview's follow-up first
    check_page(page, "diary-follow-up")
    page.check("input[name=follow-bladder_bowel_timing][value=new_or_worse]")
    page.click("button.primary")
    assert "need help sooner" in page.inner_text("main") and "What to do now" in page.inner_text("main")
    check_page(page, "diary-worse")
