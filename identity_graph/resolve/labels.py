"""Steward decisions as training labels: re-estimate m from pairs judged to be one person."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from identity_graph.errors import ConfigError
from identity_graph.model import Verdict
from identity_graph.resolve.context import matchable_identifiers
from identity_graph.resolve.features import build_features
from identity_graph.resolve.identifiers import IDENT_SAMPLE, identifier_stats
from identity_graph.resolve.scoring import comparisons_for, compute_levels
from identity_graph.resolve.training import load_model, save_model
from identity_graph.settings import Settings
from identity_graph.store.protocol import GraphStore
from matchers.em import train_from_labels as _reestimate
from matchers.model import MatchModel


def train_from_labels(
    store: GraphStore, pairs_with_labels: Sequence[tuple[int, int, bool]], settings: Settings
) -> MatchModel:
    """Re-estimate the saved model's m-probabilities from (left, right, same?) labels and save it."""
    ms = settings.matching
    model = load_model(store, ms)
    if model is None:
        raise ConfigError("no trained match model yet: run `idgraph resolve` first")
    wanted = sorted({i for p in pairs_with_labels for i in p[:2]})
    records = store.get_records(wanted)
    holders = store.records_with_identifiers(matchable_identifiers(records))
    ids = sorted(set(wanted) | {h for hs in holders.values() for h in hs[:IDENT_SAMPLE]})
    table, postings = build_features([store.get_records(ids)], frozenset(model.placeholders))
    pos = {int(r): i for i, r in enumerate(table.record_id)}
    usable = [(a, b, same) for a, b, same in pairs_with_labels if a in pos and b in pos and a != b]
    if not any(same for _, _, same in usable):
        raise ConfigError("no 'same person' labels to learn from")
    li = np.array([pos[min(a, b)] for a, b, _ in usable], dtype=np.int64)
    ri = np.array([pos[max(a, b)] for a, b, _ in usable], dtype=np.int64)
    labels = np.array([same for _, _, same in usable], dtype=bool)
    stats = identifier_stats(table, postings, ms.name_similarity)
    _, _, levels = compute_levels(table, postings, stats, li, ri, comparisons_for(ms), ms)
    updated = _reestimate(model, levels, labels)
    save_model(store, updated)
    return updated


def train_from_judgements(store: GraphStore, settings: Settings) -> MatchModel:
    """Re-estimate m from every active SAME / DIFFERENT judgement in the store."""
    pairs = [
        (j.left, j.right, j.verdict is Verdict.SAME)
        for j in store.judgements(None)
        if j.verdict in (Verdict.SAME, Verdict.DIFFERENT)
    ]
    return train_from_labels(store, pairs, settings)
