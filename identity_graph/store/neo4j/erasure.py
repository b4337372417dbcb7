"""Erasing a person from the Neo4j store: records, what only they hold, and scrubbing what must stay.

The same steps and counts as the embedded store's `erase_records`, in Cypher and in one transaction. Neo4j has no
`secure_delete`: deleted nodes' space is reused by the store files; `docs/neo4j.md` says how to compact them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

from identity_graph.model import Strength
from identity_graph.store.neo4j import cypher
from identity_graph.store.neo4j.base import Neo4jBase, Tx, count_of, now, run, run_ids, run_rows
from identity_graph.store.neo4j.graph import event_rows
from identity_graph.store.neo4j.ingest import drop_orphan_name_words, tombstone_rows
from identity_graph.store.protocol import NewEvent
from identity_graph.store.service_types import ErasureCounts
from identity_graph.store.sqlite_base import to_json
from identity_graph.store.sqlite_service import scrub_text, terms_pattern

#: Free-text properties of an interaction that may mention a person taking part in it.
INTERACTION_TEXT = ("subject", "summary", "thread_key", "attributes")


def scrubbed_interaction(row: Mapping[str, Any], pattern: re.Pattern[str] | None) -> dict[str, Any] | None:
    """An interaction's text properties with erased terms replaced, or None when nothing changes."""
    if pattern is None:
        return None
    new = {k: None if row[k] is None else scrub_text(str(row[k]), pattern) for k in INTERACTION_TEXT}
    if all(new[k] == row[k] for k in INTERACTION_TEXT):
        return None
    attributes = new["attributes"]
    if attributes is not None:
        try:
            new["attributes"] = to_json(json.loads(attributes))
        except ValueError:
            new["attributes"] = "{}"
    return {"id": int(row["id"]), **new}


def pruned_reports(rows: Sequence[Mapping[str, Any]], erased: set[int]) -> tuple[list[dict[str, Any]], list[int]]:
    """Guard reports with erased records taken out: (reports to update, ids of reports left with under two)."""
    update: list[dict[str, Any]] = []
    drop: list[int] = []
    for r in rows:
        kept = [int(m) for m in r["record_ids"] if int(m) not in erased]
        if len(kept) < 2:
            drop.append(int(r["id"]))
        else:
            update.append({"id": int(r["id"]), "record_ids": kept})
    return update, drop


