"""Every Cypher statement of the Neo4j store, one named constant each.

Statements take their data only through parameters (`$name`), never by string building; a test parses every
constant here (`tests/store/test_neo4j_cypher.py`) and checks that the store runs nothing else. Parameter names
avoid Cypher keywords (`$page_size`, not `$limit`); the relationship types `IN` and `MATCH`, which are also
keywords, are written quoted with backticks. Statements named `DDL_*` create the schema (see `schema.py`).
"""

from __future__ import annotations

from typing import Final

from identity_graph.store.neo4j.cypher_steward import (
    ACTION_BY_ID as ACTION_BY_ID,
)
from identity_graph.store.neo4j.cypher_steward import (
    ACTION_JUDGEMENTS as ACTION_JUDGEMENTS,
)
from identity_graph.store.neo4j.cypher_steward import (
    ACTION_OF_JUDGEMENT as ACTION_OF_JUDGEMENT,
)
from identity_graph.store.neo4j.cypher_steward import (
    ADD_ACTION as ADD_ACTION,
)
from identity_graph.store.neo4j.cypher_steward import (
    AUDIT_SEARCH as AUDIT_SEARCH,
)
from identity_graph.store.neo4j.cypher_steward import (
    COUNT_EDGES as COUNT_EDGES,
)
from identity_graph.store.neo4j.cypher_steward import (
    MARK_ACTION_UNDONE as MARK_ACTION_UNDONE,
)
from identity_graph.store.neo4j.cypher_steward import (
    RECORD_SOURCES as RECORD_SOURCES,
)
from identity_graph.store.neo4j.cypher_steward import (
    RECORDS_FROM as RECORDS_FROM,
)
from identity_graph.store.neo4j.cypher_steward import (
    REINSTATE_JUDGEMENTS as REINSTATE_JUDGEMENTS,
)
from identity_graph.store.neo4j.cypher_steward import (
    REVIVE_PERSONS as REVIVE_PERSONS,
)
from identity_graph.store.neo4j.cypher_steward import (
    SOURCE_NAMES as SOURCE_NAMES,
)
from identity_graph.store.neo4j.cypher_steward import (
    WINDOW_PAGE_QUERY as WINDOW_PAGE_QUERY,
)

