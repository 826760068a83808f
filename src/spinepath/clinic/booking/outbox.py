"""The outbox: every e-mail is a job written in the same transaction as the change that needs it, and only
the background worker (`manage.py db_worker`) talks to the mail server.

So a request never waits on SMTP (a server that accepts and never answers cannot hang the site), and a
crash after commit cannot lose a message: the job is in the database with the booking, or neither is.
A failed send is tried again with growing gaps until its deadline; then `give_up` runs (for a patient's
appointment: the case is flagged for staff to phone).

Any part of the clinic can send through it (staff alerts too): `queue(send=..., args=[...])` with a
module-level function that takes plain ids and returns a short outcome word. Jobs name functions by
dotted path, and only functions inside spinepath are ever run.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import task

logger = logging.getLogger(__name__)

Sender = Callable[..., str]
GiveUp = Callable[..., None]
_OURS = "spinepath."


def _path(function: Callable[..., Any]) -> str:
    path = f"{function.__module__}.{function.__qualname__}"
    if not path.startswith(_OURS) or "<" in path:
        raise ValueError(f"outbox jobs must name a module-level spinepath function, not {path}")
    return path


def _resolve(path: str) -> Callable[..., Any]:
    if not path.startswith(_OURS):
        raise ValueError("refusing to run a job outside spinepath")
    function: Callable[..., Any] = import_string(path)
    return function


def retry_delay(attempt: int) -> timedelta:
    """The wait after the `attempt`-th failure: first, 2x first, 4x first ... capped."""
    first = settings.SPINEPATH_EMAIL_RETRY_FIRST_SECONDS
    longest = settings.SPINEPATH_EMAIL_RETRY_LONGEST_SECONDS
    return timedelta(seconds=min(longest, first * 2 ** max(0, attempt - 1)))


def queue(
    *,
    send: Sender,
    args: list[int],
    give_up: GiveUp | None = None,
    run_after: datetime | None = None,
    deadline: datetime | None = None,
) -> None:
    """Write the job now, inside the caller's transaction; the worker sends it when due.

    `deadline` defaults to SPINEPATH_EMAIL_GIVE_UP_HOURS after the job is due."""
    due = run_after or timezone.now()
    deadline = deadline or due + timedelta(hours=settings.SPINEPATH_EMAIL_GIVE_UP_HOURS)
    job = deliver.using(run_after=run_after) if run_after is not None else deliver
    job.enqueue(_path(send), list(args), 1, deadline.isoformat(), _path(give_up) if give_up else "")


@task()
def deliver(send: str, args: list[int], attempt: int, deadline: str, give_up: str = "") -> str:
    """Run one send. On failure, queue the next try (with backoff) or, past the deadline, give up.

    The outcome stored in the task-results table is one word and the attempt number: never an address,
    a name or an error message (SMTP errors quote the recipient)."""
    try:
        outcome: str = _resolve(send)(*args)
    except Exception as error:
        # Only the error's class: its text may carry the recipient's address.
        logger.warning("e-mail job %s%s failed (try %d): %s", send, args, attempt, type(error).__name__)
        retry_at = timezone.now() + retry_delay(attempt)
        if retry_at <= datetime.fromisoformat(deadline):
            deliver.using(run_after=retry_at).enqueue(send, args, attempt + 1, deadline, give_up)
            return f"failed try {attempt}; retry queued"
        if give_up:
            with transaction.atomic():
                _resolve(give_up)(*args)
        logger.error("e-mail job %s%s given up after %d tries", send, args, attempt)
        return f"failed try {attempt}; given up"
    return outcome


def jobs_naming(ids_by_function: Mapping[Callable[..., Any], set[int]]) -> list[Any]:
    """Every job (queued or finished) that names one of the given ids: an outbox job whose sender is one
    of these functions, or a plain task (one of these functions) whose first argument is one of the ids.
    The modules that own the jobs say which ids their functions take (booking/jobs.py, portal/alerts.py)."""
    from django_tasks_db.models import DBTaskResult

    wanted = {_path(function): ids for function, ids in ids_by_function.items()}

    def names_them(task_path: str, args: list[Any]) -> bool:
        if task_path == _path(deliver.func) and len(args) >= 2:
            return bool(set(args[1]) & wanted.get(args[0], set()))
        return bool(args) and args[0] in wanted.get(task_path, set())

    return [
        job
        for job in DBTaskResult.objects.filter(task_path__startswith=_OURS)
        if names_them(job.task_path, list(job.args_kwargs.get("args") or []))
    ]
