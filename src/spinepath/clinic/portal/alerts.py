"""Alert the clinic's duty inbox at once when a case needs attention (an emergency, or a pain diary that
raised the urgency), and mark the case new on the worklist until a staff member opens it.

The e-mail goes through the same outbox as every other e-mail (booking/outbox.py): `queue_alert` writes
the job inside the transaction that stored the result (so it exists if and only if the result does), and
only the background worker sends it, retried with backoff until its deadline (SPINEPATH_EMAIL_GIVE_UP_HOURS);
the case stays at the top of the worklist, marked new, whatever the mail server does. The message carries
no health data: the kind of alert and a link to the case.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from spinepath.clinic.booking import outbox
from spinepath.clinic.booking.models import Clinic
from spinepath.clinic.intake.models import AssessmentRecord
from spinepath.engine import DEFAULT_LANGUAGE, Level

from .models import Case

EMERGENCY = "emergency"
DIARY_ESCALATION = "diary_escalation"


def duty_address(clinic: Clinic) -> str:
    """The clinic's own duty address, else the site-wide setting, else the clinic's e-mail."""
    return clinic.duty_email or settings.DUTY_EMAIL or clinic.email


def reason_for(record: AssessmentRecord, previous: AssessmentRecord | None) -> str | None:
    """Why this new result needs staff now, or None: it became an emergency, or a diary entry raised it."""
    before = previous.level if previous is not None else None
    if record.level == Level.EMERGENCY and before != Level.EMERGENCY:
        return EMERGENCY
    if record.source == "diary" and before is not None and record.level.rank > before.rank:
        return DIARY_ESCALATION
    return None


def raise_attention(*, case: Case, reason: str) -> None:
    """Put the case at the top of the worklist, marked new, and queue the duty e-mail."""
    case.attention_at = timezone.now()
    case.save(update_fields=["attention_at", "updated_at"])
    queue_alert(case_id=case.pk, reason=reason)


def queue_alert(*, case_id: int, reason: str) -> None:
    """Hand the duty e-mail to the outbox, in the caller's transaction (the one place alerts are queued)."""
    outbox.queue(send=SENDERS[reason], args=[case_id])


def mark_opened(case: Case) -> None:
    """A staff member opened the case: it is no longer new."""
    Case.objects.filter(pk=case.pk).update(opened_at=timezone.now())


def send_emergency_alert(case_id: int) -> str:
    """Outbox sender (run by the worker): the duty e-mail about a new emergency."""
    return send_alert(case_id=case_id, reason=EMERGENCY)


def send_diary_alert(case_id: int) -> str:
    """Outbox sender (run by the worker): the duty e-mail about a diary entry that raised the urgency."""
    return send_alert(case_id=case_id, reason=DIARY_ESCALATION)


# The outbox names its senders by module path and passes plain ids, so each kind of alert has its own.
SENDERS: dict[str, outbox.Sender] = {EMERGENCY: send_emergency_alert, DIARY_ESCALATION: send_diary_alert}


def send_alert(*, case_id: int, reason: str) -> str:
    """Write and send the duty e-mail; one word for the job's outcome. Staff read it in the site's
    language. A case erased since has nothing to send."""
    case = Case.objects.select_related("clinic", "interview").filter(pk=case_id).first()
    if case is None:
        return "not needed"
    address = duty_address(case.clinic)
    if not address:
        return "no duty address"
    url = settings.SITE_URL + reverse("portal:case", kwargs={"public_id": case.interview.public_id})
    with translation.override(settings.LANGUAGE_CODE or DEFAULT_LANGUAGE):
        what = _("an emergency") if reason == EMERGENCY else _("a pain diary entry that raised the urgency")
        subject = (
            _("Emergency case: please open it now")
            if reason == EMERGENCY
            else _("Diary escalation: please open the case")
        )
        body = "\n\n".join(
            [
                _("A case at %(clinic)s needs attention now: %(what)s.")
                % {"clinic": case.clinic.name, "what": what},
                _("Open it here (staff sign-in needed): %(url)s") % {"url": url},
                _("It stays at the top of the worklist, marked new, until someone opens it."),
            ]
        )
    EmailMessage(subject, body + "\n", to=[address]).send()
    return "sent"


def jobs_about(case_ids: set[int]) -> list[Any]:
    """The duty alerts, queued or sent, about these cases (erased with them)."""
    return outbox.jobs_naming(dict.fromkeys(SENDERS.values(), case_ids))