# ---------------------------------------------------------------- schema (constraints and indexes)
DDL_RECORD_KEY: Final = (
    "CREATE CONSTRAINT record_key IF NOT EXISTS FOR (r:Record) REQUIRE (r.source, r.source_id) IS UNIQUE"
)
DDL_RECORD_ID: Final = "CREATE CONSTRAINT record_id IF NOT EXISTS FOR (r:Record) REQUIRE r.id IS UNIQUE"
DDL_IDENTIFIER_KEY: Final = (
    "CREATE CONSTRAINT identifier_key IF NOT EXISTS FOR (i:Identifier) REQUIRE (i.kind, i.value) IS UNIQUE"
)
DDL_IDENTIFIER_ID: Final = "CREATE CONSTRAINT identifier_id IF NOT EXISTS FOR (i:Identifier) REQUIRE i.id IS UNIQUE"
DDL_INTERACTION_KEY: Final = (
    "CREATE CONSTRAINT interaction_key IF NOT EXISTS FOR (x:Interaction) REQUIRE (x.source, x.source_id) IS UNIQUE"
)
DDL_INTERACTION_ID: Final = "CREATE CONSTRAINT interaction_id IF NOT EXISTS FOR (x:Interaction) REQUIRE x.id IS UNIQUE"
DDL_PERSON_ID: Final = "CREATE CONSTRAINT person_id IF NOT EXISTS FOR (p:Person) REQUIRE p.id IS UNIQUE"
DDL_EVENT_ID: Final = "CREATE CONSTRAINT event_id IF NOT EXISTS FOR (e:Event) REQUIRE e.id IS UNIQUE"
DDL_COUNTER_NAME: Final = "CREATE CONSTRAINT counter_name IF NOT EXISTS FOR (c:Counter) REQUIRE c.name IS UNIQUE"
DDL_META_KEY: Final = "CREATE CONSTRAINT meta_key IF NOT EXISTS FOR (m:Meta) REQUIRE m.key IS UNIQUE"
DDL_BLOCKING_KEY: Final = "CREATE CONSTRAINT blocking_key IF NOT EXISTS FOR (b:BlockingKey) REQUIRE b.key IS UNIQUE"
DDL_VERSION_KEY: Final = (
    "CREATE CONSTRAINT version_key IF NOT EXISTS FOR (v:Version) REQUIRE (v.item_kind, v.item_id, v.version) IS UNIQUE"
)
DDL_GUARD_REPORT_ID: Final = (
    "CREATE CONSTRAINT guard_report_id IF NOT EXISTS FOR (g:GuardReport) REQUIRE g.id IS UNIQUE"
)
DDL_TOKEN_ID: Final = "CREATE CONSTRAINT token_id IF NOT EXISTS FOR (t:ApiToken) REQUIRE t.id IS UNIQUE"
DDL_TOKEN_HASH: Final = "CREATE CONSTRAINT token_hash IF NOT EXISTS FOR (t:ApiToken) REQUIRE t.token_hash IS UNIQUE"
DDL_AUDIT_ID: Final = "CREATE CONSTRAINT audit_id IF NOT EXISTS FOR (a:AuditEntry) REQUIRE a.id IS UNIQUE"
DDL_TOMBSTONE_KEY: Final = (
    "CREATE CONSTRAINT tombstone_key IF NOT EXISTS FOR (t:Tombstone) "
    "REQUIRE (t.source, t.source_id_hash, t.item_kind) IS UNIQUE"
)
DDL_INGEST_RUN_ID: Final = "CREATE CONSTRAINT ingest_run_id IF NOT EXISTS FOR (n:IngestRun) REQUIRE n.id IS UNIQUE"
DDL_RECORD_DIRTY: Final = "CREATE INDEX record_dirty IF NOT EXISTS FOR (r:Record) ON (r.dirty)"
DDL_INTERACTION_TIME: Final = "CREATE INDEX interaction_time IF NOT EXISTS FOR (x:Interaction) ON (x.occurred_us)"
DDL_EVENT_PERSON: Final = "CREATE INDEX event_person IF NOT EXISTS FOR (e:Event) ON (e.person_id)"
DDL_EVENT_OTHER: Final = "CREATE INDEX event_other_person IF NOT EXISTS FOR (e:Event) ON (e.other_person_id)"
DDL_EVENT_RECORD: Final = "CREATE INDEX event_record IF NOT EXISTS FOR (e:Event) ON (e.record_id)"
DDL_EVENT_AT: Final = "CREATE INDEX event_at IF NOT EXISTS FOR (e:Event) ON (e.at)"
DDL_AUDIT_TARGET: Final = "CREATE INDEX audit_target IF NOT EXISTS FOR (a:AuditEntry) ON (a.target)"
DDL_INGEST_RUN_SOURCE: Final = "CREATE INDEX ingest_run_source IF NOT EXISTS FOR (n:IngestRun) ON (n.source)"
DDL_MATCH_STATUS: Final = "CREATE INDEX match_status IF NOT EXISTS FOR ()-[m:`MATCH`]-() ON (m.status)"
DDL_JUDGED_ID: Final = "CREATE INDEX judged_id IF NOT EXISTS FOR ()-[j:JUDGED]-() ON (j.id)"
DDL_JUDGED_ACTIVE: Final = "CREATE INDEX judged_superseded IF NOT EXISTS FOR ()-[j:JUDGED]-() ON (j.superseded_at)"
DDL_NAME_WORD: Final = "CREATE CONSTRAINT name_word IF NOT EXISTS FOR (w:NameWord) REQUIRE w.word IS UNIQUE"
DDL_CAMPAIGN_ID: Final = "CREATE CONSTRAINT campaign_id IF NOT EXISTS FOR (c:Campaign) REQUIRE c.campaign_id IS UNIQUE"

# ---------------------------------------------------------------- housekeeping: meta, counters, wiping
META_GET: Final = "MATCH (m:Meta {key: $key}) RETURN m.value AS value"
META_SET: Final = "MERGE (m:Meta {key: $key}) SET m.value = $value"
COUNTER_ADVANCE: Final = (
    "MERGE (c:Counter {name: $name}) ON CREATE SET c.value = 0 SET c.value = c.value + $n RETURN c.value AS last"
)
ANY_NODE: Final = "MATCH (n) RETURN 1 AS found LIMIT 1"
#: Neo4j 5 and ArcadeDB both answer this form (`CALL db.awaitIndexes` is Neo4j's alone); checked by its own
#: pattern in the tests, as the parser has no SHOW commands.
SHOW_INDEX_STATES: Final = "SHOW INDEXES YIELD name, state RETURN name, state"
WIPE_BATCH: Final = "MATCH (n) WITH n LIMIT $batch_size DETACH DELETE n RETURN count(*) AS deleted"

