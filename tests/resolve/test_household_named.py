"""A member of a household who writes under their own name from its shared mailbox or line: on the bundled
sample (trained by EM, as `idgraph demo` does), such pairs get their own level, it weighs more than a bare
household share, and every link it makes joins two records of one true person."""

from __future__ import annotations

import csv
import sqlite3
from contextlib import closing
from pathlib import Path

import identity_graph.cli.main  # noqa: F401  (registers every command)
from identity_graph.cli.demo import sample_dir
from identity_graph.resolve.training import load_model
from identity_graph.settings import load_settings
from identity_graph.store import open_store

NAMED = "household_named"


def true_person_of_records(db: Path) -> dict[int, str]:
    """Each record's true person: its own item's label, else that of an interaction it is a party of."""
    with open(sample_dir() / "truth.csv", encoding="utf-8", newline="") as f:
        truth = {(r["source"], r["source_id"]): r["person_id"] for r in csv.DictReader(f)}
    out: dict[int, str] = {}
    with closing(sqlite3.connect(db)) as conn:
        for rid, source, sid in conn.execute("SELECT id, source, source_id FROM records"):
            if truth.get((source, sid)):
                out[int(rid)] = truth[(source, sid)]
        rows = conn.execute(
            "SELECT p.record_id, x.source, x.source_id FROM participations p "
            "JOIN interactions x ON x.id = p.interaction_id WHERE p.role NOT IN ('agent', 'to', 'cc')"
        )
        for rid, source, sid in rows:
            if truth.get((source, sid)):
                out.setdefault(int(rid), truth[(source, sid)])
    return out


def test_named_household_links_join_one_true_person(resolved_sample: Path) -> None:
    with closing(sqlite3.connect(resolved_sample)) as conn:
        pairs = conn.execute(
            "SELECT left_id, right_id FROM match_edges WHERE status = 'auto' AND evidence LIKE ?", (f'%"{NAMED}"%',)
        ).fetchall()
    assert pairs, "the sample has family-mailbox mail signed by a member"
    person = true_person_of_records(resolved_sample)
    wrong = [(a, b) for a, b in pairs if not person.get(a) or person.get(a) != person.get(b)]
    assert not wrong


def test_a_named_member_weighs_more_than_a_bare_household_share(resolved_sample: Path) -> None:
    settings = load_settings(sample_dir() / "idgraph.toml", db=resolved_sample)
    store = open_store(resolved_sample)
    try:
        model = load_model(store, settings.matching)
    finally:
        store.close()
    assert model is not None
    email = next(c for c in model.comparisons if c.name == "email")
    m_u = {lv.name: lv.m / lv.u for lv in email.levels}
    assert m_u[NAMED] > m_u["household"]
