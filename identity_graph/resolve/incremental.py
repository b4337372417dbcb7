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

from identity_graph.model import (
    IdentifierKind,
    Judgement,
    MatchEdge,
    MatchStatus,
    StoredRecord,
    Verdict,
)
from identity_graph.persons import apply_clustering
from identity_graph.resolve.batch import store_guard_reports
from identity_graph.resolve.blocking import CONTEXT_KEYS, LOOKUP_KEYS, record_keys, stored_key_values
from identity_graph.resolve.clustering import RecordFacts, cluster
from identity_graph.resolve.configured import resolve_configured
from identity_graph.resolve.context import home_context, matchable_identifiers
from identity_graph.resolve.edges import build_edges
from identity_graph.resolve.features import Postings, build_features
from identity_graph.resolve.identifiers import IDENT_SAMPLE, IdentifierStats
from identity_graph.resolve.incremental_stats import small_identifier_stats, small_shared_identifiers
from identity_graph.resolve.namesakes_live import refresh_sole_names
from identity_graph.resolve.pipeline import keys_for_store, record_facts
from identity_graph.resolve.scoring import Scored, comparisons_for, score_pairs, strong_conflicts
from identity_graph.resolve.summary import ResolveSummary
from identity_graph.resolve.training import load_model
from identity_graph.settings import MatchingSettings, Settings
from identity_graph.store.protocol import GraphStore
from matchers.comparisons import SHARE_CROWD, SHARE_PERSONAL, PairContext, compare_all
from matchers.features import FeatureTable, IntArray
from matchers.model import MatchModel

#: The scope of a re-clustering is widened at most this many times (components are small in practice).
MAX_SCOPE_ROUNDS = 50


@dataclass
class _Found:
    """Candidates of one record: by blocking key, and by each identifier it holds."""

    by_key: set[int] = field(default_factory=set)
    by_ident: dict[str, list[int]] = field(default_factory=dict)
    housemates: set[int] = field(default_factory=set)  # records at its home: read for context, never scored

    def ids(self, stats: IdentifierStats, crowd: int, own: int) -> set[int]:
        """Candidate ids, leaving out holders of identifiers a crowd uses (batch skips those blocks too)."""
        out = set(self.by_key)
        for key, ids in self.by_ident.items():
            if stats.code(key, crowd) != SHARE_CROWD:
                out.update(ids)
        out.discard(own)
        return out


@dataclass
class _Rows:
    """The records one add reads, by id, with their features (rows in record-id order)."""

    records: dict[int, StoredRecord]
    table: FeatureTable
    postings: Postings
    pos: dict[int, int]

    def subset(self, ids: Sequence[int]) -> tuple[FeatureTable, Postings]:
        """The features of these records (ascending ids, all read), as if built from them alone."""
        positions = np.array([self.pos[i] for i in ids], dtype=np.int64)
        remap = np.full(len(self.table), -1, dtype=np.int64)
        remap[positions] = np.arange(positions.size)
        keep = remap[self.postings.pos] >= 0
        p = self.postings
        sub = Postings(
            pos=remap[p.pos[keep]], ident=p.ident[keep], kind=p.kind[keep], declared=p.declared[keep], home=p.home[keep]
        )
        return self.table.take(positions), sub


def _read(store: GraphStore, known: dict[int, StoredRecord], ids: set[int], placeholders: frozenset[str]) -> _Rows:
    """Features of these records, reading from the store only those not read yet."""
    missing = sorted(ids - known.keys())
    records = {**known, **{r.id: r for r in store.get_records(missing)}} if missing else dict(known)
    ordered = [records[i] for i in sorted(ids) if i in records]
    table, postings = build_features([ordered], placeholders)
    return _Rows({r.id: r for r in ordered}, table, postings, {r.id: i for i, r in enumerate(ordered)})


def _placeholders(model: MatchModel) -> frozenset[str]:
    """The model's placeholder names as a set, built once per loaded model."""
    global _LAST_PLACEHOLDERS  # a one-entry cache of the parsed model's set
    if _LAST_PLACEHOLDERS is None or _LAST_PLACEHOLDERS[0] is not model:
        _LAST_PLACEHOLDERS = (model, frozenset(model.placeholders))
    return _LAST_PLACEHOLDERS[1]


