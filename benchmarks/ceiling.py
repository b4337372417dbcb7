"""What a perfect judge of our candidate pairs would reach on a set with a truth file.

After a resolve, blocking is run again on the store as batch resolution runs it; every candidate pair whose
two records belong to one true person is linked, no other. The pairwise recall of that clustering is the
most any scoring of these candidates could give: what is missing past it is items no candidate pair reaches
(a switchboard call, an anonymous account, a nameless message from a family mailbox). The bench reports it
beside our figures so a reader can tell what blocking and evidence allow from what the model decides.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from contextlib import closing
from pathlib import Path

import networkx as nx

from identity_graph.evaluate import Scores, read_truth, score
from identity_graph.resolve.batch import BatchState, batch_state
from identity_graph.resolve.summary import no_progress
from identity_graph.resolve.training import load_model
from identity_graph.settings import Settings
from identity_graph.store import open_store


def record_items(db: Path) -> tuple[dict[int, tuple[str, str]], dict[tuple[str, str], int]]:
    """Each record's own item key, and the record whose person each interaction takes (as `iter_export`
    picks it: the first party by id, a mentioned one only when there is no other)."""
    with closing(sqlite3.connect(db)) as conn:
        own = {int(r): (s, sid) for r, s, sid in conn.execute("SELECT id, source, source_id FROM records")}
        party: dict[tuple[str, str], int] = {}
        for s, sid, rid in conn.execute(
            "SELECT x.source, x.source_id, p.record_id FROM interactions x JOIN participations p "
            "ON p.interaction_id = x.id ORDER BY x.id, CASE p.role WHEN 'mentioned' THEN 1 ELSE 0 END, p.record_id"
        ):
            party.setdefault((s, sid), int(rid))
    return own, party


def record_labels(
    truth: dict[tuple[str, str], str], own: dict[int, tuple[str, str]], party: dict[tuple[str, str], int]
) -> dict[int, str]:
    """Each record's true person: its own item's, else that of the first interaction it takes."""
    label = {rid: truth[key] for rid, key in own.items() if truth.get(key)}
    for key, rid in party.items():
        if truth.get(key):
            label.setdefault(rid, truth[key])
    return label


def store_state(db: Path, settings: Settings) -> BatchState:
    """Batch resolution's features and candidate pairs of a resolved store (with its saved model)."""
    store = open_store(db)
    try:
        return batch_state(store, settings.matching, load_model(store, settings.matching), no_progress)
    finally:
        store.close()


def _true_links(pairs: Iterable[tuple[int, int]], label: dict[int, str]) -> nx.Graph:
    """The graph of candidate pairs whose two records have the same true person."""
    graph: nx.Graph = nx.Graph()
    graph.add_nodes_from(label)
    graph.add_edges_from((a, b) for a, b in pairs if label.get(a) and label.get(a) == label.get(b))
    return graph


def candidate_ceiling(db: Path, truth_path: Path, settings: Settings) -> Scores:
    """Scores of the clustering that links exactly the true candidate pairs of the store's batch blocking."""
    truth = read_truth(truth_path)
    own, party = record_items(db)
    label = record_labels(truth, own, party)
    st = store_state(db, settings)
    record_ids = st.table.record_id
    pairs = [
        (int(record_ids[a]), int(record_ids[b]))
        for li, ri in ((st.cands.li, st.cands.ri), (st.reps.li, st.reps.ri))
        for a, b in zip(li, ri, strict=True)
    ]
    component = {r: n for n, members in enumerate(nx.connected_components(_true_links(pairs, label))) for r in members}
    record_of = {key: r for r, key in own.items()} | party
    pred = {key: f"c{component[record_of[key]]}" for key in truth if key in record_of and record_of[key] in component}
    return score(pred, truth)
