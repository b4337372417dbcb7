"""`idgraph explain` tells the truth about stored links: on the bundled sample, re-scoring a stored edge's pair
gives the status and probability the batch gave it (it sees the same shared-identifier context)."""

from __future__ import annotations

from pathlib import Path

from identity_graph.cli.demo import sample_dir
from identity_graph.resolve import explain_pair
from identity_graph.settings import load_settings
from identity_graph.store import open_store

#: Probabilities are stored as float32; explain recomputes them.
PROB_TOLERANCE = 1e-4


def test_explain_agrees_with_every_stored_edge(resolved_sample: Path) -> None:
    settings = load_settings(sample_dir() / "idgraph.toml", db=resolved_sample)
    store = open_store(resolved_sample)
    try:
        edges = store.edges()
        assert len(edges) > 100  # the sample has auto and review links to check
        disagree = []
        for edge in edges:
            ex = explain_pair(store, edge.left, edge.right, settings)
            if ex.status != edge.status.value or abs(ex.score - edge.score) > PROB_TOLERANCE:
                disagree.append((edge.left, edge.right, edge.status.value, ex.status, edge.score, ex.score))
        assert not disagree, f"{len(disagree)} of {len(edges)} stored edges explained differently: {disagree[:5]}"
    finally:
        store.close()
