"""Staff pages: sign-in with two-factor, worklist, case review, exports, audit log. Views stay thin."""

from __future__ import annotations

import base64
import contextlib
import csv
import json
import re
from datetime import date
from typing import Any

import segno
from django import forms
from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from spinepath.clinic.booking.models import Appointment
from spinepath.clinic.choices import level_choices
from spinepath.clinic.i18n import current_language
from spinepath.clinic.intake import bodymap_svg
from spinepath.clinic.intake.display import describe_answer
from spinepath.clinic.intake.models import FollowUpContact
from spinepath.clinic.intake.services import first_pain_score
from spinepath.engine import get_questionnaire

from . import alerts, audit, casework
from .access import StaffRequest, is_verified, staff_profile, staff_required
from .charts import diary_chart
from .fhir_export import bundle_for
from .models import AuditEvent, Case, Role
from .reading import condition_name, rule_title, staff_assessment
from .selectors import cases_for, clinician_types, latest_assessment, worklist

AUDIT_PAGE = 500


class TokenForm(forms.Form):
    token = forms.RegexField(
        regex=r"^\d{6}$",
        label="6-digit code from your authenticator app",
        error_messages={"invalid": "Enter the 6 digits shown in your app."},
    )


def _qr_svg(url: str) -> str:
    """The otpauth:// URL as an inline SVG QR code (markup, not script: allowed by the CSP)."""
    svg = segno.make(url, error="m").svg_inline(scale=5, light="#fff", svgclass="qr")
    label = escape(_("QR code to add spinepath to your authenticator app"))
    return mark_safe(svg.replace("<svg ", f'<svg role="img" aria-label="{label}" ', 1))  # segno's own markup


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return reverse("portal:worklist")


@require_http_methods(["GET", "POST"])
def two_factor(request: HttpRequest) -> HttpResponse:
    """Verify the TOTP code; on first sign-in, enrol a new authenticator with a QR code."""
    if not request.user.is_authenticated:
        return redirect("portal:login")
    profile = staff_profile(request)
    if profile is None and not request.user.is_staff:
        return HttpResponse("Staff only.", status=403)
    request.staff = profile  # type: ignore[attr-defined]
    if request.method == "GET" and is_verified(request):
        return redirect(_safe_next(request))
    confirmed = TOTPDevice.objects.filter(user=request.user, confirmed=True).first()
    device = confirmed or TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=request.user, name="authenticator", confirmed=False)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            if not device.confirmed:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                audit.record(request, "two_factor_enrolled", "user", str(request.user.pk))
            # A new session key once the second factor is proven: a key planted or seen before this
            # step (session fixation) is worth nothing afterwards.
            request.session.cycle_key()
            otp_login(request, device)
            audit.record(request, "two_factor_verified", "user", str(request.user.pk))
            return redirect(_safe_next(request))
        form.add_error("token", "That code did not match. Check the time on your phone and try again.")
    context: dict[str, Any] = {"form": form, "enrolling": not device.confirmed, "next": _safe_next(request)}
    if not device.confirmed:
        context["qr"] = _qr_svg(device.config_url)
        context["secret"] = base64.b32encode(device.bin_key).decode()
    return render(request, "portal/two_factor.html", context, status=400 if form.errors else 200)


def _filters(request: HttpRequest) -> dict[str, Any]:
    """Worklist filters from the query string; by default the open (not closed) cases."""
    filters: dict[str, Any] = {}
    status = request.GET.get("status", "")
    if status in Case.Status.values:
        filters["status"] = status
    elif status != "all":
        filters["open"] = True
    if request.GET.get("level") in dict(level_choices()):
        filters["level"] = request.GET["level"]
    if re.fullmatch(r"[a-z_]{1,40}", request.GET.get("clinician", "")):
        filters["clinician"] = request.GET["clinician"]
    with contextlib.suppress(ValueError):
        filters["since"] = date.fromisoformat(request.GET.get("since", ""))
    return filters


