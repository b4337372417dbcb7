"""The three journeys in a real Chromium: the agent, the social team and the steward (screenshots of each page)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from identity_graph.service.auth import Role, create_token
from tests.service.world import NASTY_NAME
from tests.web.conftest import Live, shot, sign_in

pytestmark = pytest.mark.browser


def test_agent_finds_a_caller_by_a_phone_typed_with_spaces(page: Page, live: Live) -> None:
    page.goto("/")
    expect(page).to_have_url(f"{live.url}/login")
    shot(page, "01-login")
    sign_in(page, live.world.tokens["agent"])
    shot(page, "02-home-agent")
    page.get_by_role("link", name="Search").click()
    box = page.get_by_label("Phone, email, name, handle or source id")
    box.fill("415 555 0134")  # one person: the search opens her profile at once
    box.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ana Lima")  # one hit: straight to the profile
    expect(page).to_have_url(f"{live.url}/persons/{live.world.ana}")
    page.get_by_role("link", name="Search").click()
    box = page.get_by_label("Phone, email, name, handle or source id")
    box.fill("Carol Diaz")  # two namesakes: the result cards
    box.press("Enter")
    expect(page.get_by_role("link", name="Carol Diaz")).to_have_count(2)
    shot(page, "03-search-results")
    page.goto(f"/persons/{live.world.ana}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ana Lima")
    timeline = page.locator("section.timeline ol.items")
    for channel in ("call", "email", "social", "campaign"):
        expect(timeline.locator(f"li.ch-{channel}").first).to_be_visible()
    expect(page.get_by_text("Recent campaign touches")).to_be_visible()
    shot(page, "04-profile")
    page.locator("details[data-why-url] summary").first.click()
    expect(page.locator(".why-detail").first).to_contain_text("Same")  # a plain sentence from the evidence
    shot(page, "05-profile-why-linked")
    page.get_by_role("checkbox", name="Call").check()
    page.get_by_role("button", name="Filter").click()
    expect(timeline.locator("li")).to_have_count(1)
    expect(timeline.locator("li.ch-call")).to_have_count(1)
    shot(page, "06-profile-filtered-calls")


def test_hostile_text_shows_as_text(page: Page, live: Live) -> None:
    alerts: list[str] = []
    page.on("dialog", lambda d: (alerts.append(d.message), d.dismiss()))
    sign_in(page, live.world.tokens["agent"])
    page.goto(f"/persons/{live.world.nasty}")
    expect(page.get_by_role("heading", level=1)).to_contain_text(NASTY_NAME)
    expect(page.locator("b", has_text="bold")).to_have_count(0)
    assert alerts == []
    shot(page, "07-profile-hostile-text")


def test_steward_rejects_a_proposed_merge_with_one_key_and_undoes(page: Page, live: Live) -> None:
    sign_in(page, live.world.tokens["steward"])
    page.get_by_role("link", name="Review queue").click()
    shot(page, "09-review-queue")
    page.get_by_role("link", name="Start with the first").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Same person?")
    expect(page.locator("table.sides")).to_contain_text("Denver")
    shot(page, "10-review-pair")
    page.get_by_label("Reason (optional)").fill("different cities and phones")
    page.get_by_label("Reason (optional)").press("Enter")  # typing a reason and Enter must not decide
    assert live.store.judgements(list(live.world.carol_records)) == []
    page.get_by_role("heading", level=1).click()  # leave the field; now the key decides
    page.keyboard.press("d")
    expect(page.get_by_text("Nothing to review")).to_be_visible()
    shot(page, "11-review-decided")
    left, right = sorted(live.world.carol_records)
    owners = live.store.assignments([left, right])
    assert owners[left] != owners[right]
    reasons = [j.reason for j in live.store.judgements([left, right], active_only=False)]
    assert reasons == ["different cities and phones"]
    page.locator("body").press("z")
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"{left} ↔ record {right}")
    assert not [j for j in live.store.judgements([left, right]) if j.superseded_at is None]


def test_steward_splits_a_person_from_the_graph(page: Page, live: Live) -> None:
    sign_in(page, live.world.tokens["steward"])
    page.goto(f"/persons/{live.world.ana}/graph")
    expect(page.locator("figure.graph svg")).to_be_visible()
    social = live.world.ana_records[3]
    node = page.locator(f'g.record[data-record="{social}"]')
    node.focus()
    page.keyboard.press("Enter")
    expect(page.locator(f"#pick-{social}")).to_be_checked()
    shot(page, "12-person-graph")
    page.get_by_role("button", name="Split the selected records into a new person").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("was split")
    shot(page, "13-split-done")
    assert live.store.assignments([social])[social] != live.world.ana


def test_admin_sees_every_page_and_the_keyboard_skips_to_the_content(page: Page, live: Live) -> None:
    secret, _ = create_token(live.store, Role.ADMIN, "second-admin")
    sign_in(page, secret)
    expect(page.get_by_label("Phone, email, name, handle or source id")).to_be_focused()
    for name in ("Search", "Who is this?", "Review queue", "Changes", "Admin"):
        expect(page.get_by_role("link", name=name)).to_be_visible()
    page.get_by_role("link", name="Admin").click()
    shot(page, "14-admin")
    page.get_by_role("link", name="Changes").click()
    shot(page, "15-changes")
    page.goto(f"/persons/{live.world.ana}")
    page.keyboard.press("Tab")
    expect(page.locator(".skip")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
