"""The store's one-encoder JSON writes the same text as `to_json`: content hashes and stored evidence unchanged."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from identity_graph.model import Evidence, MatchEdge, MatchStatus
from identity_graph.store import SQLiteStore
from identity_graph.store.sqlite_base import to_json
from identity_graph.store.sqlite_graph import _entry_json, _evidence_json, _evidence_texts
from identity_graph.store.sqlite_ingest import _json, content_hash
from tests.factories import prepared, record

VALUES = [
    {"b": 1, "a": [1.5, None, True], "é": "ü"},
    [{"z": date(2020, 1, 2)}, "x"],
    {},
    {"nested": {"k": {"j": 3}}, "text": 'quote " and \\ backslash'},
]


def test_encoders_write_what_to_json_writes() -> None:
    for value in VALUES:
        assert _json(value) == to_json(value)
        assert _evidence_json(value) == to_json(value)


def test_content_hash_is_the_hash_of_to_json() -> None:
    import hashlib

    for value in VALUES:
        assert content_hash(value) == hashlib.blake2b(to_json(value).encode(), digest_size=16).hexdigest()


def test_stored_evidence_is_the_json_of_model_dump(store: SQLiteStore) -> None:
    store.upsert_batch([prepared(record("1", "Ann", "Lee")), prepared(record("2", "Ann", "Lee"))])
    a, b = store.record_ids()
    evidence = (
        Evidence(comparison="first_name", level="exact", weight=3.25, detail="first name Ann matches"),
        Evidence(comparison="dob", level="else", weight=-4.0, detail="dob differs (19800304 / 19800403)"),
    )
    edge = MatchEdge(left=a, right=b, score=0.9, weight=-0.75, status=MatchStatus.REVIEW, evidence=evidence)
    store.replace_edges([edge], None)
    stored = store.scalar("SELECT evidence FROM match_edges")
    assert stored == to_json([e.model_dump() for e in evidence])
    assert store.edges()[0].evidence == evidence


def test_evidence_shared_by_edges_is_stored_as_each_edges_json() -> None:
    shared = Evidence(comparison="state", level="exact", weight=0.5, detail="state Nsw matches")
    other = Evidence(comparison="dob", level="else", weight=-4.0, detail='dob "1980" ü differs')
    edges = [
        MatchEdge(left=1, right=2, score=0.9, weight=1.0, status=MatchStatus.AUTO, evidence=(shared, other)),
        MatchEdge(left=1, right=3, score=0.9, weight=1.0, status=MatchStatus.AUTO, evidence=(other, shared, shared)),
        MatchEdge(left=2, right=3, score=0.9, weight=1.0, status=MatchStatus.REVIEW, evidence=()),
        MatchEdge(left=2, right=4, score=0.9, weight=1.0, status=MatchStatus.REVIEW, evidence=(shared.model_copy(),)),
    ]
    assert _evidence_texts(edges) == [to_json([ev.model_dump() for ev in e.evidence]) for e in edges]


TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=15)


@settings(max_examples=300, deadline=None)
@given(TEXT, TEXT, TEXT, st.floats(allow_nan=True, allow_infinity=True) | st.sampled_from([0.0, -0.0, 1e16, 1e-7, 3.0]))
def test_an_evidence_entry_is_written_as_the_encoder_writes_it(
    comparison: str, detail: str, level: str, w: float
) -> None:
    ev = Evidence(comparison=comparison, level=level, weight=w, detail=detail)
    assert _entry_json(ev) == to_json(ev.model_dump())


def test_an_entry_built_without_validation_is_written_as_the_encoder_writes_it() -> None:
    ev = Evidence.model_construct(comparison="dob", level="exact", weight=4, detail="dob matches")  # an int weight
    assert (
        _entry_json(ev) == to_json(vars(ev)) == '{"comparison":"dob","detail":"dob matches","level":"exact","weight":4}'
    )
