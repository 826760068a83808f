"""Patient-facing pages. Views stay thin: parse, call the engine or a service, render.

Every page is reached through the interview's private token; answers travel in POST bodies only,
never in URLs, and nothing here logs them.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from spinepath.clinic.i18n import current_language
from spinepath.engine import Level, assess, get_questionnaire, pending_follow_ups, plan_interview

from . import services, timing
from .display import describe_answer
from .forms import DiaryForm, FollowUpContactForm, StepForm
from .models import FollowUpContact, Interview


def _interview(token: str) -> Interview:
    return get_object_or_404(Interview, token=token)


@require_http_methods(["GET", "POST"])
def start(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        interview = services.start_interview(language=current_language())
        return redirect("intake:step", token=interview.token)
    return render(
        request,
        "intake/start.html",
        {"about_minutes": timing.ABOUT_MINUTES, "up_to_minutes": timing.UP_TO_MINUTES},
    )


@never_cache
def review(request: HttpRequest, token: str) -> HttpResponse:
    interview = _interview(token)
    rows = _answer_rows(interview, current_language())
    return render(request, "intake/review.html", {"interview": interview, "rows": rows})


@never_cache
def emergency(request: HttpRequest, token: str) -> HttpResponse:
    interview = _interview(token)
    result = assess(interview.answers, language=current_language())
    if result.triage.level is not Level.EMERGENCY:  # e.g. an answer was corrected since
        return redirect("intake:step", token=interview.token)
    services.record_assessment(interview=interview, language=current_language())
    context = {"interview": interview, "result": result, **_contact_context(interview, Level.EMERGENCY)}
    return render(request, "intake/emergency.html", context)


@never_cache
def result(request: HttpRequest, token: str) -> HttpResponse:
    interview = _interview(token)
    language = current_language()
    if interview.status != Interview.Status.COMPLETED:
        # A result before the warning-sign questions are done would be guesswork: finish first.
        plan = plan_interview(interview.answers, language=language)
        if plan.emergency is not None:
            return redirect("intake:emergency", token=interview.token)
        if not plan.done:
            return redirect("intake:step", token=interview.token)
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
            "reasons": [hit for hit in outcome.triage.reasons if hit.level.is_at_least(Level.ROUTINE)],
            **_contact_context(interview, outcome.triage.level),
        },
    )


def _contact_context(
    interview: Interview, level: Level, form: FollowUpContactForm | None = None
) -> dict[str, Any]:
    """For an urgent or emergency result, the form to leave a phone number or e-mail so the clinic can
    follow up (the page shows it only when the person has not booked), and what they left."""
    asks = level.is_at_least(Level.URGENT)
    return {
        "contact": FollowUpContact.objects.filter(interview=interview).first(),
        "contact_form": (form or FollowUpContactForm()) if asks else None,
    }


@never_cache
@require_http_methods(["POST"])
def contact(request: HttpRequest, token: str) -> HttpResponse:
    """Keep how the clinic may reach the person (with their consent), then go back to their page."""
    interview = _interview(token)
    record = interview.assessments.order_by("-created_at", "-pk").first()
    if record is None:
        return redirect("intake:step", token=interview.token)
    if not record.level.is_at_least(Level.URGENT):
        # Only urgent and emergency results ask for a way to follow up; others book or call as usual.
        return HttpResponse(
            _("This result does not need the clinic to call you back. Please book from your result page."),
            status=409,
            content_type="text/plain; charset=utf-8",
        )
    form = FollowUpContactForm(request.POST)
    if not form.is_valid():
        context = {"interview": interview, **_contact_context(interview, record.level, form)}
        return render(request, "intake/contact.html", context, status=400)
    data = form.cleaned_data
    services.leave_contact(interview=interview, name=data["name"], phone=data["phone"], email=data["email"])
    page = "intake:emergency" if record.level == Level.EMERGENCY else "intake:result"
    return redirect(reverse(page, kwargs={"token": interview.token}) + "#contact")


@never_cache
def summary(request: HttpRequest, token: str) -> HttpResponse:
    """A short printable summary to bring to the appointment: result, reasons and answers in words."""
    interview = _interview(token)
    language = current_language()
    if not interview.assessments.exists():
        return redirect("intake:step", token=interview.token)
    record = services.record_assessment(interview=interview, language=language)
    result = assess(interview.answers, language=language)
    diary = list(interview.diary.all())
    context = {
        "interview": interview,
        "record": record,
        "result": result,
        "reasons": [hit for hit in result.triage.reasons if hit.level.is_at_least(Level.ROUTINE)],
        "rows": _answer_rows(interview, language, name_the_negatives=True),
        "diary": diary,
        "first_pain": services.first_pain_score(interview),
        "latest_pain": diary[-1].pain if diary else None,
        **_contact_context(interview, result.triage.level),
    }
    return render(request, "intake/summary.html", context)


def _answer_rows(
    interview: Interview, language: str, *, name_the_negatives: bool = False
) -> list[dict[str, str]]:
    """Each answer in words. `name_the_negatives` spells out "none of these" for a clinician to read."""
    rows = []
    for question in get_questionnaire().questions:
        if question.link_id not in interview.answers:
            continue
        value = interview.answers[question.link_id]
        answer = describe_answer(question, value, language)
        if name_the_negatives and question.type == "multi" and value == []:
            options = "; ".join(option.label(language) for option in question.options)
            answer = _("None of these: %(options)s") % {"options": options}
        rows.append({"question": question.label(language), "link_id": question.link_id, "answer": answer})
    return rows


def _booking_url(record: Any) -> str | None:
    try:
        return reverse("booking:offer", kwargs={"token": record.interview.token})
    except NoReverseMatch:  # booking is not installed in this deployment
        return None


@never_cache
@require_http_methods(["GET", "POST"])
def diary(request: HttpRequest, token: str) -> HttpResponse:
    """A check-in. New warning signs first bring the interview's follow-up questions about them
    ("is it getting worse?"); only then is the entry saved and the result re-assessed."""
    interview = _interview(token)
    language = current_language()
    questionnaire = get_questionnaire()
    symptom_questions = list(questionnaire.diary_questions)
    outcome = None
    status = 200
    form = DiaryForm(request.POST or None)
    symptoms_form = StepForm(
        request.POST or None, questions=symptom_questions, language=language, prefix="new", none_box=False
    )
    asked = [
        questionnaire.by_id[link_id]
        for link_id in request.POST.get("follow_shown", "").split(",")
        if link_id in questionnaire.by_id
    ]
    follow_form = StepForm(request.POST or None, questions=asked, language=language, prefix="follow")
    if request.method == "POST":
        if form.is_valid() and symptoms_form.is_valid() and follow_form.is_valid():
            new_signs = symptoms_form.answers()
            follow_up_answers = follow_form.answers()
            pending = pending_follow_ups(
                questionnaire,
                answers=interview.answers,
                new_signs=new_signs,
                follow_up_answers=follow_up_answers,
            )
            if pending:  # ask them before saving anything
                asked = [*asked, *pending]
                follow_form = StepForm(
                    initial=StepForm.initial_from(follow_up_answers, asked),
                    questions=asked,
                    language=language,
                    prefix="follow",
                )
            else:
                outcome = services.add_diary_entry(
                    interview=interview,
                    pain=form.cleaned_data["pain"],
                    function=form.cleaned_data["function"],
                    new_symptoms=new_signs,
                    follow_up_answers=follow_up_answers,
                    language=language,
                )
                form = DiaryForm()
                symptoms_form = StepForm(
                    questions=symptom_questions, language=language, prefix="new", none_box=False
                )
                asked = []
                follow_form = StepForm(questions=asked, language=language, prefix="follow")
        else:
            status = 400
    entries = list(interview.diary.all())
    # The updated result in the reader's language: its level, the fired rules' own actions, the next step.
    result = assess(outcome.entry.interview.answers, language=language) if outcome else None
    return render(
        request,
        "intake/diary.html",
        {
            "interview": interview,
            "form": form,
            "symptoms_form": symptoms_form,
            "follow_form": follow_form,
            "follow_shown": ",".join(question.link_id for question in asked),
            "entries": entries,
            "chart": _chart(entries),
            "outcome": outcome,
            "result": result,
            "booking_url": _booking_url(outcome.record) if outcome and outcome.escalated else None,
        },
        status=status,
    )


def _chart(entries: list[Any]) -> dict[str, Any] | None:
    """Coordinates for a small server-rendered SVG line chart of pain and function (0-10)."""
    if not entries:
        return None
    width, height, left, pad = 320, 190, 30, 20
    plot_bottom = height - 40  # room below the plot for the dates
    step = (width - left - pad) / max(len(entries) - 1, 1)

    # Coordinates go out as strings: a float in a template is localised ("12,5" in Spanish).
    def y(value: float) -> float:
        return plot_bottom - value * (plot_bottom - pad) / 10

    def series(values: list[int]) -> dict[str, Any]:
        points = [(left + i * step, y(v)) for i, v in enumerate(values)]
        return {
            "line": " ".join(f"{px:.1f},{py:.1f}" for px, py in points),
            # each point, and the corner of its square marker
            "points": [(f"{px:.1f}", f"{py:.1f}", f"{px - 3.5:.1f}", f"{py - 3.5:.1f}") for px, py in points],
        }

    return {
        "width": width,
        "height": height,
        "left": left,
        "right": width - pad,
        "ticks": [(value, f"{y(value):.1f}") for value in (0, 5, 10)],
        "label_x": left - 6,
        # A dated time axis: at most about six labels, the first and the last always shown.
        "dates": [
            (f"{left + i * step:.1f}", date_format(entry.created_at, "j M"))
            for i, entry in enumerate(entries)
            if i % max(1, len(entries) // 6) == 0 or i == len(entries) - 1
        ],
        "axis_y": f"{plot_bottom:.1f}",
        "date_y": f"{plot_bottom + 18:.1f}",
        "pain": series([e.pain for e in entries]),
        "function": series([e.function for e in entries]),
    }
