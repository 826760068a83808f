"""The browser's Back and Forward buttons in the interview: every step is a page of its own (PRG)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from spinepath.engine import get_questionnaire
from tests.engine.helpers import baseline

from .conftest import check_page
from .test_journeys import answer_step

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

STEP = re.compile(r"/i/[A-Za-z0-9_-]+/step/(\d+)/$")


def step_number(page: Any) -> int:
    match = STEP.search(page.url)
    assert match, f"not a step page: {page.url}"
    return int(match.group(1))


def documents(page: Any) -> list[tuple[str, str]]:
    """(method, url) of every page the browser shows (redirects left out): none may answer a POST."""
    loaded: list[tuple[str, str]] = []

    def shown(response: Any) -> None:
        if response.request.is_navigation_request() and response.status < 300:
            loaded.append((response.request.method, response.url))

    page.on("response", shown)
    return loaded


def test_back_returns_to_each_step_with_its_answers(page: Any, live_server: Any) -> None:
    loaded = documents(page)
    page.goto(live_server.url + "/")
    page.click("button.primary")
    assert step_number(page) == 1  # the emergency warning signs
    answers = baseline()
    answer_step(page, answers)
    page.wait_for_url(STEP)
    assert step_number(page) == 2
    answer_step(page, answers)  # age and sex
    page.wait_for_url(STEP)
    assert step_number(page) == 3
    third_step = page.locator("input[name=shown]").get_attribute("value")
    # One question of the person's own: tick its first option, so that Back has an answer to restore.
    question = get_questionnaire().by_id[third_step.split(",")[0]]
    ticked = f"input[name={question.link_id}][value='{question.options[0].value}']"
    answers[question.link_id] = (
        question.options[0].value if question.type == "choice" else [question.options[0].value]
    )
    answer_step(page, answers)
    page.wait_for_url(STEP)
    assert step_number(page) == 4

    page.go_back()
    assert step_number(page) == 3
    assert page.locator("input[name=shown]").get_attribute("value") == third_step
    assert page.is_checked(ticked)
    page.go_back()
    assert step_number(page) == 2
    assert page.input_value("input[name=age]") == "36" and page.is_checked("input[name=sex][value=male]")
    check_page(page, "step-after-back")
    page.go_forward()
    assert step_number(page) == 3 and page.is_checked(ticked)

    # Changing an answer on an earlier step keeps the rest and goes on to the next step.
    page.go_back()
    page.fill("input[name=age]", "37")
    page.click("button.primary")
    page.wait_for_url(STEP)
    assert step_number(page) == 3 and page.is_checked(ticked)
    # Every page shown came from a GET: a POST is always answered with a redirect.
    shown = [(method, url) for method, url in loaded if "/i/" in url]
    assert shown and all(method == "GET" for method, _ in shown), shown


def test_a_validation_error_never_leads_to_a_resubmission_warning(page: Any, live_server: Any) -> None:
    page.goto(live_server.url + "/")
    page.click("button.primary")
    answer_step(page, baseline())  # the warning signs
    page.wait_for_url("**/step/2/")
    first = page.url
    page.fill("input[name=age]", "400")
    page.check("input[name=sex][value=female]")
    loaded = documents(page)
    page.click("button.primary")
    page.wait_for_load_state()
    assert page.url == first and "120" in page.inner_text("main")
    assert loaded[-1][0] == "GET"  # the error page itself was fetched with a GET after the redirect
    page.reload()  # would ask "Confirm Form Resubmission" if the page were a POST's answer
    assert page.url == first and "How old are you" in page.inner_text("main")
    page.fill("input[name=age]", "36")
    page.click("button.primary")
    page.wait_for_url("**/step/3/")
    assert step_number(page) == 3
    page.go_back()
    assert page.url == first and page.input_value("input[name=age]") == "36"
    assert "ERR_CACHE_MISS" not in page.content() and "Resubmission" not in page.content()
    page.go_forward()
    assert step_number(page) == 3 and "Resubmission" not in page.content()
