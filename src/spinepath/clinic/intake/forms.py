"""Django forms built from the engine's questions: one definition, rendered as accessible HTML."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from spinepath.engine import get_body_map
from spinepath.engine.questionnaire import Question


def field_for(question: Question, language: str) -> forms.Field:
    label = question.label(language)
    help_text = question.help_text(language)
    if question.type == "integer":
        return forms.IntegerField(
            label=label,
            help_text=help_text,
            required=question.required,
            min_value=question.minimum,
            max_value=question.maximum,
            error_messages={
                "invalid": _("Please enter a whole number."),
                "required": _("Please answer this question."),
            },
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
        return forms.MultipleChoiceField(
            label=label,
            help_text=help_text or _("Leave all boxes empty if none of these apply."),
            required=False,
            choices=[(o.value, o.label(language)) for o in question.options],
            widget=forms.CheckboxSelectMultiple,
        )
    body_map = get_body_map()
    return forms.MultipleChoiceField(
        label=label,
        help_text=help_text,
        required=False,
        choices=[(r, body_map.label(r, language)) for r in sorted(body_map.region_ids)],
        widget=forms.CheckboxSelectMultiple,
    )


class StepForm(forms.Form):
    """The questions of one interview step. Unticked checklists mean "none of these"."""

    def __init__(self, *args: Any, questions: Sequence[Question], language: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        for question in self.questions:
            self.fields[question.link_id] = field_for(question, language)

    def answers(self) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for question in self.questions:
            value = self.cleaned_data.get(question.link_id)
            if question.type in {"multi", "regions"}:
                values[question.link_id] = list(value or [])
            elif value in (None, ""):
                values[question.link_id] = None
            else:
                values[question.link_id] = value
        return values


class DiaryForm(forms.Form):
    pain = forms.IntegerField(
        label=_("How bad is your pain today, from 0 (none) to 10 (worst)?"), min_value=0, max_value=10
    )
    function = forms.IntegerField(
        label=_(
            "How much does the pain stop you doing your usual things, from 0 (not at all) to 10 (completely)?"
        ),
        min_value=0,
        max_value=10,
    )
