"""A batch's edges built a column at a time (`edge_rows.stored_edge_rows`) are the rows `build_edges` and the
store's JSON make, text for text: ends, score, weight, status, evidence as stored and sentence, on a generated set
(every identifier kind, households, notes) and on febrl3 (typos, term-frequency weights), in one piece and in
chunks."""

from __future__ import annotations

import numpy as np
import pytest

from identity_graph.resolve.batch import edge_chunks
from identity_graph.resolve.edge_rows import stored_edge_rows
from identity_graph.resolve.edges import build_edges, edge_rows
from identity_graph.resolve.scoring import Scored, comparisons_for
from identity_graph.settings import Settings
from identity_graph.store.protocol import EdgeRow
from identity_graph.store.sqlite_graph import _evidence_texts
from tests.resolve.engines import scored_case


def _expected(scored: Scored, settings: Settings) -> list[EdgeRow]:
    """`build_edges`'s edges as the store writes them."""
    edges = build_edges(scored, comparisons_for(settings.matching))
    return [(e.left, e.right, e.score, e.weight, e.status.value, text, e.explanation)
            for e, text in zip(edges, _evidence_texts(edges), strict=True)]  # fmt: skip


@pytest.fixture(scope="module", params=["generated", "febrl3"])
def case(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[Scored, Settings]:
    return scored_case(request.param, tmp_path_factory.mktemp(request.param), 18)


def test_rows_are_build_edges_as_stored(case: tuple[Scored, Settings]) -> None:
    scored, settings = case
    expected = _expected(scored, settings)
    comparisons = comparisons_for(settings.matching)
    values = [comp.values(scored.ctx) for comp in comparisons]
    got = stored_edge_rows(scored, comparisons, edge_rows(scored), values)
    assert len(got) == len(expected) > 100
    for a, b in zip(got, expected, strict=True):
        assert a == b
        assert all(type(x) is type(y) for x, y in zip(a, b, strict=True))
    statuses = {r[4] for r in got}
    assert statuses == {"auto", "review"}
    if settings.db.name == "g.db":  # the generated set has identifiers shown as written, and notes
        assert any('"comparison":"phone"' in r[5] for r in got)
        assert any("not linked automatically" in r[6] for r in got)


def test_chunks_join_into_the_same_rows(case: tuple[Scored, Settings], monkeypatch: pytest.MonkeyPatch) -> None:
    scored, settings = case
    monkeypatch.setattr("identity_graph.resolve.batch.EDGE_CHUNK", 97)
    chunks = list(edge_chunks(scored, comparisons_for(settings.matching)))
    assert len(chunks) > 2
    assert [r for c in chunks for r in c] == _expected(scored, settings)


def test_no_rows_no_edges(case: tuple[Scored, Settings]) -> None:
    scored, settings = case
    comparisons = comparisons_for(settings.matching)
    values = [comp.values(scored.ctx) for comp in comparisons]
    assert stored_edge_rows(scored, comparisons, np.zeros(0, dtype=np.int64), values) == []
