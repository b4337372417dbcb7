"""The three journeys end to end on the bundled sample: loaded with its manifest, resolved, served, driven in
Chromium. Built once per session; each test serves its own copy of the store."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from identity_graph.ingest_manifest import load_manifest
from identity_graph.model import MatchStatus
from identity_graph.resolve import resolve_all
from identity_graph.service.auth import Role
from identity_graph.settings import load_settings
from identity_graph.store import SQLiteStore, open_store
from tests.web.conftest import VIEWPORT, shot, sign_in
from tests.web.served import SAMPLE, Served

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="session")
def sample_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample loaded and resolved once (the file is closed, so copies are consistent)."""
    path = tmp_path_factory.mktemp("sample") / "sample.db"
    settings = load_settings(SAMPLE / "idgraph.toml", db=path)
    store = open_store(path)
    load_manifest(store, SAMPLE / "manifest.toml", settings)
    resolve_all(store, settings)
    store.close()
    return path


@pytest.fixture
def served(sample_db: Path, tmp_path: Path) -> Iterator[Served]:
    """This test's own copy of the sample, served."""
    path = tmp_path / "copy.db"
    shutil.copy(sample_db, path)
    s = Served(path, "e2e")
    yield s
    s.close()


@pytest.fixture
def tab(browser: Browser, served: Served) -> Iterator[Page]:
    """A laptop-sized tab on the served sample."""
    context = browser.new_context(viewport=VIEWPORT, base_url=served.url)
    page = context.new_page()
    yield page
    context.close()


def _multichannel_person(store: SQLiteStore) -> tuple[int, str]:
    """A person with calls, emails and posts on the timeline, and one of their phone numbers."""
    row = store.query(
        "SELECT rp.person_id FROM record_person rp JOIN participations p ON p.record_id = rp.record_id "
        "JOIN interactions x ON x.id = p.interaction_id GROUP BY rp.person_id "
        "HAVING sum(x.channel = 'call') > 0 AND sum(x.channel = 'email') > 0 AND sum(x.channel = 'social') > 0 "
        "ORDER BY count(DISTINCT x.id) DESC LIMIT 1"
    )[0]
    person = int(row[0])
    records = store.get_records(store.person_record_ids([person])[person])
    phone = next(c.identifier.value for r in records for c in r.claimed if c.identifier.kind.value == "phone")
    return person, phone


def test_agent_finds_a_caller_typed_with_spaces_and_sees_every_channel(tab: Page, served: Served) -> None:
    person, phone = _multichannel_person(served.store)
    national = phone.removeprefix("+1")
    typed = f"{national[:3]} {national[3:6]} {national[6:]}"
    sign_in(tab, served.tokens[Role.AGENT])
    box = tab.get_by_label("Phone, email, name, handle or source id")
    box.fill(typed)
    with tab.expect_navigation():
        box.press("Enter")
    shot(tab, "s1-sample-search")
    if not tab.url.endswith(f"/persons/{person}"):  # one hit opens the profile; a shared line lists the persons
        first = tab.locator("ol.hits li a.hit-name").first
        expect(first).to_have_attribute("href", f"/persons/{person}")
        first.click()
    expect(tab).to_have_url(f"{served.url}/persons/{person}")
    timeline = tab.locator("section.timeline ol.items")
    tab.get_by_role("checkbox", name="Call").check()
    tab.get_by_role("checkbox", name="Email").check()
    tab.get_by_role("checkbox", name="Social post").check()
    tab.get_by_role("button", name="Filter").click()
    for channel in ("call", "email", "social"):
        expect(timeline.locator(f"li.ch-{channel}").first).to_be_visible()
    shot(tab, "s2-sample-profile")


def test_social_team_resolves_a_handle_from_the_sample(tab: Page, served: Served) -> None:
    person, _ = _multichannel_person(served.store)
    records = served.store.get_records(served.store.person_record_ids([person])[person])
    handle = next(c.identifier.value for r in records for c in r.claimed if c.identifier.kind.value == "handle")
    sign_in(tab, served.tokens[Role.SOCIAL])
    tab.get_by_label("Handle or profile URL").fill(f"https://x.com/{handle.split(':', 1)[1]}")
    tab.get_by_role("button", name="Who is it?").click()
    candidate = tab.locator("article.candidate").first
    expect(candidate.get_by_role("link", name="Open profile")).to_have_attribute("href", f"/persons/{person}")
    shot(tab, "s3-sample-whois")


def test_steward_rejects_a_merge_and_the_persons_stay_apart_after_resolve(tab: Page, served: Served) -> None:
    store = served.store
    pending = store.edges(statuses=[MatchStatus.REVIEW])
    assert pending, "the sample should propose merges for review"
    sign_in(tab, served.tokens[Role.STEWARD])
    tab.goto("/review")
    shot(tab, "s4-sample-queue")
    tab.get_by_role("link", name="Start with the first").click()
    expect(tab.get_by_role("heading", level=1)).to_contain_text("Same person?")
    left, right = (int(x) for x in tab.url.split("/review/")[1].split("?")[0].split("/"))
    shot(tab, "s5-sample-pair")
    tab.locator("body").press("d")
    expect(tab.get_by_role("button", name="Undo this (z)")).to_be_visible()
    verdicts = [j.verdict.value for j in store.judgements([left, right]) if {j.left, j.right} == {left, right}]
    assert verdicts == ["different"]
    edge = next((e for e in store.edges([left]) if {e.left, e.right} == {left, right}), None)
    score = edge.score if edge is not None else 1.0
    eager = served.settings.model_copy(deep=True)
    eager.matching.auto_link = max(eager.matching.review, min(score, eager.matching.auto_link) - 1e-6)
    resolve_all(store, eager)  # even with a threshold that would link this pair, the decision holds
    owners = store.assignments([left, right])
    assert owners[left] != owners[right]
