"""The Neo4j store's pure helpers, with real model objects, checked against what the embedded store does.

No server is involved: a "node" here is the property map the store's statements write (`SET r += row.props`
plus the properties set alongside it), with null values dropped as Neo4j drops them.
"""

from __future__ import annotations

import inspect
import json
import re
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest

from identity_graph.errors import SchemaError
from identity_graph.model import (
    Channel,
    Evidence,
    IdentifierKind,
    Judgement,
    MatchEdge,
    MatchStatus,
    PostalAddress,
    Record,
    RecordKind,
    Role,
    Verdict,
)
from identity_graph.store import SQLiteStore
from identity_graph.store.neo4j import Neo4jStore, rows
from identity_graph.store.neo4j.erasure import pruned_reports, scrubbed_interaction
from identity_graph.store.neo4j.graph import event_rows
from identity_graph.store.neo4j.schema import APPLICATION, SCHEMA_VERSION, check_version
from identity_graph.store.protocol import GraphStore, NewEvent
from identity_graph.store.sqlite_service import terms_pattern
from tests.factories import T0, interaction, prepared, record


def _node(row: dict[str, Any], version: int = 1) -> dict[str, Any]:
    """The properties a CREATE_RECORDS / CREATE_INTERACTIONS row leaves on its node (nulls are not stored)."""
    props = {**row["props"], "id": row["id"], "source": row["source"], "source_id": row["source_id"]}
    props.update(content_hash=row["content_hash"], version=version, first_seen="t", changed_at="t", dirty=True)
    return {k: v for k, v in props.items() if v is not None}


def _rich_record() -> Record:
    """A record with every kind of field filled in."""
    return Record(
        source="crm",
        source_id="7",
        kind=RecordKind.CONTACT,
        first_name="José",
        middle_name="M",
        last_name="Núñez",
        dob=date(1980, 2, 29),
        address=PostalAddress(street="1 Main St", city="Springfield", postal_code="12345", country="US"),
        company="Acme",
        attributes={"tier": "gold"},
        created_at=datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC),
        updated_at=datetime(2025, 6, 1, tzinfo=timezone(timedelta(hours=2))),
        identifiers=record("x", phone="(415) 555-0134", email="Jose@Example.com", mentioned_phone="415 555 0199")
        .identifiers,
    )  # fmt: skip


# ---------------------------------------------------------------- records
def test_record_round_trip_equals_what_the_embedded_store_reads(store: SQLiteStore) -> None:
    p = prepared(_rich_record())
    store.upsert_batch([p])
    expected = store.find_record("crm", "7")
    assert expected is not None and len(expected.claimed) == 3
    row = rows.record_row(p, new_id=expected.id)
    node = _node(row)
    assert "full_name" not in node  # None values are left off the node
    got = rows.record_from_props(node, [*rows.claim_rows(p)[::-1], None])
    assert got == expected
    assert node["name"] == "José M Núñez"


def test_record_hash_is_the_embedded_store_hash(store: SQLiteStore) -> None:
    p = prepared(_rich_record())
    store.upsert_batch([p])
    stored = store.query("SELECT content_hash FROM records WHERE source_id = '7'")[0]["content_hash"]
    assert rows.record_row(p)["content_hash"] == stored
    changed = prepared(record("7", "José", "Núñez"))
    assert rows.record_row(changed)["content_hash"] != stored


def test_record_version_data_means_what_the_embedded_store_keeps(store: SQLiteStore) -> None:
    p = prepared(_rich_record())
    store.upsert_batch([p])
    before = store.find_record("crm", "7")
    assert before is not None
    store.upsert_batch([prepared(record("7", "José", "Núñez"))])
    kept = json.loads(store.query("SELECT data FROM item_versions WHERE item_id = ?", (before.id,))[0]["data"])
    ours = json.loads(rows.record_version_data(before))
    key = lambda i: (i["field"], i["kind"], i["value"])  # noqa: E731
    kept["identifiers"] = sorted(kept["identifiers"], key=key)
    ours["identifiers"] = sorted(ours["identifiers"], key=key)
    assert ours == kept


def test_claim_rows_carry_every_normalized_identifier() -> None:
    p = prepared(record("1", "Bob", "Smith", phone="(415) 555-0134", email="Bob.Smith@gmail.com"))
    claims = rows.claim_rows(p)
    assert {(c["kind"], c["value"]) for c in claims} == {
        (c.identifier.kind.value, c.identifier.value) for c in p.identifiers
    }
    assert all(c["source"] == "crm" and c["source_id"] == "1" and c["strength"] == "declared" for c in claims)


