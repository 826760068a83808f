"""Django forms built from the engine's questions: one definition, rendered as accessible HTML."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from spinepath.clinic import contact
from spinepath.engine import get_body_map
from spinepath.engine.questionnaire import Question

# The value of the explicit "None of these" box on a checklist; it is never stored (an empty list is).
NONE_OF_THESE = "none_of_these"


class ChecklistField(forms.MultipleChoiceField):
    """Tick all that apply, plus an exclusive "None of these" box.

    A required checklist (the warning-sign questions) needs a tick: leaving every box empty could
    mean "none" or "I did not read it", and only the first is safe to assume.
    """

    def __init__(self, *, must_answer: bool, missing: Any = None, **kwargs: Any) -> None:
        super().__init__(required=False, **kwargs)
        self.must_answer = must_answer
        self.missing = missing or _("Please tick every answer that applies, or tick “None of these”.")

    def validate(self, value: Any) -> None:
        super().validate(value)
        if NONE_OF_THESE in value and len(value) > 1:
            raise ValidationError(
                _("You ticked “None of these” and another answer. Please untick one of them."),
                code="none_and_other",
            )
        if self.must_answer and not value:
            raise ValidationError(self.missing, code="required")

    def clean(self, value: Any) -> list[str]:
        chosen: list[str] = super().clean(value)
        return [v for v in chosen if v != NONE_OF_THESE]


def _range_message(minimum: int, maximum: int) -> str:
    return gettext("Please enter a number from %(minimum)s to %(maximum)s.") % {
        "minimum": minimum,
        "maximum": maximum,
    }


def number_messages(minimum: int | None, maximum: int | None) -> dict[str, Any]:
    """Plain messages for a whole-number box (Django's say "Ensure this value is ...").

    Lazy, so a form defined at import time still speaks the reader's language.
    """
    messages: dict[str, Any] = {
        "invalid": _("Please enter a whole number."),
        "required": _("Please answer this question."),
    }
    if minimum is not None and maximum is not None:
        in_range = lazy(_range_message, str)(minimum, maximum)
        messages.update(min_value=in_range, max_value=in_range)
    return messages


def field_for(question: Question, language: str, *, none_box: bool = True) -> forms.Field:
    """The form field for one question; `none_box` adds the "None of these" box to checklists."""
    label = question.label(language)
    help_text = question.help_text(language)
    if question.type == "integer":
        return forms.IntegerField(
            label=label,
            help_text=help_text,
            required=question.required,
            min_value=question.minimum,
            max_value=question.maximum,
            error_messages=number_messages(question.minimum, question.maximum),
        )
    if question.type == "choice":
        return forms.ChoiceField(
            label=label,
            help_text=help_text,
            required=question.required,
            choices=[(o.value, o.label(language)) for o in question.options],
            widget=forms.RadioSelect,
            error_messages={"required": _("Please choose one answer.")},
        )
    if question.type == "multi":
        none = [(NONE_OF_THESE, _("None of these"))] if none_box else []
        # The question text already says "Tick all that apply"; the diary says what an empty list means.
        default_help = "" if none_box else _("Leave every box empty if none is new.")
        return ChecklistField(
            label=label,
            help_text=help_text or default_help,
            must_answer=question.required and none_box,
            choices=[*((o.value, o.label(language)) for o in question.options), *none],
            widget=forms.CheckboxSelectMultiple(attrs={"data-checklist": ""}),
        )
    # A body map: the places, plus its own exclusive "nowhere" box ("No pain anywhere"), so that a
    # person with numbness but no pain can say so, and an empty map is never mistaken for an answer.
    body_map = get_body_map()
    nowhere = question.none_label(language) or gettext("Nowhere")
    return ChecklistField(
        label=label,
        help_text=help_text,
        must_answer=question.required,
        missing=lazy(_nowhere_message, str)(nowhere),
        choices=[
            *((r, body_map.label(r, language)) for r in sorted(body_map.region_ids)),
            (NONE_OF_THESE, nowhere),
        ],
        widget=forms.CheckboxSelectMultiple(attrs={"data-checklist": ""}),
    )


def _nowhere_message(nowhere: str) -> str:
    return gettext("Please tick every place that applies, or tick “%(nowhere)s”.") % {"nowhere": nowhere}


class StepForm(forms.Form):
    """The questions of one interview step (or the diary's "anything new?" checklists, `none_box=False`)."""

    def __init__(
        self, *args: Any, questions: Sequence[Question], language: str, none_box: bool = True, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        for question in self.questions:
            self.fields[question.link_id] = field_for(question, language, none_box=none_box)

    @staticmethod
    def initial_from(answers: dict[str, Any], questions: Sequence[Question]) -> dict[str, Any]:
        """Stored answers as the form's initial values: an empty checklist shows "None of these" ticked."""
        initial: dict[str, Any] = {}
        for question in questions:
            value = answers.get(question.link_id)
            if question.type in {"multi", "regions"} and value == []:
                value = [NONE_OF_THESE]
            initial[question.link_id] = value
        return initial

    def valid_answers(self) -> dict[str, Any]:
        """The answers that passed validation on an otherwise invalid form (saved so nothing is lost)."""
        # Only what the person actually filled in: a blank is not yet an answer ("skipped").
        return {
            q.link_id: self._value(q)
            for q in self.questions
            if q.link_id not in self.errors and q.link_id in self.cleaned_data and self._filled_in(q.link_id)
        }

    def _filled_in(self, link_id: str) -> bool:
        key = self.add_prefix(link_id)
        getlist = getattr(self.data, "getlist", None)
        raw = getlist(key) if getlist else [self.data.get(key)]
        return any(v not in ("", None) for v in raw)

    def answers(self) -> dict[str, Any]:
        return {question.link_id: self._value(question) for question in self.questions}

    def _value(self, question: Question) -> Any:
        value = self.cleaned_data.get(question.link_id)
        if question.type in {"multi", "regions"}:
            return list(value or [])
        return None if value in (None, "") else value


class DiaryForm(forms.Form):
    pain = forms.IntegerField(
        label=_("How bad is your pain today, from 0 (none) to 10 (worst)?"),
        min_value=0,
        max_value=10,
        error_messages=number_messages(0, 10),
    )
    function = forms.IntegerField(
        label=_(
            "How much does the pain stop you doing your usual things, from 0 (not at all) to 10 (completely)?"
        ),
        min_value=0,
        max_value=10,
        error_messages=number_messages(0, 10),
    )


def _contact_checked(clean: Callable[[str], str], value: str) -> str:
    try:
        return clean(value)
    except contact.ContactError as error:
        raise ValidationError(str(error)) from None


class FollowUpContactForm(forms.Form):
    """How the clinic may reach someone told urgent or emergency who has not booked: only with consent,
    and a phone number or an e-mail address is enough."""

    consent = forms.BooleanField(
        label=_("Yes, the clinic may contact me about my result."),
        error_messages={"required": _("Please tick the box if the clinic may contact you.")},
    )
    name = forms.CharField(
        label=_("Your name (optional)"), required=False, max_length=contact.NAME_MAX, strip=False
    )
    phone = forms.CharField(
        label=_("Phone (optional)"),
        required=False,
        max_length=contact.PHONE_MAX,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    email = forms.EmailField(
        label=_("E-mail (optional)"), required=False, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )

    # The same rules as booking's forms, the API and the booking service (clinic/contact.py).
    def clean_name(self) -> str:
        value: str = self.cleaned_data.get("name") or ""
        return _contact_checked(contact.clean_name, value) if value.strip() else ""

    def clean_phone(self) -> str:
        return _contact_checked(contact.clean_phone, self.cleaned_data.get("phone") or "")

    def clean_email(self) -> str:
        return _contact_checked(contact.clean_email, self.cleaned_data.get("email") or "")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors and not data.get("phone") and not data.get("email"):
            raise ValidationError(_("Please give a phone number or an e-mail address."))
        return data
