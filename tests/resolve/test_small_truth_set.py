"""A small hand-made truth set, loaded as a user would (a Salesforce export) and resolved with EM on its own
38 records: households sharing a mailbox and a home line, a father and son (Sr / Jr), II and III, twins,
an agency's mailbox, nicknames, a name written surname first, a name in Cyrillic, dates of birth in many
forms (one in 1700, one unreadable). Every record loads; no two people are merged; most of each person is
found."""

from __future__ import annotations

import csv
from pathlib import Path

from identity_graph.evaluate import score
from identity_graph.ingest import ingest
from identity_graph.resolve import resolve_all
from identity_graph.settings import Settings
from identity_graph.store import open_store

DATA = Path(__file__).parent / "data" / "households.csv"
#: Pairwise F1 the set must reach (the issue's bar for a public hand-made truth set of 159 records).
MIN_F1 = 0.90


def _truth() -> dict[tuple[str, str], str]:
    with DATA.open(encoding="utf-8", newline="") as handle:
        return {("crm", row["Id"]): row["truth"] for row in csv.DictReader(handle)}


def test_every_record_loads_and_no_two_people_merge(tmp_path: Path) -> None:
    settings = Settings(db=tmp_path / "truth.db")
    store = open_store(settings.db)
    try:
        result = ingest(store, "salesforce", "crm", [DATA], settings)
        truth = _truth()
        assert result.records_seen == len(truth) and result.quarantined == 0
        notes = " ".join(result.notes())
        assert "dob dropped on 1 record: before 1880 (line 33)" in notes  # Samuel Osei, born "1/1/1700"
        assert "dob dropped on 1 record: unparseable (line 34)" in notes  # "not known"
        resolve_all(store, settings)
        pred = {(r.source, r.source_id): str(r.person_id or "") for r in store.iter_export()}
    finally:
        store.close()
    scores = score(pred, truth)
    assert scores.precision == 1.0, "two people were merged"
    assert scores.f1 >= MIN_F1, f"pairwise F1 {scores.f1:.3f}"
