"""Stewards' decisions as training labels for the match model."""

from __future__ import annotations

from dataclasses import dataclass

from identity_graph.model import Verdict
from identity_graph.store.protocol import GraphStore


@dataclass(frozen=True)
class Label:
    """One labelled pair: True when a steward said the two records are the same person."""

    left: int
    right: int
    match: bool


def training_labels(store: GraphStore) -> list[Label]:
    """Every active same/different decision as a label (unsure and superseded ones are left out)."""
    return [
        Label(j.left, j.right, j.verdict == Verdict.SAME)
        for j in store.judgements(None, active_only=True)
        if j.verdict in (Verdict.SAME, Verdict.DIFFERENT)
    ]
