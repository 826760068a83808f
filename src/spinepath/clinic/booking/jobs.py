"""Which background jobs name a person's bookings: erased with them, since the ids in a job would
otherwise outlive the person (portal/services.py erases and purges)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import outbox, tasks, waitlist


def jobs_about(*, appointment_ids: set[int], waitlist_ids: set[int]) -> list[Any]:
    """Every e-mail and booking job, queued or finished, about these appointments or waiting-list entries."""
    by_appointment: list[Callable[..., Any]] = [
        tasks.send_confirmation_now,
        tasks.send_cancellation_now,
        tasks.send_reminder_now,
        tasks.send_appointment_reminder.func,  # plain tasks: their function
    ]
    by_entry: list[Callable[..., Any]] = [tasks.send_waitlist_offer_now, waitlist.expire_waitlist_offer.func]
    return outbox.jobs_naming(
        {**dict.fromkeys(by_appointment, appointment_ids), **dict.fromkeys(by_entry, waitlist_ids)}
    )
