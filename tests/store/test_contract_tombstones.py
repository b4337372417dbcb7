"""Tombstones hold keyed hashes (HMAC with a secret per store), and the old plain SHA-256 ones still count:
the GraphStore contract on the embedded SQLite store and on the Neo4j store on a live Bolt server."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from identity_graph.store import GraphStore, SQLiteStore, open_store
from identity_graph.store.tombstones import IDENTIFIER_KIND, TOMBSTONE_SECRET_META_KEY, legacy_hash
from tests.bolt import BoltTarget
from tests.factories import prepared, record

BACKENDS = ["sqlite", "neo4j"]


@pytest.fixture(params=BACKENDS)
def gs(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[GraphStore]:
    """Each store implementation, fresh."""
    if request.param == "neo4j":
        target: BoltTarget = request.getfixturevalue("bolt_target")
        s: GraphStore = target.open()
    else:
        s = open_store(tmp_path / "contract.db")
    yield s
    s.close()


def _stored_hashes(gs: GraphStore) -> list[str]:
    """Every tombstone's stored hash (each store keeps them its own way)."""
    if isinstance(gs, SQLiteStore):
        return [r["source_id_hash"] for r in gs.query("SELECT source_id_hash FROM tombstones")]
    rows: list[dict[str, Any]] = gs._query("MATCH (t:Tombstone) RETURN t.source_id_hash AS h")  # type: ignore[attr-defined]
    return [str(r["h"]) for r in rows]


def _add_legacy(gs: GraphStore, source: str, source_id: str, kind: str) -> None:
    """A tombstone as versions before keyed hashes wrote it: plain SHA-256 of source NUL id."""
    digest = legacy_hash(source, source_id)
    if isinstance(gs, SQLiteStore):
        with gs.transaction() as tx:
            tx.execute(
                "INSERT INTO tombstones(source, source_id_hash, item_kind, erased_at) VALUES (?, ?, ?, '2026-01-01')",
                (source, digest, kind),
            )
        return
    gs._execute(  # type: ignore[attr-defined]
        "CREATE (:Tombstone {source: $s, source_id_hash: $h, item_kind: $k, erased_at: '2026-01-01'})",
        s=source,
        h=digest,
        k=kind,
    )


def _erase_esp_recipient(gs: GraphStore) -> None:
    """Load an ESP recipient whose source id is their email address, and erase them with a tombstone."""
    gs.upsert_batch([prepared(record("ana@x.org", "Ana", "Diaz", source="esp", email="ana@x.org"))])
    found = gs.find_record("esp", "ana@x.org")
    assert found is not None
    (pid,) = gs.create_persons(1)
    gs.set_persons([(found.id, pid)])
    gs.erase_records(pid, [found.id], ["Ana Diaz", "ana@x.org"], tombstones=True)


def test_a_store_has_its_own_tombstone_secret(gs: GraphStore, tmp_path: Path) -> None:
    secret = gs.get_meta(TOMBSTONE_SECRET_META_KEY)
    assert secret is not None and len(bytes.fromhex(secret)) == 32
    with open_store(tmp_path / "other.db") as other:
        assert other.get_meta(TOMBSTONE_SECRET_META_KEY) not in (None, secret)


def test_an_erased_address_cannot_be_confirmed_from_the_tombstone(gs: GraphStore) -> None:
    _erase_esp_recipient(gs)
    stored = _stored_hashes(gs)
    assert len(stored) == 1 and stored[0].startswith("k1:")
    plain = hashlib.sha256(b"esp\x00ana@x.org").hexdigest()
    assert plain not in stored[0] and "ana@x.org" not in stored[0]
    again = gs.upsert_batch([prepared(record("ana@x.org", "Ana", "Diaz", source="esp", email="ana@x.org"))])
    assert again.erased_skipped == 1 and gs.find_record("esp", "ana@x.org") is None


def test_old_plain_tombstones_still_keep_erased_items_out(gs: GraphStore) -> None:
    _add_legacy(gs, "crm", "77", "record")
    stats = gs.upsert_batch([prepared(record("77", "Old", "Erased")), prepared(record("78", "Still", "Here"))])
    assert stats.erased_skipped == 1 and gs.find_record("crm", "77") is None
    assert gs.find_record("crm", "78") is not None
    assert gs.erased_keys("record", [("crm", "77"), ("crm", "78")]) == {("crm", "77")}


def test_added_tombstones_are_found_by_kind_and_key(gs: GraphStore) -> None:
    assert gs.erased_keys(IDENTIFIER_KIND, [("email", "ana@x.org")]) == set()
    assert gs.add_tombstones(IDENTIFIER_KIND, [("email", "ana@x.org"), ("phone", "+14155550101")]) == 2
    gs.add_tombstones(IDENTIFIER_KIND, [("email", "ana@x.org")])  # again: nothing new
    asked = [("email", "ana@x.org"), ("phone", "+14155550101"), ("email", "bob@x.org")]
    assert gs.erased_keys(IDENTIFIER_KIND, asked) == {("email", "ana@x.org"), ("phone", "+14155550101")}
    assert gs.erased_keys("record", asked) == set()
    assert len(_stored_hashes(gs)) == 2 and all(h.startswith("k1:") for h in _stored_hashes(gs))


def test_the_secret_and_the_tombstones_survive_reopening(tmp_path: Path) -> None:
    with open_store(tmp_path / "s.db") as first:
        _erase_esp_recipient(first)
        secret = first.get_meta(TOMBSTONE_SECRET_META_KEY)
    with open_store(tmp_path / "s.db") as again:
        assert again.get_meta(TOMBSTONE_SECRET_META_KEY) == secret
        assert again.erased_keys("record", [("esp", "ana@x.org")]) == {("esp", "ana@x.org")}


def test_the_schema_makes_the_secret_under_the_key_the_stores_read(tmp_path: Path) -> None:
    with open_store(tmp_path / "s.db") as store:
        assert isinstance(store, SQLiteStore)
        made = store.scalar("SELECT value FROM meta WHERE key = ?", (TOMBSTONE_SECRET_META_KEY,))
        assert made is not None and store.tombstone_secret() == bytes.fromhex(made)