# ---------------------------------------------------------------- ingest
ANY_TOMBSTONE: Final = "MATCH (t:Tombstone) RETURN 1 AS found LIMIT 1"
TOMBSTONED: Final = (
    "UNWIND $rows AS row MATCH (t:Tombstone {source: row.source, source_id_hash: row.hash, item_kind: $item_kind}) "
    "RETURN row.source AS source, row.hash AS hash"
)
RECORD_HASHES: Final = (
    "UNWIND $keys AS key MATCH (r:Record {source: key.source, source_id: key.source_id}) "
    "RETURN r.source AS source, r.source_id AS source_id, r.id AS id, r.content_hash AS content_hash"
)
INTERACTION_HASHES: Final = (
    "UNWIND $keys AS key MATCH (x:Interaction {source: key.source, source_id: key.source_id}) "
    "RETURN x.source AS source, x.source_id AS source_id, x.id AS id, x.content_hash AS content_hash"
)
IDENTIFIER_IDS: Final = (
    "UNWIND $keys AS key MATCH (i:Identifier {kind: key.kind, value: key.value}) "
    "RETURN i.kind AS kind, i.value AS value, i.id AS id"
)
MERGE_IDENTIFIERS: Final = (
    "UNWIND $rows AS row MERGE (i:Identifier {kind: row.kind, value: row.value}) ON CREATE SET i.id = row.id"
)
CREATE_RECORDS: Final = (
    "UNWIND $rows AS row MERGE (r:Record {source: row.source, source_id: row.source_id}) "
    "ON CREATE SET r.id = row.id, r.first_seen = $now, r.version = 1 "
    "SET r += row.props, r.content_hash = row.content_hash, r.changed_at = $now, r.dirty = true"
)
UPDATE_RECORDS: Final = (
    "UNWIND $rows AS row MATCH (r:Record {id: row.id}) OPTIONAL MATCH (r)-[h:HAS]->(:Identifier) DELETE h "
    "WITH DISTINCT r, row SET r += row.props, r.content_hash = row.content_hash, r.changed_at = $now, "
    "r.version = r.version + 1, r.dirty = true"
)
LINK_IDENTIFIERS: Final = (
    "UNWIND $rows AS row MATCH (r:Record {source: row.source, source_id: row.source_id}) "
    "MATCH (i:Identifier {kind: row.kind, value: row.value}) MERGE (r)-[h:HAS {field: row.field}]->(i) "
    "ON CREATE SET h.strength = row.strength, h.raw = row.raw"
)
MERGE_VERSIONS: Final = (
    "UNWIND $rows AS row MERGE (v:Version {item_kind: row.item_kind, item_id: row.item_id, version: row.version}) "
    "SET v.content_hash = row.content_hash, v.data = row.data, v.replaced_at = $now"
)
VERSIONS_OF: Final = (
    "MATCH (v:Version {item_kind: $item_kind, item_id: $item_id}) RETURN v.version AS version, "
    "v.content_hash AS content_hash, v.data AS data, v.replaced_at AS replaced_at ORDER BY version"
)
CREATE_INTERACTIONS: Final = (
    "UNWIND $rows AS row MERGE (x:Interaction {source: row.source, source_id: row.source_id}) "
    "ON CREATE SET x.id = row.id, x.first_seen = $now, x.version = 1 "
    "SET x += row.props, x.content_hash = row.content_hash, x.changed_at = $now"
)
UPDATE_INTERACTIONS: Final = (
    "UNWIND $rows AS row MATCH (x:Interaction {id: row.id}) OPTIONAL MATCH (:Record)-[t:TOOK_PART]->(x) DELETE t "
    "WITH DISTINCT x, row SET x += row.props, x.content_hash = row.content_hash, x.changed_at = $now, "
    "x.version = x.version + 1"
)
LINK_PARTICIPANTS: Final = (
    "UNWIND $rows AS row MATCH (x:Interaction {source: row.source, source_id: row.source_id}) "
    "MATCH (r:Record {source: row.record_source, source_id: row.record_source_id}) "
    "MERGE (r)-[t:TOOK_PART {role: row.role}]->(x)"
)

