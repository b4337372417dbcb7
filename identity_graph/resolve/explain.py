"""Explain one pair: every comparison's level and weight, the total, and the sentence an agent reads."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from identity_graph.errors import ConfigError, NotFound
from identity_graph.model import Evidence, MatchEdge, StoredRecord
from identity_graph.resolve.blocking import record_keys, stored_key_values
from identity_graph.resolve.context import home_context, matchable_identifiers
from identity_graph.resolve.edges import SOLE_NAME_NOTE, is_sole_name_edge, pair_evidence, pair_notes
from identity_graph.resolve.features import build_features
from identity_graph.resolve.identifiers import IDENT_SAMPLE, identifier_stats
from identity_graph.resolve.scoring import STATUS_AUTO, STATUS_REVIEW, comparisons_for, score_pairs
from identity_graph.resolve.training import load_model
from identity_graph.settings import Settings
from identity_graph.store.protocol import GraphStore
from matchers.explain import sentence

_STATUS_NAMES = {STATUS_AUTO: "auto", STATUS_REVIEW: "review"}


@dataclass(frozen=True)
class PairExplanation:
    """Why two records are (or are not) one person, per comparison."""

    left_id: int
    right_id: int
    score: float
    weight: float
    prior_weight: float
    status: str  # auto, review or none (below review)
    evidence: tuple[Evidence, ...]  # comparisons with a known level
    unknown: tuple[str, ...]  # comparisons with a side unknown (no evidence)
    sentence: str
    vetoed: bool
    stored: MatchEdge | None
    model_version: str


def _context(store: GraphStore, pair: Sequence[StoredRecord], placeholders: frozenset[str], max_block: int) -> set[int]:
    """The records whose names tell who shares the pair's identifiers, as the resolver sees them: the holders
    of every identifier of the pair and the records under its blocking keys, housemates at its address too."""
    holders = store.records_with_identifiers(matchable_identifiers(pair))
    table, _ = build_features([list(pair)], placeholders)
    keys = record_keys(table)
    wanted = stored_key_values(keys)
    by_key = store.records_with_blocking_keys(wanted, max_block)
    return {h for hs in holders.values() for h in hs[:IDENT_SAMPLE]} | {r for rs in by_key.values() for r in rs}


def explain_pair(store: GraphStore, left_id: int, right_id: int, settings: Settings) -> PairExplanation:
    """Score one pair with the saved model and say why, comparison by comparison."""
    ms = settings.matching
    model = load_model(store, ms)
    if model is None:
        raise ConfigError("no trained match model yet: run `idgraph resolve` (or `idgraph train`) first")
    pair = store.get_records([left_id, right_id])
    if len(pair) != 2 or left_id == right_id:
        raise NotFound(f"no pair of records {left_id} and {right_id}")
    placeholders = frozenset(model.placeholders)
    ids = {left_id, right_id} | _context(store, pair, placeholders, ms.max_block_size)
    table, postings = build_features([store.get_records(sorted(ids))], placeholders)
    housemates = home_context(store, table, postings, ms.max_block_size) - ids
    if housemates:
        table, postings = build_features([store.get_records(sorted(ids | housemates))], placeholders)
    pos = {int(r): i for i, r in enumerate(table.record_id)}
    li = np.array([pos[min(left_id, right_id)]], dtype=np.int64)
    ri = np.array([pos[max(left_id, right_id)]], dtype=np.int64)
    stats = identifier_stats(table, postings, ms.name_similarity)
    scored = score_pairs(table, postings, stats, li, ri, model, ms)
    comparisons = comparisons_for(ms)
    values = [c.values(scored.ctx) for c in comparisons]
    evidence = pair_evidence(scored, 0, comparisons, values)
    known = {e.comparison for e in evidence}
    stored = [e for e in store.edges([left_id]) if {e.left, e.right} == {left_id, right_id}]
    status, notes = _STATUS_NAMES.get(int(scored.status[0]), "none"), pair_notes(scored, 0)
    if stored and is_sole_name_edge(stored[0]) and not scored.conflict[0]:  # a graph-wide rule linked it
        status, notes = "auto", [SOLE_NAME_NOTE]
    return PairExplanation(
        left_id=min(left_id, right_id),
        right_id=max(left_id, right_id),
        score=float(scored.prob[0]),
        weight=float(scored.total[0]),
        prior_weight=model.prior_weight(),
        status=status,
        evidence=evidence,
        unknown=tuple(c.name for c in comparisons if c.name not in known),
        sentence=sentence(evidence, notes),
        vetoed=bool(scored.conflict[0]),
        stored=stored[0] if stored else None,
        model_version=model.version,
    )