_LAST_PLACEHOLDERS: tuple[MatchModel, frozenset[str]] | None = None


def _candidates(
    store: GraphStore, records: Sequence[StoredRecord], table: FeatureTable, settings: MatchingSettings
) -> tuple[dict[int, _Found], dict[str, list[int]], dict[str, list[str]]]:
    """Per record, what the indexes find; the holders of each of its identifiers (first IDENT_SAMPLE); and
    the records' blocking keys (`table` holds their features, in the same order)."""
    holders = {k: v[:IDENT_SAMPLE] for k, v in store.records_with_identifiers(matchable_identifiers(records)).items()}
    keys = record_keys(table)
    wanted = stored_key_values(keys)
    by_key = store.records_with_blocking_keys(wanted, settings.max_block_size)
    out: dict[int, _Found] = {}
    for i, record in enumerate(records):
        found = _Found()
        for c in record.claimed:
            if c.identifier.key in holders:
                found.by_ident[c.identifier.key] = holders[c.identifier.key]
        for p in LOOKUP_KEYS:
            if keys[p][i]:
                found.by_key.update(by_key.get(keys[p][i], ()))
        for p in CONTEXT_KEYS:
            if keys[p][i]:
                found.housemates.update(by_key.get(keys[p][i], ()))
        found.housemates.discard(record.id)
        out[record.id] = found
    return out, holders, keys


def _housemates(cands: dict[int, _Found]) -> set[int]:
    """Every record at the home of one of the records looked up."""
    return {i for f in cands.values() for i in f.housemates}


def _home_line_holders(
    store: GraphStore, cands: dict[int, _Found], holders: dict[str, list[int]]
) -> dict[int, StoredRecord]:
    """Add the holders of the housemates' phones to `holders` (a new resident changes how many people use a
    home's line even when the resident never lists it: batch counts everyone at the address); returns the
    housemates' records, read for it."""
    mates = store.get_records(sorted(_housemates(cands)))
    phones = [i for i in matchable_identifiers(mates) if i.kind is IdentifierKind.PHONE and i.key not in holders]
    if phones:
        for key, ids in store.records_with_identifiers(phones).items():
            holders[key] = ids[:IDENT_SAMPLE]
    return {r.id: r for r in mates}


def _read_in_context(
    store: GraphStore, known: dict[int, StoredRecord], ids: set[int], placeholders: frozenset[str], ms: MatchingSettings
) -> tuple[_Rows, set[int]]:
    """The rows of these records and of the housemates behind their home lines; and those housemates."""
    rows = _read(store, known, ids, placeholders)
    context = home_context(store, rows.table, rows.postings, ms.max_block_size)
    if context - rows.pos.keys():
        rows = _read(store, rows.records, ids | context, placeholders)
    return rows, context


def _found_ids(cands: dict[int, _Found], holders: dict[str, list[int]]) -> set[int]:
    """Every record the indexes found (by key, at a home, or as a holder of an identifier)."""
    found = {i for f in cands.values() for i in f.by_key} | _housemates(cands)
    return found | {h for hs in holders.values() for h in hs}


