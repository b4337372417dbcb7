"""The campaign form names a problem's field as the form does ("Phone numbers printed in it"), not by the
registry's key (`phone_numbers`), over real HTTP on a real store."""

from __future__ import annotations

from collections.abc import Iterator
from html import unescape
from pathlib import Path

import pytest

from identity_graph.service.auth import Role
from identity_graph.store import SQLiteStore
from identity_graph.web.campaign_pages import worded
from tests.campaigns.test_registry_web import FORM
from tests.campaigns.web_client import WebClients


@pytest.fixture
def web(store: SQLiteStore, tmp_path: Path) -> Iterator[WebClients]:
    """Signed-in clients over the test store."""
    w = WebClients(store, tmp_path / "test.db")
    yield w
    w.close()


def test_problems_name_the_form_fields(web: WebClients) -> None:
    client, csrf = web.signed_in(Role.MARKETING)
    bad = FORM | {"phone_numbers": "call us", "dnis": "12", "campaign_id": "bad id!"}
    text = unescape(client.post("/campaigns", data={"csrf": csrf, **bad}).text)
    assert "Phone numbers printed in it: 'call us' is not a phone number" in text
    assert "Dialled numbers (DNIS): " in text and "Id: use letters, digits" in text
    assert "phone_numbers:" not in text and "campaign_id:" not in text and "dnis:" not in text


def test_a_taken_id_is_named_as_the_form_names_it(web: WebClients) -> None:
    client, csrf = web.signed_in(Role.MARKETING)
    client.post("/campaigns", data={"csrf": csrf, **FORM})
    again = unescape(client.post("/campaigns", data={"csrf": csrf, **FORM}).text)
    assert "Id: spring-mail is taken" in again


def test_worded_keeps_what_it_does_not_know() -> None:
    assert worded("guidance.faq.0.answer: too long") == "Guidance for agents: too long"
    assert worded("a campaign needs a start date") == "a campaign needs a start date"
    assert worded("mystery: x") == "mystery: x"


def test_the_campaign_page_writes_numbers_as_people_do(web: WebClients) -> None:
    marketing, csrf = web.signed_in(Role.MARKETING)
    marketing.post("/campaigns", data={"csrf": csrf, **FORM, "dnis": "+44 20 7946 0958"})
    agent, _ = web.signed_in(Role.AGENT)
    page = agent.get("/campaigns/spring-mail").text
    assert '<code title="+18005550199">(800) 555-0199</code>' in page  # home region (US): national format
    assert '<code title="+442079460958">+44 20 7946 0958</code>' in page  # another region: international
