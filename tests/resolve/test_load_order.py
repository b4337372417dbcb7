"""Results do not depend on load order: the same files loaded in another order, in other batch sizes, give the
same persons (their ids may differ, their members may not). A row's position in the store is its load order, so
nothing in matching may break a tie by it: the levels of a pair are the same either way round."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from identity_graph.generate import generate
from identity_graph.ingest_manifest import load_manifest, read_manifest
from identity_graph.resolve import resolve_all
from identity_graph.resolve.batch import batch_state
from identity_graph.resolve.pipeline import merge_pairs
from identity_graph.resolve.scoring import comparisons_for, compute_levels
from identity_graph.resolve.summary import no_progress
from identity_graph.resolve.training import load_model
from identity_graph.settings import Settings, load_settings
from identity_graph.store import open_store

PEOPLE, SEED = 600, 31
Memberships = frozenset[frozenset[tuple[str, str]]]


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("order")
    generate(out, PEOPLE, SEED, overwrite=True)
    return out


def _resolved(data: Path, db: Path, reverse: bool, batch_size: int) -> tuple[Memberships, Settings]:
    settings = load_settings(data / "idgraph.toml", db=db)
    settings = settings.model_copy(update={"ingest": settings.ingest.model_copy(update={"batch_size": batch_size})})
    entries = read_manifest(data / "manifest.toml", settings)
    store = open_store(db)
    try:
        load_manifest(store, data / "manifest.toml", settings, entries=entries[::-1] if reverse else entries)
        resolve_all(store, settings)
        members: dict[str, set[tuple[str, str]]] = {}
        for item in store.iter_export():
            if item.person_id is not None:
                members.setdefault(str(item.person_id), set()).add((item.source, item.source_id))
    finally:
        store.close()
    return frozenset(frozenset(m) for m in members.values()), settings


def test_another_load_order_and_batch_size_give_the_same_persons(generated: Path, tmp_path: Path) -> None:
    forward, _ = _resolved(generated, tmp_path / "forward.db", reverse=False, batch_size=5000)
    backward, _ = _resolved(generated, tmp_path / "backward.db", reverse=True, batch_size=37)
    assert len(forward) > PEOPLE // 2
    assert forward == backward, f"{len(forward ^ backward)} persons differ"


def test_a_pairs_levels_are_the_same_either_way_round(generated: Path, tmp_path: Path) -> None:
    _, settings = _resolved(generated, tmp_path / "levels.db", reverse=False, batch_size=5000)
    store = open_store(settings.db)
    try:
        ms = settings.matching
        st = batch_state(store, ms, load_model(store, ms), no_progress)
        li, ri = merge_pairs((st.cands.li, st.cands.ri), (st.reps.li, st.reps.ri), len(st.table))
        comparisons = comparisons_for(ms)
        ahead = compute_levels(st.table, st.postings, st.stats, li, ri, comparisons, ms)[2]
        turned = compute_levels(st.table, st.postings, st.stats, ri, li, comparisons, ms)[2]
    finally:
        store.close()
    assert len(li) > 1000
    differ = np.flatnonzero((ahead != turned).any(axis=1))
    assert differ.size == 0, f"{differ.size} pairs have other levels the other way round"
