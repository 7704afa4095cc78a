"""A member of the public answers Hampshire's consultation in Chromium: with the keyboard only, and again with
JavaScript off; axe finds nothing on any page they pass through, and each page is saved at 1,280 and 390 px wide
(test-artifacts/consultation-*.png)."""

from importlib import resources
from pathlib import Path

import pytest
from playwright.sync_api import expect

from s75.agreements.file_loading import agreement_load
from s75.agreements.file_reading import agreement_file_read
from s75.consultations.models import Channel, Response
from s75.demo.consultations import consultations_demo_load
from s75.demo.governance import governance_demo_load
from s75.demo.services import DEMO_FILES
from tests.browser.axe import axe_violations

pytestmark = pytest.mark.browser
ARTIFACTS = Path("test-artifacts")
HAMPSHIRE = "Section 75 agreement with Hampshire County Council"
FOCUSED_NAME = """() => {
    const element = document.activeElement;
    if (element.labels && element.labels.length) return element.labels[0].innerText.trim();
    return (element.innerText || element.value || "").trim();
}"""


@pytest.fixture
def consultations(db):
    for filename in DEMO_FILES:
        agreement_load(actor=None, document=agreement_file_read(resources.files("s75.demo").joinpath("data", filename)))
    governance_demo_load()  # Bexley's outcome cites the board's decision
    consultations_demo_load()
    ARTIFACTS.mkdir(exist_ok=True)


def _checked(page, name: str, problems: list[str]) -> None:
    """axe on the page as it stands, and screenshots at a desktop's and a phone's width."""
    problems += [f"{violation} on {page.url}" for violation in axe_violations(page)]
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=ARTIFACTS / f"consultation-{name}-{width}.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def _tab_to(page, name: str, *, limit: int = 80) -> None:
    """Press Tab until the focused element's label or text is ``name``."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(FOCUSED_NAME) == name:
            return
    raise AssertionError(f"Tab never reached {name!r} on {page.url}")


def test_answering_hampshire_with_the_keyboard_only(live_server, page, consultations):
    problems: list[str] = []
    page.goto(f"{live_server.url}/consultations/")
    _checked(page, "hub", problems)
    _tab_to(page, HAMPSHIRE)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(HAMPSHIRE)
    _checked(page, "page", problems)
    _tab_to(page, "Respond to the consultation")
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Your views")
    _tab_to(page, "Yes")
    page.keyboard.press("Space")
    _tab_to(page, "5 (best)")
    page.keyboard.press("Space")
    _checked(page, "question-1", problems)
    _tab_to(page, "Continue")
    page.keyboard.press("Enter")

    expect(page.get_by_text("What concerns would you have")).to_have_count(0)  # asked only of those who said No
    _tab_to(page, "Is there anything else you would like to tell us?")
    page.keyboard.type("Please keep the same carers visiting my mother.")
    _tab_to(page, "Continue")
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("About you")
    _tab_to(page, "North East Hampshire and Farnham")
    page.keyboard.press("ArrowDown")
    _tab_to(page, "Your postcode")
    page.keyboard.type("SO23 8UJ")
    _checked(page, "about-you", problems)
    _tab_to(page, "Continue")
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Check your answers before sending your response")
    expect(page.get_by_text("North Hampshire", exact=True)).to_be_visible()
    _checked(page, "check", problems)
    _tab_to(page, "Send your response")
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Response sent")
    reference = page.locator(".govuk-panel__body strong").inner_text()
    _checked(page, "sent", problems)
    response = Response.objects.get(reference=reference)
    assert response.channel == Channel.ONLINE
    assert response.respondent.postcode == "SO23 8UJ"
    assert response.answers.filter(text__startswith="Please keep").exists()
    assert not problems, "\n".join(problems)


def test_answering_hampshire_with_javascript_off(live_server, consultations):
    from playwright.sync_api import sync_playwright

    from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 900})
        page = context.new_page()
        page.goto(f"{live_server.url}/consultations/hampshire-lead-commissioning/")
        page.get_by_role("button", name="Respond to the consultation").click()
        page.get_by_role("button", name="Continue").click()
        expect(page.locator(".govuk-error-summary")).to_contain_text("Select an answer to")
        page.get_by_label("No", exact=True).check()
        page.get_by_role("button", name="Continue").click()
        page.get_by_label("What concerns would you have about this proposal?").fill("Who checks the quality?")
        page.get_by_role("button", name="Continue").click()
        page.get_by_role("button", name="Continue").click()
        page.get_by_role("button", name="Send your response").click()
        reference = page.locator(".govuk-panel__body strong").inner_text()
        page.screenshot(path=ARTIFACTS / "consultation-no-javascript-sent-390.png", full_page=True)
        context.close()
        browser.close()
    assert Response.objects.get(reference=reference).answers.filter(text="Who checks the quality?").exists()
