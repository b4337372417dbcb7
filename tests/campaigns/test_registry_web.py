"""The registry's pages: marketing fills the form, agents read the guidance, nobody else edits."""

from __future__ import annotations

from collections.abc import Iterator
from html import unescape
from pathlib import Path

import pytest

from identity_graph.service.auth import Role
from identity_graph.store import SQLiteStore
from tests.campaigns.touch_world import build_touch_world
from tests.campaigns.web_client import WebClients

FORM = {
    "new": "1",
    "campaign_id": "spring-mail",
    "name": "Spring rate review",
    "channel": "email",
    "owner": "Retail marketing",
    "starts_at": "2026-03-01T09:00",
    "ends_at": "2026-03-31T18:00",
    "sending_domains": "News.AcmeBank-Offers.com\nmc.sendgrid.net",
    "sender_addresses": "Offers@News.AcmeBank-Offers.com",
    "phone_numbers": "(800) 555-0199",
    "subjects": "Your spring rate review is ready",
    "offer_is": "A real rate review from our new domain.",
    "offer_is_not": "It never asks for a PIN.",
    "script": "Yes, that email is ours.",
    "faq_question": ["Is acmebank-offers.com you?", ""],
    "faq_answer": ["Yes, since March.", ""],
}


@pytest.fixture
def web(store: SQLiteStore, tmp_path: Path) -> Iterator[WebClients]:
    """Signed-in clients over the test store."""
    w = WebClients(store, tmp_path / "test.db")
    yield w
    w.close()


def test_marketing_registers_a_campaign_with_the_form(web: WebClients) -> None:
    client, csrf = web.signed_in(Role.MARKETING)
    assert "Register a campaign" in client.get("/campaigns").text
    assert client.get("/campaigns/new").status_code == 200
    done = client.post("/campaigns", data={"csrf": csrf, **FORM})
    assert done.status_code == 303 and done.headers["location"] == "/campaigns/spring-mail"
    saved = web.store.campaign("spring-mail")
    assert saved is not None
    assert saved.sending_domains == ("acmebank-offers.com", "sendgrid.net")
    assert saved.phone_numbers == ("+18005550199",)
    faq = [(f.question, f.answer) for f in saved.guidance.faq]
    assert faq == [("Is acmebank-offers.com you?", "Yes, since March.")]
    assert saved.registered_from == "web:marketing-web"
    (entry,) = web.store.audit_entries(target="campaign:spring-mail")
    assert (entry.actor, entry.action) == (web.actor(Role.MARKETING), "campaign.save")


def test_an_agent_reads_the_campaign_and_its_guidance_at_once(web: WebClients) -> None:
    marketing, csrf = web.signed_in(Role.MARKETING)
    marketing.post("/campaigns", data={"csrf": csrf, **FORM})
    agent, _ = web.signed_in(Role.AGENT)
    home = agent.get("/").text
    assert 'href="/campaigns"' in home  # the Campaigns link
    listed = agent.get("/campaigns").text
    assert "Spring rate review" in listed and "Register a campaign" not in listed
    page = unescape(agent.get("/campaigns/spring-mail").text)
    assert "It never asks for a PIN." in page and "acmebank-offers.com" in page and "Change it" not in page


def test_a_bad_form_comes_back_with_sentences_and_what_was_typed(web: WebClients) -> None:
    client, csrf = web.signed_in(Role.MARKETING)
    bad = FORM | {"phone_numbers": "12", "sending_domains": "localhost", "starts_at": ""}
    answer = client.post("/campaigns", data={"csrf": csrf, **bad})
    assert answer.status_code == 422
    text = unescape(answer.text)
    assert "Please check" in text and "'12' is not a possible phone number" in text
    assert "a campaign needs a start date" in text and "'localhost' has no registrable domain" in text
    assert "It never asks for a PIN." in text  # kept, not lost
    assert web.store.campaigns() == []


def test_a_new_campaign_cannot_take_an_existing_id(web: WebClients) -> None:
    client, csrf = web.signed_in(Role.MARKETING)
    client.post("/campaigns", data={"csrf": csrf, **FORM})
    again = client.post("/campaigns", data={"csrf": csrf, **FORM, "name": "Another"})
    assert again.status_code == 409 and "is taken" in again.text
    edited = client.post("/campaigns", data={"csrf": csrf, **FORM, "new": "0", "name": "Renamed"})
    assert edited.status_code == 303
    saved = web.store.campaign("spring-mail")
    assert saved is not None and saved.name == "Renamed"
    form = client.get("/campaigns/spring-mail/edit").text
    assert "Renamed" in form and "acmebank-offers.com\nsendgrid.net" in form


@pytest.mark.parametrize("role", [Role.AGENT, Role.SOCIAL, Role.STEWARD])
def test_other_roles_cannot_edit(web: WebClients, role: Role) -> None:
    marketing, csrf = web.signed_in(Role.MARKETING)
    marketing.post("/campaigns", data={"csrf": csrf, **FORM})
    client, own_csrf = web.signed_in(role)
    assert client.get("/campaigns/new").status_code == 403
    assert client.get("/campaigns/spring-mail/edit").status_code == 403
    assert client.post("/campaigns", data={"csrf": own_csrf, **FORM, "new": "0", "name": "X"}).status_code == 403
    assert client.post("/campaigns/spring-mail/delete", data={"csrf": own_csrf}).status_code == 403
    saved = web.store.campaign("spring-mail")
    assert saved is not None and saved.name == FORM["name"]


def test_marketing_removes_a_campaign_and_reads_no_profile(web: WebClients) -> None:
    world = build_touch_world(web.store, register=False)
    client, csrf = web.signed_in(Role.MARKETING)
    client.post("/campaigns", data={"csrf": csrf, **FORM})
    gone = client.post("/campaigns/spring-mail/delete", data={"csrf": csrf})
    assert gone.status_code == 303 and web.store.campaign("spring-mail") is None
    assert client.get(f"/persons/{world.person}").status_code == 403
    assert client.get("/campaigns/spring-mail").status_code == 404


def test_marketing_starts_from_a_campaigns_tile(web: WebClients) -> None:
    client, _ = web.signed_in(Role.MARKETING)
    home = client.get("/").text
    assert 'href="/campaigns/new"' in home and "Find a customer" not in home
    agent, _ = web.signed_in(Role.AGENT)
    assert 'href="/campaigns/new"' not in agent.get("/").text
