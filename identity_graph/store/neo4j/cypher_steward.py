"""Cypher of the steward's undo log, the audit search, the queue's counts and the briefing's time window.

Re-exported by `cypher`, where every statement the store runs is named."""

from __future__ import annotations

from typing import Final

_ACTION_RETURN: Final = (
    "RETURN a.id AS id, a.kind AS kind, a.actor AS actor, a.at AS at, a.judgement_ids AS judgement_ids, "
    "a.superseded_ids AS superseded_ids, a.before AS before, a.after AS after, a.undone_at AS undone_at, "
    "a.undone_by AS undone_by"
)
ADD_ACTION: Final = (
    "CREATE (:StewardAction {id: $id, kind: $kind, actor: $actor, at: $at, judgement_ids: $judgement_ids, "
    "superseded_ids: $superseded_ids, before: $before, after: $after})"
)
ACTION_BY_ID: Final = "MATCH (a:StewardAction {id: $id}) " + _ACTION_RETURN
ACTION_OF_JUDGEMENT: Final = "MATCH (a:StewardAction) WHERE $id IN a.judgement_ids " + _ACTION_RETURN
ACTION_JUDGEMENTS: Final = "MATCH (a:StewardAction) WHERE a.kind IN $kinds RETURN a.judgement_ids AS ids"
MARK_ACTION_UNDONE: Final = (
    "MATCH (a:StewardAction {id: $id}) WHERE a.undone_at IS NULL "
    "SET a.undone_at = $now, a.undone_by = $undone_by RETURN a.id AS id"
)
REVIVE_PERSONS: Final = (
    "UNWIND $ids AS pid MATCH (p:Person {id: pid}) SET p.retired_at = NULL, p.merged_into = NULL, p.updated_at = $now"
)
REINSTATE_JUDGEMENTS: Final = (
    "UNWIND $ids AS jid MATCH (:Record)-[j:JUDGED {id: jid}]->(:Record) "
    "SET j.superseded_at = NULL, j.superseded_by = NULL"
)
RECORD_SOURCES: Final = "UNWIND $ids AS rid MATCH (r:Record {id: rid}) RETURN r.id AS id, r.source AS source"
COUNT_EDGES: Final = "MATCH (:Record)-[m:`MATCH`]->(:Record) WHERE m.status IN $statuses RETURN count(m) AS n"
RECORDS_FROM: Final = "MATCH (r:Record {source: $source}) RETURN r.id AS id"
SOURCE_NAMES: Final = "MATCH (r:Record) RETURN DISTINCT r.source AS source"
AUDIT_SEARCH: Final = (
    "MATCH (a:AuditEntry) WHERE ($before_id IS NULL OR a.id < $before_id) AND ($actors IS NULL OR a.actor IN $actors) "
    "AND ($action IS NULL OR a.action = $action OR ($prefix IS NOT NULL AND a.action STARTS WITH $prefix)) "
    "AND ($since IS NULL OR a.at >= $since) AND ($until IS NULL OR a.at < $until) "
    "AND ($target IS NULL OR a.target = $target) "
    "RETURN a.id AS id, a.at AS at, a.actor AS actor, a.action AS action, a.target AS target, a.detail AS detail "
    "ORDER BY id DESC LIMIT $max_entries"
)

#: One page of a window in time order (keyset on occurred_us then id), with the persons of non-mention parties.
WINDOW_PAGE_QUERY: Final = (
    "MATCH (x:Interaction) WHERE x.occurred_us >= $start_us AND x.occurred_us < $end_us "
    "AND (x.occurred_us > $after_us OR (x.occurred_us = $after_us AND x.id > $after_id)) "
    "AND (size($channels) = 0 OR x.channel IN $channels) "
    "WITH x ORDER BY x.occurred_us, x.id LIMIT $page_size "
    "OPTIONAL MATCH (r:Record)-[t:TOOK_PART]->(x) WHERE t.role <> 'mentioned' "
    "OPTIONAL MATCH (r)-[:`IN`]->(p:Person) "
    "RETURN properties(x) AS interaction, x.occurred_us AS occurred_us, x.id AS xid, "
    "collect(DISTINCT p.id) AS persons ORDER BY occurred_us, xid"
)
