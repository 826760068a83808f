"""Staff sign-in lockout (django-axes) on two counts:

- failures for one username from one address: locked after SPINEPATH_LOGIN_FAILURE_LIMIT (5);
- failures for one username from anywhere: locked after SPINEPATH_LOGIN_FAILURE_LIMIT_ANY_ADDRESS (20),
  so spreading guesses over many addresses does not get round the first limit.

The second limit is higher so that someone who knows a colleague's username cannot lock them out from
a single address. Either lock lifts after AXES_COOLOFF_TIME, or an administrator lifts it at once with
`manage.py axes_reset_username USERNAME` (docs/deploy.md).
"""

from __future__ import annotations

from typing import Any

from axes.attempts import get_cool_off_threshold
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest

from .network import client_ip


def failure_limit(request: HttpRequest, credentials: dict[str, Any] | None) -> int:
    """Axes compares this with the username's failures from anywhere (the larger of its two counts):
    the one-address limit once this address has used it up, else the any-address limit."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    from_here = (
        AccessAttempt.objects.filter(
            username=username,
            ip_address=client_ip(request),
            attempt_time__gte=get_cool_off_threshold(request),
        ).aggregate(total=Sum("failures_since_start"))["total"]
        or 0
    )
    per_address: int = settings.SPINEPATH_LOGIN_FAILURE_LIMIT
    if from_here >= per_address:
        return per_address
    any_address: int = settings.SPINEPATH_LOGIN_FAILURE_LIMIT_ANY_ADDRESS
    return any_address