# ---------------------------------------------------------------- interactions
def test_interaction_round_trip_equals_what_the_embedded_store_reads(store: SQLiteStore) -> None:
    bob = record("1", "Bob", "Smith")
    act = interaction("m1", bob, channel=Channel.EMAIL, subject="Re: order", at=T0)
    store.upsert_batch([prepared(bob)], [act])
    expected = store.get_interaction(1)
    node = _node(rows.interaction_row(act, new_id=1))
    assert rows.interaction_from_props(node) == expected
    assert rows.participant_rows(act) == [
        {"source": "crm", "source_id": "m1", "record_source": "crm", "record_source_id": "1", "role": "caller"}
    ]
    stored_hash = store.query("SELECT content_hash FROM interactions WHERE id = 1")[0]["content_hash"]
    assert rows.interaction_row(act)["content_hash"] == stored_hash


def test_interaction_version_data_means_what_the_embedded_store_keeps(store: SQLiteStore) -> None:
    bob = record("1", "Bob", "Smith")
    act = interaction("m1", bob, channel=Channel.EMAIL, subject="first", at=T0)
    store.upsert_batch([prepared(bob)], [act])
    node = _node(rows.interaction_row(act, new_id=1))
    store.upsert_batch([], [interaction("m1", bob, channel=Channel.EMAIL, subject="second", at=T0)])
    kept = store.query("SELECT data FROM item_versions WHERE item_kind = 'interaction'")[0]["data"]
    assert json.loads(rows.interaction_version_data(node)) == json.loads(kept)


def test_epoch_microseconds_order_instants_not_text() -> None:
    utc = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
    later_in_new_york = datetime(2026, 1, 1, 11, 30, tzinfo=timezone(timedelta(hours=-5)))  # 16:30 UTC
    assert later_in_new_york.isoformat() < utc.isoformat()  # text order says earlier ...
    assert rows.epoch_us(later_in_new_york) > rows.epoch_us(utc)  # ... the instant is later
    assert rows.epoch_us(datetime(1970, 1, 1, 0, 0, 1, 5, tzinfo=UTC)) == 1_000_005
    assert rows.epoch_us(datetime(2026, 1, 1, 12, 0)) == rows.epoch_us(utc)  # naive taken as UTC


def test_timeline_item_from_a_row() -> None:
    row = {
        "id": 3, "source": "calls", "source_id": "c1", "channel": "call", "occurred_at": T0.isoformat(),
        "occurred_us": rows.epoch_us(T0), "direction": "inbound", "subject": None, "summary": "hi",
        "role": "caller", "record_id": 2,
    }  # fmt: skip
    item = rows.timeline_item(row)
    assert (item.interaction_id, item.channel, item.role, item.record_id) == (3, Channel.CALL, Role.CALLER, 2)
    assert item.occurred_at == T0 and item.summary == "hi"


@pytest.mark.parametrize(
    ("parties", "person"),
    [
        ([], None),
        ([[None, None, None]], None),
        ([["caller", 5, None]], None),
        ([["mentioned", 1, 10], ["recipient", 9, 20]], 20),
        ([["recipient", 9, 20], ["sender", 4, 30]], 30),
        ([["mentioned", 2, 10], ["mentioned", 1, 11]], 11),
    ],
)
def test_export_person_is_the_first_customer_party_with_a_person(parties: list[list[Any]], person: int | None) -> None:
    assert rows.export_person(parties) == person


# ---------------------------------------------------------------- edges, judgements, events
def test_edge_round_trip() -> None:
    ev = (Evidence(comparison="phone", level="exact", weight=9.5, detail="phone matches"),)
    edge = MatchEdge(left=1, right=2, score=0.99, weight=12.0, status=MatchStatus.AUTO, evidence=ev, explanation="x")
    row = rows.edge_row(edge)
    assert isinstance(row["evidence"], str)
    assert rows.edge_from_row(row) == edge


def test_judgement_from_a_row() -> None:
    row = {
        "id": 4, "left": 1, "right": 2, "verdict": "different", "judged_by": "ann", "at": T0.isoformat(),
        "reason": None, "superseded_at": (T0 + timedelta(minutes=1)).isoformat(),
    }  # fmt: skip
    j = rows.judgement_from_row(row)
    assert j == Judgement(
        id=4, left=1, right=2, verdict=Verdict.DIFFERENT, by="ann", at=T0, superseded_at=T0 + timedelta(minutes=1)
    )


