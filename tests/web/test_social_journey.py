"""The social team's day in a real Chromium: a linked handle, a customer's handle not yet linked and a
stranger's get three different answers; a namesake who shares only a customer's name is "it may be" at 60 %,
never likely; a steward links the likely customer with one button."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.service.social_world import ANONYMOUS, LINKED, NAMESAKE, STRANGER, UNLINKED, add_social_accounts
from tests.web.conftest import Live, shot, sign_in

pytestmark = pytest.mark.browser


def _ask(page: Page, handle: str) -> None:
    """Paste a handle into the who-is box and ask."""
    box = page.get_by_label("Handle or profile URL")
    box.fill(handle)
    box.press("Enter")


def test_three_handles_get_three_different_answers(page: Page, live: Live) -> None:
    add_social_accounts(live.store)
    sign_in(page, live.world.tokens["social"])
    page.get_by_role("link", name="Who is this?").click()
    status = page.locator("#answer-h .status")

    _ask(page, LINKED)
    expect(status).to_have_text("Known customer")
    expect(page.locator("article.candidate h3")).to_contain_text("Ana Lima")
    shot(page, "s1-social-known-customer")

    _ask(page, UNLINKED)
    expect(status).to_have_text("Likely customer — not yet linked")
    candidate = page.locator("article.candidate")
    expect(candidate.locator("h3")).to_contain_text("Bob Stone")
    expect(candidate.locator(".confidence strong")).to_have_text("82%")
    expect(candidate.locator("ul li").first).to_have_text(
        "82%: Same name; same city."
    )  # the same number in the evidence
    expect(page.get_by_role("button", name="Link")).to_have_count(0)  # linking is a steward's decision
    shot(page, "s2-social-likely-customer")

    _ask(page, STRANGER)
    expect(status).to_have_text("Not a customer")
    expect(page.locator("article.candidate")).to_have_count(0)
    shot(page, "s3-social-not-a-customer")

    _ask(page, NAMESAKE)  # the model gave this pair 97 % on the name alone
    expect(status).to_have_text("Unknown")
    expect(page.locator(".reason")).to_contain_text("It may be Bob Stone (60%), but only the name matches")
    expect(page.locator("article.candidate .confidence strong")).to_have_text("60%")
    shot(page, "s3b-social-namesake-possible")

    _ask(page, ANONYMOUS)
    expect(status).to_have_text("Unknown")
    expect(page.locator(".reason")).to_contain_text("too little")
    shot(page, "s4-social-unknown")


def test_a_steward_links_the_likely_customer(page: Page, live: Live) -> None:
    social = add_social_accounts(live.store)
    sign_in(page, live.world.tokens["steward"])
    page.get_by_role("link", name="Who is this?").click()
    _ask(page, UNLINKED)
    expect(page.locator("#answer-h .status")).to_have_text("Likely customer — not yet linked")
    shot(page, "s5-steward-whois-link-button")
    page.get_by_role("button", name="Link x:bstone_nyc to Bob Stone").click()
    expect(page.get_by_role("status")).to_contain_text("Linked")
    expect(page.locator("#answer-h .status")).to_have_text("Known customer")
    owners = live.store.assignments([social.bob_account, social.bob_crm])
    assert owners[social.bob_account] == owners[social.bob_crm]
    shot(page, "s6-steward-whois-linked")