@staff_required()
def worklist_view(request: StaffRequest) -> HttpResponse:
    profile = request.staff
    rows = worklist(clinic=profile.clinic, filters=_filters(request))
    # Pages, so a flood of cases cannot make the list unusable (the order is decided over all of them).
    page = Paginator(rows, settings.SPINEPATH_WORKLIST_PAGE_SIZE).get_page(request.GET.get("page"))
    audit.record(request, "view_worklist", "clinic", str(profile.clinic.pk), f"{len(rows)} cases")
    auto_refresh = _auto_refresh(request)
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("refresh", None)
    here = query.copy()  # this page of these filters, for the switch that stops or starts the refresh
    if page.number > 1:
        here["page"] = str(page.number)
    response = render(
        request,
        "portal/worklist.html",
        {
            "rows": page.object_list,
            "page": page,
            "total": len(rows),
            "filters_query": query.urlencode(),
            "profile": profile,
            "clinical": profile.sees_clinical_detail,
            "levels": level_choices(),
            "statuses": Case.Status.choices,
            "clinician_types": clinician_types(clinic=profile.clinic),
            "query": request.GET,
            "refresh_seconds": settings.WORKLIST_REFRESH_SECONDS,
            "auto_refresh": auto_refresh,
            "here_query": here.urlencode(),
        },
    )
    if auto_refresh:
        # The Refresh header reloads the page without script. A header rather than <meta refresh>, and
        # with a switch to stop it (WCAG 2.2.1: a time limit the user can turn off).
        response["Refresh"] = str(settings.WORKLIST_REFRESH_SECONDS)
    return response


def _auto_refresh(request: StaffRequest) -> bool:
    """Whether this staff member's worklist reloads itself: on unless they switched it off (?refresh=off)."""
    choice = request.GET.get("refresh")
    if choice in {"on", "off"}:
        request.session["worklist_refresh"] = choice == "on"
    return bool(request.session.get("worklist_refresh", True))


# A cell a spreadsheet would run as a formula (OWASP "CSV injection"): a name typed as =HYPERLINK(...).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: str) -> str:
    """Make a cell plain text for spreadsheets: a leading apostrophe stops it being run as a formula."""
    return "'" + value if value.startswith(_FORMULA_START) else value


@staff_required()
def worklist_csv(request: StaffRequest) -> HttpResponse:
    profile = request.staff
    rows = worklist(clinic=profile.clinic, filters=_filters(request))
    language = current_language()
    response = HttpResponse(content_type="text/csv")
    response["Content-Disposition"] = 'attachment; filename="worklist.csv"'
    writer = csv.writer(response)
    header = ["case", "received", "urgency", "status", "name", "appointment"]
    if profile.sees_clinical_detail:
        header += ["most likely cause", "red flags"]
    writer.writerow(header)
    for row in rows:
        line = [
            str(row.case.interview.public_id),
            row.record.created_at.isoformat(),
            row.record.triage_level,
            row.case.status,
            row.name,
            row.appointment.start.isoformat() if row.appointment else "",
        ]
        if profile.sees_clinical_detail:
            top = row.record.top_condition
            reds = [
                rule_title(hit.rule, language, fallback=hit.title)
                for hit in row.record.assessment.triage.red_flags
            ]
            line += [condition_name(top.id, language, fallback=top.name) if top else "", "; ".join(reds)]
        writer.writerow([spreadsheet_safe(str(cell)) for cell in line])
    audit.record(request, "export_csv", "clinic", str(profile.clinic.pk), f"{len(rows)} cases")
    return response


def _case(request: StaffRequest, public_id: str) -> Case:
    profile = request.staff
    return get_object_or_404(cases_for(profile.clinic), interview__public_id=public_id)


class CaseUpdateForm(forms.Form):
    status = forms.ChoiceField(choices=Case.Status.choices, required=False)
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=4000)