# ---------------------------------------------------------------- records and identifiers
_CLAIMS: Final = (
    "collect(CASE WHEN h IS NULL THEN NULL ELSE "
    "{kind: i.kind, value: i.value, field: h.field, strength: h.strength, raw: h.raw} END) AS claims"
)
RECORDS_BY_ID: Final = (
    "UNWIND $ids AS rid MATCH (r:Record {id: rid}) OPTIONAL MATCH (r)-[h:HAS]->(i:Identifier) "
    "RETURN properties(r) AS record, " + _CLAIMS
)
RECORD_BY_KEY: Final = (
    "MATCH (r:Record {source: $source, source_id: $source_id}) OPTIONAL MATCH (r)-[h:HAS]->(i:Identifier) "
    "RETURN properties(r) AS record, " + _CLAIMS
)
RECORD_PAGE: Final = (
    "MATCH (r:Record) WHERE r.id > $after AND ($dirty_only = false OR r.dirty = true) "
    "WITH r ORDER BY r.id LIMIT $page_size OPTIONAL MATCH (r)-[h:HAS]->(i:Identifier) "
    "RETURN r.id AS id, properties(r) AS record, " + _CLAIMS + " ORDER BY id"
)
RECORD_IDS: Final = "MATCH (r:Record) RETURN r.id AS id ORDER BY id"
MARK_ALL_RESOLVED: Final = "MATCH (r:Record) WHERE r.dirty = true SET r.dirty = false"
MARK_RESOLVED: Final = "UNWIND $ids AS rid MATCH (r:Record {id: rid}) SET r.dirty = false"
POSTINGS_PAGE: Final = (
    "MATCH (i:Identifier) WHERE i.id > $after AND (size($kinds) = 0 OR i.kind IN $kinds) "
    "WITH i ORDER BY i.id LIMIT $page_size OPTIONAL MATCH (r:Record)-[h:HAS]->(i) "
    "RETURN i.id AS identifier_id, i.kind AS kind, i.value AS value, r.id AS record_id, h.strength AS strength "
    "ORDER BY identifier_id, record_id"
)
RECORDS_WITH_IDENTIFIERS: Final = (
    "UNWIND $keys AS key MATCH (i:Identifier {kind: key.kind, value: key.value})<-[:HAS]-(r:Record) "
    "RETURN i.kind AS kind, i.value AS value, r.id AS record_id ORDER BY record_id"
)
# Name search: each record links to the folded words of its name, `(:Record)-[:NAMED]->(:NameWord {word})`, a
# portable stand-in for a full-text index (ArcadeDB's Bolt server has none). Every word is required, the last as a
# prefix; a record whose word equals the prefix comes before one where it only starts a longer word.
_NAME_PREFIX_RANK: Final = (
    "WITH r, min(CASE WHEN q.word = $prefix THEN 0 ELSE 1 END) AS rank "
    "RETURN r.id AS id, rank ORDER BY rank, id LIMIT $max_hits"
)
SEARCH_NAME_PREFIX: Final = (
    "MATCH (q:NameWord)<-[:NAMED]-(r:Record) WHERE q.word STARTS WITH $prefix " + _NAME_PREFIX_RANK
)
SEARCH_NAME_WORDS: Final = (
    "MATCH (:NameWord {word: $first})<-[:NAMED]-(r:Record) MATCH (r)-[:NAMED]->(q:NameWord) "
    "WHERE q.word STARTS WITH $prefix AND all(w IN $others WHERE EXISTS { (r)-[:NAMED]->(:NameWord {word: w}) }) "
    + _NAME_PREFIX_RANK
)
UNLINK_NAME_WORDS: Final = (
    "UNWIND $ids AS rid MATCH (:Record {id: rid})-[n:NAMED]->(w:NameWord) DELETE n RETURN DISTINCT w.word AS word"
)
LINK_NAME_WORDS: Final = (
    "UNWIND $rows AS row MATCH (r:Record {source: row.source, source_id: row.source_id}) "
    "MERGE (w:NameWord {word: row.word}) MERGE (r)-[:NAMED]->(w)"
)
NAME_WORDS_OF: Final = (
    "UNWIND $ids AS rid MATCH (:Record {id: rid})-[:NAMED]->(w:NameWord) RETURN DISTINCT w.word AS word"
)
DELETE_ORPHAN_NAME_WORDS: Final = (
    "UNWIND $words AS word MATCH (w:NameWord {word: word}) WHERE NOT EXISTS { (w)<-[:NAMED]-() } DELETE w"
)
NAMES_PAGE: Final = (
    "MATCH (r:Record) WHERE r.id > $after WITH r ORDER BY r.id LIMIT $page_size "
    "RETURN r.id AS id, r.source AS source, r.source_id AS source_id, r.name AS name ORDER BY id"
)

# ---------------------------------------------------------------- blocking keys
DELETE_ALL_BLOCKING_KEYS: Final = "MATCH (b:BlockingKey) DETACH DELETE b"
DELETE_BLOCKING_KEYS_OF: Final = (
    "UNWIND $ids AS rid MATCH (:Record {id: rid})-[k:KEYED]->(b:BlockingKey) DELETE k "
    "WITH DISTINCT b WHERE NOT EXISTS { (b)<-[:KEYED]-() } DELETE b"
)
INSERT_BLOCKING_KEYS: Final = (
    "UNWIND $rows AS row MATCH (r:Record {id: row.record_id}) MERGE (b:BlockingKey {key: row.key}) "
    "MERGE (r)-[:KEYED]->(b)"
)
BLOCK_MEMBERS: Final = "MATCH (:BlockingKey {key: $key})<-[:KEYED]-(r:Record) RETURN r.id AS id LIMIT $cap"
DELETE_ORPHAN_BLOCKING_KEYS: Final = "MATCH (b:BlockingKey) WHERE NOT EXISTS { (b)<-[:KEYED]-() } DELETE b"

# ---------------------------------------------------------------- counts
COUNT_RECORDS: Final = "MATCH (r:Record) RETURN count(r) AS n"
COUNT_INTERACTIONS: Final = "MATCH (x:Interaction) RETURN count(x) AS n"
COUNT_IDENTIFIERS: Final = "MATCH (i:Identifier) RETURN count(i) AS n"
COUNT_PERSONS: Final = "MATCH (:Record)-[:`IN`]->(p:Person) RETURN count(DISTINCT p) AS n"
COUNT_ACTIVE_JUDGEMENTS: Final = (
    "MATCH (:Record)-[j:JUDGED]->(:Record) WHERE j.superseded_at IS NULL RETURN count(j) AS n"
)
COUNT_EDGES_BY_STATUS: Final = "MATCH (:Record)-[m:`MATCH`]->(:Record) RETURN m.status AS status, count(m) AS n"

