"""Incremental (real-time) resolution of a few new or changed records against the whole store.

Candidates come from the store's indexes (identifier postings and blocking keys), pairs are scored with the
saved model, the records' edges are replaced, and only the affected closed scope is clustered again: the
connected components (AUTO links and SAME judgements) of the records, widened to whole persons. Because
clustering depends only on a component, this gives the batch answer for the same data.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from identity_graph.model import Identifier, MatchStatus, StoredRecord, Verdict
from identity_graph.persons import apply_clustering
from identity_graph.resolve.batch import resolve_all, store_guard_reports
from identity_graph.resolve.blocking import STORED_KEYS, record_keys
from identity_graph.resolve.clustering import cluster
from identity_graph.resolve.edges import build_edges
from identity_graph.resolve.features import Postings, build_features
from identity_graph.resolve.identifiers import IDENT_SAMPLE, IdentifierStats, identifier_stats
from identity_graph.resolve.pipeline import keys_for_store, record_facts, representatives
from identity_graph.resolve.scoring import comparisons_for, score_pairs
from identity_graph.resolve.summary import ResolveSummary
from identity_graph.resolve.training import load_model
from identity_graph.settings import MatchingSettings, Settings
from identity_graph.store.protocol import GraphStore
from matchers.comparisons import SHARE_CROWD
from matchers.features import IDENTIFIER_KINDS, FeatureTable

#: The scope of a re-clustering is widened at most this many times (components are small in practice).
MAX_SCOPE_ROUNDS = 50


def matchable_identifiers(records: Sequence[StoredRecord]) -> list[Identifier]:
    """The distinct matchable identifiers of these records."""
    seen = {c.identifier.key: c.identifier for r in records for c in r.claimed}
    return [i for i in seen.values() if i.kind.value in IDENTIFIER_KINDS]


@dataclass
class _Found:
    """Candidates of one record: by blocking key, and by each identifier it holds."""

    by_key: set[int] = field(default_factory=set)
    by_ident: dict[str, list[int]] = field(default_factory=dict)

    def ids(self, stats: IdentifierStats, crowd: int, own: int) -> set[int]:
        """Candidate ids, leaving out holders of identifiers a crowd uses (batch skips those blocks too)."""
        out = set(self.by_key)
        for key, ids in self.by_ident.items():
            if stats.code(key, crowd) != SHARE_CROWD:
                out.update(ids)
        out.discard(own)
        return out


def _candidates(
    store: GraphStore, records: Sequence[StoredRecord], placeholders: frozenset[str], settings: MatchingSettings
) -> tuple[dict[int, _Found], dict[str, list[int]]]:
    """Per record, what the indexes find; and the holders of each of its identifiers (first IDENT_SAMPLE)."""
    holders = {k: v[:IDENT_SAMPLE] for k, v in store.records_with_identifiers(matchable_identifiers(records)).items()}
    table, _ = build_features([records], placeholders)
    keys = record_keys(table)
    wanted = sorted({keys[p][i] for p in STORED_KEYS for i in range(len(table)) if keys[p][i]})
    by_key = store.records_with_blocking_keys(wanted, settings.max_block_size)
    out: dict[int, _Found] = {}
    for i, record in enumerate(records):
        found = _Found()
        for c in record.claimed:
            if c.identifier.key in holders:
                found.by_ident[c.identifier.key] = holders[c.identifier.key]
        for p in STORED_KEYS:
            if keys[p][i]:
                found.by_key.update(by_key.get(keys[p][i], ()))
        out[record.id] = found
    return out, holders


def resolve_records(
    store: GraphStore, record_ids: Sequence[int], settings: Settings, *, cause: str = "realtime"
) -> ResolveSummary:
    """Resolve a few new or changed records now: score against candidates, update edges, re-cluster the scope."""
    ms = settings.matching
    model = load_model(store, ms)
    if model is None:
        return resolve_all(store, settings)
    placeholders = frozenset(model.placeholders)
    crowd = ms.shared_identifier_persons
    summary = ResolveSummary(model_version=model.version)
    targets = store.get_records(sorted(set(record_ids)))
    if not targets:
        return summary
    cands, holders = _candidates(store, targets, placeholders, ms)
    table, postings, stats = _features(store, targets, cands, holders, placeholders, ms)
    twins = _identical_to(table, postings, stats, {t.id for t in targets}, crowd)
    affected = _stats_changed(store, [t for t in targets if t.id not in twins], holders, placeholders, ms)
    if affected - {t.id for t in targets}:
        extra = store.get_records(sorted(affected - {t.id for t in targets}))
        more, more_holders = _candidates(store, extra, placeholders, ms)
        cands.update(more)
        holders.update(more_holders)
        targets = [*targets, *extra]
        table, postings, stats = _features(store, targets, cands, holders, placeholders, ms)
    target_ids = {t.id for t in targets}
    pos = {int(r): i for i, r in enumerate(table.record_id)}
    pairs = [
        (pos[t], pos[c])
        for t in sorted(cands)
        for c in ([twins[t]] if t in twins else sorted(cands[t].ids(stats, crowd, t)))
    ]
    li = np.array([min(p) for p in pairs], dtype=np.int64)
    ri = np.array([max(p) for p in pairs], dtype=np.int64)
    if li.size:
        code = np.unique(li * len(table) + ri)
        li, ri = code // len(table), code % len(table)
    summary.records = len(target_ids)
    summary.candidate_pairs = int(li.size)
    scored = score_pairs(table, postings, stats, li, ri, model, ms)
    edges = build_edges(scored, comparisons_for(ms))
    keys = record_keys(table)
    with store.transaction():
        store.replace_edges(edges, record_ids=sorted(target_ids))
        store.replace_blocking_keys(
            keys_for_store(table, keys, [pos[t] for t in sorted(target_ids)]), sorted(target_ids)
        )
        _recluster(store, sorted(target_ids), placeholders, ms, cause, summary)
        store.mark_resolved(sorted(target_ids))
    summary.edges_auto = sum(1 for e in edges if e.status is MatchStatus.AUTO)
    summary.edges_review = len(edges) - summary.edges_auto
    return summary


def _features(
    store: GraphStore,
    targets: Sequence[StoredRecord],
    cands: dict[int, _Found],
    holders: dict[str, list[int]],
    placeholders: frozenset[str],
    ms: MatchingSettings,
) -> tuple[FeatureTable, Postings, IdentifierStats]:
    """Features of the targets, their candidates and their identifiers' holders, and identifier stats."""
    found = {i for f in cands.values() for i in f.by_key} | {h for hs in holders.values() for h in hs}
    table, postings = build_features([store.get_records(sorted({t.id for t in targets} | found))], placeholders)
    return table, postings, identifier_stats(table, postings, ms.name_similarity)


