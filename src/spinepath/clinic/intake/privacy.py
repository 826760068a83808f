"""Keep private links and addresses out of logs: the token in /i/<token>/ (and the API's
/interviews/<token>, the booking, manage and claim links) opens a person's answers or appointment, and an
e-mail address names them, so each is as sensitive as the answers themselves.

The filter works on the whole record: the message, its arguments (access log lines are arguments), and
the traceback and stack text, which it renders and redacts before any handler writes them.
"""

from __future__ import annotations

import logging
import re

PRIVATE_LINK = re.compile(
    r"(/(?:i|booking|booking/manage|booking/claim|api/v\d+/interviews|api/v\d+/bookings)/)[^/\s?\"'<>]{16,}"
)
EMAIL_ADDRESS = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")
_FORMATTER = logging.Formatter()


def redact(text: str) -> str:
    return EMAIL_ADDRESS.sub("<e-mail>", PRIVATE_LINK.sub(r"\1<private>", text))


class RedactPrivateLinks(logging.Filter):
    """A logging filter that replaces private-link tokens and e-mail addresses everywhere in a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # a malformed format: log it as given, still redacted
            message = str(record.msg)
        redacted = redact(message)
        if redacted != message or record.args:
            record.msg, record.args = redacted, None
        if record.exc_info and not record.exc_text:
            record.exc_text = _FORMATTER.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True