# ---------------------------------------------------------------- match edges
_EDGE_COLUMNS: Final = (
    "RETURN startNode(m).id AS left, endNode(m).id AS right, m.score AS score, m.weight AS weight, "
    "m.status AS status, m.evidence AS evidence, m.explanation AS explanation ORDER BY left, right"
)
DELETE_ALL_EDGES: Final = "MATCH (:Record)-[m:`MATCH`]->(:Record) DELETE m"
DELETE_EDGES_OF: Final = "UNWIND $ids AS rid MATCH (:Record {id: rid})-[m:`MATCH`]-(:Record) WITH DISTINCT m DELETE m"
MERGE_EDGES: Final = (
    "UNWIND $rows AS row MATCH (a:Record {id: row.left}) MATCH (b:Record {id: row.right}) "
    "MERGE (a)-[m:`MATCH`]->(b) SET m.score = row.score, m.weight = row.weight, m.status = row.status, "
    "m.evidence = row.evidence, m.explanation = row.explanation, m.updated_at = $now"
)
EDGES_ALL: Final = (
    "MATCH (:Record)-[m:`MATCH`]->(:Record) WHERE size($statuses) = 0 OR m.status IN $statuses " + _EDGE_COLUMNS
)
EDGES_OF: Final = (
    "UNWIND $ids AS rid MATCH (:Record {id: rid})-[m:`MATCH`]-(:Record) WITH DISTINCT m "
    "WHERE size($statuses) = 0 OR m.status IN $statuses " + _EDGE_COLUMNS
)
EDGE_PAIRS: Final = (
    "MATCH (a:Record)-[m:`MATCH`]->(b:Record) WHERE m.status IN $statuses "
    "RETURN a.id AS left, b.id AS right, m.score AS score ORDER BY left, right"
)

# ---------------------------------------------------------------- judgements
_JUDGEMENT_COLUMNS: Final = (
    "RETURN j.id AS id, startNode(j).id AS left, endNode(j).id AS right, j.verdict AS verdict, "
    "j.by AS judged_by, j.at AS at, j.reason AS reason, j.superseded_at AS superseded_at ORDER BY id"
)
CREATE_JUDGEMENT: Final = (
    "MATCH (a:Record {id: $left}) MATCH (b:Record {id: $right}) "
    "CREATE (a)-[j:JUDGED {id: $id, verdict: $verdict, by: $judged_by, at: $at, reason: $reason}]->(b) "
    "RETURN j.id AS id"
)
SUPERSEDE_JUDGEMENTS: Final = (
    "MATCH (:Record {id: $left})-[j:JUDGED]->(:Record {id: $right}) WHERE j.superseded_at IS NULL AND j.id <> $id "
    "SET j.superseded_at = $at, j.superseded_by = $id"
)
JUDGEMENTS_ALL: Final = (
    "MATCH (:Record)-[j:JUDGED]->(:Record) WHERE $active_only = false OR j.superseded_at IS NULL " + _JUDGEMENT_COLUMNS
)
JUDGEMENTS_OF: Final = (
    "UNWIND $ids AS rid MATCH (:Record {id: rid})-[j:JUDGED]-(:Record) WITH DISTINCT j "
    "WHERE $active_only = false OR j.superseded_at IS NULL " + _JUDGEMENT_COLUMNS
)
JUDGEMENT_BY_ID: Final = "MATCH (:Record)-[j:JUDGED {id: $id}]->(:Record) " + _JUDGEMENT_COLUMNS
WITHDRAW_JUDGEMENT: Final = (
    "MATCH (:Record)-[j:JUDGED {id: $id}]->(:Record) WHERE j.superseded_at IS NULL "
    "SET j.superseded_at = $now RETURN j.id AS id"
)

