"""Schema migrations: a store made at an older version is brought up to date on open, its rows kept."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from identity_graph.model import Evidence, MatchEdge, MatchStatus
from identity_graph.store import open_store
from identity_graph.store.schema import APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION, _statements

EVIDENCE = '[{"comparison":"dob","detail":"dob matches","level":"exact","weight":4.5}]'
#: (left, right, score, weight, status, evidence, explanation) of the edges written at version 1.
OLD_EDGES = [
    (1, 2, 0.99, 12.5, "auto", EVIDENCE, "dob matches"),
    (1, 3, 0.6, 1.25, "review", "[]", ""),
    (2, 3, 0.7, 2.0, "review", EVIDENCE, "dob matches; name differs"),
]

#: (key, record_id) blocking keys written at version 1 (a key of record 1 after one of record 2, so the copy's
#: order shows in lookups if it were wrong).
OLD_KEYS = [("nd:ANN:19800304", 2), ("nd:ANN:19800304", 1), ("i:ssn:12345", 3), ("u:annlee", 2)]


def make_v1_store(path: Path) -> None:
    """A store file at schema version 1 (match_edges WITHOUT ROWID) holding three records and three edges."""
    conn = sqlite3.connect(path, isolation_level=None)
    for statement in _statements(MIGRATIONS[0]):
        conn.execute(statement)
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.execute("PRAGMA user_version = 1")
    for rid in (1, 2, 3):
        conn.execute(
            "INSERT INTO records (id, source, source_id, kind, content_hash, first_seen, changed_at) "
            "VALUES (?, 'crm', ?, 'contact', 'h', 't', 't')",
            (rid, str(rid)),
        )
    conn.executemany("INSERT INTO blocking_keys (key, record_id) VALUES (?, ?)", OLD_KEYS)
    conn.executemany(
        "INSERT INTO match_edges (left_id, right_id, score, weight, status, evidence, explanation, model_version, "
        "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'm1', '2026-01-01')",
        OLD_EDGES,
    )
    conn.close()


def edge_rows(path: Path) -> list[tuple[object, ...]]:
    """Every column of every edge, in pair order."""
    conn = sqlite3.connect(path)
    try:
        return conn.execute(
            "SELECT left_id, right_id, score, weight, status, evidence, explanation, model_version, updated_at "
            "FROM match_edges ORDER BY left_id, right_id"
        ).fetchall()
    finally:
        conn.close()


def test_v1_store_migrates_on_open_keeping_its_edges(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    make_v1_store(path)
    before = edge_rows(path)
    store = open_store(path)
    try:
        assert store.scalar("PRAGMA user_version") == SCHEMA_VERSION >= 2
        assert edge_rows(path) == before
        edges = store.edges()
        assert [(e.left, e.right, e.score, e.weight, e.status.value, e.explanation) for e in edges] == [
            (a, b, s, w, st, ex) for a, b, s, w, st, _, ex in OLD_EDGES
        ]
        assert edges[0].evidence == (Evidence(comparison="dob", level="exact", weight=4.5, detail="dob matches"),)
        assert [e.right for e in store.edges([3])] == [3, 3]
        assert store.edge_pairs([MatchStatus.REVIEW]) == [(1, 3, 0.6), (2, 3, 0.7)]
        assert store.counts()["edges_auto"] == 1
    finally:
        store.close()


def test_migrated_edges_are_a_rowid_table_unique_by_pair(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    make_v1_store(path)
    store = open_store(path)
    try:
        assert len(store.query("SELECT rowid FROM match_edges")) == 3  # a WITHOUT ROWID table has no rowid
        conn = store._conn()
        with pytest.raises(sqlite3.IntegrityError, match="UNIQUE"):
            conn.execute(
                "INSERT INTO match_edges (left_id, right_id, score, weight, status, updated_at) "
                "VALUES (1, 2, 0.5, 0.0, 'review', 't')"
            )
        with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
            conn.execute(
                "INSERT INTO match_edges (left_id, right_id, score, weight, status, updated_at) "
                "VALUES (3, 1, 0.5, 0.0, 'review', 't')"
            )
        query = "EXPLAIN QUERY PLAN SELECT * FROM match_edges WHERE right_id = 2"
        plan = " ".join(str(r[3]) for r in conn.execute(query))
        assert "ix_match_edges_right" in plan
        # an upsert of an existing pair replaces it (one row per pair), a new pair is added
        new = MatchEdge(left=1, right=2, score=0.5, weight=0.5, status=MatchStatus.REVIEW)
        store.replace_edges([new], record_ids=[])
        assert [(e.left, e.right, e.status) for e in store.edges([1])] == [
            (1, 2, MatchStatus.REVIEW),
            (1, 3, MatchStatus.REVIEW),
        ]
    finally:
        store.close()


def test_new_and_migrated_stores_have_the_same_schema(tmp_path: Path) -> None:
    old, new = tmp_path / "old.db", tmp_path / "new.db"
    make_v1_store(old)
    open_store(old).close()
    open_store(new).close()

    def schema(path: Path) -> list[tuple[object, ...]]:
        conn = sqlite3.connect(path)
        try:
            return conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name").fetchall()
        finally:
            conn.close()

    assert schema(old) == schema(new)


def test_erasing_a_record_removes_its_migrated_edges(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    make_v1_store(path)
    store = open_store(path)
    try:
        with store.transaction() as conn:
            conn.execute("DELETE FROM records WHERE id = 3")  # ON DELETE CASCADE still holds after the copy
        assert [(e.left, e.right) for e in store.edges()] == [(1, 2)]
    finally:
        store.close()


def test_migrated_blocking_keys_are_kept_without_a_foreign_key(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    make_v1_store(path)
    store = open_store(path)
    try:
        conn = store._conn()
        assert sorted(conn.execute("SELECT key, record_id FROM blocking_keys")) == sorted(OLD_KEYS)
        assert conn.execute("PRAGMA foreign_key_list('blocking_keys')").fetchall() == []
        assert store.records_with_blocking_keys(["nd:ANN:19800304", "u:annlee"], 5) == {
            "nd:ANN:19800304": [1, 2],
            "u:annlee": [2],
        }
        query = "EXPLAIN QUERY PLAN DELETE FROM blocking_keys WHERE record_id = 2"
        assert "PRIMARY KEY (record_id=?)" in " ".join(str(r[3]) for r in conn.execute(query))
        query = "EXPLAIN QUERY PLAN SELECT record_id FROM blocking_keys WHERE key = 'k' LIMIT 5"
        assert "COVERING INDEX ix_blocking_keys_key (key=?)" in " ".join(str(r[3]) for r in conn.execute(query))
        with store.transaction() as tx:
            tx.execute("DELETE FROM records WHERE id = 2")  # the trigger removes the record's keys
        assert sorted(conn.execute("SELECT key, record_id FROM blocking_keys")) == [
            ("i:ssn:12345", 3),
            ("nd:ANN:19800304", 1),
        ]
    finally:
        store.close()


def test_a_store_at_each_older_version_reaches_the_current_one(tmp_path: Path) -> None:
    make_v1_store(tmp_path / "plain-v1.db")
    expected = edge_rows(tmp_path / "plain-v1.db")
    for version in range(1, SCHEMA_VERSION):
        path = tmp_path / f"v{version}.db"
        make_v1_store(path)
        conn = sqlite3.connect(path, isolation_level=None)
        for step in range(1, version):  # bring it to `version` the way an older program did
            for statement in _statements(MIGRATIONS[step]):
                conn.execute(statement)
        conn.execute(f"PRAGMA user_version = {version}")
        conn.close()
        open_store(path).close()
        assert edge_rows(path) == expected
        conn = sqlite3.connect(path)
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert sorted(conn.execute("SELECT key, record_id FROM blocking_keys")) == sorted(OLD_KEYS)
        conn.close()


def test_statements_keep_a_trigger_body_whole() -> None:
    script = "CREATE TABLE a (x);\nCREATE TRIGGER t AFTER DELETE ON a\nBEGIN\n DELETE FROM b; DELETE FROM c;\nEND;\n;"
    assert _statements(script) == [
        "CREATE TABLE a (x)",
        "CREATE TRIGGER t AFTER DELETE ON a\nBEGIN\n DELETE FROM b; DELETE FROM c;\nEND",
    ]
