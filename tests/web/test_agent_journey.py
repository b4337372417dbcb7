"""The agent's day in a real Chromium: a caller found by a phone typed any way lands on the profile with its
header; the profile works in a 480 px side panel (the timeline right after the header); long input never
stretches the page; a blank search says what to type; a bad address is a styled page."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.web.conftest import SIDE_PANEL, Live, shot, sign_in

pytestmark = pytest.mark.browser


def _search(page: Page, text: str) -> None:
    """Type into the agent's search box and press Enter."""
    page.get_by_role("link", name="Search").click()
    box = page.get_by_label("Phone, email, name, handle or source id")
    box.fill(text)
    box.press("Enter")


@pytest.mark.parametrize(("typed", "name"), [("(415) 555-0134", "parens"), ("+1 415.555.0134", "dots")])
def test_a_phone_typed_any_way_lands_on_the_profile_with_the_header(
    page: Page, live: Live, typed: str, name: str
) -> None:
    sign_in(page, live.world.tokens["agent"])
    _search(page, typed)
    expect(page).to_have_url(f"{live.url}/persons/{live.world.ana}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ana Lima")
    facts = page.locator("section.who dl.facts")
    expect(facts).to_contain_text("(415) 555-0134")  # national format for the home region
    expect(facts).to_contain_text("ana.lima@example.com")
    expect(facts).to_contain_text("x:analima")
    expect(facts.locator("dd.open-matter")).to_contain_text("Loving the new app")
    expect(facts).to_contain_text("Last contact")
    expect(page.locator("section.who")).not_to_contain_text("+14155550134")
    expect(page.locator("section.who")).not_to_contain_text("only value")
    shot(page, f"a1-agent-phone-{name}-profile-header")


def _top(page: Page, selector: str) -> float:
    """The top of an element's box on the page."""
    box = page.locator(selector).bounding_box()
    assert box is not None, selector
    return float(box["y"])


def test_at_480_px_the_timeline_follows_the_header(narrow: Page, live: Live) -> None:
    sign_in(narrow, live.world.tokens["agent"])
    narrow.goto(f"/persons/{live.world.ana}")
    header, timeline = _top(narrow, "section.who"), _top(narrow, "section.timeline")
    assert header < timeline < _top(narrow, "section.ids") < _top(narrow, "section.records")
    others = narrow.evaluate(
        """() => [...document.querySelectorAll('.profile > *:not(.who):not(.timeline)')]
                 .map(e => e.getBoundingClientRect().top + window.scrollY)"""
    )
    assert others and min(others) > timeline  # whatever else the page holds comes after the timeline
    assert narrow.evaluate("document.documentElement.scrollWidth") <= SIDE_PANEL["width"]
    shot(narrow, "a2-agent-profile-480px")


def test_a_5000_character_search_does_not_stretch_the_page(narrow: Page, live: Live) -> None:
    sign_in(narrow, live.world.tokens["agent"])
    _search(narrow, "x" * 5000)
    expect(narrow.get_by_role("heading", level=2)).to_contain_text("0 persons for")
    assert narrow.evaluate("document.documentElement.scrollWidth") <= SIDE_PANEL["width"]
    assert narrow.evaluate("document.documentElement.scrollHeight") < 2000  # it was 62,000 px
    shot(narrow, "a3-agent-long-search-480px")


def test_a_blank_search_says_what_to_type(page: Page, live: Live) -> None:
    sign_in(page, live.world.tokens["agent"])
    _search(page, "   ")
    expect(page.get_by_role("alert")).to_have_text("Type a name, phone, email or handle.")
    shot(page, "a4-agent-blank-search")


def test_a_bad_address_is_a_styled_page(page: Page, live: Live) -> None:
    sign_in(page, live.world.tokens["agent"])
    for path, title in (("/persons/abc", "Check your input"), ("/no/such/page", "Not found")):
        page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_have_text(title)
        expect(page.get_by_role("link", name="Back to the start page")).to_be_visible()
    shot(page, "a5-agent-styled-error")
