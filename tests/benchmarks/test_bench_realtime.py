"""The real-time bench: a store resolved by the batch plan, then timed adds in every checkpoint phase."""

from __future__ import annotations

from pathlib import Path

from benchmarks.bench_realtime import ALONE, PHASES, build, measure
from identity_graph.settings import Settings


def test_the_store_is_resolved_by_the_batch_plan_into_persons(tmp_path: Path) -> None:
    store, load_s, resolve_s = build(tmp_path / "store.db", 1500, Settings())
    try:
        counts = store.counts()
        assert 1500 <= counts["records"] <= 1502
        # one to three records a person, each person's records share an email or a phone: fewer persons
        assert 0 < counts["persons"] < counts["records"]
        assert load_s > 0 and resolve_s > 0
    finally:
        store.close()


def _ms(row: dict[str, object]) -> float:
    """A row's milliseconds."""
    value = row["value"]
    assert isinstance(value, float)
    return value


def test_each_phase_reports_p50_and_p99_of_the_timed_adds_only() -> None:
    rows = measure(1500, adds=6, warmup=2)
    adds = [r for r in rows if str(r["metric"]).startswith("add ")]
    assert len(adds) == 2 * (len(PHASES) + 1)
    p50 = {str(r["metric"]): _ms(r) for r in adds if "p50" in str(r["metric"])}
    p99 = {str(r["metric"]).replace("p99", "p50"): _ms(r) for r in adds if "p99" in str(r["metric"])}
    assert p50.keys() == p99.keys() and all(0 < p50[m] <= p99[m] for m in p50)
    assert all(str(r["note"]).startswith("6 adds") for r in adds if "p50" in str(r["metric"]))
    assert any(f"checkpoint={ALONE}, no reader" in m for m in p50)
    build_row = next(r for r in rows if str(r["metric"]).startswith("store build s"))
    assert "resolve_batch" in str(build_row["note"])
