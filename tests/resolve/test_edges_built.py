"""Edges and evidence are built without validation: they must equal what validation makes of the same values."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel

from identity_graph.model import Evidence, MatchEdge, MatchStatus
from identity_graph.resolve import resolve_all
from identity_graph.resolve.edges import built, edge
from identity_graph.settings import Settings
from identity_graph.store import open_store
from tests.resolve.conftest import load
from tests.resolve.population import population


def assert_like_validated(model: BaseModel) -> None:
    """`model` equals the same values validated, fields in definition order, all set, the same JSON."""
    cls = type(model)
    validated = cls.model_validate(model.model_dump())
    assert model == validated
    assert list(vars(model)) == list(cls.model_fields)
    assert model.model_fields_set == set(cls.model_fields)
    assert model.model_dump_json() == validated.model_dump_json()


def test_built_models_are_what_validation_makes() -> None:
    ev = built(Evidence, {"comparison": "dob", "level": "exact", "weight": 4.25, "detail": "dob matches"})
    assert ev == Evidence(comparison="dob", level="exact", weight=4.25, detail="dob matches")
    assert_like_validated(ev)
    e = edge(1, 2, 0.75, -1.5, MatchStatus.REVIEW, (ev,), "dob matches")
    assert e == MatchEdge(left=1, right=2, score=0.75, weight=-1.5, status=MatchStatus.REVIEW, evidence=(ev,),
                          explanation="dob matches")  # fmt: skip
    assert_like_validated(e)
    assert hash(ev) == hash(Evidence.model_validate(ev.model_dump()))  # frozen: usable as a key, as before


def test_resolved_edges_and_evidence_are_what_validation_makes(tmp_path: Path, settings: Settings) -> None:
    records, _ = population(12, seed=5)
    store = open_store(tmp_path / "edges.db")
    try:
        load(store, records, settings)
        resolve_all(store, settings)
        edges = store.edges()
        assert edges and any(e.status is MatchStatus.AUTO for e in edges)
        for e in edges:
            assert_like_validated(e)
            for ev in e.evidence:
                assert type(ev.weight) is float
                assert_like_validated(ev)
    finally:
        store.close()
