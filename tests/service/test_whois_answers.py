"""Who-is answers one of four things, by rule, the same on the API, the page and in the terminal; a steward links
a likely customer with one button; the confidence on the page is the number in the evidence and on the API: the
edge's (or the model's) probability, capped by the kind of evidence (a name alone is at most 60 %)."""

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
from identity_graph.whois_evidence import CAPS, NAME_ONLY_CAP, Basis
from tests.service.conftest import bearer
from tests.service.social_world import (
    ANONYMOUS,
    BOB_LINK,
    LINKED,
    NAMESAKE,
    STRANGER,
    UNLINKED,
    SocialWorld,
    add_social_accounts,
)
from tests.service.test_web_pages import sign_in
from tests.service.world import World

SAMPLE = Path(identity_graph.__file__).parent / "sample"


def assert_one_number(confidence: float, evidence: list[str]) -> None:
    """The candidate's confidence is the one number its evidence gives: every line that carries a number carries
    that one (a known customer's weaker link follows as "Also: …", with no number of its own)."""
    shown = percent(confidence)
    numbers = [int(n) for line in evidence for n in re.findall(r"(\d+)%", line.split(". ")[0])]
    assert numbers and set(numbers) == {int(shown.rstrip("%"))}, (shown, evidence)
    assert shown in " ".join(evidence)


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
        (NAMESAKE, WhoIsStatus.UNKNOWN, "Unknown"),  # shares Bob's name, nothing else: it may be him
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
    assert bob.basis is Basis.NAME_AND_PLACE and CAPS[Basis.NAME_AND_PLACE] > BOB_LINK  # under its cap: as is
    assert bob.evidence == ["82%: Same name; same city."]  # the page's number, in the evidence line too
    assert "82%" in answer.reason


def test_a_name_alone_is_capped_and_never_likely(wstore: SQLiteStore, social: SocialWorld, world: World) -> None:
    answer = whois(wstore, NAMESAKE, Settings())  # the model scored the pair 97 % on the name alone
    [bob] = answer.candidates
    assert (bob.person_id, bob.basis, bob.confidence) == (world.bob, Basis.NAME, NAME_ONLY_CAP)
    assert answer.status is WhoIsStatus.UNKNOWN and bob.confidence < LIKELY_FLOOR
    assert bob.evidence == ["60%: Same name. Only the name matches, and many people share a name: at most 60%."]
    assert answer.reason.startswith("It may be Bob Stone (60%), but only the name matches")
    assert answer.account_id == social.namesake


def test_a_known_link_on_a_name_alone_is_capped_and_says_so(wstore: SQLiteStore, world: World) -> None:
    from identity_graph.model import Evidence, MatchEdge, MatchStatus, RecordKind
    from identity_graph.persons import apply_clustering
    from tests.factories import prepared, record

    acct = record("x-6", full_name="Carol Diaz", source="x", kind=RecordKind.SOCIAL_ACCOUNT, handle="x:caroldiaz")
    wstore.upsert_batch([prepared(acct)], [])
    found = wstore.find_record("x", "x-6")
    assert found is not None
    carol = world.carol_records[0]
    names = (
        Evidence(comparison="first_name", level="exact", weight=3.5, detail="first name Carol matches"),
        Evidence(comparison="last_name", level="exact", weight=4.0, detail="last name Diaz matches"),
    )
    left, right = sorted((carol, found.id))
    edge = MatchEdge(left=left, right=right, score=0.97, weight=5.0, status=MatchStatus.AUTO, evidence=names)
    wstore.replace_edges([edge], record_ids=[left, right])
    apply_clustering(wstore, [[carol, found.id]], "test")  # the resolver linked it on the name alone
    answer = whois(wstore, "@caroldiaz", Settings())
    [c] = answer.candidates
    assert answer.status is WhoIsStatus.KNOWN and (c.confidence, c.basis) == (NAME_ONLY_CAP, Basis.NAME)
    assert c.evidence == ["Linked at 60%: Same name. Only the name matches, and many people share a name: at most 60%."]
    assert answer.reason.endswith("(60%). The link rests on little; a steward may want to confirm it.")


