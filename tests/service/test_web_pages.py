"""The web pages over HTTP: sign-in, cookies, CSRF, escaping, security headers, no outside requests."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from identity_graph.store import SQLiteStore
from identity_graph.web.render import STATIC, TEMPLATES
from identity_graph.web.session import new_cookie
from tests.service.world import NASTY_NAME, NASTY_SUBJECT, World


def sign_in(client: TestClient, token: str) -> str:
    """Sign in through the form; returns the session's CSRF token."""
    nonce = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text)
    assert nonce is not None
    done = client.post("/login", data={"csrf": nonce.group(1), "token": token})
    assert done.status_code == 303 and done.headers["location"] == "/"
    found = re.search(r'name="csrf" value="([^"]+)"', client.get("/").text)
    assert found is not None
    return found.group(1)


def test_sign_in_sets_a_strict_httponly_cookie(client: TestClient, world: World) -> None:
    nonce = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text)
    assert nonce is not None
    done = client.post("/login", data={"csrf": nonce.group(1), "token": world.tokens["agent"]})
    cookie = next(v for k, v in done.headers.multi_items() if k == "set-cookie" and v.startswith("idg_session="))
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie.replace("Strict", "strict")
    assert world.tokens["agent"] not in cookie


@pytest.mark.parametrize("token", ["idg_wrong", "", "nonsense"])
def test_a_wrong_token_does_not_sign_in(client: TestClient, token: str) -> None:
    nonce = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text)
    assert nonce is not None
    done = client.post("/login", data={"csrf": nonce.group(1), "token": token})
    assert done.headers["location"] == "/login?failed=1"
    assert client.get("/").status_code == 303


def test_login_without_its_form_nonce_is_refused(client: TestClient, world: World) -> None:
    done = client.post("/login", data={"csrf": "forged", "token": world.tokens["agent"]})
    assert done.headers["location"] == "/login?failed=1"


def test_a_forged_session_cookie_is_refused(client: TestClient, world: World) -> None:
    client.cookies.set("idg_session", "1.9999999999.abcd.deadbeef")
    assert client.get("/").headers["location"] == "/login"


def test_posts_need_the_csrf_token(client: TestClient, world: World) -> None:
    csrf = sign_in(client, world.tokens["agent"])
    assert client.post("/search", data={"q": "Ana"}).status_code == 403
    assert client.post("/search", data={"q": "Ana", "csrf": "x" * 64}).status_code == 403
    assert client.post("/search", data={"q": "Ana", "csrf": csrf}).status_code == 303  # one Ana: her profile


def test_agent_search_and_profile(client: TestClient, world: World) -> None:
    csrf = sign_in(client, world.tokens["agent"])
    found = client.post("/search", data={"q": "415 555 0134", "csrf": csrf})
    assert found.status_code == 303 and found.headers["location"] == f"/persons/{world.ana}"  # one hit: the profile
    page = client.get(f"/persons/{world.ana}")
    assert page.status_code == 200
    for label in ("Call", "Email", "Social post", "Campaign"):
        assert f"<span>{label}</span>" in page.text
    assert "Spring offer" in page.text and "Recent campaign touches" in page.text
    filtered = client.get(f"/persons/{world.ana}", params={"channel": "call"})
    timeline = filtered.text.split('<section class="card timeline"')[1].split("</section>")[0]  # the header keeps
    assert "Asked about the invoice" in timeline and "Loving the new app" not in timeline  # the open matter
    why = client.get(f"/persons/{world.ana}/why/{world.ana_records[1]}")
    assert "Same phone number as the CRM record." in why.text and "+14155550134" not in why.text  # agents: no weights


def test_hostile_text_is_rendered_escaped(client: TestClient, world: World) -> None:
    sign_in(client, world.tokens["agent"])
    page = client.get(f"/persons/{world.nasty}").text
    assert NASTY_NAME not in page and "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in page
    assert "<b>bold</b>" not in page and "MATCH (n) DETACH DELETE n &lt;b&gt;bold&lt;/b&gt;" in page
    assert NASTY_SUBJECT.split(" <b>")[0] in page


def test_pages_carry_security_headers(client: TestClient, world: World) -> None:
    sign_in(client, world.tokens["agent"])
    headers = client.get(f"/persons/{world.ana}").headers
    assert "default-src 'self'" in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["cache-control"] == "no-store"


