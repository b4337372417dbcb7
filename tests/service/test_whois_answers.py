"""Who-is answers one of four things, by rule, the same on the API, the page and in the terminal; a steward links
a likely customer with one button; the confidence on the page is the number in the evidence and on the edge."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

import identity_graph
from identity_graph.display import percent
from identity_graph.ingest_manifest import load_manifest
from identity_graph.model import Verdict
from identity_graph.resolve import resolve_all
from identity_graph.resolve.explain import explain_pair
from identity_graph.settings import Settings, load_settings
from identity_graph.store import SQLiteStore, open_store
from identity_graph.whois import LIKELY_FLOOR, WhoIsStatus, whois
from tests.service.conftest import bearer
from tests.service.social_world import ANONYMOUS, BOB_LINK, LINKED, STRANGER, UNLINKED, SocialWorld, add_social_accounts
from tests.service.test_web_pages import sign_in
from tests.service.world import World

SAMPLE = Path(identity_graph.__file__).parent / "sample"


@pytest.fixture
def social(wstore: SQLiteStore) -> SocialWorld:
    """The world with Bob's unlinked account, a stranger's and an anonymous one."""
    return add_social_accounts(wstore)


@pytest.mark.parametrize(
    ("handle", "status", "label"),
    [
        (LINKED, WhoIsStatus.KNOWN, "Known customer"),
        (UNLINKED, WhoIsStatus.LIKELY, "Likely customer — not yet linked"),
        (STRANGER, WhoIsStatus.NOT_CUSTOMER, "Not a customer"),
        (ANONYMOUS, WhoIsStatus.UNKNOWN, "Unknown"),
        ("@never_seen_here", WhoIsStatus.UNKNOWN, "Unknown"),
    ],
)
def test_each_handle_gets_its_answer(
    wstore: SQLiteStore, social: SocialWorld, handle: str, status: WhoIsStatus, label: str
) -> None:
    answer = whois(wstore, handle, Settings())
    assert (answer.status, answer.label) == (status, label)
    assert answer.reason  # every answer says why in a sentence


def test_known_names_the_customer_and_how_sure(wstore: SQLiteStore, social: SocialWorld, world: World) -> None:
    answer = whois(wstore, LINKED, Settings())
    assert [c.person_id for c in answer.candidates] == [world.ana]
    assert answer.candidates[0].name == "Ana Lima" and "Ana Lima" in answer.reason


def test_likely_offers_the_customer_with_the_edge_score_as_confidence(wstore: SQLiteStore, social: SocialWorld) -> None:
    answer = whois(wstore, UNLINKED, Settings())
    [bob] = answer.candidates
    assert bob.name == "Bob Stone" and bob.record_id == social.bob_crm and answer.account_id == social.bob_account
    assert bob.confidence == BOB_LINK  # the number stored on the match edge, not another scale
    assert bob.evidence == ["82%: Same name."]  # the page's number, in the evidence line too
    assert "82%" in answer.reason


def test_not_a_customer_and_unknown_say_what_they_looked_at(wstore: SQLiteStore, social: SocialWorld) -> None:
    stranger = whois(wstore, STRANGER, Settings())
    assert stranger.candidates == [] and "Zed Quill" in stranger.reason
    anonymous = whois(wstore, ANONYMOUS, Settings())
    assert anonymous.candidates == [] and "too little" in anonymous.reason
    never = whois(wstore, "@never_seen_here", Settings())
    assert "never seen" in never.reason


def test_api_and_page_give_the_same_answers(client: TestClient, social: SocialWorld, world: World) -> None:
    csrf = sign_in(client, world.tokens["social"])
    for handle in (LINKED, UNLINKED, STRANGER, ANONYMOUS):
        api = client.get("/api/v1/whois", params={"handle": handle}, headers=bearer(world.tokens["social"])).json()
        page = client.post("/whois", data={"handle": handle, "csrf": csrf}).text
        assert f'status-{api["status"]}">{api["label"]}<' in page
        for c in api["candidates"]:
            assert f"<strong>{percent(c['confidence'])}</strong>" in page
    assert "Link " not in page  # the social team sees no link button


def test_a_steward_links_a_likely_customer_and_it_is_known(
    client: TestClient, wstore: SQLiteStore, social: SocialWorld, world: World
) -> None:
    csrf = sign_in(client, world.tokens["steward"])
    page = client.post("/whois", data={"handle": UNLINKED, "csrf": csrf}).text
    assert re.search(r"<button type=\"submit\">Link x:bstone_nyc to Bob Stone</button>", page)
    linked = client.post(
        "/whois/link",
        data={"handle": UNLINKED, "account": social.bob_account, "record": social.bob_crm, "csrf": csrf},
    )
    assert linked.status_code == 200 and "Linked:" in linked.text and "Known customer" in linked.text
    [j] = wstore.judgements([social.bob_account])
    assert j.verdict is Verdict.SAME and {j.left, j.right} == {social.bob_account, social.bob_crm}
    owners = wstore.assignments([social.bob_account, social.bob_crm])
    assert owners[social.bob_account] == owners[social.bob_crm]
    assert any(e.action == "decision" for e in wstore.audit_entries())
    assert whois(wstore, UNLINKED, Settings()).status is WhoIsStatus.KNOWN


def test_the_social_team_cannot_link(client: TestClient, social: SocialWorld, world: World) -> None:
    csrf = sign_in(client, world.tokens["social"])
    form = {"handle": UNLINKED, "account": social.bob_account, "record": social.bob_crm, "csrf": csrf}
    refused = client.post("/whois/link", data=form)
    assert refused.status_code == 403 and "<h1>" in refused.text


def test_a_link_without_a_candidate_is_a_readable_error(client: TestClient, social: SocialWorld, world: World) -> None:
    csrf = sign_in(client, world.tokens["steward"])
    bad = client.post("/whois/link", data={"handle": UNLINKED, "account": social.bob_account, "csrf": csrf})
    assert bad.status_code == 422 and "choose a candidate to link" in bad.text


def test_a_blank_who_is_says_so(client: TestClient, world: World) -> None:
    csrf = sign_in(client, world.tokens["social"])
    blank = client.post("/whois", data={"handle": "   ", "csrf": csrf})
    assert blank.status_code == 422 and "Paste a handle" in blank.text


# -- on the bundled sample, resolved with its trained model


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[SQLiteStore, Settings]]:
    """The sample loaded and resolved (it has customers' accounts linked and not, strangers and anonymous ones)."""
    path = tmp_path_factory.mktemp("whois") / "sample.db"
    settings = load_settings(SAMPLE / "idgraph.toml", db=path)
    store = open_store(path)
    load_manifest(store, SAMPLE / "manifest.toml", settings)
    resolve_all(store, settings)
    yield store, settings
    store.close()


@pytest.mark.parametrize(
    ("handle", "status"),
    [
        ("@acastillo", WhoIsStatus.KNOWN),  # a customer whose CRM contact names the account
        ("@mthompson", WhoIsStatus.LIKELY),  # a customer the resolver has not linked: same name as the CRM
        ("@tea_night5", WhoIsStatus.NOT_CUSTOMER),  # a stranger with a full name (truth: S00008)
        ("@meimyers", WhoIsStatus.NOT_CUSTOMER),  # a stranger (truth: S00007)
        ("@retro_quiet79", WhoIsStatus.UNKNOWN),  # an anonymous customer: too little to say
    ],
)
def test_sample_answers(sample: tuple[SQLiteStore, Settings], handle: str, status: WhoIsStatus) -> None:
    store, settings = sample
    assert whois(store, handle, settings).status is status


def test_sample_candidates_are_scored_by_the_model_on_one_scale(sample: tuple[SQLiteStore, Settings]) -> None:
    store, settings = sample
    answer = whois(store, "@mthompson", settings)
    top = answer.candidates[0]
    assert top.name == "Maria Thompson" and top.confidence >= LIKELY_FLOOR
    assert answer.account_id is not None
    stored = [e for e in store.edges([answer.account_id]) if top.record_id in (e.left, e.right)]
    expected = stored[0].score if stored else explain_pair(store, answer.account_id, top.record_id, settings).score
    assert top.confidence == pytest.approx(expected)  # the edge's or the model's probability, nothing else
    assert top.evidence[0].startswith(f"{percent(top.confidence)}: ")
    assert "p=" not in " ".join(top.evidence)


def test_sample_candidates_say_what_speaks_against_them(sample: tuple[SQLiteStore, Settings]) -> None:
    store, settings = sample
    answer = whois(store, "@jackmoreno", settings)  # a stranger (truth: S00010) sharing a customer's last name
    assert answer.status is WhoIsStatus.LIKELY
    assert all("But a different first name (Jack / " in c.evidence[0] for c in answer.candidates)
