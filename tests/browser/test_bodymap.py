"""Issue #13 in a real browser: warning signs first (screens counted), the body map's tap targets measured
on phone screens, "No pain anywhere", and screenshots of both in build/screenshots/."""

from __future__ import annotations

from typing import Any

import pytest

from spinepath.clinic.intake.forms import NONE_OF_THESE
from spinepath.engine import get_body_map

from .conftest import check_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONES = {"small-phone": (360, 740), "phone": (390, 844)}
MIN_TARGET_PX = 24  # WCAG 2.2, 2.5.8 Target Size (Minimum)


def screens_after_start(page: Any) -> list[str]:
    """The URL of every page the browser shows from now on (redirects left out)."""
    shown: list[str] = []

    def loaded(response: Any) -> None:
        if response.request.is_navigation_request() and response.status < 300:
            shown.append(response.url)

    page.on("response", loaded)
    return shown


def test_cauda_equina_symptoms_are_sent_to_emergency_help_within_3_screens_of_start(
    page: Any, live_server: Any
) -> None:
    page.goto(live_server.url + "/")
    shown = screens_after_start(page)
    page.click("button.primary")  # Start
    page.wait_for_url("**/step/1/")
    assert "Warning signs" in page.inner_text("h1")
    check_page(page, "warning-signs")
    page.check("input[name=bladder_bowel][value=numb_saddle]")
    page.check(f"input[name=leg_weakness][value={NONE_OF_THESE}]")
    page.check(f"input[name=emergency_signs][value={NONE_OF_THESE}]")
    page.click("button.primary")
    page.wait_for_url("**/step/2/")
    assert "When did these changes start?" in page.inner_text("main")
    check_page(page, "warning-signs-when")
    page.check("input[name=bladder_bowel_timing][value=new_or_worse]")
    page.click("button.primary")
    page.wait_for_url("**/emergency/")
    assert "Get emergency help now." in page.inner_text("main")
    check_page(page, "warning-signs-emergency")
    assert len(shown) <= 3 and shown[-1].endswith("/emergency/"), shown


@pytest.mark.parametrize("phone", sorted(PHONES))
def test_every_region_of_the_drawing_is_a_24_pixel_target_on_a_phone(
    browser: Any, live_server: Any, phone: str
) -> None:
    width, height = PHONES[phone]
    context = browser.new_context(viewport={"width": width, "height": height}, locale="en-GB")
    page = context.new_page()
    page.goto(live_server.url + "/")
    page.click("button.primary")
    token_url = page.url.split("/step/")[0]
    page.goto(f"{token_url}/?edit=pain_regions")
    shapes = page.locator("[data-bodymap=pain_regions] rect.region")
    assert shapes.count() == len(get_body_map().region_ids)
    small = []
    for index in range(shapes.count()):
        box = shapes.nth(index).bounding_box()
        if box["width"] < MIN_TARGET_PX or box["height"] < MIN_TARGET_PX:
            small.append((shapes.nth(index).get_attribute("data-region"), box["width"], box["height"]))
    assert not small, f"targets under {MIN_TARGET_PX} px at {width} px wide: {small}"
    page.locator("[data-bodymap=pain_regions] rect[data-region=saddle]").click()  # a tap ticks its box
    assert page.is_checked("input[name=pain_regions][value=saddle]")
    check_page(page, f"bodymap-{phone}")
    context.close()


def test_no_pain_anywhere_and_the_places_exclude_each_other(page: Any, live_server: Any) -> None:
    page.goto(live_server.url + "/")
    page.click("button.primary")
    token_url = page.url.split("/step/")[0]
    page.goto(f"{token_url}/?edit=pain_regions")
    drawing = "[data-bodymap=pain_regions] rect[data-region=calf_left]"
    page.locator(drawing).click()
    assert page.is_checked("input[name=pain_regions][value=calf_left]")
    page.check(f"input[name=pain_regions][value={NONE_OF_THESE}]")  # "No pain anywhere"
    assert not page.is_checked("input[name=pain_regions][value=calf_left]")
    assert "selected" not in (page.locator(drawing).get_attribute("class") or "")  # the drawing follows
    page.locator(drawing).click()
    assert not page.is_checked(f"input[name=pain_regions][value={NONE_OF_THESE}]")
