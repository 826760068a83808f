"""The interview's steps, each at its own URL, so the browser's Back and Forward buttons work.

`/i/<token>/step/<n>/` is the n-th step: a step already answered shows its questions with the answers
given; the step after the last one shows the next questions. Every POST answers with a redirect
(post/redirect/get), after a validation error too: the wrong entries wait in the session for the one
GET that shows them, so no page is ever the result of a POST and the browser never offers to resubmit.
`/i/<token>/` is the private link to resume: it sends the person to the step they are on.
"""

from __future__ import annotations

import contextlib
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from spinepath.clinic.i18n import current_language
from spinepath.engine import AnswerError, get_questionnaire, plan_interview
from spinepath.engine.questionnaire import Question

from . import bodymap_svg, services
from .forms import StepForm
from .models import Interview

_RETRY = "intake-retry"  # session key: {token: {"shown", "data", "problems"}} until shown once


def _interview(token: str) -> Interview:
    return get_object_or_404(Interview, token=token)


def _see_other(url: str) -> HttpResponse:
    """303: the browser follows with a GET and keeps no POST in its history."""
    response = redirect(url)
    response.status_code = 303
    return response


def step_url(interview: Interview, number: int) -> str:
    return reverse("intake:page", kwargs={"token": interview.token, "number": number})


def _questions(raw: str, interview: Interview) -> list[Question] | None:
    """The questions named in `raw` (comma-separated linkIds) that still apply; None if any is unknown."""
    questionnaire = get_questionnaire()
    link_ids = [item for item in raw.split(",") if item]
    if not link_ids or any(link_id not in questionnaire.by_id for link_id in link_ids):
        return None
    questions = [questionnaire.by_id[link_id] for link_id in link_ids]
    return [q for q in questions if questionnaire.is_enabled(q, interview.answers) is not False] or None


def answered_steps(interview: Interview) -> list[list[str]]:
    """The steps answered so far, in order, leaving out those whose questions no longer apply."""
    questionnaire = get_questionnaire()
    return [
        ids
        for ids in interview.history
        if any(
            link_id in questionnaire.by_id
            and questionnaire.is_enabled(questionnaire.by_id[link_id], interview.answers) is not False
            for link_id in ids
        )
    ]


def steps_in_total(interview: Interview) -> int:
    """The interview's length in steps as far as it can be told now: the steps answered, plus the one
    being asked and one for each question left (an estimate: the interview is adaptive; after the
    warning-sign and who-you-are screens it asks one question at a time)."""
    answered = len(answered_steps(interview))
    plan = plan_interview(interview.answers)
    if plan.done:
        return max(answered, 1)
    later = max(plan.remaining - len(plan.questions), 0)
    return answered + 1 + later


def _context(
    interview: Interview, form: StepForm, *, remaining: int, editing: bool, number: int | None, action: str
) -> dict[str, Any]:
    language = current_language()
    questionnaire = get_questionnaire()
    section = next(s for s in questionnaire.sections if s.id == form.questions[0].section)
    back_url = None
    if number is not None and number > 1:
        back_url = step_url(interview, number - 1)
    elif number is None and interview.history:
        back_url = reverse("intake:back", kwargs={"token": interview.token})
    return {
        "interview": interview,
        "form": form,
        "shown": ",".join(q.link_id for q in form.questions),
        "region_fields": {q.link_id for q in form.questions if q.type == "regions"},
        "views": [
            (view, bodymap_svg.shapes(view, language), bodymap_svg.grouped(view, language))
            for view in ("front", "back")
        ],
        "section": section.label(language),
        "remaining": remaining,
        "asked": len(interview.answers),
        "editing": editing,
        "action": action,
        "back_url": back_url,
        "step_number": number,
        "step_total": max(steps_in_total(interview), number or 1) if number is not None else None,
    }


def _render(request: HttpRequest, interview: Interview, form: StepForm, **context: Any) -> HttpResponse:
    return render(request, "intake/step.html", _context(interview, form, **context))


# ---------------------------------------------------------- a wrong answer, shown once after a redirect
def _keep_for_retry(request: HttpRequest, interview: Interview, form: StepForm, shown: str) -> None:
    data = {key: request.POST.getlist(key) for key in request.POST if key != "csrfmiddlewaretoken"}
    problems = [
        (field or "", str(message)) for field, messages in form.errors.items() for message in messages
    ]
    pending = dict(request.session.get(_RETRY, {}))
    pending[interview.token] = {"shown": shown, "data": data, "problems": problems}
    request.session[_RETRY] = pending


def _retry_form(request: HttpRequest, interview: Interview) -> StepForm | None:
    """The form as the person last sent it, with its error messages; taken from the session once."""
    pending = dict(request.session.get(_RETRY, {}))
    retry = pending.pop(interview.token, None)
    if retry is None:
        return None
    request.session[_RETRY] = pending
    questions = _questions(retry["shown"], interview)
    if questions is None:
        return None
    data = QueryDict(mutable=True)
    for key, values in retry["data"].items():
        data.setlist(key, values)
    form = StepForm(data, questions=questions, language=current_language())
    form.is_valid()
    for field, message in retry["problems"]:
        target = field if field in form.fields else None
        if message not in (form.errors.get(target or "__all__") or []):
            form.add_error(target, message)
    return form


