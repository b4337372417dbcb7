"""A look-alike verdict never hands the agent the real campaign's script ("yes, that mail is ours"): the page and
the CLI say what to tell a caller holding a possible phishing mail instead. Real SQLite, real HTTP, real CLI."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from identity_graph.campaigns.model import Guidance
from identity_graph.campaigns.verify import LOOKALIKE_SCRIPT
from identity_graph.cli.main import app as cli_app
from identity_graph.service import create_app
from identity_graph.service.auth import Role, create_token
from identity_graph.settings import Settings
from identity_graph.store import open_store
from tests.campaigns.test_verify import registry
from tests.service.test_web_pages import sign_in

#: The real campaign's script, which confirms the mail is ours.
REAL_SCRIPT = "Yes, that mail is ours: it comes from bank-offers.com."


def _store_with_script(path: Path) -> None:
    """The test registry with Spring savings live today and carrying a script."""
    store = open_store(path)
    today = datetime.now(UTC)
    for campaign in registry():
        if campaign.campaign_id == "spring":
            guidance = Guidance(offer_is=campaign.guidance.offer_is, script=REAL_SCRIPT)
            campaign = campaign.model_copy(
                update={"starts_at": today - timedelta(days=3), "ends_at": today + timedelta(days=30),
                        "guidance": guidance}
            )  # fmt: skip
        store.save_campaign(campaign, "test")
        if campaign.campaign_id == "spring":  # a second campaign sending from the same domain
            autumn = campaign.model_copy(update={"campaign_id": "autumn", "name": "Autumn savings"})
            store.save_campaign(autumn, "test")
    store.close()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """A store with the registry."""
    path = tmp_path / "v.db"
    _store_with_script(path)
    return path


def _page(db: Path, text: str) -> str:
    """The /verify page's answer to `text`, whitespace collapsed, as a signed-in agent."""
    store = open_store(db)
    secret, _ = create_token(store, Role.AGENT, "agent-lookalike")
    try:
        with TestClient(create_app(Settings(db=db), store=store), follow_redirects=False) as client:
            csrf = sign_in(client, secret)
            done = client.post("/verify", data={"csrf": csrf, "text": text})
            assert done.status_code == 200
            return re.sub(r"\s+", " ", done.text)
    finally:
        store.close()


def test_the_page_replaces_the_script_on_a_lookalike(db: Path) -> None:
    page = _page(db, "bank-0ffers.com")
    assert "possible phishing" in page
    assert REAL_SCRIPT not in page
    assert "Say instead:" in page and "That message is not from us" in page
    assert "It also imitates " in page and "It also matches" not in page


def test_the_page_keeps_the_script_when_it_is_ours(db: Path) -> None:
    page = _page(db, "bank-offers.com")
    assert "Ours, and live" in page and REAL_SCRIPT in page and "Say instead:" not in page
    assert "It also matches " in page


def test_the_cli_replaces_the_script_on_a_lookalike(db: Path) -> None:
    runner = CliRunner()
    phish = runner.invoke(cli_app, ["--db", str(db), "campaigns", "verify", "bank-0ffers.com"])
    assert phish.exit_code == 0, phish.output
    out = " ".join(phish.stdout.split())
    assert REAL_SCRIPT not in out and f"Say instead: {LOOKALIKE_SCRIPT}" in out
    ours = runner.invoke(cli_app, ["--db", str(db), "campaigns", "verify", "bank-offers.com"])
    assert REAL_SCRIPT in " ".join(ours.stdout.split())