class Neo4jErasureMixin(Neo4jBase):
    """Erasure of a person's records for the Neo4j store."""

    def erase_records(
        self, person_id: int, record_ids: Sequence[int], terms: Sequence[str], *, tombstones: bool
    ) -> ErasureCounts:
        """Remove these records and everything only they hold; scrub `terms` from what must stay; one transaction."""
        ids = sorted({int(r) for r in record_ids})
        pattern = terms_pattern(terms)
        lowered = sorted({t.lower() for t in terms if t.strip()})

        def work(tx: Tx) -> ErasureCounts:
            counts = ErasureCounts()
            stamp = now()
            touched = {int(r["id"]): r for r in run_ids(tx, cypher.ERASE_TOUCHED_INTERACTIONS, ids)}
            shared_ids = sorted(
                int(r["id"])
                for r in run_ids(tx, cypher.INTERACTION_PARTIES, sorted(touched))
                if set(r["record_ids"]) - set(ids)
            )
            only_theirs = sorted(set(touched) - set(shared_ids))
            if tombstones:
                counts.tombstones = self._tombstone(tx, ids, list(touched.values()), stamp)
            ident_ids = [int(r["id"]) for r in run_ids(tx, cypher.ERASE_IDENTIFIERS_OF, ids)]
            counts.edges = count_of(run_ids(tx, cypher.ERASE_EDGES, ids))
            counts.judgements = self._erase_judgements(tx, ids)
            versions = [{"item_kind": "record", "item_id": i} for i in ids]
            versions += [{"item_kind": "interaction", "item_id": i} for i in sorted(touched)]
            counts.versions = count_of(run_rows(tx, cypher.ERASE_VERSIONS, versions))
            counts.interactions_deleted = count_of(run_ids(tx, cypher.ERASE_INTERACTIONS, only_theirs))
            counts.interactions_scrubbed = self._scrub_interactions(tx, shared_ids, pattern)
            run_ids(tx, cypher.DELETE_BLOCKING_KEYS_OF, ids)
            counts.events = count_of(run(tx, cypher.ERASE_EVENTS, person_id=person_id, ids=ids))
            counts.other["guard_reports"] = self._prune_guard_reports(tx, ids)
            words = [str(r["word"]) for r in run_ids(tx, cypher.NAME_WORDS_OF, ids)]
            counts.records = count_of(run_ids(tx, cypher.ERASE_RECORDS, ids))
            drop_orphan_name_words(tx, words)
            run_ids(tx, cypher.DROP_UNDECLARED_MENTIONS, ident_ids, declared=Strength.DECLARED.value)
            counts.identifiers = count_of(run_ids(tx, cypher.ERASE_ORPHAN_IDENTIFIERS, ident_ids))
            counts.audit_scrubbed = self._scrub_audit(tx, lowered, pattern)
            counts.other["load_notes_scrubbed"] = self._scrub_run_notes(tx, lowered, pattern)
            run(tx, cypher.RETIRE_ERASED_PERSON, person_id=person_id, now=stamp)
            event = NewEvent("person.erased", person_id, "erasure")
            run_rows(tx, cypher.ADD_EVENTS, event_rows([event], self._next_ids(tx, "event", 1)), now=stamp)
            return counts

        return self._write(work)

    def compact(self, *, vacuum: bool) -> None:
        """Drop blocking-key nodes nothing points at; Neo4j reuses freed store space itself (see docs/neo4j.md)."""
        self._execute(cypher.DELETE_ORPHAN_BLOCKING_KEYS)

    def _tombstone(self, tx: Tx, ids: Sequence[int], interactions: Sequence[Mapping[str, Any]], stamp: str) -> int:
        """A tombstone (keyed hash of the source id) for each erased record and each interaction it took part in."""
        secret = self.tombstone_secret()
        records = [(str(r["source"]), str(r["source_id"])) for r in run_ids(tx, cypher.ERASE_RECORD_KEYS, ids)]
        rows = tombstone_rows(secret, "record", records)
        rows += tombstone_rows(secret, "interaction", [(str(r["source"]), str(r["source_id"])) for r in interactions])
        run_rows(tx, cypher.MERGE_TOMBSTONES, rows, now=stamp)
        return len(rows)

    @staticmethod
    def _erase_judgements(tx: Tx, ids: Sequence[int]) -> int:
        """Delete decisions about these records, clearing supersession links that pointed at them."""
        gone = sorted({int(r["id"]) for r in run_ids(tx, cypher.ERASE_JUDGEMENT_IDS, ids)})
        if gone:
            run(tx, cypher.CLEAR_SUPERSEDED_BY, ids=gone)
        return count_of(run_ids(tx, cypher.ERASE_JUDGEMENTS, ids))

    @staticmethod
    def _scrub_interactions(tx: Tx, ids: Sequence[int], pattern: re.Pattern[str] | None) -> int:
        """Replace the erased person's names and identifiers in interactions that other people took part in."""
        if pattern is None or not ids:
            return 0
        rows = [s for r in run_ids(tx, cypher.INTERACTION_TEXTS, ids) if (s := scrubbed_interaction(r, pattern))]
        run_rows(tx, cypher.SET_INTERACTION_TEXTS, rows)
        return len(rows)

    @staticmethod
    def _prune_guard_reports(tx: Tx, ids: Sequence[int]) -> int:
        """Take erased records out of over-merge reports; drop reports left with fewer than two records."""
        rows = run(tx, cypher.GUARD_REPORTS_WITH, ids=list(ids))
        update, drop = pruned_reports(rows, set(ids))
        run_rows(tx, cypher.SET_GUARD_REPORT_RECORDS, update)
        run_ids(tx, cypher.DELETE_GUARD_REPORTS, drop)
        return len(rows)

    @staticmethod
    def _scrub_run_notes(tx: Tx, lowered: Sequence[str], pattern: re.Pattern[str] | None) -> int:
        """Replace any erased term in the load history's notes (an inferred own number that was a customer's)."""
        if pattern is None or not lowered:
            return 0
        hits = run(tx, cypher.RUNS_MENTIONING, terms=list(lowered))
        rows = [{"id": int(r["id"]), "notes": scrub_text(r["notes"], pattern)} for r in hits]
        run_rows(tx, cypher.SET_RUN_NOTES, rows)
        return len(rows)

    @staticmethod
    def _scrub_audit(tx: Tx, lowered: Sequence[str], pattern: re.Pattern[str] | None) -> int:
        """Replace any erased term found in the audit log (it should hold none: ids only)."""
        if pattern is None or not lowered:
            return 0
        hits = run(tx, cypher.AUDIT_MENTIONING, terms=list(lowered))
        rows = [
            {"id": int(r["id"]), "target": scrub_text(r["target"], pattern), "detail": scrub_text(r["detail"], pattern)}
            for r in hits
        ]
        run_rows(tx, cypher.SET_AUDIT_TEXT, rows)
        return len(rows)