def _save_what_is_valid(interview: Interview, form: StepForm) -> Interview:
    """Keep the answers that were fine, so closing the tab now loses only the ones marked wrong; the
    whole step stays one step in the history, so it keeps its page (and its URL) until corrected."""
    valid = form.valid_answers()
    if valid:
        # On an AnswerError the form shows the problem and the answers wait in the session.
        with contextlib.suppress(AnswerError):
            on_screen = [q.link_id for q in form.questions]
            return services.save_answers(interview=interview, new_answers=valid, on_screen=on_screen)
    return interview


def _page_of(interview: Interview, link_ids: list[str]) -> str:
    """The URL of the step holding these questions, or of the next step when none does."""
    steps = answered_steps(interview)
    number = next((i for i, ids in enumerate(steps, 1) if set(ids) & set(link_ids)), len(steps) + 1)
    return step_url(interview, number)


def _answer(request: HttpRequest, interview: Interview, *, success: str, retry: str | None) -> HttpResponse:
    """Save a step's answers and go on to `success`; on a problem, back to `retry` (default: the step's
    own page) to show it."""
    shown = request.POST.get("shown", "")
    questions = _questions(shown, interview)
    if questions is None:
        return HttpResponseBadRequest(
            _("This form was changed or is out of date. Please go back and try again.")
        )
    form = StepForm(request.POST, questions=questions, language=current_language())
    if form.is_valid():
        try:
            services.save_answers(interview=interview, new_answers=form.answers())
        except AnswerError as error:
            for problem in error.problems:
                form.add_error(problem.link_id if problem.link_id in form.fields else None, problem.message)
        else:
            return _see_other(success)
    else:
        interview = _save_what_is_valid(interview, form)
    _keep_for_retry(request, interview, form, shown)
    return _see_other(retry or _page_of(interview, [q.link_id for q in questions]))


# ------------------------------------------------------------------ views
# Private pages carry health data: never kept in a shared or browser cache (a shared computer's Back button).
@never_cache
@require_http_methods(["GET", "POST"])
def resume(request: HttpRequest, token: str) -> HttpResponse:
    """The private link: on to the current step; `?edit=<linkIds>` changes answers from the review page."""
    interview = _interview(token)
    here = request.get_full_path()
    edit = request.GET.get("edit", "")
    if request.method == "POST":
        retry = here if edit else None
        return _answer(request, interview, success=reverse("intake:step", args=[token]), retry=retry)
    if not edit:
        return redirect(step_url(interview, len(answered_steps(interview)) + 1))
    form = _retry_form(request, interview)
    if form is None:
        questions = _questions(edit, interview)
        if questions is None:
            return HttpResponseBadRequest(_("There is no such question to change."))
        initial = StepForm.initial_from(interview.answers, questions)
        form = StepForm(initial=initial, questions=questions, language=current_language())
    return _render(request, interview, form, remaining=0, editing=True, number=None, action=here)


@never_cache
@require_http_methods(["GET", "POST"])
def page(request: HttpRequest, token: str, number: int) -> HttpResponse:
    """Step `number`: an answered step with its answers, or (one past the last) the next questions."""
    interview = _interview(token)
    here = step_url(interview, number)
    if request.method == "POST":
        return _answer(request, interview, success=step_url(interview, number + 1), retry=here)
    steps = answered_steps(interview)
    if number < 1 or number > len(steps) + 1:
        return redirect(step_url(interview, len(steps) + 1))
    form = _retry_form(request, interview)
    if form is not None:
        return _render(request, interview, form, remaining=0, editing=True, number=number, action=here)
    language = current_language()
    if number <= len(steps):
        known = [link_id for link_id in steps[number - 1] if link_id in get_questionnaire().by_id]
        questions = _questions(",".join(known), interview) or []
        initial = StepForm.initial_from(interview.answers, questions)
        form = StepForm(initial=initial, questions=questions, language=language)
        return _render(request, interview, form, remaining=0, editing=True, number=number, action=here)
    plan = plan_interview(interview.answers, language=language)
    if plan.emergency is not None:
        return redirect("intake:emergency", token=interview.token)
    if plan.done:
        return redirect("intake:result", token=interview.token)
    form = StepForm(questions=plan.questions, language=language)
    return _render(
        request, interview, form, remaining=plan.remaining, editing=False, number=number, action=here
    )


@never_cache
def back(request: HttpRequest, token: str) -> HttpResponse:
    """The last step answered (from the review page or a changed answer): the step before the current."""
    interview = _interview(token)
    return redirect(step_url(interview, max(len(answered_steps(interview)), 1)))