def test_sign_out_and_revocation_end_the_session(client: TestClient, world: World, wstore: SQLiteStore) -> None:
    csrf = sign_in(client, world.tokens["agent"])
    assert client.post("/logout", data={"csrf": csrf}).headers["location"] == "/login"
    assert client.get("/").status_code == 303
    sign_in(client, world.tokens["social"])
    assert client.get("/whois").status_code == 200
    social = next(t for t in wstore.list_tokens() if t.role == "social")
    wstore.revoke_token(social.id)
    assert client.get("/whois").headers["location"] == "/login"


def test_social_whois_page(client: TestClient, world: World) -> None:
    csrf = sign_in(client, world.tokens["social"])
    page = client.post("/whois", data={"handle": "https://x.com/analima", "csrf": csrf})
    assert page.status_code == 200 and f'href="/persons/{world.ana}"' in page.text and "<meter" in page.text


def test_steward_pages_decide_and_undo(client: TestClient, world: World) -> None:
    csrf = sign_in(client, world.tokens["steward"])
    left, right = sorted(world.carol_records)
    assert f"/review/{left}/{right}" in client.get("/review").text
    pair = client.get(f"/review/{left}/{right}")
    assert 'data-key="s"' in pair.text and "Denver" in pair.text and "Boston" in pair.text
    done = client.post(f"/review/{left}/{right}/decide", data={"verdict": "different", "csrf": csrf})
    assert done.status_code == 303 and done.headers["location"].startswith("/review?undo=")
    queue = client.get(done.headers["location"])
    assert "Nothing to review" in queue.text and "Undo" in queue.text
    jid = done.headers["location"].split("=")[1]
    back = client.post(f"/review/undo/{jid}", data={"csrf": csrf})
    assert back.headers["location"] == f"/review/{left}/{right}"
    graph = client.get(f"/persons/{world.ana}/graph")
    assert "<svg" in graph.text and 'role="checkbox"' in graph.text and graph.text.count('name="records"') == 4


def _outside_urls(text: str) -> list[str]:
    """URLs of resources a page would fetch from elsewhere (src, href, url(), @import, fetch)."""
    pattern = (
        r"""(?:src|href|action)\s*=\s*["'](?:https?:)?//|url\(\s*["']?(?:https?:)?//|@import|fetch\(\s*["']https?:"""
    )
    return re.findall(pattern, text)


@pytest.mark.parametrize("path", sorted([*TEMPLATES.iterdir(), *STATIC.iterdir()]), ids=lambda p: p.name)
def test_templates_and_static_files_load_nothing_from_outside(path: Path) -> None:
    assert _outside_urls(path.read_text(encoding="utf-8")) == []


def test_an_expired_session_goes_back_to_sign_in(client: TestClient, world: World, wstore: SQLiteStore) -> None:
    agent = next(t for t in wstore.list_tokens() if t.role == "agent")
    secret = client.app.state.session_secret  # type: ignore[attr-defined]
    client.cookies.set("idg_session", new_cookie(secret, agent.id, -1))
    assert client.get("/").headers["location"] == "/login"
    client.cookies.set("idg_session", new_cookie(secret, agent.id, 60))
    assert client.get("/").status_code == 200


def test_admin_page_creates_shows_once_revokes(client: TestClient, world: World, wstore: SQLiteStore) -> None:
    csrf = sign_in(client, world.tokens["admin"])
    page = client.get("/admin")
    assert "agent-user" in page.text and "web.login" in page.text
    made = client.post("/admin/tokens", data={"role": "social", "name": "desk-9", "csrf": csrf})
    secret = re.search(r'id="new-token"[^>]*value="(idg_[^"]+)"', made.text)
    assert secret is not None
    assert secret.group(1) not in client.get("/admin").text
    token = next(t for t in wstore.list_tokens() if t.name == "desk-9")
    done = client.post(f"/admin/tokens/{token.id}/revoke", data={"csrf": csrf})
    assert done.status_code == 303
    revoked = wstore.get_token(token.id)
    assert revoked is not None and revoked.revoked_at is not None
    assert client.post("/admin/tokens", data={"role": "root", "csrf": csrf}).status_code == 400


def test_changes_page_lists_the_feed(client: TestClient, world: World) -> None:
    sign_in(client, world.tokens["steward"])
    page = client.get("/changes")
    assert page.status_code == 200 and "person.created" in page.text and f'href="/persons/{world.ana}"' in page.text
