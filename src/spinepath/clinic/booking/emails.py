"""Confirmation, cancellation, reminder and waiting-list e-mails, in the person's language.

Times are written in the clinic's zone, and the .ics attachment carries them with the clinic's TZID
(plus a VTIMEZONE), so a calendar anywhere shows the right moment.
"""

from __future__ import annotations

from datetime import UTC, datetime

from django.conf import settings
from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from spinepath.clinic import wording
from spinepath.clinic.wording import service_words
from spinepath.engine import DEFAULT_LANGUAGE, pick_language

from .models import Appointment, Clinic, WaitlistEntry
from .tokens import claim_token, manage_token


def language_of(appointment: Appointment) -> str:
    """The language the person used for their assessment (English when unknown)."""
    if appointment.assessment is None:
        return DEFAULT_LANGUAGE
    return pick_language(appointment.assessment.assessment.language)


def ics_for(appointment: Appointment) -> bytes:
    """An iCalendar file for the appointment; a cancelled one carries METHOD:CANCEL with the same UID."""
    clinic = appointment.clinician.clinic
    cancelled = appointment.status == Appointment.Status.CANCELLED
    calendar = Calendar()
    calendar.add("prodid", "-//spinepath//booking//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancelled else "PUBLISH")
    event = Event()
    event.add("uid", f"{appointment.public_id}@spinepath")
    event.add("sequence", 1 if cancelled else 0)
    event.add("dtstamp", datetime.now(UTC))
    event.add("dtstart", appointment.start.astimezone(clinic.zone))
    event.add("dtend", appointment.end.astimezone(clinic.zone))
    event.add("summary", f"{appointment.service.name} - {appointment.clinician.name}")
    event.add("location", ", ".join(part for part in (clinic.name, clinic.address) if part))
    event.add("description", f"{clinic.name}: {clinic.phone}")
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    calendar.add_component(event)
    calendar.add_missing_timezones()
    ical: bytes = calendar.to_ical()
    return ical


def when(moment: datetime, clinic: Clinic) -> str:
    """'Tuesday 8 December 2026, 09:00 (London time)', in the active language."""
    return wording.when(moment, clinic.time_zone)


def manage_url(appointment: Appointment) -> str:
    return f"{settings.SITE_URL}/booking/manage/{manage_token(str(appointment.public_id))}/"


def _safety_net() -> str:
    return _(
        "If your pain gets much worse before then, or your legs get weak or numb, or you have new problems "
        "passing urine or controlling your bowels, or numbness between your legs, get emergency help at once."
    )


def _send(appointment: Appointment, subject: str, body: str, *, replaces: Appointment | None = None) -> None:
    message = EmailMessage(subject, body, to=[appointment.email])
    message.attach("appointment.ics", ics_for(appointment), "text/calendar")
    if replaces is not None:  # the old time, cancelled, so a calendar drops it
        message.attach("cancelled-appointment.ics", ics_for(replaces), "text/calendar")
    message.send()


def send_confirmation(appointment: Appointment, *, moved_from: Appointment | None = None) -> None:
    """The booking confirmation; for a move, the one e-mail says "moved" and gives the old time too."""
    clinic = appointment.clinician.clinic
    details = {
        "service": service_words(appointment.service),
        "clinician": appointment.clinician.name,
        "when": when(appointment.start, clinic),
        "clinic": clinic.name,
    }
    with translation.override(language_of(appointment)):
        if moved_from is None:
            subject = _("Your appointment is booked")
            news = (
                _("Your appointment is booked: %(service)s with %(clinician)s, %(when)s, at %(clinic)s.")
                % details
            )
        else:
            subject = _("Your appointment has moved")
            news = " ".join(
                [
                    _("Your appointment has moved to %(when)s: %(service)s with %(clinician)s at %(clinic)s.")
                    % details,
                    _("Your old time, %(old)s, is cancelled.") % {"old": when(moved_from.start, clinic)},
                ]
            )
        body = "\n\n".join(
            [
                _("Hello %(name)s,") % {"name": appointment.person_name},
                news,
                _("To cancel or change it, use your private link (keep it to yourself): %(url)s")
                % {"url": manage_url(appointment)},
                _("Or phone the clinic on %(phone)s.") % {"phone": clinic.phone},
                _safety_net(),
            ]
        )
        _send(appointment, subject, body + "\n", replaces=moved_from)


def send_cancellation(appointment: Appointment) -> None:
    """Say the time is off (its .ics removes it from the calendar)."""
    clinic = appointment.clinician.clinic
    details = {"when": when(appointment.start, clinic), "clinician": appointment.clinician.name}
    with translation.override(language_of(appointment)):
        lines = [
            _("Your appointment on %(when)s with %(clinician)s is cancelled.") % details,
            _("If you did not mean to cancel, or you still need to be seen, phone %(phone)s.")
            % {"phone": clinic.phone},
        ]
        body = "\n\n".join([_("Hello %(name)s,") % {"name": appointment.person_name}, *lines])
        _send(appointment, _("Your appointment is cancelled"), body + "\n")


def send_reminder(appointment: Appointment) -> None:
    clinic = appointment.clinician.clinic
    with translation.override(language_of(appointment)):
        body = "\n\n".join(
            [
                _("Hello %(name)s,") % {"name": appointment.person_name},
                _("A reminder of your appointment tomorrow: %(when)s with %(clinician)s at %(clinic)s.")
                % {
                    "when": when(appointment.start, clinic),
                    "clinician": appointment.clinician.name,
                    "clinic": clinic.name,
                },
                _("To cancel or change it: %(url)s") % {"url": manage_url(appointment)},
                _safety_net(),
            ]
        )
        _send(appointment, _("Reminder: your appointment tomorrow"), body + "\n")


def claim_url(entry: WaitlistEntry) -> str:
    path = reverse("booking:claim", kwargs={"signed": claim_token(str(entry.public_id))})
    return f"{settings.SITE_URL}{path}"


def send_waitlist_offer(entry: WaitlistEntry) -> None:
    assert entry.offered_start is not None and entry.offered_until is not None
    clinic = entry.clinic
    language = pick_language(entry.assessment.assessment.language) if entry.assessment else DEFAULT_LANGUAGE
    with translation.override(language):
        body = "\n\n".join(
            [
                _("Hello %(name)s,") % {"name": entry.person_name},
                _("An earlier appointment has become free at %(clinic)s: %(when)s.")
                % {"clinic": clinic.name, "when": when(entry.offered_start, clinic)},
                _("We are keeping it for you until %(until)s. To book it, open this link: %(url)s")
                % {"until": when(entry.offered_until, clinic), "url": claim_url(entry)},
                _("If you do not want it, do nothing: you stay on the waiting list for later times."),
            ]
        )
        EmailMessage(_("An earlier appointment is free for you"), body + "\n", to=[entry.email]).send()
