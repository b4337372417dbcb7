"""A batch plan works out its links while the store's blocking keys are written on another thread
(`batch.links_ahead`): it clusters, then builds chunks of stored edges only while the writing lasts (at least
one), and `store_links` writes the chunks built ahead and the rest: every edge once, in order, as
`edge_chunks` gives them, and the clusters `write_links` gives."""

from __future__ import annotations

from collections.abc import Callable
from itertools import count

import pytest

from identity_graph.generate import generate
from identity_graph.resolve import batch
from identity_graph.resolve.batch import BatchState, edge_chunks, links_ahead, store_links
from identity_graph.resolve.scoring import Scored, comparisons_for, strong_conflicts
from identity_graph.settings import Settings
from identity_graph.store import open_store
from tests.resolve.engines import load_generated, state_and_scored

#: Edges a chunk in these tests (the set's edges come in several chunks).
CHUNK = 40


@pytest.fixture(scope="module")
def case(tmp_path_factory: pytest.TempPathFactory) -> tuple[BatchState, Scored, Settings]:
    tmp = tmp_path_factory.mktemp("ahead")
    generate(tmp / "data", 200, 33, overwrite=True)
    settings = load_generated(tmp / "data", tmp / "g.db")
    st, scored = state_and_scored(settings)
    return st, scored, settings


def _busy_for(calls: int) -> Callable[[], bool]:
    """A `busy` that says yes `calls` times, then no."""
    asked = count()
    return lambda: next(asked) < calls


@pytest.mark.parametrize("calls", [0, 2, 10_000])
def test_chunks_are_built_ahead_only_while_the_store_is_busy(
    case: tuple[BatchState, Scored, Settings], calls: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    st, scored, settings = case
    monkeypatch.setattr(batch, "EDGE_CHUNK", CHUNK)
    expected = list(edge_chunks(scored, comparisons_for(settings.matching)))
    assert len(expected) > 3
    store = open_store(settings.db)
    try:
        busy = _busy_for(calls)
        ahead = links_ahead(store, st, scored, settings.matching, strong_conflicts(), busy=busy)
        assert ahead.ready == expected[: 1 + calls]
        rest = list(ahead.rest)
        assert ahead.ready + rest == expected
    finally:
        store.close()


def test_stored_links_are_write_links_own(case: tuple[BatchState, Scored, Settings]) -> None:
    st, scored, settings = case
    ms = settings.matching
    store = open_store(settings.db)
    try:
        written = batch.write_links(store, st, scored, ms, strong_conflicts())
        before = {(e.left, e.right): (e.status, e.score, e.explanation) for e in store.edges()}
        store.replace_edges([])
        assert store.edges() == []
        ahead = links_ahead(store, st, scored, ms, strong_conflicts(), busy=_busy_for(3))
        stored = store_links(store, ahead)
        after = {(e.left, e.right): (e.status, e.score, e.explanation) for e in store.edges()}
    finally:
        store.close()
    assert after == before and len(after) == stored.review + len(stored.autos)
    assert stored.result.clusters == written.result.clusters
    assert [(a.left, a.right) for a in stored.autos] == [(a.left, a.right) for a in written.autos]
