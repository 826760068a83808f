"""Keep private links out of logs: the token in /i/<token>/ (and the booking links made from it)
opens a person's health answers, so it is as sensitive as the answers themselves."""

from __future__ import annotations

import logging
import re

PRIVATE_LINK = re.compile(r"(/(?:i|booking|booking/manage)/)[^/\s?\"']{16,}")


def redact(text: str) -> str:
    return PRIVATE_LINK.sub(r"\1<private>", text)


class RedactPrivateLinks(logging.Filter):
    """A logging filter that replaces private-link tokens in the message (e.g. "Bad Request: /i/…/")."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True
