"""The campaign journeys in Chromium on the bundled sample (loaded, its registry registered, resolved, served):

- an agent with a customer on screen pastes the new sending domain into the verify box and sees the campaign,
  its guidance and that this customer received it; the phishing look-alike is called a look-alike;
- a marketing user registers a campaign through the web form and the agent's verify says "ours" at once;
- the lead's briefing as of the sample's end flags the "call us now" burst and the flash sale and draws them.

Screenshots go to test-output/screenshots/ like the other browser tests'."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, ViewportSize, expect

from identity_graph.cli.demo_campaigns import read_demo_campaigns, register_registry
from identity_graph.generate.campaigns import FLASH, PHISHING_DOMAIN, REWARDS, REWARDS_DOMAIN, SAFETY
from identity_graph.ingest_manifest import load_manifest
from identity_graph.resolve import resolve_all
from identity_graph.service.auth import Role
from identity_graph.settings import load_settings
from identity_graph.store import SQLiteStore, open_store
from tests.web.conftest import VIEWPORT, shot, sign_in
from tests.web.served import SAMPLE, Served

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def campaign_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample loaded, its campaign registry registered (as `idgraph demo` does) and resolved, once."""
    path = tmp_path_factory.mktemp("campaigns") / "sample.db"
    settings = load_settings(SAMPLE / "idgraph.toml", db=path)
    store = open_store(path)
    load_manifest(store, SAMPLE / "manifest.toml", settings)
    extra = read_demo_campaigns(SAMPLE / "manifest.toml")
    assert extra.registry is not None
    register_registry(store, extra.registry, settings)
    resolve_all(store, settings)
    store.close()
    return path


@pytest.fixture
def served(campaign_db: Path, tmp_path: Path) -> Iterator[Served]:
    """This test's own copy, served."""
    path = tmp_path / "copy.db"
    shutil.copy(campaign_db, path)
    s = Served(path, "journey")
    yield s
    s.close()


def _tab(browser: Browser, served: Served) -> Page:
    """A laptop-sized tab in a context of its own (its own sign-in)."""
    size = ViewportSize(width=VIEWPORT["width"], height=VIEWPORT["height"])
    return browser.new_context(viewport=size, base_url=served.url).new_page()


@pytest.fixture
def tab(browser: Browser, served: Served) -> Iterator[Page]:
    """A tab for the test's first user."""
    page = _tab(browser, served)
    yield page
    page.context.close()


def _rewards_recipient(store: SQLiteStore) -> int:
    """A person the rewards mail was sent to (by the send log's recipient record)."""
    row = store.query(
        "SELECT rp.person_id FROM interactions x JOIN participations p ON p.interaction_id = x.id "
        "JOIN record_person rp ON rp.record_id = p.record_id "
        "WHERE x.channel = 'campaign' AND json_extract(x.attributes, '$.campaign_id') = ? "
        "AND json_extract(x.attributes, '$.event') = 'sent' ORDER BY rp.person_id LIMIT 1",
        (REWARDS.esp_id,),
    )
    return int(row[0][0])


def _verify(page: Page, text: str) -> None:
    """Paste into the verify box and check it."""
    page.get_by_label("Paste what the caller has").fill(text)
    page.get_by_role("button", name="Check it").click()
    page.wait_for_url("**/verify")


def test_agent_pastes_the_new_sending_domain_for_the_customer_on_screen(tab: Page, served: Served) -> None:
    """Ours and live, the Acme Rewards guidance, and a sentence saying this customer was sent it; the phishing
    domain from the sample's mailbox is a look-alike."""
    person = _rewards_recipient(served.store)
    sign_in(tab, served.tokens[Role.AGENT])
    tab.goto(f"/persons/{person}")
    expect(tab.get_by_role("heading", name="Is this ours?")).to_be_visible()
    _verify(tab, REWARDS_DOMAIN)
    verdict = tab.locator("section.verdict")
    expect(verdict).to_have_attribute("data-answer", "ours_live")
    expect(tab.get_by_role("heading", name="Ours, and live")).to_be_visible()
    expect(tab.locator("section.verdict-campaign")).to_contain_text(REWARDS.name)
    expect(tab.locator("section.verdict-campaign")).to_contain_text("Our new loyalty programme")
    received = tab.locator("p.received")
    expect(received).to_contain_text("This customer was sent")
    expect(received).to_contain_text(REWARDS.name)
    shot(tab, "campaign-agent-verify-ours")
    tab.get_by_role("link", name="Back to the customer's profile").click()
    tab.wait_for_url(f"**/persons/{person}")
    _verify(tab, f"points@{PHISHING_DOMAIN}")
    expect(tab.locator("section.verdict")).to_have_attribute("data-answer", "lookalike")
    expect(tab.locator("section.verdict-campaign")).to_contain_text(REWARDS.name)
    shot(tab, "campaign-agent-verify-lookalike")


