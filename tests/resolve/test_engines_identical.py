"""The batch plan gives today's answers: the DuckDB plan and the Spark plan against today's path (`resolve_all`), on
febrl3, febrl4, Splink's fake_1000 and a generated set. Identical means: the same candidate pairs found, the same
edges (status, score and weight within 1e-9, every evidence entry's level and weight, the same sentence), the
same blocking keys in the store and the same persons. The plans compare SMALL_BATCH pairs at a time and make the keys
of KEY_ROWS records at a time, so every set runs in many batches.

Sizes. Today's path and DuckDB: febrl3 whole (5,000 records), febrl4 whole (2 x 5,000), fake_1000 whole (1,000),
a generated set of 600 people. Spark (`local[2]`, slow: a session starts): febrl3's first 1,000, febrl4's first
400 of each file, fake_1000's first 400, a generated set of 150 people.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from identity_graph.generate import generate
from identity_graph.resolve.plan import workers
from identity_graph.resolve.plan.worker import Worker
from identity_graph.settings import Settings
from tests.resolve.engines import (
    Answer,
    differences,
    fake_store,
    febrl_store,
    load_generated,
    resolved,
)

Loader = Callable[[Path], Settings]
GENERATED_PEOPLE, SPARK_PEOPLE, SEED = 600, 150, 18
#: Pairs a plan compares at a time here: a prime well under every set's pairs, so each runs in many batches.
SMALL_BATCH = 997
#: Records whose blocking keys a plan makes at a time here: every set but the smallest in several slices.
KEY_ROWS = 389


def _generated(people: int, tmp: Path) -> Loader:
    data = tmp / f"generated{people}"
    generate(data, people, SEED, overwrite=True)
    return lambda db: load_generated(data, db)


def _loaders(tmp: Path, spark: bool) -> dict[str, Loader]:
    """Each set's loader at the size its engines run (`spark`: the small sizes)."""
    if spark:
        return {
            "febrl3": lambda db: febrl_store("febrl3", 1000, db),
            "febrl4": lambda db: febrl_store("febrl4", 400, db),
            "fake_1000": lambda db: fake_store(400, db),
            "generated": _generated(SPARK_PEOPLE, tmp),
        }
    return {
        "febrl3": lambda db: febrl_store("febrl3", None, db),
        "febrl4": lambda db: febrl_store("febrl4", None, db),
        "fake_1000": lambda db: fake_store(None, db),
        "generated": _generated(GENERATED_PEOPLE, tmp),
    }


SETS = ("febrl3", "febrl4", "fake_1000", "generated")


def _answers(tmp: Path, name: str, engines: tuple[str, ...], spark: bool) -> dict[str, Answer]:
    """The set resolved, each engine on a fresh store of it."""
    loader = _loaders(tmp, spark)[name]
    return {engine: resolved(loader(tmp / f"{name}-{engine}.db"), engine, SMALL_BATCH, KEY_ROWS) for engine in engines}


def _identical(answers: dict[str, Answer]) -> None:
    today = answers["python"]
    assert today.trained and len(today.edges) > 100 and len(today.persons) > 50  # a real run, not an empty one
    assert len(today.keys) > 1000
    for engine, answer in answers.items():
        assert answer.trained
        assert differences(today, answer) == [], engine


@pytest.mark.parametrize("name", SETS)
def test_the_duckdb_plan_gives_todays_links_and_persons(name: str, tmp_path: Path) -> None:
    _identical(_answers(tmp_path, name, ("python", "duckdb"), spark=False))


@pytest.mark.parametrize("name", ["febrl3", "generated"])
def test_the_duckdb_plan_comparing_on_worker_processes_gives_todays_answers(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(workers, "PROCESS_MIN_PAIRS", 0)  # every run compares on worker processes
    started: list[int] = []
    real_start = Worker.start.__func__  # type: ignore[attr-defined]

    def counted(cls: type[Worker], function: bytes) -> Worker:
        started.append(len(function))
        return real_start(cls, function)  # type: ignore[no-any-return]

    monkeypatch.setattr(Worker, "start", classmethod(counted))
    _identical(_answers(tmp_path, name, ("python", "duckdb"), spark=False))
    assert len(started) == workers.compare_workers(workers.PROCESS_MIN_PAIRS) > 0  # the workers did the comparing


@pytest.mark.slow
@pytest.mark.parametrize("name", SETS)
def test_the_spark_plan_gives_todays_links_and_persons(name: str, tmp_path: Path) -> None:
    _identical(_answers(tmp_path, name, ("python", "spark"), spark=True))


@pytest.mark.parametrize("key_rows", [100_000, KEY_ROWS])
def test_a_plan_rerun_after_todays_run_keeps_every_person_and_its_id(tmp_path: Path, key_rows: int) -> None:
    settings = febrl_store("febrl3", 1000, tmp_path / "rerun.db")
    first = resolved(settings, "python")
    again = resolved(settings, "duckdb", key_rows=key_rows)
    assert not again.trained  # the model today's run saved is used
    assert differences(first, again) == []
    assert again.person_ids == first.person_ids and again.moved == 0