def _identical_to(
    table: FeatureTable, postings: Postings, stats: IdentifierStats, targets: set[int], crowd: int
) -> dict[int, int]:
    """Targets identical to an older record (batch collapses them onto it): target id -> that record's id."""
    reps = representatives(table, postings, stats, crowd)
    rid = table.record_id
    out = {}
    for i, r in enumerate(rid):
        rep = int(reps.rep_of[i])
        if int(r) in targets and rep != i:
            out[int(r)] = int(rid[rep])
    return out


def _stats_changed(
    store: GraphStore,
    targets: Sequence[StoredRecord],
    holders: dict[str, list[int]],
    placeholders: frozenset[str],
    ms: MatchingSettings,
) -> set[int]:
    """Holders of identifiers whose share code the target records change (their older pairs are rescored)."""
    sample = sorted({h for hs in holders.values() for h in hs})
    if not sample or not targets:
        return set()
    records = store.get_records(sample)
    target_ids = {t.id for t in targets}
    after_table, after_post = build_features([records], placeholders)
    before_table, before_post = build_features([[r for r in records if r.id not in target_ids]], placeholders)
    after = identifier_stats(after_table, after_post, ms.name_similarity)
    before = identifier_stats(before_table, before_post, ms.name_similarity)
    crowd = ms.shared_identifier_persons
    out: set[int] = set()
    for key, ids in holders.items():
        if key in before.persons and before.code(key, crowd) != after.code(key, crowd):
            out.update(ids)
    return out


def _scope(store: GraphStore, seeds: Sequence[int]) -> list[int]:
    """The closed scope: AUTO-link components and SAME partners of the seeds, widened to whole persons."""
    scope = set(seeds)
    for _ in range(MAX_SCOPE_ROUNDS):
        grown = set(scope)
        for e in store.edges(sorted(scope), statuses=[MatchStatus.AUTO]):
            grown.update((e.left, e.right))
        for j in store.judgements(sorted(scope)):
            if j.verdict is Verdict.SAME:
                grown.update((j.left, j.right))
        persons = sorted(set(store.assignments(sorted(grown)).values()))
        for members in store.person_record_ids(persons).values():
            grown.update(members)
        if grown == scope:
            break
        scope = grown
    return sorted(scope)


def _recluster(
    store: GraphStore,
    seeds: Sequence[int],
    placeholders: frozenset[str],
    ms: MatchingSettings,
    cause: str,
    summary: ResolveSummary,
) -> None:
    """Cluster the closed scope of the seeds again and apply it with stable person ids."""
    scope = _scope(store, seeds)
    table, _ = build_features([store.get_records(scope)], placeholders)
    result = cluster(scope, store.edges(scope), store.judgements(scope), ms, facts=record_facts(table))
    changes = apply_clustering(store, result.clusters, cause=cause)
    summary.guard_reports = store_guard_reports(store, result.guard_reports)
    summary.persons = len(result.clusters)
    summary.created, summary.merged, summary.split = changes.created, changes.merged, changes.split
    summary.moved_records = changes.moved_records
