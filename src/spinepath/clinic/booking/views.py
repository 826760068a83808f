"""Booking pages: the offer for a result, booking, the private manage link and the waiting list.

Views stay thin: parse, call one service, render. Every rule lives in services / waitlist and is checked
again there; a broken rule or a taken time becomes a 400 / 409 page with a message, never a 500.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from spinepath.clinic.i18n import current_language
from spinepath.clinic.intake.models import AssessmentRecord, Interview
from spinepath.clinic.intake.services import record_assessment

from . import services, waitlist
from .emails import ics_for
from .forms import ClaimForm, ContactForm, WaitlistForm
from .models import Appointment, Clinic, WaitlistEntry
from .picker import parse_slot, pick
from .selectors import active_appointment, offer_for
from .tokens import link_expired, manage_token, read_claim_token, read_manage_token


def _interview_and_record(token: str) -> tuple[Interview, AssessmentRecord | None]:
    interview = get_object_or_404(Interview, token=token)
    if interview.status != Interview.Status.COMPLETED:
        return interview, None  # no result yet: nothing to book from
    return interview, record_assessment(interview=interview, language=interview.language)


def _render_offer(
    request: HttpRequest,
    interview: Interview,
    record: AssessmentRecord,
    form: ContactForm,
    *,
    status: int = 200,
    error: str = "",
    waitlist_form: WaitlistForm | None = None,
    existing: Appointment | None = None,
) -> HttpResponse:
    clinic = services.default_clinic()
    existing = existing or active_appointment(interview_id=interview.pk)
    offer = services.offer_for_record(clinic=clinic, record=record, language=current_language())
    chosen = str(form["slot"].value() or "")
    context = {
        "interview": interview,
        "clinic": clinic,
        "offer": offer,
        "picker": pick(
            slots=offer.slots,
            clinic=clinic,
            day=request.GET.get("day", ""),
            clinician=request.GET.get("clinician", ""),
            chosen_slot=chosen,
        ),
        "form": form,
        "waitlist_form": waitlist_form or WaitlistForm(),
        "error": error,
        "existing": existing,
        "existing_signed": manage_token(str(existing.public_id)) if existing else "",
    }
    return render(request, "booking/offer.html", context, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def offer(request: HttpRequest, token: str) -> HttpResponse:
    interview, record = _interview_and_record(token)
    if record is None:
        return redirect("intake:result", token=interview.token)
    if request.method == "GET":
        initial = {"idempotency_key": uuid.uuid4().hex, "slot": request.GET.get("slot", "")}
        return _render_offer(request, interview, record, ContactForm(initial=initial))
    form = ContactForm(request.POST)
    if not form.is_valid():
        return _render_offer(request, interview, record, form, status=400)
    slot = parse_slot(form.cleaned_data["slot"])
    if slot is None:
        form.add_error("slot", _("Please choose a time from the list."))
        return _render_offer(request, interview, record, form, status=400)
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
    except services.AlreadyBooked as error:
        return _render_offer(request, interview, record, form, status=409, existing=error.appointment)
    except services.BookingError as error:
        fresh = ContactForm(initial={**data, "slot": "", "idempotency_key": uuid.uuid4().hex})
        return _render_offer(request, interview, record, fresh, status=error.status, error=error.message)
    url = reverse("booking:manage", kwargs={"signed": manage_token(str(appointment.public_id))})
    return redirect(f"{url}?booked=1")


@never_cache
@require_http_methods(["POST"])
def join_waitlist(request: HttpRequest, token: str) -> HttpResponse:
    interview, record = _interview_and_record(token)
    if record is None:
        return redirect("intake:result", token=interview.token)
    form = WaitlistForm(request.POST)
    blank = ContactForm(initial={"idempotency_key": uuid.uuid4().hex})
    if not form.is_valid():
        return _render_offer(request, interview, record, blank, status=400, waitlist_form=form)
    try:
        entry = waitlist.join_waitlist(
            clinic=services.default_clinic(),
            record=record,
            name=form.cleaned_data["name"],
            email=form.cleaned_data["email"],
        )
    except services.BookingError as error:
        return _render_offer(request, interview, record, blank, status=error.status, error=error.message)
    return render(request, "booking/waitlist_joined.html", {"entry": entry, "interview": interview})


def _private_link(
    view: Callable[[HttpRequest, str], HttpResponse],
) -> Callable[[HttpRequest, str], HttpResponse]:
    """A forged, altered or expired private link gets a page that says so (404), not a bare 'Not Found'."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, signed: str) -> HttpResponse:
        try:
            return view(request, signed)
        except Http404:
            clinic = Clinic.objects.order_by("pk").first()
            return render(request, "booking/bad_link.html", {"clinic": clinic}, status=404)

    return wrapped


def _appointment(signed: str) -> Appointment:
    """The appointment a manage link names, while the link is good: signed, not altered, and the
    appointment not yet over. The link opens this appointment and nothing else (no answers, no result)."""
    public_id = read_manage_token(signed)
    if public_id is None:
        raise Http404("This link is not valid or has expired.")
    appointment = get_object_or_404(
        Appointment.objects.select_related("clinician__clinic", "service"), public_id=public_id
    )
    if link_expired(appointment, now=timezone.now()):
        raise Http404("This link is not valid or has expired.")
    return appointment