def resolve_records(
    store: GraphStore,
    record_ids: Sequence[int],
    settings: Settings,
    *,
    cause: str = "realtime",
    known: Sequence[StoredRecord] = (),
) -> ResolveSummary:
    """Resolve a few new or changed records now: score against candidates, update edges, re-cluster the scope.

    `known` may hold some of these records as just read (inside the caller's transaction), to skip reading
    them again."""
    ms = settings.matching
    model = load_model(store, ms)
    if model is None:  # nothing to score with yet: a full batch (by the configured engine) trains one
        return resolve_configured(store, settings)
    placeholders = _placeholders(model)
    crowd = ms.shared_identifier_persons
    summary = ResolveSummary(model_version=model.version)
    targets = _targets(store, sorted(set(record_ids)), known)
    if not targets:
        return summary
    own, _ = build_features([targets], placeholders)
    cands, holders, keys = _candidates(store, targets, own, ms)
    mates = _home_line_holders(store, cands, holders) if _housemates(cands) else {}
    target_ids = {t.id for t in targets}
    known_rows = {**mates, **{t.id: t for t in targets}}
    rows, context = _read_in_context(store, known_rows, target_ids | _found_ids(cands, holders), placeholders, ms)
    stats = small_identifier_stats(rows.table, rows.postings, ms.name_similarity)
    twins = _identical_to(rows.table, rows.postings, stats, target_ids, crowd)
    affected = _stats_changed(rows, target_ids - twins.keys(), holders, context | _housemates(cands), ms)
    if affected - target_ids:
        extra = [rows.records[i] for i in sorted(affected - target_ids)]
        more, more_holders, _ = _candidates(store, extra, rows.subset([r.id for r in extra])[0], ms)
        cands.update(more)
        holders.update(more_holders)
        target_ids |= {r.id for r in extra}
        rows, context = _read_in_context(store, rows.records, target_ids | _found_ids(cands, holders), placeholders, ms)
        stats = small_identifier_stats(rows.table, rows.postings, ms.name_similarity)
        own = rows.subset(sorted(target_ids))[0]
        keys = record_keys(own)
    summary.records = len(target_ids)
    li, ri = _pairs(rows, cands, twins, stats, crowd)
    summary.candidate_pairs = int(li.size)
    scored = _score(rows, stats, li, ri, model, ms)
    edges = build_edges(scored, comparisons_for(ms))
    with store.transaction():
        store.replace_edges(edges, record_ids=sorted(target_ids))
        store.replace_blocking_keys(keys_for_store(own, keys), sorted(target_ids))
        _recluster(store, sorted(target_ids), rows, model, ms, cause, summary)
        named = refresh_sole_names(store, rows.subset(sorted(target_ids))[0], settings, placeholders)
        if named:
            _recluster(store, sorted(named), rows, model, ms, cause, summary)
        summary.sole_name_links = len(named)
        store.mark_resolved(sorted(target_ids))
    summary.edges_auto = sum(1 for e in edges if e.status is MatchStatus.AUTO)
    summary.edges_review = len(edges) - summary.edges_auto
    return summary


def _targets(store: GraphStore, ids: Sequence[int], known: Sequence[StoredRecord]) -> list[StoredRecord]:
    """The records to resolve, in id order: those the caller passed, the rest read from the store."""
    wanted = set(ids)
    given = {r.id: r for r in known if r.id in wanted}
    missing = [i for i in ids if i not in given]
    read = {r.id: r for r in store.get_records(missing)} if missing else {}
    return [given[i] if i in given else read[i] for i in ids if i in given or i in read]


def _pairs(
    rows: _Rows, cands: dict[int, _Found], twins: dict[int, int], stats: IdentifierStats, crowd: int
) -> tuple[IntArray, IntArray]:
    """Distinct row pairs (left < right) to score: each target with its candidates, or a twin with its original."""
    pos = rows.pos
    pairs = [
        (pos[t], pos[c])
        for t in sorted(cands)
        for c in ([twins[t]] if t in twins else sorted(cands[t].ids(stats, crowd, t)))
    ]
    n = len(rows.table)
    li = np.array([min(p) for p in pairs], dtype=np.int64)
    ri = np.array([max(p) for p in pairs], dtype=np.int64)
    if li.size:
        code = np.unique(li * n + ri)
        li, ri = code // n, code % n
    return li, ri


def _score(
    rows: _Rows, stats: IdentifierStats, li: IntArray, ri: IntArray, model: MatchModel, ms: MatchingSettings
) -> Scored:
    """Score the pairs as `score_pairs` does, with the shared identifiers found without frames."""
    shared = small_shared_identifiers(rows.postings, stats, li, ri, ms.shared_identifier_persons)
    ctx = PairContext(table=rows.table, li=li, ri=ri, shared=shared.codes)
    levels = compare_all(comparisons_for(ms), ctx)
    return score_pairs(rows.table, rows.postings, stats, li, ri, model, ms, computed=(ctx, shared, levels))


