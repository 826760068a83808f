"""Booking pages: the offer for a result, booking, and the private manage link. Views stay thin."""

from __future__ import annotations

import uuid
from collections import OrderedDict
from datetime import datetime
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from spinepath.clinic.intake.models import Interview
from spinepath.clinic.intake.services import record_assessment

from . import services
from .forms import ContactForm
from .models import Appointment, Clinic
from .selectors import Offer, Slot, offer_for
from .tokens import manage_token, read_manage_token


def _slot_value(slot: Slot) -> str:
    return f"{slot.clinician_id}|{slot.start.isoformat()}"


def _parse_slot(value: str) -> tuple[int, datetime] | None:
    try:
        clinician, start = value.split("|", 1)
        moment = datetime.fromisoformat(start)
    except ValueError:
        return None
    if moment.tzinfo is None or not clinician.isdigit():
        return None
    return int(clinician), moment


def _days(offer: Offer, clinic: Clinic) -> OrderedDict[str, list[dict[str, Any]]]:
    days: OrderedDict[str, list[dict[str, Any]]] = OrderedDict()
    for slot in offer.slots:
        local = slot.start.astimezone(clinic.zone)
        days.setdefault(local.strftime("%A %d %B"), []).append(
            {
                "value": _slot_value(slot),
                "time": local.strftime("%H:%M"),
                "who": slot.clinician_name,
                "urgent": slot.urgent_slot,
            }
        )
    return days


def _render_offer(
    request: HttpRequest, interview: Interview, form: ContactForm, status: int = 200, error: str = ""
) -> HttpResponse:
    clinic = services.default_clinic()
    record = record_assessment(interview=interview, language=interview.language)
    offer = offer_for(clinic=clinic, result=record.result, now=timezone.now())
    if offer.phone_instead and offer.level == "urgent":
        services.flag_for_callback(
            clinic=clinic, record=record, reason="Urgent result and no urgent slot free"
        )
    context = {
        "interview": interview,
        "clinic": clinic,
        "offer": offer,
        "days": _days(offer, clinic),
        "form": form,
        "error": error,
    }
    return render(request, "booking/offer.html", context, status=status)


@require_http_methods(["GET", "POST"])
def offer(request: HttpRequest, token: str) -> HttpResponse:
    interview = get_object_or_404(Interview, token=token)
    if request.method == "GET":
        form = ContactForm(initial={"idempotency_key": uuid.uuid4().hex})
        return _render_offer(request, interview, form)
    form = ContactForm(request.POST)
    if not form.is_valid():
        return _render_offer(request, interview, form, status=400)
    slot = _parse_slot(form.cleaned_data["slot"])
    if slot is None:
        form.add_error(None, _("Please choose a time from the list."))
        return _render_offer(request, interview, form, status=400)
    record = record_assessment(interview=interview, language=interview.language)
    data = form.cleaned_data
    try:
        appointment = services.book_appointment(
            clinic=services.default_clinic(),
            record=record,
            clinician_id=slot[0],
            start=slot[1],
            person=services.Person(data["name"], data["date_of_birth"], data["email"], data["phone"]),
            idempotency_key=data["idempotency_key"],
        )
    except services.BookingError as error:
        fresh = ContactForm(initial={**data, "slot": "", "idempotency_key": uuid.uuid4().hex})
        return _render_offer(request, interview, fresh, status=error.status, error=error.message)
    return redirect("booking:manage", signed=manage_token(str(appointment.public_id)))


def _appointment(signed: str) -> Appointment:
    public_id = read_manage_token(signed)
    if public_id is None:
        raise Http404("This link is not valid or has expired.")
    return get_object_or_404(
        Appointment.objects.select_related("clinician__clinic", "service"), public_id=public_id
    )


@require_http_methods(["GET"])
def manage(request: HttpRequest, signed: str) -> HttpResponse:
    appointment = _appointment(signed)
    clinic = appointment.clinician.clinic
    offer = None
    if appointment.status == Appointment.Status.BOOKED and appointment.assessment is not None:
        offer = offer_for(clinic=clinic, result=appointment.assessment.result, now=timezone.now())
    return render(
        request,
        "booking/manage.html",
        {
            "appointment": appointment,
            "clinic": clinic,
            "local_start": appointment.start.astimezone(clinic.zone),
            "signed": signed,
            "days": _days(offer, clinic) if offer else {},
            "key": uuid.uuid4().hex,
        },
    )


@require_http_methods(["POST"])
def cancel(request: HttpRequest, signed: str) -> HttpResponse:
    appointment = _appointment(signed)
    services.cancel_appointment(appointment=appointment)
    return redirect("booking:manage", signed=signed)


@require_http_methods(["POST"])
def reschedule(request: HttpRequest, signed: str) -> HttpResponse:
    appointment = _appointment(signed)
    slot = _parse_slot(request.POST.get("slot", ""))
    key = request.POST.get("idempotency_key", "")
    if slot is None or not key or len(key) > 100:
        return HttpResponse(_("Please choose a new time from the list."), status=400)
    try:
        moved = services.reschedule_appointment(
            appointment=appointment, clinician_id=slot[0], start=slot[1], idempotency_key=key
        )
    except services.BookingError as error:
        return HttpResponse(error.message, status=error.status)
    return redirect("booking:manage", signed=manage_token(str(moved.public_id)))
