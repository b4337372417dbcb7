"""Tokens of the marketing role are made where every token is made: the command line and the admin page."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from identity_graph.cli.app import app
from identity_graph.service.auth import Role
from identity_graph.store import SQLiteStore, open_store
from tests.campaigns.web_client import WebClients


def test_the_command_line_makes_a_marketing_token(tmp_path: Path) -> None:
    made = CliRunner().invoke(app, ["--db", str(tmp_path / "t.db"), "token", "create", "--role", "marketing"])
    assert made.exit_code == 0, made.output
    with open_store(tmp_path / "t.db") as store:
        assert [t.role for t in store.list_tokens()] == ["marketing"]


@pytest.fixture
def web(store: SQLiteStore, tmp_path: Path) -> Iterator[WebClients]:
    """Signed-in clients over the test store."""
    w = WebClients(store, tmp_path / "test.db")
    yield w
    w.close()


def test_the_admin_page_offers_and_makes_a_marketing_token(web: WebClients) -> None:
    admin, csrf = web.signed_in(Role.ADMIN)
    assert '<option value="marketing">' in admin.get("/admin").text
    made = admin.post("/admin/tokens", data={"csrf": csrf, "role": "marketing", "name": "ann"})
    assert made.status_code == 200
    assert re.search(r"Token \d+ \(marketing\) created", made.text)
    assert [t.role for t in web.store.list_tokens() if t.name == "ann"] == ["marketing"]