def test_marketing_registers_a_campaign_and_the_agent_sees_it_at_once(
    browser: Browser, tab: Page, served: Served
) -> None:
    """The form registers it; the agent's next paste of its sender says ours and live, with its guidance."""
    sign_in(tab, served.tokens[Role.MARKETING])
    tab.goto("/campaigns/new")
    now = datetime.now(UTC)
    tab.get_by_label("Id (letters, digits, - and _)").fill("autumn-web-2026")
    tab.get_by_label("Name", exact=True).fill("Autumn web offer")
    tab.get_by_label("Channel").select_option("email")
    tab.get_by_label("Starts (UTC)").fill((now - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"))
    tab.get_by_label("Ends (UTC, optional)").fill((now + timedelta(days=10)).strftime("%Y-%m-%dT%H:%M"))
    tab.get_by_label("Domains it sends from").fill("news.acme-autumn-example.com")
    tab.get_by_label("What the offer is").fill("15% off kitchen knives for loyalty members, online only.")
    shot(tab, "campaign-marketing-register")
    tab.get_by_role("button", name="Register it").click()
    tab.wait_for_url("**/campaigns/autumn-web-2026")
    expect(tab.locator("h1")).to_contain_text("Autumn web offer")

    agent = _tab(browser, served)
    try:
        sign_in(agent, served.tokens[Role.AGENT])
        agent.goto("/verify")
        _verify(agent, "Offers@News.Acme-Autumn-Example.com")
        expect(agent.locator("section.verdict")).to_have_attribute("data-answer", "ours_live")
        expect(agent.locator("section.verdict-campaign")).to_contain_text("Autumn web offer")
        expect(agent.locator("section.verdict-campaign")).to_contain_text("15% off kitchen knives")
        shot(agent, "campaign-agent-sees-new-campaign")
    finally:
        agent.context.close()


def test_lead_briefing_flags_the_sample_waves(tab: Page, served: Served) -> None:
    """As of the sample's end: four campaigns, waves for the safety check's line and the flash sale, charts."""
    extra = read_demo_campaigns(SAMPLE / "manifest.toml")
    assert extra.as_of is not None
    sign_in(tab, served.tokens[Role.AGENT])
    tab.get_by_role("link", name="Briefing").click()
    tab.wait_for_url("**/briefing")
    tab.get_by_label("As of (UTC)").fill(extra.as_of.strftime("%Y-%m-%dT%H:%M"))
    tab.get_by_role("button", name="Show").click()
    tab.wait_for_url("**/briefing?at=*")
    items = tab.locator("article.briefing-item")
    expect(items).to_have_count(4)
    safety = tab.locator(f'article[data-campaign="{SAFETY.campaign_id}"]')
    expect(safety.locator(".wave-alert")).to_contain_text("A wave came: it started at Sun 29 Jun 17:00 UTC")
    expect(safety.locator("figure.spikes svg rect")).to_have_count(48)
    expect(tab.locator(f'article[data-campaign="{FLASH.campaign_id}"] .tag.wave')).to_be_visible()
    expect(tab.locator(f'article[data-campaign="{REWARDS.campaign_id}"] .tag.wave')).to_have_count(0)
    expect(tab.locator(".lede")).to_contain_text("A wave of contacts in the last 48 hours for")
    shot(tab, "campaign-lead-briefing")