# ---------------------------------------------------------------- persons and the change feed
ASSIGNMENTS_ALL: Final = "MATCH (r:Record)-[:`IN`]->(p:Person) RETURN r.id AS record_id, p.id AS person_id"
ASSIGNMENTS_OF: Final = (
    "UNWIND $ids AS rid MATCH (r:Record {id: rid})-[:`IN`]->(p:Person) RETURN r.id AS record_id, p.id AS person_id"
)
PERSON_RECORDS: Final = (
    "UNWIND $ids AS pid MATCH (p:Person {id: pid})<-[:`IN`]-(r:Record) "
    "RETURN p.id AS person_id, r.id AS record_id ORDER BY record_id"
)
CREATE_PERSONS: Final = "UNWIND $ids AS pid CREATE (:Person {id: pid, created_at: $now, updated_at: $now})"
SET_PERSONS: Final = (
    "UNWIND $rows AS row MATCH (r:Record {id: row.record_id}) MATCH (p:Person {id: row.person_id}) "
    "OPTIONAL MATCH (r)-[old:`IN`]->(:Person) DELETE old WITH DISTINCT r, p MERGE (r)-[:`IN`]->(p) "
    "SET p.updated_at = $now"
)
RETIRE_PERSONS: Final = (
    "UNWIND $rows AS row MATCH (p:Person {id: row.person_id}) "
    "SET p.retired_at = $now, p.merged_into = row.merged_into, p.updated_at = $now"
)
PERSON_STATE: Final = "MATCH (p:Person {id: $id}) RETURN p.merged_into AS merged_into, p.retired_at AS retired_at"
LIVE_PERSONS: Final = "MATCH (:Record)-[:`IN`]->(p:Person) RETURN DISTINCT p.id AS id ORDER BY id"
ADD_EVENTS: Final = (
    "UNWIND $rows AS row CREATE (:Event {id: row.id, at: $now, type: row.type, person_id: row.person_id, "
    "other_person_id: row.other_person_id, record_id: row.record_id, cause: row.cause})"
)
EVENTS_AFTER: Final = (
    "MATCH (e:Event) WHERE e.id > $after_id AND ($since IS NULL OR e.at >= $since) "
    "RETURN e.id AS id, e.at AS at, e.type AS type, e.person_id AS person_id, "
    "e.other_person_id AS other_person_id, e.record_id AS record_id, e.cause AS cause ORDER BY id LIMIT $max_events"
)
LAST_EVENT_ID: Final = "MATCH (e:Event) RETURN coalesce(max(e.id), 0) AS id"
PERSON_ERASED: Final = (
    "MATCH (e:Event) WHERE e.person_id = $person_id AND e.type = 'person.erased' RETURN count(e) AS n"
)
DETACHED_RECORDS: Final = (
    "MATCH (e:Event) WHERE e.person_id IN $person_ids AND e.type = 'record.detached' AND e.record_id IS NOT NULL "
    "RETURN DISTINCT e.record_id AS record_id ORDER BY record_id"
)

# ---------------------------------------------------------------- interactions and the timeline
_TIMELINE_MATCH: Final = (
    "MATCH (:Person {id: $person_id})<-[:`IN`]-(r:Record)-[t:TOOK_PART]->(x:Interaction) "
    "WHERE (size($channels) = 0 OR x.channel IN $channels) AND ($since_us IS NULL OR x.occurred_us >= $since_us) "
    "AND ($until_us IS NULL OR x.occurred_us < $until_us) "
)
TIMELINE_TOTAL: Final = _TIMELINE_MATCH + "RETURN count(DISTINCT x) AS total"
TIMELINE_PAGE: Final = (
    _TIMELINE_MATCH + "WITH x, min(t.role) AS role, min(r.id) AS record_id "
    "RETURN x.id AS id, x.source AS source, x.source_id AS source_id, x.channel AS channel, "
    "x.occurred_at AS occurred_at, x.occurred_us AS occurred_us, x.direction AS direction, x.subject AS subject, "
    "x.summary AS summary, role, record_id ORDER BY occurred_us DESC, id DESC SKIP $skip_n LIMIT $page_size"
)
INTERACTION_BY_ID: Final = "MATCH (x:Interaction {id: $id}) RETURN properties(x) AS interaction"
INTERACTIONS_BY_ID: Final = "UNWIND $ids AS xid MATCH (x:Interaction {id: xid}) RETURN properties(x) AS interaction"

# ---------------------------------------------------------------- export
EXPORT_RECORDS_PAGE: Final = (
    "MATCH (r:Record) WHERE r.id > $after WITH r ORDER BY r.id LIMIT $page_size "
    "OPTIONAL MATCH (r)-[:`IN`]->(p:Person) "
    "RETURN r.id AS id, r.source AS source, r.source_id AS source_id, p.id AS person_id ORDER BY id"
)
EXPORT_INTERACTIONS_PAGE: Final = (
    "MATCH (x:Interaction) WHERE x.id > $after WITH x ORDER BY x.id LIMIT $page_size "
    "OPTIONAL MATCH (r:Record)-[t:TOOK_PART]->(x) OPTIONAL MATCH (r)-[:`IN`]->(p:Person) "
    "RETURN x.id AS id, x.source AS source, x.source_id AS source_id, "
    "collect([t.role, r.id, p.id]) AS parties ORDER BY id"
)

# ---------------------------------------------------------------- steward: guard reports and activity
ADD_GUARD_REPORTS: Final = (
    "UNWIND $rows AS row CREATE (:GuardReport {id: row.id, record_ids: row.record_ids, reason: row.reason, "
    "created_at: $now})"
)
GUARD_REPORTS: Final = (
    "MATCH (g:GuardReport) WHERE $open_only = false OR g.resolved_at IS NULL "
    "RETURN g.id AS id, g.record_ids AS record_ids, g.reason AS reason, g.created_at AS created_at, "
    "g.resolved_at AS resolved_at ORDER BY id"
)
RESOLVE_GUARD_REPORTS: Final = (
    "UNWIND $ids AS gid MATCH (g:GuardReport {id: gid}) WHERE g.resolved_at IS NULL SET g.resolved_at = $now"
)
RECORD_ACTIVITY: Final = (
    "UNWIND $ids AS rid MATCH (r:Record {id: rid}) OPTIONAL MATCH (r)-[:TOOK_PART]->(x:Interaction) "
    "RETURN r.id AS id, r.changed_at AS changed_at, count(DISTINCT x) AS interactions"
)
PERSON_STATS: Final = (
    "UNWIND $ids AS pid MATCH (p:Person {id: pid})<-[:`IN`]-(r:Record) "
    "OPTIONAL MATCH (r)-[:TOOK_PART]->(x:Interaction) "
    "RETURN p.id AS id, count(DISTINCT r) AS records, count(DISTINCT x) AS interactions"
)
IDENTIFIER_KEYS_OF: Final = (
    "UNWIND $ids AS rid MATCH (r:Record {id: rid})-[:HAS]->(i:Identifier) "
    "RETURN r.id AS record_id, i.kind AS kind, i.value AS value"
)

