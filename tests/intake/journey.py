"""Drive the patient pages with Django's test client, answering from a dict like a person would."""

from __future__ import annotations

from typing import Any

from django.test import Client

from spinepath.clinic.intake.forms import NONE_OF_THESE
from spinepath.clinic.intake.models import Interview


def post_data(questions: list[Any], answers: dict[str, Any], shown: str) -> dict[str, Any]:
    data: dict[str, Any] = {"shown": shown}
    for question in questions:
        value = answers.get(question.link_id)
        if value is None:
            if question.type in {"integer", "choice"}:
                data[question.link_id] = ""
            continue
        if question.type in {"multi", "regions"} and value == []:
            value = [NONE_OF_THESE]  # a person answers "none" by ticking it
        data[question.link_id] = [str(v) for v in value] if isinstance(value, list) else str(value)
    return data


def start(client: Client) -> Interview:
    response = client.post("/")
    assert response.status_code == 302
    token = response["Location"].split("/")[2]
    return Interview.objects.get(token=token)


def walk(client: Client, interview: Interview, answers: dict[str, Any], max_steps: int = 40) -> str:
    """Answer step after step; returns the URL the interview finally sends the person to."""
    url = f"/i/{interview.token}/"
    for _ in range(max_steps):
        response = client.get(url)
        while response.status_code == 302 and "/step/" in response["Location"]:
            url = response["Location"]
            response = client.get(url)
        if response.status_code == 302:
            return str(response["Location"])
        assert response.status_code == 200
        form = response.context["form"]
        posted = client.post(url, post_data(form.questions, answers, response.context["shown"]))
        assert posted.status_code == 303, posted.content.decode()[:2000]
        assert posted["Location"] != url, client.get(url).content.decode()[
            :2000
        ]  # back to the same step: an error
        url = posted["Location"]
    raise AssertionError("the interview did not finish")