def test_event_rows_pair_events_with_new_ids() -> None:
    events = [NewEvent("person.created", 1, "resolve"), NewEvent("record.attached", 1, "resolve", record_id=5)]
    out = event_rows(events, [7, 8])
    assert [(r["id"], r["type"], r["record_id"]) for r in out] == [
        (7, "person.created", None),
        (8, "record.attached", 5),
    ]
    with pytest.raises(ValueError):
        event_rows(events, [7])


# ---------------------------------------------------------------- name search
@pytest.mark.parametrize(
    ("text", "query"),
    [
        ("jose nun", (["jose"], "nun")),
        ("José Núñez", (["jose"], "nunez")),
        ("O'Brien", (["o"], "brien")),
        ("  SMITH ", ([], "smith")),
        ("ÅSA-Öberg", (["asa"], "oberg")),
        ("ann ann lee", (["ann"], "lee")),
        ("", None),
        ("--", None),
    ],
)
def test_name_query_folds_accents_and_requires_every_word(text: str, query: tuple[list[str], str] | None) -> None:
    assert rows.name_query(text) == query


def test_name_query_never_carries_syntax_from_the_input() -> None:
    query = rows.name_query('bob" OR name:* AND (x) \\ ~2 ^3')
    assert query is not None
    words, prefix = query
    assert all(re.fullmatch(r"\w+", w) for w in [*words, prefix])


def test_name_words_are_the_distinct_folded_words_of_a_name() -> None:
    assert rows.name_words("José  Núñez-NÚÑEZ") == ["jose", "nunez"]
    assert rows.name_words(None) == [] and rows.name_words("") == []
    assert rows.name_word_rows("crm", "1", "Ann Lee") == [
        {"source": "crm", "source_id": "1", "word": "ann"},
        {"source": "crm", "source_id": "1", "word": "lee"},
    ]


# ---------------------------------------------------------------- erasure helpers
def test_scrubbed_interaction_replaces_terms_and_keeps_attributes_json() -> None:
    pattern = terms_pattern(["Bob Smith", "+14155550134"])
    row = {
        "id": 9, "subject": "Call from BOB SMITH", "summary": None, "thread_key": "t1",
        "attributes": json.dumps({"from": "+14155550134"}),
    }  # fmt: skip
    out = scrubbed_interaction(row, pattern)
    assert out is not None and out["id"] == 9
    assert out["subject"] == "Call from [erased]" and out["summary"] is None and out["thread_key"] == "t1"
    assert json.loads(out["attributes"]) == {"from": "[erased]"}
    assert scrubbed_interaction({**row, "subject": "x", "attributes": "{}"}, pattern) is None
    assert scrubbed_interaction(row, None) is None


def test_pruned_reports_drop_those_left_with_one_record() -> None:
    update, drop = pruned_reports([{"id": 1, "record_ids": [1, 2, 3]}, {"id": 2, "record_ids": [2, 4]}], {2})
    assert update == [{"id": 1, "record_ids": [1, 3]}] and drop == [2]


# ---------------------------------------------------------------- schema and protocol
def test_schema_check_refuses_foreign_or_newer_databases() -> None:
    check_version(None, None, has_nodes=False)
    check_version(APPLICATION, str(SCHEMA_VERSION), has_nodes=True)
    with pytest.raises(SchemaError, match="not an identity-graph store"):
        check_version(None, None, has_nodes=True)
    with pytest.raises(SchemaError, match="not an identity-graph store"):
        check_version("something-else", "1", has_nodes=True)
    with pytest.raises(SchemaError, match="newer"):
        check_version(APPLICATION, str(SCHEMA_VERSION + 1), has_nodes=True)


def _protocol_members() -> list[str]:
    """Every method the GraphStore protocol declares."""
    return [n for n, v in vars(GraphStore).items() if inspect.isfunction(v) and not n.startswith("_")]


@pytest.mark.parametrize("name", _protocol_members())
def test_neo4j_store_has_every_protocol_method_with_its_signature(name: str) -> None:
    theirs = inspect.signature(getattr(GraphStore, name))
    ours = inspect.signature(getattr(Neo4jStore, name))
    assert [(p.name, p.kind, p.default) for p in ours.parameters.values()] == [
        (p.name, p.kind, p.default) for p in theirs.parameters.values()
    ]


def test_identifier_kinds_are_stored_by_value() -> None:
    p = prepared(record("1", handle="@TDefren"))
    assert {c["kind"] for c in rows.claim_rows(p)} <= {k.value for k in IdentifierKind}
