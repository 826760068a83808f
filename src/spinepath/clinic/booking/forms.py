"""Contact details for a booking, validated at the boundary."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from spinepath.clinic import contact


def _checked(clean: Callable[[str], str], value: str) -> str:
    try:
        return clean(value)
    except contact.ContactError as error:
        raise forms.ValidationError(str(error)) from None


class ContactFields(forms.Form):
    """Name, e-mail and phone, checked by the same rules as the API and the booking service."""

    def clean_name(self) -> str:
        return _checked(contact.clean_name, self.cleaned_data["name"])

    def clean_email(self) -> str:
        return _checked(contact.clean_email, self.cleaned_data.get("email") or "")

    def clean_phone(self) -> str:
        return _checked(contact.clean_phone, self.cleaned_data.get("phone") or "")


class ContactForm(ContactFields):
    slot = forms.CharField(widget=forms.HiddenInput)
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=100)
    name = forms.CharField(label=_("Full name"), max_length=contact.NAME_MAX, strip=False)
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
        max_length=contact.PHONE_MAX,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )

    def clean_date_of_birth(self) -> date:
        try:
            return contact.check_date_of_birth(self.cleaned_data["date_of_birth"], today=timezone.localdate())
        except contact.ContactError as error:
            raise forms.ValidationError(str(error)) from None

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
    name = forms.CharField(label=_("Full name"), max_length=contact.NAME_MAX, strip=False)
    email = forms.EmailField(
        label=_("E-mail"), help_text=_("We write to you here if an earlier time becomes free.")
    )