# ---------------------------------------------------------------- service: tokens and the audit log
_TOKEN_COLUMNS: Final = (
    "RETURN t.id AS id, t.name AS name, t.role AS role, t.created_at AS created_at, t.revoked_at AS revoked_at"
)
ADD_TOKEN: Final = (
    "CREATE (t:ApiToken {id: $id, name: $name, role: $role, token_hash: $token_hash, created_at: $now}) "
    + _TOKEN_COLUMNS
)
TOKEN_BY_HASH: Final = "MATCH (t:ApiToken {token_hash: $token_hash}) " + _TOKEN_COLUMNS
TOKEN_BY_ID: Final = "MATCH (t:ApiToken {id: $id}) " + _TOKEN_COLUMNS
TOKENS_ALL: Final = "MATCH (t:ApiToken) " + _TOKEN_COLUMNS + " ORDER BY id"
REVOKE_TOKEN: Final = (
    "MATCH (t:ApiToken {id: $id}) WHERE t.revoked_at IS NULL SET t.revoked_at = $now RETURN t.id AS id"
)
ADD_AUDIT: Final = (
    "CREATE (:AuditEntry {id: $id, at: $now, actor: $actor, action: $action, target: $target, detail: $detail})"
)
AUDIT_ENTRIES: Final = (
    "MATCH (a:AuditEntry) WHERE ($before_id IS NULL OR a.id < $before_id) AND ($target IS NULL OR a.target = $target) "
    "RETURN a.id AS id, a.at AS at, a.actor AS actor, a.action AS action, a.target AS target, a.detail AS detail "
    "ORDER BY id DESC LIMIT $max_entries"
)

# ---------------------------------------------------------------- load history (counts and notes, no record content)
ADD_INGEST_RUN: Final = (
    "CREATE (:IngestRun {id: $id, source: $source, format: $format, started_at: $started_at, "
    "finished_at: $finished_at, loaded: $loaded, updated: $updated, unchanged: $unchanged, "
    "quarantined: $quarantined, notes: $notes})"
)
INGEST_RUNS: Final = (
    "MATCH (n:IngestRun) WHERE $source IS NULL OR n.source = $source "
    "RETURN n.id AS id, n.source AS source, n.format AS format, n.started_at AS started_at, "
    "n.finished_at AS finished_at, n.loaded AS loaded, n.updated AS updated, n.unchanged AS unchanged, "
    "n.quarantined AS quarantined, n.notes AS notes ORDER BY id DESC LIMIT $max_runs"
)

