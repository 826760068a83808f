"""Patient-facing pages. Views stay thin: parse, call the engine or a service, render.

Every page is reached through the interview's private token; answers travel in POST bodies only,
never in URLs, and nothing here logs them.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from spinepath.engine import AnswerError, assess, get_questionnaire, plan_interview
from spinepath.engine.questionnaire import Question

from . import bodymap_svg, services
from .display import describe_answer
from .forms import DiaryForm, StepForm
from .models import Interview

DIARY_QUESTIONS = ("bladder_bowel", "leg_weakness", "general_health")


def _language() -> str:
    language = (translation.get_language() or "en")[:2]
    return language if language in services.LANGUAGES else "en"


def _interview(token: str) -> Interview:
    return get_object_or_404(Interview, token=token)


@require_http_methods(["GET", "POST"])
def start(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        interview = services.start_interview(language=_language())
        return redirect("intake:step", token=interview.token)
    return render(request, "intake/start.html")


def _questions_to_edit(raw: str, interview: Interview) -> list[Question] | None:
    questionnaire = get_questionnaire()
    link_ids = [item for item in raw.split(",") if item]
    if not link_ids or any(link_id not in questionnaire.by_id for link_id in link_ids):
        return None
    questions = [questionnaire.by_id[link_id] for link_id in link_ids]
    return [q for q in questions if questionnaire.is_enabled(q, interview.answers) is not False] or None


def _context(interview: Interview, form: StepForm, *, remaining: int, editing: bool) -> dict[str, Any]:
    language = _language()
    regions = {q.link_id for q in form.questions if q.type == "regions"}
    return {
        "interview": interview,
        "form": form,
        "shown": ",".join(q.link_id for q in form.questions),
        "region_fields": regions,
        "views": [
            ("front", bodymap_svg.shapes("front", language)),
            ("back", bodymap_svg.shapes("back", language)),
        ],
        "section": get_questionnaire()
        .sections[[s.id for s in get_questionnaire().sections].index(form.questions[0].section)]
        .label(language),
        "remaining": remaining,
        "asked": len(interview.answers),
        "editing": editing,
        "can_go_back": bool(interview.history),
    }


@require_http_methods(["GET", "POST"])
def step(request: HttpRequest, token: str) -> HttpResponse:
    interview = _interview(token)
    language = _language()
    if request.method == "POST":
        questions = _questions_to_edit(request.POST.get("shown", ""), interview)
        if questions is None:
            return HttpResponseBadRequest(
                _("This form was changed or is out of date. Please go back and try again.")
            )
        form = StepForm(request.POST, questions=questions, language=language)
        if form.is_valid():
            try:
                services.save_answers(interview=interview, new_answers=form.answers())
            except AnswerError as error:
                for problem in error.problems:
                    target = problem.link_id if problem.link_id in form.fields else None
                    form.add_error(target, problem.message)
            else:
                return redirect("intake:step", token=interview.token)
        return render(
            request, "intake/step.html", _context(interview, form, remaining=0, editing=True), status=400
        )

    edit = request.GET.get("edit", "")
    if edit:
        questions = _questions_to_edit(edit, interview)
        if questions is None:
            return HttpResponseBadRequest(_("There is no such question to change."))
        initial = {q.link_id: interview.answers.get(q.link_id) for q in questions}
        form = StepForm(initial=initial, questions=questions, language=language)
        return render(request, "intake/step.html", _context(interview, form, remaining=0, editing=True))

    plan = plan_interview(interview.answers, language=language)
    if plan.emergency is not None:
        return redirect("intake:emergency", token=interview.token)
    if plan.done:
        return redirect("intake:result", token=interview.token)
    form = StepForm(questions=plan.questions, language=language)
    return render(
        request, "intake/step.html", _context(interview, form, remaining=plan.remaining, editing=False)
    )


def back(request: HttpRequest, token: str) -> HttpResponse:
    interview = _interview(token)
    if not interview.history:
        return redirect("intake:step", token=interview.token)
    url = reverse("intake:step", kwargs={"token": interview.token})
    return redirect(f"{url}?edit={','.join(interview.history[-1])}")


def review(request: HttpRequest, token: str) -> HttpResponse:
    interview = _interview(token)
    language = _language()
    questionnaire = get_questionnaire()
    rows = []
    for question in questionnaire.questions:
        if question.link_id not in interview.answers:
            continue
        value = interview.answers[question.link_id]
        rows.append(
            {
                "question": question.label(language),
                "link_id": question.link_id,
                "answer": describe_answer(question, value, language),
            }
        )
    return render(request, "intake/review.html", {"interview": interview, "rows": rows})


def emergency(request: HttpRequest, token: str) -> HttpResponse:
    interview = _interview(token)
    result = assess(interview.answers, language=_language())
    services.record_assessment(interview=interview, language=_language())
    return render(request, "intake/emergency.html", {"interview": interview, "result": result})


def result(request: HttpRequest, token: str) -> HttpResponse:
    interview = _interview(token)
    language = _language()
    record = services.record_assessment(interview=interview, language=language)
    outcome = assess(interview.answers, language=language)  # re-rendered in the reader's language
    booking_url = _booking_url(record)
    return render(
        request,
        "intake/result.html",
        {
            "interview": interview,
            "result": outcome,
            "record": record,
            "booking_url": booking_url,
            "top": outcome.differential[:5],
        },
    )


def _booking_url(record: Any) -> str | None:
    try:
        return reverse("booking:offer", kwargs={"token": record.interview.token})
    except NoReverseMatch:  # booking is not installed in this deployment
        return None


@require_http_methods(["GET", "POST"])
def diary(request: HttpRequest, token: str) -> HttpResponse:
    interview = _interview(token)
    language = _language()
    questionnaire = get_questionnaire()
    symptom_questions = [questionnaire.by_id[link_id] for link_id in DIARY_QUESTIONS]
    outcome = None
    status = 200
    form = DiaryForm(request.POST or None)
    symptoms_form = StepForm(
        request.POST or None, questions=symptom_questions, language=language, prefix="new"
    )
    if request.method == "POST":
        if form.is_valid() and symptoms_form.is_valid():
            outcome = services.add_diary_entry(
                interview=interview,
                pain=form.cleaned_data["pain"],
                function=form.cleaned_data["function"],
                new_symptoms=symptoms_form.answers(),
                language=language,
            )
            form = DiaryForm()
            symptoms_form = StepForm(questions=symptom_questions, language=language, prefix="new")
        else:
            status = 400
    entries = list(interview.diary.all())
    return render(
        request,
        "intake/diary.html",
        {
            "interview": interview,
            "form": form,
            "symptoms_form": symptoms_form,
            "entries": entries,
            "chart": _chart(entries),
            "outcome": outcome,
        },
        status=status,
    )


def _chart(entries: list[Any]) -> dict[str, Any] | None:
    """Points for a small server-rendered SVG line chart of pain and function (0-10)."""
    if not entries:
        return None
    width, height, pad = 320, 160, 20
    step = (width - 2 * pad) / max(len(entries) - 1, 1)

    def points(values: list[int]) -> str:
        return " ".join(
            f"{pad + i * step:.1f},{height - pad - v * (height - 2 * pad) / 10:.1f}"
            for i, v in enumerate(values)
        )

    return {
        "width": width,
        "height": height,
        "pain": points([e.pain for e in entries]),
        "function": points([e.function for e in entries]),
    }
