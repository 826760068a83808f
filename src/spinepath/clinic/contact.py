"""One set of rules for a person's contact details, used by the web forms, the API and, last, the
booking service itself: whichever door a name comes through, the same text is accepted or refused.

A name goes into e-mails the clinic's server sends, so it may not carry line breaks or other control
characters (they would let anyone write their own lines into a message sent to any address), nor
bidirectional overrides (text that reads differently than it is stored).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

NAME_MAX = 100
EMAIL_MAX = 254
PHONE_MAX = 20  # as typed, with spaces; 7 to 15 digits (ITU-T E.164 allows at most 15)
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Control characters, lone surrogates, and the Unicode line and paragraph separators (line breaks too).
_REFUSED_CATEGORIES = frozenset({"Cc", "Cs", "Zl", "Zp"})
_PHONE = re.compile(r"^\+?[0-9][0-9 ()-]*$")


class ContactError(ValueError):
    """The value is refused; the message is safe to show the person (in their language)."""


def plain_text(value: str) -> str:
    """Stripped, NFC-normalised text with no control characters, lone surrogates or bidi overrides."""
    for character in value:
        if character in _BIDI_CONTROLS or unicodedata.category(character) in _REFUSED_CATEGORIES:
            raise ContactError(_("Please use letters, spaces and punctuation only (no line breaks)."))
    return unicodedata.normalize("NFC", value.strip())


def clean_name(value: str) -> str:
    name = " ".join(plain_text(value).split())
    if not name:
        raise ContactError(_("Please enter your name."))
    if len(name) > NAME_MAX:
        raise ContactError(_("Please shorten the name to %(max)d characters.") % {"max": NAME_MAX})
    return name


def clean_email(value: str) -> str:
    """An e-mail address, or "" when none was given."""
    address = plain_text(value)
    if not address:
        return ""
    try:
        if len(address) > EMAIL_MAX:
            raise ValidationError("too long")
        validate_email(address)
    except ValidationError:
        raise ContactError(_("Please enter an e-mail address like name@example.org.")) from None
    return address


def clean_phone(value: str) -> str:
    """A phone number written with digits, spaces, brackets, dashes and an optional leading +; "" if none."""
    phone = plain_text(value)
    if not phone:
        return ""
    digits = sum(character.isdigit() for character in phone)
    if len(phone) > PHONE_MAX or not _PHONE.match(phone) or not 7 <= digits <= 15 or not phone.isascii():
        raise ContactError(_("Please enter a phone number using digits, spaces and an optional +."))
    return phone


def check_date_of_birth(value: date, *, today: date) -> date:
    if value >= today:
        raise ContactError(_("The date of birth must be in the past."))
    if value.year < today.year - 120:
        raise ContactError(_("Please check the year of birth."))
    return value