# ---------------------------------------------------------------- erasure
ERASE_RECORD_KEYS: Final = (
    "UNWIND $ids AS rid MATCH (r:Record {id: rid}) RETURN r.id AS id, r.source AS source, r.source_id AS source_id"
)
ERASE_TOUCHED_INTERACTIONS: Final = (
    "UNWIND $ids AS rid MATCH (:Record {id: rid})-[:TOOK_PART]->(x:Interaction) "
    "RETURN DISTINCT x.id AS id, x.source AS source, x.source_id AS source_id"
)
INTERACTION_PARTIES: Final = (
    "UNWIND $ids AS xid MATCH (r:Record)-[:TOOK_PART]->(x:Interaction {id: xid}) "
    "RETURN x.id AS id, collect(DISTINCT r.id) AS record_ids"
)
MERGE_TOMBSTONES: Final = (
    "UNWIND $rows AS row MERGE (t:Tombstone {source: row.source, source_id_hash: row.hash, item_kind: row.item_kind}) "
    "ON CREATE SET t.erased_at = $now"
)
ERASE_IDENTIFIERS_OF: Final = (
    "UNWIND $ids AS rid MATCH (:Record {id: rid})-[:HAS]->(i:Identifier) RETURN DISTINCT i.id AS id ORDER BY id"
)
ERASE_EDGES: Final = (
    "UNWIND $ids AS rid MATCH (:Record {id: rid})-[m:`MATCH`]-(:Record) WITH DISTINCT m DELETE m RETURN count(m) AS n"
)
ERASE_JUDGEMENT_IDS: Final = (
    "UNWIND $ids AS rid MATCH (:Record {id: rid})-[j:JUDGED]-(:Record) RETURN DISTINCT j.id AS id"
)
CLEAR_SUPERSEDED_BY: Final = (
    "MATCH (:Record)-[j:JUDGED]->(:Record) WHERE j.superseded_by IN $ids SET j.superseded_by = NULL"
)
ERASE_JUDGEMENTS: Final = (
    "UNWIND $ids AS rid MATCH (:Record {id: rid})-[j:JUDGED]-(:Record) WITH DISTINCT j DELETE j RETURN count(j) AS n"
)
ERASE_VERSIONS: Final = (
    "UNWIND $rows AS row MATCH (v:Version {item_kind: row.item_kind, item_id: row.item_id}) "
    "DELETE v RETURN count(v) AS n"
)
ERASE_INTERACTIONS: Final = "UNWIND $ids AS xid MATCH (x:Interaction {id: xid}) DETACH DELETE x RETURN count(x) AS n"
INTERACTION_TEXTS: Final = (
    "UNWIND $ids AS xid MATCH (x:Interaction {id: xid}) RETURN x.id AS id, x.subject AS subject, "
    "x.summary AS summary, x.thread_key AS thread_key, x.attributes AS attributes ORDER BY id"
)
SET_INTERACTION_TEXTS: Final = (
    "UNWIND $rows AS row MATCH (x:Interaction {id: row.id}) SET x.subject = row.subject, x.summary = row.summary, "
    "x.thread_key = row.thread_key, x.attributes = row.attributes"
)
ERASE_EVENTS: Final = (
    "MATCH (e:Event) WHERE e.person_id = $person_id OR e.other_person_id = $person_id OR e.record_id IN $ids "
    "DELETE e RETURN count(e) AS n"
)
GUARD_REPORTS_WITH: Final = (
    "MATCH (g:GuardReport) WHERE any(rid IN g.record_ids WHERE rid IN $ids) "
    "RETURN g.id AS id, g.record_ids AS record_ids ORDER BY id"
)
SET_GUARD_REPORT_RECORDS: Final = (
    "UNWIND $rows AS row MATCH (g:GuardReport {id: row.id}) SET g.record_ids = row.record_ids"
)
DELETE_GUARD_REPORTS: Final = "UNWIND $ids AS gid MATCH (g:GuardReport {id: gid}) DELETE g"
ERASE_RECORDS: Final = "UNWIND $ids AS rid MATCH (r:Record {id: rid}) DETACH DELETE r RETURN count(r) AS n"
DROP_UNDECLARED_MENTIONS: Final = (
    "UNWIND $ids AS iid MATCH (i:Identifier {id: iid}) WHERE NOT EXISTS { (i)<-[:HAS {strength: $declared}]-() } "
    "MATCH (i)<-[h:HAS]-() DELETE h"
)
ERASE_ORPHAN_IDENTIFIERS: Final = (
    "UNWIND $ids AS iid MATCH (i:Identifier {id: iid}) WHERE NOT EXISTS { (i)<-[:HAS]-() } "
    "DELETE i RETURN count(i) AS n"
)
AUDIT_MENTIONING: Final = (
    "MATCH (a:AuditEntry) WHERE any(term IN $terms WHERE toLower(a.target + ' ' + a.detail) CONTAINS term) "
    "RETURN a.id AS id, a.target AS target, a.detail AS detail ORDER BY id"
)
SET_AUDIT_TEXT: Final = (
    "UNWIND $rows AS row MATCH (a:AuditEntry {id: row.id}) SET a.target = row.target, a.detail = row.detail"
)
RUNS_MENTIONING: Final = (
    "MATCH (n:IngestRun) WHERE any(term IN $terms WHERE toLower(n.notes) CONTAINS term) "
    "RETURN n.id AS id, n.notes AS notes ORDER BY id"
)
SET_RUN_NOTES: Final = "UNWIND $rows AS row MATCH (n:IngestRun {id: row.id}) SET n.notes = row.notes"
RETIRE_ERASED_PERSON: Final = (
    "MATCH (p:Person {id: $person_id}) SET p.retired_at = $now, p.merged_into = NULL, p.updated_at = $now"
)

# ---------------------------------------------------------------- the campaign registry (store/campaigns.py)
CAMPAIGN_DATA: Final = "MATCH (c:Campaign {campaign_id: $campaign_id}) RETURN c.data AS data"
SAVE_CAMPAIGN: Final = (
    "MERGE (c:Campaign {campaign_id: $campaign_id}) SET c.name = $name, c.channel = $channel, "
    "c.starts_at = $starts_at, c.ends_at = $ends_at, c.data = $data, c.changed_at = $changed_at, "
    "c.changed_by = $changed_by"
)
ALL_CAMPAIGNS: Final = (
    "MATCH (c:Campaign) RETURN c.data AS data, c.starts_at AS starts_at, c.campaign_id AS campaign_id "
    "ORDER BY starts_at, campaign_id"
)
DELETE_CAMPAIGN: Final = "MATCH (c:Campaign {campaign_id: $campaign_id}) DELETE c RETURN count(c) AS n"