@staff_required()
@require_http_methods(["GET", "POST"])
def case_view(request: StaffRequest, public_id: str) -> HttpResponse:
    profile = request.staff
    case = _case(request, public_id)
    form = CaseUpdateForm(request.POST or None, initial={"status": case.status})
    if request.method == "POST" and form.is_valid():
        try:
            casework.change_status(
                request=request,
                case=case,
                status=form.cleaned_data["status"],
                by=request.user,
                profile=profile,
            )
        except casework.NotAllowed as refused:
            return HttpResponse(str(refused), status=403)
        casework.add_note(request=request, case=case, text=form.cleaned_data["note"], by=request.user)
        return redirect("portal:case", public_id=public_id)
    audit.record(
        request,
        "view_case",
        "case",
        str(case.interview.public_id),
        "clinical" if profile.sees_clinical_detail else "contact and booking",
    )
    alerts.mark_opened(case)
    record = latest_assessment(case)
    appointments = Appointment.objects.filter(assessment__interview=case.interview).select_related(
        "clinician__clinic", "service"
    )
    language = current_language()
    context: dict[str, Any] = {
        "case": case,
        "profile": profile,
        "form": form,
        "appointments": appointments,
        "clinical": profile.sees_clinical_detail,
        "notes": case.notes.select_related("author"),
        "record": record,
        "contact": FollowUpContact.objects.filter(interview=case.interview).first(),
    }
    if profile.sees_clinical_detail and record is not None:
        questionnaire = get_questionnaire()
        diary = list(case.interview.diary.all())
        marks = {r: "numb" for r in case.interview.answers.get("numb_regions") or []}
        marks.update({r: "pain" for r in case.interview.answers.get("pain_regions") or []})
        result, in_staff_language = staff_assessment(record, language)
        context.update(
            result=result,
            stored_words=not in_staff_language,
            answers=[
                (q.label(language), describe_answer(q, case.interview.answers[q.link_id], language))
                for q in questionnaire.questions
                if q.link_id in case.interview.answers
            ],
            body_views=[
                (view, [(s, marks.get(s.region_id, "")) for s in bodymap_svg.shapes(view, language)])
                for view in ("front", "back")
            ],
            findings=sorted(k for k, v in record.assessment.findings.items() if v),
            diary=diary,
            diary_chart=diary_chart(diary),
            first_pain=first_pain_score(case.interview),
            latest_pain=diary[-1].pain if diary else None,
        )
    return render(request, "portal/case.html", context)


@staff_required(Role.CLINICIAN)
def case_fhir(request: StaffRequest, public_id: str) -> HttpResponse:
    case = _case(request, public_id)
    audit.record(request, "export_fhir", "case", str(case.interview.public_id))
    response = HttpResponse(json.dumps(bundle_for(case), indent=2), content_type="application/fhir+json")
    # A file to save or import, not raw JSON in the browser window.
    response["Content-Disposition"] = (
        f'attachment; filename="spinepath-case-{case.interview.public_id}.fhir.json"'
    )
    return response


@staff_required(Role.CLINIC_ADMIN)
def audit_log(request: StaffRequest) -> HttpResponse:
    """The clinic's audit trail (and system-wide events such as retention purges), newest first."""
    profile = request.staff
    events = AuditEvent.objects.filter(Q(clinic=profile.clinic) | Q(clinic__isnull=True)).select_related(
        "actor"
    )
    wanted = {key: request.GET.get(key, "").strip()[:64] for key in ("object", "actor", "action")}
    if wanted["object"]:
        events = events.filter(object_id=wanted["object"])
    if wanted["actor"]:
        events = events.filter(actor_name=wanted["actor"])
    if wanted["action"]:
        events = events.filter(action=wanted["action"])
    audit.record(request, "view_audit_log", detail=" ".join(f"{k}={v}" for k, v in wanted.items() if v))
    return render(
        request,
        "portal/audit.html",
        {"events": events[:AUDIT_PAGE], "profile": profile, "query": wanted, "limit": AUDIT_PAGE},
    )
