"""Signed, expiring tokens for the private manage (cancel / reschedule) link: never a bare identifier.

A manage link has one purpose: this appointment. It never opens the person's answers or result (those
need the interview's own token), it stops working once the appointment is over, and the web page stops
showing it once it is cancelled (booking/views.py).
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from django.core import signing

SALT = "spinepath.booking.manage"
MAX_AGE_SECONDS = 120 * 24 * 3600  # long enough for the furthest bookable appointment and its follow-up


def manage_token(public_id: str) -> str:
    return signing.TimestampSigner(salt=SALT).sign(str(public_id))


def read_manage_token(token: str) -> str | None:
    """The appointment's public id, or None when the token is forged, altered or expired."""
    try:
        return signing.TimestampSigner(salt=SALT).unsign(token, max_age=MAX_AGE_SECONDS)
    except signing.BadSignature:  # includes SignatureExpired
        return None


class _Timed(Protocol):
    end: datetime


def link_expired(appointment: _Timed, *, now: datetime) -> bool:
    """A manage link is good until the appointment has ended."""
    return appointment.end <= now


CLAIM_SALT = "spinepath.booking.waitlist-claim"


def claim_token(public_id: str) -> str:
    """The waiting-list claim link's token; it is only honoured while the offer is held (checked on use)."""
    return signing.TimestampSigner(salt=CLAIM_SALT).sign(str(public_id))


def read_claim_token(token: str, *, max_age_seconds: int) -> str | None:
    """The waiting-list entry's public id, or None when the token is forged, altered or too old."""
    try:
        return signing.TimestampSigner(salt=CLAIM_SALT).unsign(token, max_age=max_age_seconds)
    except signing.BadSignature:
        return None
