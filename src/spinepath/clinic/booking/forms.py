"""Contact details for a booking, validated at the boundary."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from spinepath.clinic.validation import PHONE


class ContactForm(forms.Form):
    slot = forms.CharField(widget=forms.HiddenInput)
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=100)
    name = forms.CharField(label=_("Full name"), max_length=200)
    # A plain text field whose hint shows the order it reads (a browser date picker shows its own format,
    # which then disagrees with any hint); day/month/year as written in the UK and Spain, or ISO.
    date_of_birth = forms.DateField(
        label=_("Date of birth"),
        help_text=_("Day, month and year, for example 27/03/1980"),
        input_formats=["%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%d %m %Y", "%Y-%m-%d"],
        widget=forms.TextInput(attrs={"autocomplete": "bday", "inputmode": "numeric", "size": 12}),
        error_messages={"invalid": _("Please write the date like 27/03/1980 (day, month, year).")},
    )
    email = forms.EmailField(
        label=_("E-mail"),
        required=False,
        help_text=_("We send your confirmation here."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    phone = forms.CharField(
        label=_("Phone"),
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )

    def clean_date_of_birth(self) -> date:
        value: date = self.cleaned_data["date_of_birth"]
        today = timezone.localdate()
        if value >= today:
            raise forms.ValidationError(_("The date of birth must be in the past."))
        if value.year < today.year - 120:
            raise forms.ValidationError(_("Please check the year of birth."))
        return value

    def clean_phone(self) -> str:
        value: str = self.cleaned_data["phone"].strip()
        if value and not PHONE.match(value):
            raise forms.ValidationError(
                _("Please enter a phone number using digits, spaces and an optional +.")
            )
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("email") and not data.get("phone"):
            raise forms.ValidationError(
                _("Please give an e-mail address or a phone number so the clinic can reach you.")
            )
        return data


class ClaimForm(ContactForm):
    """Contact details for claiming a time offered from the waiting list (the time is fixed)."""

    slot = None  # type: ignore[assignment]


class WaitlistForm(forms.Form):
    name = forms.CharField(label=_("Full name"), max_length=200)
    email = forms.EmailField(
        label=_("E-mail"), help_text=_("We write to you here if an earlier time becomes free.")
    )
