"""Why-linked in a sentence an agent reads on a live call, built from the stored evidence; the weights and record
ids one click further, for stewards and admins only."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from identity_graph.model import Evidence, IdentifierClaim, IdentifierKind, Judgement, RecordKind, StoredRecord, Verdict
from identity_graph.prepare import prepare_record
from identity_graph.profile import build_profile, why_linked
from identity_graph.settings import Settings
from identity_graph.store import SQLiteStore
from identity_graph.why_words import objections, plain_sentence
from tests.factories import T0, record
from tests.service.test_web_pages import sign_in
from tests.service.world import World


def _stored(rid: int, first: str, kind: RecordKind = RecordKind.CONTACT, phone_field: str = "phone") -> StoredRecord:
    """A stored record with a first name and a phone held in the given field."""
    raw = record(f"r{rid}", first, "Smith", kind=kind)
    claim = IdentifierClaim(kind=IdentifierKind.PHONE, raw="+1 415 555 0134", field=phone_field)
    prepared = prepare_record(raw.model_copy(update={"identifiers": (claim,)}), "US")
    return StoredRecord(**prepared.record.model_dump(), id=rid, claimed=prepared.identifiers)


def ev(comparison: str, level: str, weight: float) -> Evidence:
    """One piece of evidence (the detail is the engine's and is not read out)."""
    return Evidence(comparison=comparison, level=level, weight=weight, detail=f"{comparison} {level} p=0.9 record 7")


@pytest.mark.parametrize(
    ("evidence", "expected"),
    [
        ([ev("phone", "personal", 9.0), ev("first_name", "nickname", 2.0)],
         "Same mobile number as the CRM record; Bob is a nickname of Robert."),
        ([ev("first_name", "exact", 3.0), ev("last_name", "exact", 4.0)], "Same name."),
        ([ev("email", "mentioned", 2.5), ev("city", "exact", 1.0)],
         "Their email address is written in the CRM record; same city."),
        ([ev("phone", "household_named", 5.0)],
         "Same mobile number as the CRM record (a shared line) and the same name."),
        ([ev("dob", "else", -6.0), ev("last_name", "exact", 4.0)], "Same last name."),  # only what speaks for it
        ([ev("dob", "else", -6.0)], "No single detail matches the CRM record; the model's overall score."),
        ([ev("username", "name", 2.0), ev("street", "exact", 1.5), ev("postcode", "exact", 1.4),
          ev("dob", "exact", 7.0)],
         "Same date of birth; the handle spells their name; same street."),  # at most three, strongest first
    ],
)  # fmt: skip
def test_evidence_reads_as_a_sentence(evidence: list[Evidence], expected: str) -> None:
    mine = _stored(1, "Bob", RecordKind.CALL_PARTY)
    other = _stored(2, "Robert", phone_field="MobilePhone")
    assert plain_sentence(evidence, mine, other) == expected


def test_a_phone_field_not_named_mobile_is_a_phone_number() -> None:
    said = plain_sentence([ev("phone", "personal", 9.0)], _stored(1, "Bob"), _stored(2, "Bob", RecordKind.EMAIL_PARTY))
    assert said == "Same phone number as an email."


def test_an_edge_without_evidence_reads_its_explanation() -> None:
    said = plain_sentence([], _stored(1, "Bob"), _stored(2, "Bob"), "handle x:bobs matches")
    assert said == "Handle x:bobs matches."


def test_profile_why_has_no_probability_or_record_id(wstore: SQLiteStore, world: World) -> None:
    profile = build_profile(wstore, world.ana, Settings())
    for item in profile.timeline:
        assert "p=" not in item.why and not re.search(r"record \d", item.why)
    said = why_linked(wstore, world.ana_records, set(world.ana_records))
    assert said[world.ana_records[1]] == "Same phone number as the CRM record."
    assert why_linked(wstore, [world.carol_records[0]], {world.carol_records[0]}) == {
        world.carol_records[0]: "This is the person's only record."
    }


def test_a_stewards_decision_reads_as_one(wstore: SQLiteStore, world: World) -> None:
    left, right = world.carol_records
    wstore.add_judgement(Judgement(left=left, right=right, verdict=Verdict.SAME, by="steward#3", at=T0))
    said = why_linked(wstore, [left], {left, right})
    assert said[left] == "A data steward confirmed it is the same person as the CRM record."


def test_agents_see_the_sentence_and_stewards_the_weights_one_click_further(client: TestClient, world: World) -> None:
    url = f"/persons/{world.ana}/why/{world.ana_records[1]}"
    sign_in(client, world.tokens["agent"])
    agent = client.get(url).text
    assert "Same phone number as the CRM record." in agent
    assert "<details" not in agent and "weight" not in agent.lower() and "Record " not in agent
    client.cookies.clear()
    sign_in(client, world.tokens["steward"])
    steward = client.get(url).text
    assert '<details class="why-weights">' in steward and "confidence 99%" in steward and "+7.5" in steward


def test_what_speaks_against_a_pair_is_said_too() -> None:
    evidence = [ev("last_name", "exact", 1.7), ev("first_name", "else", -2.6), ev("city", "else", -3.6)]
    mine, other = _stored(1, "Jack"), _stored(2, "Andrea")
    assert plain_sentence(evidence, mine, other) == "Same last name."
    assert objections(evidence, mine, other) == "a different city; a different first name (Jack / Andrea)"
    assert objections([ev("dob", "exact", 7.0)], mine, other) == ""
