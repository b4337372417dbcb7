"""Evaluation figures on a hand-made truth, and the export / evaluate command-line contract."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from typer.testing import CliRunner

from identity_graph.cli.main import app
from identity_graph.errors import InputError
from identity_graph.evaluate import read_truth, score
from identity_graph.persons import apply_clustering
from identity_graph.store import open_store
from tests.factories import interaction, prepared, record


def _keys(*ids: str) -> list[tuple[str, str]]:
    return [("s", i) for i in ids]


def test_scores_match_hand_computed_figures() -> None:
    truth = dict.fromkeys(_keys("1", "2", "3"), "A") | dict.fromkeys(_keys("4", "5"), "B")
    pred = dict.fromkeys(_keys("1", "2"), "x") | dict.fromkeys(_keys("3", "4", "5"), "y")
    s = score(pred, truth)
    # predicted pairs: 1 + 3, true pairs: 3 + 1, shared: (1,2) and (4,5)
    assert (s.precision, s.recall) == (0.5, 0.5)
    assert s.bcubed_precision == pytest.approx(11 / 15) and s.bcubed_recall == pytest.approx(11 / 15)
    assert s.largest_cluster == 3 and s.largest_person == "y"


def test_non_customer_items_are_singletons_and_strays_are_counted() -> None:
    truth = {("s", "1"): "A", ("s", "2"): "A", ("s", "staff"): ""}
    perfect = score({("s", "1"): "x", ("s", "2"): "x", ("s", "staff"): ""}, truth)
    assert (perfect.precision, perfect.recall, perfect.non_customer_joined) == (1.0, 1.0, 0)
    stray = score({("s", "1"): "x", ("s", "2"): "x", ("s", "staff"): "x"}, truth)
    assert stray.non_customer_joined == 1 and stray.precision == pytest.approx(1 / 3)


def test_truth_with_duplicate_or_bad_header_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "t.csv"
    bad.write_text("src,id\n")
    with pytest.raises(InputError, match="header"):
        read_truth(bad)
    dup = tmp_path / "d.csv"
    dup.write_text("source,source_id,person_id\ns,1,A\ns,1,B\n")
    with pytest.raises(InputError, match="twice"):
        read_truth(dup)


def test_export_and_evaluate_commands(tmp_path: Path) -> None:
    db = tmp_path / "e.db"
    store = open_store(db)
    bob, rob = record("1", "Bob", "Smith"), record("c1", "Rob", "Smith", source="calls")
    store.upsert_batch([prepared(bob), prepared(rob)], [interaction("c1", rob)])
    apply_clustering(store, [[1, 2]], cause="test")
    store.close()
    out = tmp_path / "clusters.csv"
    runner = CliRunner()
    result = runner.invoke(app, ["--db", str(db), "export", "clusters", "--out", str(out)])
    assert result.exit_code == 0, result.output
    with out.open() as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == ["source", "source_id", "kind", "person_id"]
    assert {(r["source"], r["source_id"], r["kind"]) for r in rows} == {
        ("crm", "1", "record"),
        ("calls", "c1", "record"),
        ("calls", "c1", "interaction"),
    }
    assert len({r["person_id"] for r in rows}) == 1
    truth = tmp_path / "truth.csv"
    truth.write_text("source,source_id,person_id\ncrm,1,P1\ncalls,c1,P2\n")
    result = runner.invoke(app, ["--db", str(db), "evaluate", "--truth", str(truth)])
    assert result.exit_code == 0, result.output
    assert "pairwise precision" in result.output and "0.0000" in result.output
