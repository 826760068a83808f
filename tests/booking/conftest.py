"""Booking fixtures: the demo clinic and stored assessments at each urgency, at a fixed 'now'."""

from __future__ import annotations

import email
import socket
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from email.message import Message
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.test import override_settings

from spinepath.clinic.booking.demo import load_demo_clinic
from spinepath.clinic.booking.models import Clinic
from spinepath.clinic.booking.services import Person
from spinepath.clinic.intake.models import AssessmentRecord, Interview
from spinepath.clinic.intake.services import record_assessment
from tests.engine.helpers import baseline, sciatica

# Monday 7 December 2026, 07:00 UTC (= 07:00 in London, winter time).
NOW = datetime(2026, 12, 7, 7, 0, tzinfo=UTC)

ANSWERS: dict[str, Callable[[], dict[str, Any]]] = {
    "self_care": baseline,
    "routine": sciatica,
    "urgent": lambda: sciatica(leg_weakness=["foot_drop"], weakness_change="new_stable"),
    "emergency": lambda: sciatica(bladder_bowel=["numb_saddle"], bladder_bowel_timing="new_or_worse"),
}


@pytest.fixture
def clinic(db: Any) -> Clinic:
    return load_demo_clinic()


@pytest.fixture
def record_for(db: Any) -> Callable[[str], AssessmentRecord]:
    def make(level: str) -> AssessmentRecord:
        interview = Interview.objects.create(answers=ANSWERS[level]())
        record = record_assessment(interview=interview, language="en")
        assert record.triage_level == level, record.triage_level
        return record

    return make


@pytest.fixture
def person() -> Person:
    return Person("Alex Example", date(1980, 3, 27), "alex@example.org", "+44 20 7946 0001")


class Inbox:
    """A real SMTP server's mailbox (aiosmtpd): every message the app sends arrives here."""

    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 OK"

    def to(self, address: str) -> list[Message]:
        return [m for m in self.messages if m["To"] == address]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@pytest.fixture
def inbox() -> Iterator[Inbox]:
    port = free_port()
    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    with override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend", EMAIL_HOST="127.0.0.1", EMAIL_PORT=port
    ):
        yield handler
    controller.stop()


def body_of(message: Message) -> str:
    """The plain-text body of a message (the first part when it has attachments)."""
    part = message.get_payload(0) if message.is_multipart() else message
    assert isinstance(part, Message)
    payload = part.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload.decode()


class SilentServer:
    """A mail server that accepts connections and never says a word (the fault that used to hang every
    booking): it counts the connections and holds them open until the test ends."""

    def __init__(self) -> None:
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(64)
        self.port: int = self.listener.getsockname()[1]
        self.connections: list[socket.socket] = []
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while True:
            try:
                connection, _address = self.listener.accept()
            except OSError:
                return
            self.connections.append(connection)

    def close(self) -> None:
        self.listener.close()
        for connection in self.connections:
            connection.close()


@pytest.fixture
def silent_smtp() -> Iterator[SilentServer]:
    server = SilentServer()
    with override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=server.port,
        EMAIL_TIMEOUT=1,
    ):
        yield server
    server.close()