def _render_manage(
    request: HttpRequest, appointment: Appointment, signed: str, *, status: int = 200, error: str = ""
) -> HttpResponse:
    clinic = appointment.clinician.clinic
    picker = None
    if appointment.status == Appointment.Status.BOOKED and appointment.assessment is not None:
        offer = offer_for(
            clinic=clinic,
            assessment=appointment.assessment.assessment,
            now=timezone.now(),
            language=current_language(),
            held_for=appointment.assessment_id,
        )
        picker = pick(
            slots=offer.slots,
            clinic=clinic,
            day=request.GET.get("day", ""),
            clinician=request.GET.get("clinician", ""),
        )
    context = {
        "appointment": appointment,
        "clinic": clinic,
        "signed": signed,
        "picker": picker,
        "key": uuid.uuid4().hex,
        "error": error,
        "just_booked": request.GET.get("booked") == "1",
    }
    return render(request, "booking/manage.html", context, status=status)


@never_cache
@require_http_methods(["GET"])
@_private_link
def manage(request: HttpRequest, signed: str) -> HttpResponse:
    appointment = _appointment(signed)
    if appointment.status == Appointment.Status.CANCELLED:  # cancelling (or moving) revokes the link
        clinic = appointment.clinician.clinic
        return render(request, "booking/bad_link.html", {"clinic": clinic, "cancelled": True}, status=410)
    return _render_manage(request, appointment, signed)


@never_cache
@require_http_methods(["GET"])
@_private_link
def calendar(request: HttpRequest, signed: str) -> HttpResponse:
    """The appointment as an .ics file, to add to a calendar. Like the page, it stops working once the
    appointment is cancelled or moved (the cancellation e-mail carries the .ics that removes it)."""
    appointment = _appointment(signed)
    if appointment.status == Appointment.Status.CANCELLED:
        clinic = appointment.clinician.clinic
        return render(request, "booking/bad_link.html", {"clinic": clinic, "cancelled": True}, status=410)
    response = HttpResponse(ics_for(appointment), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="appointment.ics"'
    return response


@never_cache
@require_http_methods(["GET", "POST"])
@_private_link
def cancel(request: HttpRequest, signed: str) -> HttpResponse:
    """GET asks "are you sure?"; only the POST from that page cancels, and shows the confirmation once:
    the link then stops working (sending the POST again only shows this confirmation, so a double click
    is harmless)."""
    appointment = _appointment(signed)
    if request.method == "GET":
        if appointment.status != Appointment.Status.BOOKED:
            return redirect("booking:manage", signed=signed)
        context = {"appointment": appointment, "clinic": appointment.clinician.clinic, "signed": signed}
        return render(request, "booking/cancel.html", context)
    appointment = services.cancel_appointment(appointment=appointment)
    return _render_manage(request, appointment, signed)


@require_http_methods(["POST"])
@_private_link
def reschedule(request: HttpRequest, signed: str) -> HttpResponse:
    appointment = _appointment(signed)
    slot = parse_slot(request.POST.get("slot", ""))
    key = request.POST.get("idempotency_key", "")
    if slot is None or not key or len(key) > 100:
        return _render_manage(
            request, appointment, signed, status=400, error=_("Please choose a new time from the list.")
        )
    try:
        moved = services.reschedule_appointment(
            appointment=appointment, clinician_id=slot[0], start=slot[1], idempotency_key=key
        )
    except services.BookingError as error:
        appointment.refresh_from_db()
        return _render_manage(request, appointment, signed, status=error.status, error=error.message)
    return redirect("booking:manage", signed=manage_token(str(moved.public_id)))


def _entry(signed: str) -> WaitlistEntry:
    max_age = int(waitlist.HOLD.total_seconds()) + 3600
    public_id = read_claim_token(signed, max_age_seconds=max_age)
    if public_id is None:
        raise Http404("This link is not valid or has expired.")
    return get_object_or_404(
        WaitlistEntry.objects.select_related("clinic", "offered_clinician", "assessment"), public_id=public_id
    )


@never_cache
@require_http_methods(["GET", "POST"])
@_private_link
def claim(request: HttpRequest, signed: str) -> HttpResponse:
    entry = _entry(signed)
    claimed = waitlist.claimed_appointment(entry)
    if claimed is not None:  # the link opened again, or the form sent twice: show what was booked
        return redirect("booking:manage", signed=manage_token(str(claimed.public_id)))
    live = waitlist.live_offer(entry, timezone.now())
    context: dict[str, Any] = {"entry": entry, "live": live, "clinic": entry.clinic, "error": ""}
    if entry.offered_start is not None and entry.offered_until is not None:
        context["local_start"] = entry.offered_start.astimezone(entry.clinic.zone)
        context["local_until"] = entry.offered_until.astimezone(entry.clinic.zone)
    if request.method == "GET" or not live:
        initial = {"name": entry.person_name, "email": entry.email, "idempotency_key": uuid.uuid4().hex}
        context["form"] = ClaimForm(initial=initial)
        return render(request, "booking/claim.html", context, status=200 if live else 410)
    form = ClaimForm(request.POST)
    context["form"] = form
    if not form.is_valid():
        return render(request, "booking/claim.html", context, status=400)
    data = form.cleaned_data
    try:
        appointment = waitlist.claim_offer(
            entry=entry,
            person=services.Person(data["name"], data["date_of_birth"], data["email"], data["phone"]),
            idempotency_key=data["idempotency_key"],
        )
    except services.BookingError as error:
        context["error"] = error.message
        return render(request, "booking/claim.html", context, status=error.status)
    return redirect("booking:manage", signed=manage_token(str(appointment.public_id)))
