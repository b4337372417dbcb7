"""Erasure: after erasing a person no trace of their names, emails or phones is left anywhere in the store file,
and loading the same source again does not bring them back."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from identity_graph.erasure import erase_person
from identity_graph.errors import NotFound
from identity_graph.model import Channel, Direction, Interaction, Participation, RecordRef, Role
from identity_graph.persons import apply_clustering
from identity_graph.resolve.training import META_KEY as MODEL_META_KEY
from identity_graph.settings import Settings
from identity_graph.store import SQLiteStore, TimelineQuery, open_store
from matchers.model import MatchModel
from tests.factories import T0, interaction, prepared, record
from tests.service.conftest import bearer
from tests.service.world import ANA_PII, World, build_world


def _table_hits(path: Path, needles: tuple[str, ...]) -> list[str]:
    """`table.column: needle` for every text cell of every table that contains a needle (case-insensitive)."""
    conn = sqlite3.connect(path)
    hits = []
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        for table in tables:
            cols = [r[1] for r in conn.execute(f'PRAGMA table_info("{table}")')]
            for row in conn.execute(f'SELECT * FROM "{table}"'):
                for col, cell in zip(cols, row, strict=True):
                    text = cell.decode("utf-8", "replace") if isinstance(cell, bytes) else str(cell)
                    hits.extend(f"{table}.{col}: {n}" for n in needles if n.lower() in text.lower())
    finally:
        conn.close()
    return hits


def _byte_hits(path: Path, needles: tuple[str, ...]) -> list[str]:
    """Needles found anywhere in the raw bytes of the database file and its WAL (as written, and in upper case:
    a case-blind search would find "ana" inside the schema's own "explanation")."""
    hits = []
    for file in (path, path.with_name(path.name + "-wal")):
        if file.exists():
            blob = file.read_bytes()
            for n in needles:
                hits.extend(f"{file.name}: {form}" for form in {n, n.upper()} if form.encode() in blob)
    return hits


def test_the_world_holds_ana_before_erasure(world_store: tuple[SQLiteStore, World]) -> None:
    store, _ = world_store
    store.compact(vacuum=False)
    assert set(_table_hits(store.path, ANA_PII))
    assert _byte_hits(store.path, ANA_PII)


def test_erasure_leaves_no_trace_in_any_table_or_byte(world_store: tuple[SQLiteStore, World], tmp_path: Path) -> None:
    store, world = world_store
    result = erase_person(store, world.ana, Settings(db=store.path))
    assert sorted(result.record_ids) == sorted(world.ana_records)
    assert result.counts.records == 4 and result.counts.interactions_deleted == 4
    assert result.counts.interactions_scrubbed == 1  # the email Bob also received stays, without Ana
    path = store.path
    store.close()
    assert _table_hits(path, ANA_PII) == []
    assert _byte_hits(path, ANA_PII) == []


def test_erasure_keeps_everyone_else(world_store: tuple[SQLiteStore, World]) -> None:
    store, world = world_store
    before = store.counts()
    erase_person(store, world.ana, Settings(db=store.path))
    after = store.counts()
    assert after["records"] == before["records"] - 4
    assert after["persons"] == before["persons"] - 1
    assert store.person_record_ids([world.bob])[world.bob]
    shared = store.find_record("crm", "c-2")
    assert shared is not None and shared.display_name() == "Bob Stone"
    assert store.resolve_person_id(world.ana) is None
    assert [e.type for e in store.events()][-1] == "person.erased"
    with pytest.raises(NotFound):
        erase_person(store, world.ana, Settings(db=store.path))


def test_the_shared_email_stays_for_bob_without_ana(world_store: tuple[SQLiteStore, World]) -> None:
    store, world = world_store
    erase_person(store, world.ana, Settings(db=store.path))
    row = store.query("SELECT subject, summary FROM interactions WHERE source_id = 'm-2'")[0]
    assert row["subject"] == "Meeting with [erased] and Bob"
    assert row["summary"] == "[erased] ([erased], [erased]) and Bob will both come."
    assert [t.source_id for t in store.timeline(world.bob, TimelineQuery())[0]] == ["m-2", "call-2"]


def test_reloading_the_same_source_does_not_bring_them_back(world_store: tuple[SQLiteStore, World]) -> None:
    store, world = world_store
    erase_person(store, world.ana, Settings(db=store.path))
    again = record("c-1", "Ana", "Lima", phone="+1 (415) 555-0134", email="ana.lima@example.com")
    stats = store.upsert_batch([prepared(again)], respect_tombstones=True)
    assert stats.erased_skipped == 1 and stats.records_loaded == 0
    assert store.find_record("crm", "c-1") is None
    assert store.records_with_identifiers([c.identifier for c in prepared(again).identifiers]) == {}


def test_without_tombstones_a_reload_comes_back(world_store: tuple[SQLiteStore, World]) -> None:
    store, world = world_store
    erase_person(store, world.ana, Settings(db=store.path, privacy={"tombstones": False}))
    again = record("c-1", "Ana", "Lima", phone="+1 (415) 555-0134")
    stats = store.upsert_batch([prepared(again)], respect_tombstones=True)
    assert stats.records_loaded == 1


def test_delete_over_http_erases_and_audits_without_pii(client: TestClient, world: World, wstore: SQLiteStore) -> None:
    admin = bearer(world.tokens["admin"])
    assert client.get(f"/api/v1/persons/{world.ana}", headers=admin).status_code == 200
    response = client.delete(f"/api/v1/persons/{world.ana}", headers=admin)
    assert response.status_code == 200
    assert response.json()["records"] == 4
    gone = client.get(f"/api/v1/persons/{world.ana}", headers=admin)  # erased: gone, with no pointer
    assert gone.status_code == 410 and gone.json()["erased"] is True and gone.json()["person_ids"] == []
    actions = [(e.action, e.target) for e in wstore.audit_entries()]
    assert ("person.erase", f"person:{world.ana}") in actions
    assert ("profile.read", f"person:{world.ana}") in actions


def test_erasure_in_a_fresh_file_after_reopen(tmp_path: Path) -> None:
    path = tmp_path / "reopen.db"
    store = open_store(path)
    world = build_world(store)
    store.close()
    store = open_store(path)
    erase_person(store, world.ana, Settings(db=path))
    store.close()
    assert _byte_hits(path, ANA_PII) == []


def test_an_identifier_someone_else_declares_stays(tmp_path: Path) -> None:
    store = open_store(tmp_path / "household.db")
    mum = record("h-1", "Mara", "Quist", phone="+1 303 555 0142", email="mara.quist@example.com")
    son = record("h-2", "Olek", "Quist", phone="+1 303 555 0142")
    store.upsert_batch([prepared(mum), prepared(son)])
    ids = [r.id for r in (store.find_record("crm", "h-1"), store.find_record("crm", "h-2")) if r is not None]
    apply_clustering(store, [[ids[0]], [ids[1]]], "test")
    erase_person(store, store.assignments([ids[0]])[ids[0]], Settings(db=store.path))
    son_now = store.find_record("crm", "h-2")
    assert son_now is not None and [c.identifier.value for c in son_now.claimed] == ["+13035550142"]
    assert store.scalar("SELECT count(*) FROM identifiers") == 1
    store.close()


def test_reloading_a_shared_interaction_keeps_it_scrubbed(world_store: tuple[SQLiteStore, World]) -> None:
    store, world = world_store
    erase_person(store, world.ana, Settings(db=store.path))
    original = Interaction(
        source="mail", source_id="m-2", channel=Channel.EMAIL, occurred_at=T0, direction=Direction.OUTBOUND,
        subject="Meeting with Ana Lima and Bob",
        participants=(
            Participation(record=RecordRef(source="mail", source_id="m-1"), role=Role.RECIPIENT),
            Participation(record=RecordRef(source="crm", source_id="c-2"), role=Role.RECIPIENT),
        ),
    )  # fmt: skip
    stats = store.upsert_batch([], [original], respect_tombstones=True)
    assert stats.erased_skipped == 1
    assert store.query("SELECT subject FROM interactions WHERE source_id = 'm-2'")[0]["subject"] == (
        "Meeting with [erased] and Bob"
    )


def test_someone_else_quoting_their_phone_is_scrubbed(tmp_path: Path) -> None:
    store = open_store(tmp_path / "quote.db")
    ana = record("q-1", "Ana", "Lima", phone="+1 415 555 0134")
    bob = record("q-2", "Bob", "Stone", email="bob@example.org", mentioned_phone="415-555-0134")
    bob = bob.model_copy(update={"attributes": {"bio": "friend of Ana Lima, 415-555-0134"}})
    note = interaction("n-1", bob, channel=Channel.EMAIL, role=Role.SENDER, subject="call Ana Lima at 415-555-0134")
    store.upsert_batch([prepared(ana), prepared(bob)], [note])
    ids = [r.id for r in (store.find_record("crm", "q-1"), store.find_record("crm", "q-2")) if r is not None]
    apply_clustering(store, [[ids[0]], [ids[1]]], "test")
    erase_person(store, store.assignments([ids[0]])[ids[0]], Settings(db=store.path))
    assert store.query("SELECT subject FROM interactions")[0]["subject"] == "call [erased] at [erased]"
    bob_now = store.find_record("crm", "q-2")
    assert bob_now is not None and bob_now.attributes == {"bio": "friend of [erased], [erased]"}
    assert [c.identifier.value for c in bob_now.claimed] == ["bob@example.org"]
    path = store.path
    store.close()
    assert _table_hits(path, ("Ana", "Lima", "4155550134", "415-555-0134")) == []


def test_a_new_interaction_with_an_erased_party_loads_without_them(world_store: tuple[SQLiteStore, World]) -> None:
    store, world = world_store
    erase_person(store, world.ana, Settings(db=store.path))
    resent = Interaction(
        source="mail", source_id="m-new", channel=Channel.EMAIL, occurred_at=T0, direction=Direction.OUTBOUND,
        subject="Spring newsletter",
        participants=(
            Participation(record=RecordRef(source="crm", source_id="c-1"), role=Role.RECIPIENT),
            Participation(record=RecordRef(source="crm", source_id="c-2"), role=Role.RECIPIENT),
        ),
    )  # fmt: skip
    stats = store.upsert_batch([], [resent], respect_tombstones=True)
    assert stats.interactions_loaded == 1 and stats.erased_skipped == 1
    parties = store.query(
        "SELECT r.source_id FROM participations p JOIN records r ON r.id = p.record_id "
        "JOIN interactions x ON x.id = p.interaction_id WHERE x.source_id = 'm-new'"
    )
    assert [p["source_id"] for p in parties] == ["c-2"]


def test_given_names_learned_by_the_model_are_forgotten(world_store: tuple[SQLiteStore, World]) -> None:
    store, world = world_store
    model = MatchModel(comparisons=[], placeholders=["wireless caller", "given:ana", "given:bob"])
    store.set_meta(MODEL_META_KEY, model.to_json())
    erase_person(store, world.ana, Settings(db=store.path))
    kept = MatchModel.from_json(store.get_meta(MODEL_META_KEY) or "").placeholders
    assert kept == ["wireless caller", "given:bob"]
