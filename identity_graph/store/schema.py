"""The embedded store's SQLite schema and its migrations.

`MIGRATIONS[n]` takes a database from schema version n to n+1. A database newer than this code is refused.
Integer surrogate keys everywhere; natural keys `(source, source_id)` are unique indexes.
"""

from __future__ import annotations

import sqlite3

from identity_graph.errors import SchemaError

APPLICATION_ID = 0x49444752  # "IDGR": marks the file as ours

V1 = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

CREATE TABLE records (
    id INTEGER PRIMARY KEY,
    source TEXT NOT NULL,
    source_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    first_name TEXT, middle_name TEXT, last_name TEXT, full_name TEXT,
    dob TEXT,
    street TEXT, city TEXT, state TEXT, postal_code TEXT, country TEXT, address_full TEXT,
    company TEXT,
    attributes TEXT NOT NULL DEFAULT '{}',
    created_at TEXT, updated_at TEXT,
    content_hash TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    first_seen TEXT NOT NULL,
    changed_at TEXT NOT NULL,
    dirty INTEGER NOT NULL DEFAULT 1,
    UNIQUE (source, source_id)
);
CREATE INDEX ix_records_dirty ON records(dirty) WHERE dirty = 1;

CREATE VIRTUAL TABLE record_names USING fts5(name, tokenize='unicode61 remove_diacritics 2');

CREATE TABLE item_versions (
    item_kind TEXT NOT NULL CHECK (item_kind IN ('record', 'interaction')),
    item_id INTEGER NOT NULL,
    version INTEGER NOT NULL,
    content_hash TEXT NOT NULL,
    data TEXT NOT NULL,
    replaced_at TEXT NOT NULL,
    PRIMARY KEY (item_kind, item_id, version)
) WITHOUT ROWID;

CREATE TABLE identifiers (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    value TEXT NOT NULL,
    UNIQUE (kind, value)
);

CREATE TABLE record_identifiers (
    record_id INTEGER NOT NULL REFERENCES records(id) ON DELETE CASCADE,
    identifier_id INTEGER NOT NULL REFERENCES identifiers(id) ON DELETE CASCADE,
    field TEXT NOT NULL,
    strength TEXT NOT NULL,
    raw TEXT NOT NULL,
    PRIMARY KEY (record_id, identifier_id, field)
) WITHOUT ROWID;
CREATE INDEX ix_record_identifiers_identifier ON record_identifiers(identifier_id, record_id);

CREATE TABLE interactions (
    id INTEGER PRIMARY KEY,
    source TEXT NOT NULL,
    source_id TEXT NOT NULL,
    channel TEXT NOT NULL,
    occurred_at TEXT NOT NULL,
    direction TEXT NOT NULL,
    subject TEXT,
    summary TEXT,
    thread_key TEXT,
    attributes TEXT NOT NULL DEFAULT '{}',
    content_hash TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    first_seen TEXT NOT NULL,
    changed_at TEXT NOT NULL,
    UNIQUE (source, source_id)
);
CREATE INDEX ix_interactions_time ON interactions(occurred_at);

CREATE TABLE participations (
    interaction_id INTEGER NOT NULL REFERENCES interactions(id) ON DELETE CASCADE,
    record_id INTEGER NOT NULL REFERENCES records(id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    PRIMARY KEY (interaction_id, record_id, role)
) WITHOUT ROWID;
CREATE INDEX ix_participations_record ON participations(record_id, interaction_id);

CREATE TABLE blocking_keys (
    key TEXT NOT NULL,
    record_id INTEGER NOT NULL REFERENCES records(id) ON DELETE CASCADE,
    PRIMARY KEY (key, record_id)
) WITHOUT ROWID;
CREATE INDEX ix_blocking_keys_record ON blocking_keys(record_id);

CREATE TABLE match_edges (
    left_id INTEGER NOT NULL REFERENCES records(id) ON DELETE CASCADE,
    right_id INTEGER NOT NULL REFERENCES records(id) ON DELETE CASCADE,
    score REAL NOT NULL,
    weight REAL NOT NULL,
    status TEXT NOT NULL,
    evidence TEXT NOT NULL DEFAULT '[]',
    explanation TEXT NOT NULL DEFAULT '',
    model_version TEXT NOT NULL DEFAULT '',
    updated_at TEXT NOT NULL,
    PRIMARY KEY (left_id, right_id),
    CHECK (left_id < right_id)
) WITHOUT ROWID;
CREATE INDEX ix_match_edges_right ON match_edges(right_id, left_id);
CREATE INDEX ix_match_edges_status ON match_edges(status);

CREATE TABLE judgements (
    id INTEGER PRIMARY KEY,
    left_id INTEGER NOT NULL REFERENCES records(id) ON DELETE CASCADE,
    right_id INTEGER NOT NULL REFERENCES records(id) ON DELETE CASCADE,
    verdict TEXT NOT NULL CHECK (verdict IN ('same', 'different', 'unsure')),
    by TEXT NOT NULL,
    at TEXT NOT NULL,
    reason TEXT,
    superseded_at TEXT,
    superseded_by INTEGER REFERENCES judgements(id),
    CHECK (left_id < right_id)
);
CREATE INDEX ix_judgements_pair ON judgements(left_id, right_id);
CREATE INDEX ix_judgements_right ON judgements(right_id);
CREATE INDEX ix_judgements_active ON judgements(verdict) WHERE superseded_at IS NULL;

CREATE TABLE guard_reports (
    id INTEGER PRIMARY KEY,
    record_ids TEXT NOT NULL,
    reason TEXT NOT NULL,
    created_at TEXT NOT NULL,
    resolved_at TEXT
);

CREATE TABLE persons (
    id INTEGER PRIMARY KEY,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    merged_into INTEGER REFERENCES persons(id),
    retired_at TEXT
);

CREATE TABLE record_person (
    record_id INTEGER PRIMARY KEY REFERENCES records(id) ON DELETE CASCADE,
    person_id INTEGER NOT NULL REFERENCES persons(id)
);
CREATE INDEX ix_record_person_person ON record_person(person_id);

CREATE TABLE change_events (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    type TEXT NOT NULL,
    person_id INTEGER,
    other_person_id INTEGER,
    record_id INTEGER,
    cause TEXT NOT NULL
);
CREATE INDEX ix_change_events_at ON change_events(at);

CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    revoked_at TEXT
);

CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT NOT NULL DEFAULT '',
    detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX ix_audit_log_at ON audit_log(at);

CREATE TABLE tombstones (
    source TEXT NOT NULL,
    source_id_hash TEXT NOT NULL,
    item_kind TEXT NOT NULL,
    erased_at TEXT NOT NULL,
    PRIMARY KEY (source, source_id_hash, item_kind)
) WITHOUT ROWID;

CREATE TABLE ingest_runs (
    id INTEGER PRIMARY KEY,
    source TEXT NOT NULL,
    format TEXT NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    loaded INTEGER NOT NULL DEFAULT 0,
    updated INTEGER NOT NULL DEFAULT 0,
    unchanged INTEGER NOT NULL DEFAULT 0,
    quarantined INTEGER NOT NULL DEFAULT 0,
    notes TEXT NOT NULL DEFAULT '[]'
);
"""

#: match_edges as a rowid table with a unique index on the pair. A WITHOUT ROWID row of about 1 KB (evidence JSON
#: and sentence) does not fit in a b-tree cell and spills into an overflow page of its own: 6,500 edges took
#: 24 MB; as a rowid table they take a third of the pages and insert in half the time. The rows are copied.
V2 = """
CREATE TABLE match_edges_v2 (
    left_id INTEGER NOT NULL REFERENCES records(id) ON DELETE CASCADE,
    right_id INTEGER NOT NULL REFERENCES records(id) ON DELETE CASCADE,
    score REAL NOT NULL,
    weight REAL NOT NULL,
    status TEXT NOT NULL,
    evidence TEXT NOT NULL DEFAULT '[]',
    explanation TEXT NOT NULL DEFAULT '',
    model_version TEXT NOT NULL DEFAULT '',
    updated_at TEXT NOT NULL,
    CHECK (left_id < right_id)
);
INSERT INTO match_edges_v2 (left_id, right_id, score, weight, status, evidence, explanation, model_version, updated_at)
    SELECT left_id, right_id, score, weight, status, evidence, explanation, model_version, updated_at
    FROM match_edges ORDER BY left_id, right_id;
DROP TABLE match_edges;
ALTER TABLE match_edges_v2 RENAME TO match_edges;
CREATE UNIQUE INDEX ux_match_edges_pair ON match_edges(left_id, right_id);
CREATE INDEX ix_match_edges_right ON match_edges(right_id, left_id);
CREATE INDEX ix_match_edges_status ON match_edges(status);
"""

#: blocking_keys without a foreign key: checking each of 180k inserted keys against `records` took a sixth of
#: writing them. The store checks the record ids of a batch of keys once instead (`replace_blocking_keys`), and
#: a trigger still removes a deleted record's keys, as the cascade did. The rows are copied.
V3 = """
CREATE TABLE blocking_keys_v3 (
    key TEXT NOT NULL,
    record_id INTEGER NOT NULL,
    PRIMARY KEY (key, record_id)
) WITHOUT ROWID;
INSERT INTO blocking_keys_v3 (key, record_id) SELECT key, record_id FROM blocking_keys ORDER BY key, record_id;
DROP TABLE blocking_keys;
ALTER TABLE blocking_keys_v3 RENAME TO blocking_keys;
CREATE INDEX ix_blocking_keys_record ON blocking_keys(record_id);
CREATE TRIGGER tr_records_delete_blocking_keys AFTER DELETE ON records
BEGIN
    DELETE FROM blocking_keys WHERE record_id = old.id;
