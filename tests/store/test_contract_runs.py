"""The load history on every store: record, list newest first, filter by source, limit; loads record themselves.

The same `gs` fixture as `test_contract.py`: the SQLite store always, the Neo4j store on a live Bolt
server (NEO4J_URI's Neo4j, else ArcadeDB's started for the run).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

import identity_graph
from identity_graph.errors import ConfigError, InputError
from identity_graph.ingest import ingest
from identity_graph.settings import Settings
from identity_graph.store import GraphStore, open_store
from identity_graph.store.runs import IngestRun
from tests.store.test_contract import BACKENDS, _neo4j_store

T0 = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)


@pytest.fixture(params=BACKENDS)
def gs(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[GraphStore]:
    """Each store implementation, fresh (as in test_contract.py)."""
    s = _neo4j_store(request) if request.param == "neo4j" else open_store(tmp_path / "contract.db")
    yield s
    s.close()


def _run(source: str, minutes: int, **counts: int) -> IngestRun:
    """A load of `source` started `minutes` after T0 that took a minute."""
    start = T0 + timedelta(minutes=minutes)
    return IngestRun(
        source=source, format="salesforce", started_at=start, finished_at=start + timedelta(minutes=1), **counts
    )


def test_a_recorded_run_reads_back_exactly_with_its_new_id(gs: GraphStore) -> None:
    run = IngestRun(
        source="crm",
        format="salesforce",
        started_at=T0,
        finished_at=T0 + timedelta(seconds=42, microseconds=5),
        loaded=10,
        updated=2,
        unchanged=30,
        quarantined=1,
        notes=["quarantine: q/20260301-crm-salesforce.csv", "not UTF-8 from line 3: read as cp1252 (é)"],
    )
    run_id = gs.record_ingest_run(run)
    (back,) = gs.ingest_runs()
    assert back == run.model_copy(update={"id": run_id})
    assert back.started_at.tzinfo is not None


def test_an_unfinished_run_without_notes_reads_back(gs: GraphStore) -> None:
    run = IngestRun(source="pbx", format="asterisk", started_at=T0)
    run_id = gs.record_ingest_run(run)
    assert gs.ingest_runs() == [run.model_copy(update={"id": run_id})]


def test_runs_are_listed_newest_first_with_increasing_ids(gs: GraphStore) -> None:
    ids = [gs.record_ingest_run(_run(src, n, loaded=n)) for n, src in enumerate(["crm", "pbx", "crm", "mail"])]
    assert ids == sorted(ids) and len(set(ids)) == 4
    listed = gs.ingest_runs()
    assert [r.id for r in listed] == ids[::-1]
    assert [(r.source, r.loaded) for r in listed] == [("mail", 3), ("crm", 2), ("pbx", 1), ("crm", 0)]


def test_runs_filter_by_source_and_limit(gs: GraphStore) -> None:
    for n, src in enumerate(["crm", "pbx", "crm", "mail", "crm"]):
        gs.record_ingest_run(_run(src, n, loaded=n))
    assert [r.loaded for r in gs.ingest_runs(source="crm")] == [4, 2, 0]
    assert [r.loaded for r in gs.ingest_runs(limit=2, source="crm")] == [4, 2]
    assert [r.loaded for r in gs.ingest_runs(limit=2)] == [4, 3]
    assert [r.loaded for r in gs.ingest_runs(limit=1, source="pbx")] == [1]
    assert gs.ingest_runs(source="nowhere") == []
    assert len(gs.ingest_runs(limit=100)) == 5


@pytest.mark.parametrize("limit", [0, -1])
def test_a_limit_below_one_is_refused(gs: GraphStore, limit: int) -> None:
    gs.record_ingest_run(_run("crm", 0))
    with pytest.raises(ConfigError, match="at least 1"):
        gs.ingest_runs(limit=limit)


def test_a_run_recorded_inside_a_rolled_back_transaction_is_gone(gs: GraphStore) -> None:
    with pytest.raises(RuntimeError), gs.transaction():
        gs.record_ingest_run(_run("crm", 0))
        assert [r.source for r in gs.ingest_runs()] == ["crm"]  # reads inside see the write
        raise RuntimeError("stop")
    assert gs.ingest_runs() == []


# ---------------------------------------------------------------- the ingest pipeline records its loads on every store
CRM = "Id,FirstName,LastName,Email,Birthdate\n"


def _crm(tmp_path: Path, rows: list[str]) -> Path:
    path = tmp_path / "contacts.csv"
    path.write_text(CRM + "".join(r + "\n" for r in rows), encoding="utf-8")
    return path


def test_each_load_is_in_the_history_with_what_it_did(gs: GraphStore, settings: Settings, tmp_path: Path) -> None:
    path = _crm(tmp_path, ["003A,Ann,Lee,ann@example.com,", "003B,Bo,Ray,,", "003C,short"])
    first = ingest(gs, "salesforce", "crm", [path], settings)
    _crm(tmp_path, ["003A,Ann,Lee-Smith,ann@example.com,", "003B,Bo,Ray,,"])
    second = ingest(gs, "salesforce", "crm", [path], settings)
    newest, oldest = gs.ingest_runs()
    assert (newest.id, oldest.id) == (second.run_id, first.run_id)
    assert (oldest.source, oldest.format) == ("crm", "salesforce")
    assert (oldest.loaded, oldest.updated, oldest.unchanged, oldest.quarantined) == (2, 0, 0, 1)
    assert (newest.loaded, newest.updated, newest.unchanged, newest.quarantined) == (0, 1, 1, 0)
    assert oldest.notes == [f"quarantine: {first.quarantine_file}"] and newest.notes == []
    assert oldest.finished_at is not None and oldest.started_at <= oldest.finished_at <= newest.started_at


def test_a_stopped_load_is_recorded_without_the_row_it_stopped_at(
    gs: GraphStore, settings: Settings, tmp_path: Path
) -> None:
    path = _crm(tmp_path, [",Tessa,Defren,tessa@example.com,1985-02-03"])  # a contact with no id is malformed
    with pytest.raises(InputError, match=r"contacts.csv:2: empty id"):  # the terminal is told where and why
        ingest(gs, "salesforce", "crm", [path], settings, strict=True)
    (run,) = gs.ingest_runs()
    assert "stopped: InputError" in run.notes and run.quarantined == 1
    assert not any(word in note for note in run.notes for word in ("Tessa", "Defren", "1985", "example.com"))


# ---------------------------------------------------------------- the ingest layer holds no SQL
SQL_WORDS = re.compile(r"\b(INSERT INTO|SELECT .* FROM|UPDATE \w+ SET|DELETE FROM)\b", re.IGNORECASE)


@pytest.mark.parametrize("module", ["ingest.py", "ingest_manifest.py", "ingest_quarantine.py"])
def test_the_ingest_layer_reaches_the_store_only_through_the_protocol(module: str) -> None:
    tree = ast.parse((Path(identity_graph.__file__).parent / module).read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            assert node.attr not in ("execute", "executemany", "query"), f"{module}:{node.lineno} runs a query"
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            assert not SQL_WORDS.search(node.value), f"{module}:{node.lineno} holds SQL"


def test_the_sql_check_finds_sql() -> None:
    assert SQL_WORDS.search("INSERT INTO ingest_runs (source) VALUES (?)")
    assert SQL_WORDS.search("select id from ingest_runs")
    assert not SQL_WORDS.search("Each load is recorded in the store's load history")


def test_erasure_scrubs_an_erased_persons_values_from_the_load_notes(gs: GraphStore) -> None:
    kept = "quarantine: q/20260301-calls-asterisk.csv"
    inferred = "inferred our own numbers (share of items): +14155550101 (41%); set own_side.phone_numbers to confirm"
    gs.record_ingest_run(_run("calls", 0).model_copy(update={"notes": [kept, inferred]}))
    gs.record_ingest_run(_run("crm", 1).model_copy(update={"notes": [kept]}))
    (p,) = gs.create_persons(1)
    counts = gs.erase_records(p, [], ["Ana Diaz", "+14155550101"], tombstones=False)
    assert counts.other["load_notes_scrubbed"] == 1
    crm, calls = gs.ingest_runs()
    assert crm.notes == [kept]
    assert calls.notes[0] == kept and "+14155550101" not in calls.notes[1] and "[erased]" in calls.notes[1]
