"""Patient pages never put a tiny percentage beside a condition that must be ruled out."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from tests.engine.helpers import baseline, sciatica

from .journey import start, walk

pytestmark = pytest.mark.django_db

SUSPECTED_CES = sciatica(bladder_bowel=["numb_saddle"], bladder_bowel_timing="new_or_worse")
# Symptoms in both legs that started recently: urgent, with cauda equina named as the concern.
BOTH_LEGS_NEW = sciatica(
    pain_regions=["lower_back", "buttock_left", "buttock_right", "calf_left", "calf_right"],
    both_legs_timing="recent_or_spreading",
)


def _row(page: str, name: str, *, after: str) -> str:
    """The text following `name` in the part of the page that lists the causes."""
    start = page.lower().index(name, page.index(after))
    return page[start : start + 400]


def test_the_printable_summary_of_suspected_cauda_equina_shows_the_referred_range(client: Client) -> None:
    interview = start(client)
    assert walk(client, interview, SUSPECTED_CES).endswith("/emergency/")
    client.get(f"/i/{interview.token}/emergency/")
    page = client.get(f"/i/{interview.token}/summary/").content.decode()
    row = _row(page, "cauda equina", after="Most likely causes")
    assert "6–22" in row and "&lt; 1" not in row


def test_the_result_page_of_an_urgent_cauda_equina_concern_says_it_must_be_checked(client: Client) -> None:
    interview = start(client)
    assert walk(client, interview, BOTH_LEGS_NEW).endswith("/result/")
    page = client.get(f"/i/{interview.token}/result/").content.decode()
    cause = _row(page, "cauda equina", after="What is most likely causing it")
    assert "6 to 22 in 100" in cause and "must be checked" in cause.lower()
    assert not re.search(r"less than 1 in 100", cause)
    assert "once those checks have ruled them out" in page


def test_an_ordinary_result_still_shows_shares(client: Client) -> None:
    interview = start(client)
    walk(client, interview, baseline())
    page = client.get(f"/i/{interview.token}/result/").content.decode()
    assert "compared with the other causes: about" in page
    assert "once those checks have ruled them out" not in page
