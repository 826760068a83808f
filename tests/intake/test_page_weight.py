"""Every patient page is light: HTML plus the CSS and JS it links, measured and written to build/."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

from tests.engine.helpers import baseline, sciatica

from .journey import start, walk

pytestmark = pytest.mark.django_db
REPORT = Path(__file__).resolve().parents[2] / "build" / "page-weight.txt"
LIMIT = 100 * 1024


def weight(html: bytes) -> tuple[int, int]:
    """(uncompressed, gzip-compressed) bytes of the page and every stylesheet and script it links."""
    assets = sorted(set(re.findall(rb'(?:href|src)="/static/([^"]+)"', html)))
    bodies = [html, *(Path(str(finders.find(asset.decode()))).read_bytes() for asset in assets)]
    return sum(len(b) for b in bodies), sum(len(gzip.compress(b, 6)) for b in bodies)


def test_pages_are_light(client: Client) -> None:
    interview = start(client)
    walk(client, interview, baseline())
    token = interview.token
    client.post(f"/i/{token}/diary/", {"pain": "4", "function": "3"})
    emergency = start(client)
    walk(client, emergency, sciatica(bladder_bowel=["numb_saddle"], bladder_bowel_timing="new_or_worse"))
    pages = {
        "start": "/",
        "interview step with body map": f"/i/{token}/?edit=pain_regions,numb_regions",
        "result": f"/i/{token}/result/",
        "summary": f"/i/{token}/summary/",
        "answers": f"/i/{token}/answers/",
        "pain diary": f"/i/{token}/diary/",
        "emergency": f"/i/{emergency.token}/emergency/",
    }
    sizes = {}
    for name, path in pages.items():
        response = client.get(path)
        assert response.status_code == 200, path
        sizes[name] = weight(response.content)
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(
        "".join(
            f"{name}: {raw / 1024:.1f} KiB ({packed / 1024:.1f} KiB gzip)\n"
            for name, (raw, packed) in sizes.items()
        )
    )
    assert all(raw < LIMIT for raw, _ in sizes.values()), sizes
