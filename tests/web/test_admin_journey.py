"""The admin's journey in a real Chromium: a resolve run at the command line shows in the audit log, with the
token names of the people who acted; the log filters by what and who, and revoking one's own token asks first."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from typer.testing import CliRunner

from identity_graph.cli.main import app
from tests.web.conftest import Live, shot, sign_in

pytestmark = pytest.mark.browser


def test_admin_sees_a_resolve_and_token_names_in_the_audit_log(page: Page, live: Live) -> None:
    steward = next(t for t in live.store.list_tokens() if t.name == "steward-user")
    sign_in(page, live.world.tokens["steward"])
    left, right = live.world.carol_records
    page.goto(f"/review/{left}/{right}")  # a read the log names the steward's token for
    result = CliRunner().invoke(app, ["--db", str(live.settings.db), "resolve"])
    assert result.exit_code == 0, result.output
    page.context.clear_cookies()
    sign_in(page, live.world.tokens["admin"])
    page.goto("/admin")
    log = page.locator("table.audit")
    expect(log).to_contain_text("resolve")
    expect(log).to_contain_text("at the command line")
    expect(log).to_contain_text(f"steward-user (token {steward.id})")
    expect(log).not_to_contain_text(f"token:{steward.id}")
    shot(page, "16b-06-admin-audit-log")
    page.get_by_label("What (e.g. resolve, decision.)").fill("resolve")
    page.get_by_role("button", name="Filter").click()
    expect(log.locator("tbody tr")).to_have_count(1)
    expect(log).to_contain_text("mode=full records=8")
    shot(page, "16b-07-admin-audit-filtered")
    page.get_by_label("What (e.g. resolve, decision.)").fill("")
    page.get_by_label("Who (token name or id)").fill("steward-user")
    page.get_by_role("button", name="Filter").click()
    expect(log).to_contain_text("pair.read")
    expect(log).not_to_contain_text("resolve")
    me = next(t for t in live.store.list_tokens() if t.name == "admin-user")
    page.goto("/admin")
    page.get_by_role("button", name=f"Revoke token {me.id} (yours: asks first)").click()
    expect(page.get_by_role("alert")).to_contain_text("Revoke the token you are signed in with?")
    shot(page, "16b-08-admin-revoke-own-asks")
    page.get_by_role("link", name="No, keep it").click()
    token = live.store.get_token(me.id)
    assert token is not None and token.revoked_at is None
