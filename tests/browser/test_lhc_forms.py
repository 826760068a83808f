"""The exported Questionnaire in a real SDC renderer: NLM's LHC-Forms (npm `lforms`) in Chromium.

LHC-Forms is installed by the project's own files (package.json, package-lock.json, `npm ci` in
`make test`) and served from node_modules by a local HTTP server: nothing comes from a CDN. A person's
answers are filled in the rendered form; at every question the form must show exactly what the engine
would ask; the QuestionnaireResponse that LHC-Forms produces is assessed through the API, and the result
must equal the one the web journey stored for the same person.
"""

from __future__ import annotations

import functools
import http.server
import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import expect

from spinepath.clinic.intake.models import AssessmentRecord, Interview
from spinepath.engine import assess, get_questionnaire
from spinepath.engine.questionnaire import Question
from spinepath.fhir.enablement import NONE_CODE, OPTION_SYSTEM
from spinepath.fhir.questionnaire import REGION_SYSTEM
from tests.engine.helpers import baseline, sciatica

from .conftest import SCREENSHOTS
from .test_journeys import answer_step

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
LFORMS = ROOT / "node_modules" / "lforms" / "dist" / "lforms"
PAGE = Path(__file__).resolve().parent / "lhc_forms" / "index.html"

CASES = {
    "sciatica": sciatica(),
    "self-care": baseline(),
    "cauda-equina": sciatica(bladder_bowel=["numb_saddle"], bladder_bowel_timing="new_or_worse"),
    "pregnant": baseline(sex="female", age=30, pregnancy="pregnant", pregnancy_weeks=24, pregnancy_signs=[]),
    "both-legs": baseline(
        age=71,
        pain_regions=["lower_back", "buttock_left", "buttock_right", "thigh_back_left", "thigh_back_right"],
        worse_part="leg",
        duration="over_1_year",
        both_legs_timing="only_when_walking",
        walking_pain="eases_sitting_or_bending",
        walking_where=["buttock_thigh"],
    ),
}


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass

    def translate_path(self, path: str) -> str:
        # /index.html is the test page; /lforms/... the package's built files.
        path = path.split("?")[0]
        if path.startswith("/lforms/"):
            return str(LFORMS / path.removeprefix("/lforms/"))
        return str(PAGE)


@pytest.fixture(scope="module")
def lforms_url() -> Iterator[str]:
    if not (LFORMS / "webcomponent" / "main.js").exists():
        pytest.fail(f"{LFORMS} is missing: `make test` installs it (npm ci, from package-lock.json)")
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_Quiet, directory=str(LFORMS))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/index.html"
    server.shutdown()
    server.server_close()


def _item(page: Any, link_id: str) -> Any:
    return page.locator(f'[id="item-{link_id}/1/1"]')


def _choose(page: Any, question: Question, code: str) -> None:
    system = REGION_SYSTEM if question.type == "regions" and code != NONE_CODE else OPTION_SYSTEM
    page.locator(f'[id="{question.link_id}/1/1|{system}|{code}"]').click()


def _answer(page: Any, question: Question, value: Any) -> None:
    """Fill one question in LHC-Forms as a person would: type a number, click a radio or check boxes."""
    if question.type == "integer":
        field = page.locator(f'[id="{question.link_id}/1/1"]')
        field.fill(str(value))
        field.press("Tab")
    elif question.type == "choice":
        _choose(page, question, value)
    else:
        for code in value or [NONE_CODE]:
            _choose(page, question, code)


def fill_in_lhc_forms(page: Any, answers: dict[str, Any]) -> None:
    """Answer question by question; before each, the form shows it exactly when the engine asks it."""
    questionnaire = get_questionnaire()
    given: dict[str, Any] = {}
    for question in questionnaire.questions:
        shown = _item(page, question.link_id)
        if questionnaire.is_enabled(question, given) is True:
            shown.wait_for(state="attached", timeout=5_000)
            if answers.get(question.link_id) is not None:
                _answer(page, question, answers[question.link_id])
                given[question.link_id] = answers[question.link_id]
        else:
            expect(shown).to_have_count(0)


def shown_link_ids(page: Any) -> set[str]:
    ids = page.eval_on_selector_all("lhc-item[id^='item-']", "items => items.map(i => i.id)")
    link_ids = {i.removeprefix("item-").split("/")[0] for i in ids}
    return {link_id for link_id in link_ids if not link_id.startswith("section-")}


def web_journey_result(browser: Any, live_server: Any, answers: dict[str, Any]) -> dict[str, Any]:
    """The same person through the web pages; the result the clinic stored."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(live_server.url + "/")
    page.click("button.primary")
    token = page.url.split("/i/")[1].split("/")[0]
    for _ in range(30):
        if "/result/" in page.url or "/emergency/" in page.url:
            break
        answer_step(page, answers)
    context.close()
    record = AssessmentRecord.objects.filter(interview=Interview.objects.get(token=token)).latest(
        "created_at"
    )
    return dict(record.result)


@pytest.mark.parametrize("name", sorted(CASES))
def test_lhc_forms_fills_the_questionnaire_and_the_api_agrees_with_the_web_journey(
    browser: Any, live_server: Any, lforms_url: str, name: str
) -> None:
    answers = CASES[name]
    questionnaire_json = httpx.get(f"{live_server.url}/api/v1/questionnaire?format=fhir", timeout=30).json()
    context = browser.new_context(viewport={"width": 1000, "height": 900}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(lforms_url)
    page.wait_for_function("() => !!(window.LForms && LForms.Util && LForms.FHIR)")
    page.evaluate("q => LForms.Util.addFormToPage(q, 'form', {fhirVersion: 'R4'})", questionnaire_json)
    _item(page, "age").wait_for(state="attached")

    fill_in_lhc_forms(page, answers)
    questionnaire = get_questionnaire()
    clean = questionnaire.validate(answers)
    page.wait_for_timeout(300)  # let the last expressions settle before reading the whole form
    assert shown_link_ids(page) == {q.link_id for q in questionnaire.enabled_questions(clean)}
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"lhc-forms-{name}.png"), full_page=True)
    response = page.evaluate(
        "() => LForms.Util.getFormFHIRData('QuestionnaireResponse', 'R4', document.getElementById('form'))"
    )
    context.close()

    assessed = httpx.post(f"{live_server.url}/api/v1/assess/fhir", json=response, timeout=30)
    assert assessed.status_code == 200, assessed.text
    from_lhc_forms = assessed.json()
    from_web = web_journey_result(browser, live_server, answers)
    # The renderer's answers give exactly the engine's assessment of what the person filled in ...
    filled = {
        k: v for k, v in answers.items() if questionnaire.is_enabled(questionnaire.by_id[k], answers) is True
    }
    assert from_lhc_forms == json.loads(json.dumps(assess(filled).to_dict()))
    # ... and the same outcome as the web journey, which may ask fewer questions (so its "because" lists
    # and lesser probabilities can differ): the same level, the same next step, the same leading cause.
    from_web = web_journey_result(browser, live_server, answers)
    assert from_lhc_forms["triage"]["level"] == from_web["triage"]["level"]
    assert {k: v for k, v in from_lhc_forms["next_step"].items() if k != "why"} == {
        k: v for k, v in from_web["next_step"].items() if k != "why"
    }
    assert from_lhc_forms["differential"][0]["id"] == from_web["differential"][0]["id"]
    must_rule_out = {c["id"] for c in from_lhc_forms["differential"] if c["must_rule_out"]}
    assert must_rule_out == {c["id"] for c in from_web["differential"] if c["must_rule_out"]}
