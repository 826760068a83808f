"""Confirmation, reminder and waitlist e-mails, with an iCalendar (.ics) attachment in the clinic's zone."""

from __future__ import annotations

from datetime import UTC, datetime

from django.conf import settings
from django.core.mail import EmailMessage
from icalendar import Calendar, Event

from .models import Appointment
from .tokens import manage_token


def ics_for(appointment: Appointment) -> bytes:
    clinic = appointment.clinician.clinic
    calendar = Calendar()
    calendar.add("prodid", "-//spinepath//booking//EN")
    calendar.add("version", "2.0")
    event = Event()
    event.add("uid", f"{appointment.public_id}@spinepath")
    event.add("dtstamp", datetime.now(UTC))
    event.add("dtstart", appointment.start.astimezone(clinic.zone))
    event.add("dtend", appointment.end.astimezone(clinic.zone))
    event.add("summary", f"{appointment.service.name} with {appointment.clinician.name}")
    event.add("location", f"{clinic.name}, {clinic.address}".strip(", "))
    event.add("description", f"Need to change it? Call {clinic.phone} or use your private link.")
    if appointment.status == Appointment.Status.CANCELLED:
        event.add("status", "CANCELLED")
    calendar.add_component(event)
    ical: bytes = calendar.to_ical()
    return ical


def _when(appointment: Appointment) -> str:
    local = appointment.start.astimezone(appointment.clinician.clinic.zone)
    return local.strftime("%A %d %B %Y at %H:%M ") + (local.tzname() or "")


def manage_url(appointment: Appointment) -> str:
    return f"{settings.SITE_URL}/booking/manage/{manage_token(str(appointment.public_id))}/"


def send_confirmation(appointment: Appointment) -> None:
    clinic = appointment.clinician.clinic
    body = (
        f"Hello {appointment.person_name},\n\n"
        f"Your appointment is booked: {appointment.service.name} with {appointment.clinician.name}, "
        f"{_when(appointment)}, at {clinic.name}.\n\n"
        f"To cancel or change it, use your private link: {manage_url(appointment)}\n"
        f"Or call the clinic on {clinic.phone}.\n\n"
        "If your symptoms get worse before then, or you notice changes in your bladder, bowel or the "
        "feeling between your legs, or your legs get weak, get emergency help at once.\n"
    )
    message = EmailMessage("Your spinepath appointment is booked", body, to=[appointment.email])
    message.attach("appointment.ics", ics_for(appointment), "text/calendar")
    message.send()


def send_reminder(appointment: Appointment) -> None:
    body = (
        f"Hello {appointment.person_name},\n\nA reminder of your appointment {_when(appointment)} "
        f"with {appointment.clinician.name} at {appointment.clinician.clinic.name}.\n"
        f"To cancel or change it: {manage_url(appointment)}\n"
    )
    message = EmailMessage("Reminder: your appointment tomorrow", body, to=[appointment.email])
    message.attach("appointment.ics", ics_for(appointment), "text/calendar")
    message.send()


def send_waitlist_offer(*, email: str, name: str, clinic_name: str, when: str, url: str) -> None:
    body = (
        f"Hello {name},\n\nAn earlier appointment has become free at {clinic_name}: {when}.\n"
        f"If you would like it, book it here before someone else does: {url}\n"
    )
    EmailMessage("An earlier appointment is free", body, to=[email]).send()