def _identical_to(
    table: FeatureTable, postings: Postings, stats: IdentifierStats, targets: set[int], crowd: int
) -> dict[int, int]:
    """Targets identical to an older record (batch collapses them onto it): target id -> that record's id.

    As `pipeline.representatives`: the first row of equal signature, unless the target is nameless and holds
    an identifier that is not one person's."""
    rid = table.record_id.tolist()
    first_row: dict[str, int] = {}
    for i, sig in enumerate(table.col("signature").tolist()):
        first_row.setdefault(sig, i)
    first, last, signature = table.col("first"), table.col("last"), table.col("signature")
    out = {}
    for i, r in enumerate(rid):
        rep = first_row[signature[i]]
        if r not in targets or rep == i:
            continue
        if first[i] == "" and last[i] == "":
            held = postings.ident[postings.pos == i]
            if any(stats.code(str(k), crowd) != SHARE_PERSONAL for k in held):
                continue
        out[r] = rid[rep]
    return out


def _stats_changed(
    rows: _Rows, targets: set[int], holders: dict[str, list[int]], mates: set[int], ms: MatchingSettings
) -> set[int]:
    """Holders of identifiers whose share code the target records change (their older pairs are rescored);
    the housemates are read too (they decide how many people use a home's line)."""
    sample = sorted(({h for hs in holders.values() for h in hs} | mates) & rows.pos.keys())
    if not sample or not targets:
        return set()
    after = small_identifier_stats(*rows.subset(sample), ms.name_similarity)
    before = small_identifier_stats(*rows.subset([i for i in sample if i not in targets]), ms.name_similarity)
    crowd = ms.shared_identifier_persons
    out: set[int] = set()
    for key, ids in holders.items():
        if key in before.persons and before.code(key, crowd) != after.code(key, crowd):
            out.update(ids)
    return out


def _scope(store: GraphStore, seeds: Sequence[int]) -> tuple[list[int], list[MatchEdge], list[Judgement]]:
    """The closed scope: AUTO-link components and SAME partners of the seeds, widened to whole persons; with
    the edges and judgements touching it (read in the round that found it closed, not read again)."""
    scope = set(seeds)
    for _ in range(MAX_SCOPE_ROUNDS):
        ids = sorted(scope)
        edges, judgements = store.edges(ids), store.judgements(ids)
        grown = set(scope)
        for e in edges:
            if e.status is MatchStatus.AUTO:
                grown.update((e.left, e.right))
        for j in judgements:
            if j.verdict is Verdict.SAME:
                grown.update((j.left, j.right))
        persons = sorted(set(store.assignments(sorted(grown)).values()))
        for members in store.person_record_ids(persons).values():
            grown.update(members)
        if grown == scope:
            return ids, edges, judgements
        scope = grown
    ids = sorted(scope)  # not closed after MAX_SCOPE_ROUNDS: cluster what was reached
    return ids, store.edges(ids), store.judgements(ids)


def _recluster(
    store: GraphStore,
    seeds: Sequence[int],
    rows: _Rows,
    model: MatchModel,
    ms: MatchingSettings,
    cause: str,
    summary: ResolveSummary,
) -> None:
    """Cluster the closed scope of the seeds again and apply it with stable person ids."""
    scope, edges, judgements = _scope(store, seeds)
    facts = _facts(store, scope, rows, _placeholders(model))
    result = cluster(scope, edges, judgements, ms, facts=facts, strong=strong_conflicts())
    changes = apply_clustering(store, result.clusters, cause=cause)
    summary.guard_reports = store_guard_reports(store, result.guard_reports)
    summary.persons = len(result.clusters)
    summary.created, summary.merged, summary.split = changes.created, changes.merged, changes.split
    summary.moved_records = changes.moved_records


def _facts(
    store: GraphStore, scope: Sequence[int], rows: _Rows, placeholders: frozenset[str]
) -> dict[int, RecordFacts]:
    """The guard's facts of the scope's records, reading only those this add has not read yet."""
    present = [i for i in scope if i in rows.pos]
    facts = record_facts(rows.subset(present)[0]) if present else {}
    missing = [i for i in scope if i not in rows.pos]
    if missing:
        table, _ = build_features([store.get_records(missing)], placeholders)
        facts.update(record_facts(table))
    return facts