END;
"""

#: blocking_keys keyed by (record_id, key), with an index on key for lookups (it holds the record id too, so a
#: lookup reads the index alone, in record id order as before): a batch's keys come in runs of ascending record
#: ids, so filling the table needs no sort of 180k strings (0.38 -> 0.27 s on febrl4's keys), and removing a
#: record's keys reads the primary key. The rows are copied; the trigger is made again around the rename.
V4 = """
DROP TRIGGER tr_records_delete_blocking_keys;
CREATE TABLE blocking_keys_v4 (
    key TEXT NOT NULL,
    record_id INTEGER NOT NULL,
    PRIMARY KEY (record_id, key)
) WITHOUT ROWID;
INSERT INTO blocking_keys_v4 (key, record_id) SELECT key, record_id FROM blocking_keys ORDER BY record_id, key;
DROP TABLE blocking_keys;
ALTER TABLE blocking_keys_v4 RENAME TO blocking_keys;
CREATE INDEX ix_blocking_keys_key ON blocking_keys(key);
CREATE TRIGGER tr_records_delete_blocking_keys AFTER DELETE ON records
BEGIN
    DELETE FROM blocking_keys WHERE record_id = old.id;
END;
"""

#: Version 5: the secret of keyed tombstone hashes (`store/tombstones.py`: TOMBSTONE_SECRET_META_KEY), 256
#: random bits made by SQLite, in a new store and in an older one on its first open. Older tombstones (plain
#: SHA-256) cannot be re-keyed: they stay, and lookups check their form too.
V5 = """
INSERT OR IGNORE INTO meta (key, value) VALUES ('privacy.tombstone_secret', lower(hex(randomblob(32))));
"""

#: Version 6: the campaign registry (`store/campaigns.py`): each campaign whole as JSON, with its id, name, channel
#: and start and end (fixed-width UTC text) as columns; who changed it last and when. No customer data.
V6 = """
CREATE TABLE campaigns (
    campaign_id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    channel TEXT NOT NULL,
    starts_at TEXT NOT NULL,
    ends_at TEXT,
    data TEXT NOT NULL,
    changed_at TEXT NOT NULL,
    changed_by TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX ix_campaigns_start ON campaigns(starts_at, campaign_id);
"""

#: Version 7: the steward's undo (`steward/actions.py`): each decision, split and unmerge with the decisions it stored
#: and superseded and every record's person before and after (ids only), so it can be undone exactly; an index on
#: the audit log's actor and action for its filters.
V7 = """
CREATE TABLE steward_actions (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    actor TEXT NOT NULL,
    at TEXT NOT NULL,
    superseded_ids TEXT NOT NULL,
    before TEXT NOT NULL,
    after TEXT NOT NULL,
    undone_at TEXT,
    undone_by TEXT
);
CREATE TABLE steward_action_judgements (
    judgement_id INTEGER PRIMARY KEY,
    action_id INTEGER NOT NULL REFERENCES steward_actions(id)
);
CREATE INDEX ix_steward_action_judgements_action ON steward_action_judgements(action_id);
CREATE INDEX ix_audit_log_actor ON audit_log(actor, id);
CREATE INDEX ix_audit_log_action ON audit_log(action, id);
"""

MIGRATIONS: list[str] = [V1, V2, V3, V4, V5, V6, V7]
SCHEMA_VERSION = len(MIGRATIONS)


def user_version(conn: sqlite3.Connection) -> int:
    """The schema version stored in the database file."""
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(conn: sqlite3.Connection) -> int:
    """Bring the database up to `SCHEMA_VERSION`, each step in its own transaction; returns the version."""
    app_id = int(conn.execute("PRAGMA application_id").fetchone()[0])
    current = user_version(conn)
    if app_id not in (0, APPLICATION_ID) or (app_id == 0 and current != 0):
        raise SchemaError("this file is not an identity-graph store")
    if current > SCHEMA_VERSION:
        raise SchemaError(
            f"the store has schema version {current}, newer than this program's {SCHEMA_VERSION}; upgrade"
        )
    for version in range(current, SCHEMA_VERSION):
        conn.execute("BEGIN IMMEDIATE")
        try:
            for statement in _statements(MIGRATIONS[version]):
                conn.execute(statement)
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            conn.execute(f"PRAGMA user_version = {version + 1}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    return SCHEMA_VERSION


def _statements(script: str) -> list[str]:
    """Split a DDL script into statements (the scripts hold no semicolons inside strings; a trigger's body,
    `BEGIN ...; END`, stays whole)."""
    out: list[str] = []
    pending = ""
    for part in script.split(";"):
        pending += part + ";"
        if sqlite3.complete_statement(pending):
            if pending.strip(" \n;"):
                out.append(pending.strip().removesuffix(";").strip())
            pending = ""
    if pending.strip(" \n;"):
        out.append(pending.strip().removesuffix(";").strip())
    return out