def test_not_a_customer_and_unknown_say_what_they_looked_at(wstore: SQLiteStore, social: SocialWorld) -> None:
    stranger = whois(wstore, STRANGER, Settings())
    assert stranger.candidates == [] and "Zed Quill" in stranger.reason
    anonymous = whois(wstore, ANONYMOUS, Settings())
    assert anonymous.candidates == [] and "too little" in anonymous.reason
    never = whois(wstore, "@never_seen_here", Settings())
    assert "never seen" in never.reason


def test_api_and_page_give_the_same_answers(client: TestClient, social: SocialWorld, world: World) -> None:
    csrf = sign_in(client, world.tokens["social"])
    for handle in (LINKED, UNLINKED, STRANGER, NAMESAKE, ANONYMOUS):
        api = client.get("/api/v1/whois", params={"handle": handle}, headers=bearer(world.tokens["social"])).json()
        page = client.post("/whois", data={"handle": handle, "csrf": csrf}).text
        assert f'status-{api["status"]}">{api["label"]}<' in page
        for c in api["candidates"]:
            assert f"<strong>{percent(c['confidence'])}</strong>" in page
            assert_one_number(c["confidence"], c["evidence"])
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


def test_a_steward_may_link_a_possible_namesake_after_checking(
    client: TestClient, social: SocialWorld, world: World
) -> None:
    csrf = sign_in(client, world.tokens["steward"])
    page = client.post("/whois", data={"handle": NAMESAKE, "csrf": csrf}).text
    assert 'status-unknown">Unknown<' in page and "It may be Bob Stone (60%)" in page
    assert "<strong>60%</strong>" in page and "Link x:bob_stone_art to Bob Stone</button>" in page


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
        ("@vazquezwill", WhoIsStatus.LIKELY),  # `Will ✈️` in St. Louis: the handle spells Will Vazquez, same city
        ("@williamsseba", WhoIsStatus.LIKELY),  # Sebastián Williams, same name and state
        ("@mthompson", WhoIsStatus.UNKNOWN),  # a customer not linked, but the name is all that matches: "it may be"
        ("@andrew_moren", WhoIsStatus.UNKNOWN),  # a stranger sharing a customer's name (truth: S00005): the same
        ("@jackmoreno", WhoIsStatus.NOT_CUSTOMER),  # a stranger sharing only a last name (truth: S00010)
        ("@tea_night5", WhoIsStatus.NOT_CUSTOMER),  # a stranger with a full name (truth: S00008)
        ("@meimyers", WhoIsStatus.NOT_CUSTOMER),  # a stranger (truth: S00007)
        ("@hikersunny26", WhoIsStatus.UNKNOWN),  # `just browsing` is no name: too little to say
        ("@retro_quiet79", WhoIsStatus.UNKNOWN),  # an anonymous customer: too little to say
    ],
)
def test_sample_answers(sample: tuple[SQLiteStore, Settings], handle: str, status: WhoIsStatus) -> None:
    store, settings = sample
    assert whois(store, handle, settings).status is status


def test_sample_confidence_is_the_model_probability_capped_by_the_evidence(
    sample: tuple[SQLiteStore, Settings],
) -> None:
    store, settings = sample
    for handle, basis in (("@vazquezwill", Basis.NAME_AND_PLACE), ("@mthompson", Basis.NAME)):
        answer = whois(store, handle, settings)
        top = answer.candidates[0]
        assert top.basis is basis and answer.account_id is not None
        stored = [e for e in store.edges([answer.account_id]) if top.record_id in (e.left, e.right)]
        model = stored[0].score if stored else explain_pair(store, answer.account_id, top.record_id, settings).score
        assert top.confidence == pytest.approx(min(model, CAPS[basis]))  # the model's probability, capped
        assert top.evidence[0].startswith(f"{percent(top.confidence)}: ")
        assert "p=" not in " ".join(top.evidence)
    assert whois(store, "@vazquezwill", settings).candidates[0].name == "Will Vazquez"


def test_sample_namesakes_are_possible_and_say_what_speaks_against_them(sample: tuple[SQLiteStore, Settings]) -> None:
    store, settings = sample
    answer = whois(store, "@andrew_moren", settings)  # the model gave the customer Andrew Moreno 99 %
    assert answer.candidates and all(c.confidence <= NAME_ONLY_CAP for c in answer.candidates)
    assert answer.reason.startswith("It may be ") and "a name alone does not tell" in answer.reason
    assert any("But a different city." in c.evidence[0] for c in answer.candidates)
    assert answer.candidates[0].name == "Andrew Moreno"  # equal caps: the model's own score orders them
