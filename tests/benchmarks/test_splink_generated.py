"""The Splink bench's flattening on the bundled sample (real loaders, a real SQLite store), and a Splink run."""

from __future__ import annotations

import re
import sqlite3
from collections import defaultdict
from contextlib import closing
from pathlib import Path

import pytest

from benchmarks.splink_generated import COLUMNS, Flattened, flatten_store, run_splink_generated
from identity_graph.evaluate import read_truth
from identity_graph.generate import sample_dir
from identity_graph.settings import Settings
from matchers.text import fold
from tests.benchmarks.sample import sample_store

E164 = re.compile(r"^\+[1-9][0-9]{6,14}$")
ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Settings]:
    """The shipped sample loaded (not resolved) into a fresh store through its manifest."""
    return sample_store(tmp_path_factory.mktemp("splink"), resolve=False)


@pytest.fixture(scope="module")
def flat(loaded: tuple[Path, Settings]) -> Flattened:
    """The sample's records flattened for Splink."""
    return flatten_store(*loaded)


def _declared(db: Path, kind: str) -> dict[int, set[str]]:
    """Per record id, its declared identifier values of one kind, read straight from the tables."""
    out: dict[int, set[str]] = defaultdict(set)
    with closing(sqlite3.connect(db)) as conn:
        for rid, value in conn.execute(
            "SELECT ri.record_id, i.value FROM record_identifiers ri JOIN identifiers i ON i.id = ri.identifier_id "
            "WHERE i.kind = ? AND ri.strength = 'declared'",
            (kind,),
        ):
            out[int(rid)].add(str(value))
    return out


def test_one_row_per_record_and_every_labeled_item_covered(loaded: tuple[Path, Settings], flat: Flattened) -> None:
    db, _ = loaded
    with closing(sqlite3.connect(db)) as conn:
        record_ids = {int(r) for (r,) in conn.execute("SELECT id FROM records")}
    assert list(flat.frame.columns) == list(COLUMNS)
    assert flat.frame["unique_id"].is_unique and set(flat.frame["unique_id"]) == record_ids
    truth = read_truth(sample_dir() / "truth.csv")
    labeled = [key for key, person in truth.items() if person]
    assert labeled and all(key in flat.record_of for key in labeled)
    assert set(flat.record_of.values()) <= record_ids


def test_an_interaction_takes_one_of_its_own_parties(loaded: tuple[Path, Settings], flat: Flattened) -> None:
    db, _ = loaded
    with closing(sqlite3.connect(db)) as conn:
        parties: dict[tuple[str, str], set[int]] = defaultdict(set)
        for source, source_id, rid in conn.execute(
            "SELECT x.source, x.source_id, p.record_id FROM interactions x "
            "JOIN participations p ON p.interaction_id = x.id"
        ):
            parties[(str(source), str(source_id))].add(int(rid))
    assert parties
    for key, rids in parties.items():
        assert flat.record_of[key] in rids


def test_columns_hold_our_normalized_values(flat: Flattened) -> None:
    frame = flat.frame
    phones = [p for ps in frame["phones"].dropna() for p in ps]
    emails = frame["email"].dropna().tolist()
    names = frame["first_name"].dropna().tolist() + frame["last_name"].dropna().tolist()
    assert phones and all(E164.match(p) for p in phones)
    assert emails and all("@" in e and e == e.strip().lower() for e in emails)
    assert names and all(n == fold(n) and n == n.lower() for n in names)
    assert all(ISO_DATE.match(d) for d in frame["dob"].dropna())
    assert all(h == h.lower() for h in frame["handle"].dropna())
    for column in ("first_name", "email", "city", "phones"):  # missing is None, never an empty value
        assert not any(v is not None and len(v) == 0 for v in frame[column])


def test_a_record_with_two_phones_keeps_both(loaded: tuple[Path, Settings], flat: Flattened) -> None:
    db, _ = loaded
    two = {rid: values for rid, values in _declared(db, "phone").items() if len(values) >= 2}
    assert two, "the sample should hold a record with two declared phones"
    phones = dict(zip(flat.frame["unique_id"], flat.frame["phones"], strict=True))
    for rid, values in two.items():
        assert set(phones[rid]) == values
    emails = _declared(db, "email")
    for rid, email in zip(flat.frame["unique_id"], flat.frame["email"], strict=True):
        assert email is None or email in emails[int(rid)]


@pytest.mark.slow
def test_splink_links_the_sample_and_scores_every_truth_item(loaded: tuple[Path, Settings], flat: Flattened) -> None:
    pytest.importorskip("splink")
    db, settings = loaded
    truth_path = sample_dir() / "truth.csv"
    truth = read_truth(truth_path)
    run = run_splink_generated(db, truth_path, settings, sweep=(0.5, settings.matching.auto_link))
    assert run.records == len(flat.frame)
    assert run.sweep[settings.matching.auto_link] == run.scores  # clustering again at the same threshold
    assert run.sweep[0.5].recall >= run.scores.recall  # a lower threshold only adds links
    assert run.scores.items == len(truth)
    assert run.scores.missing == sum(1 for key in truth if key not in flat.record_of)
    assert run.scores.f1 > 0.0 and run.scores.precision > 0.0  # it linked true pairs, not nothing
    assert set(run.phases) == {"flatten", "settings", "training", "predict", "clustering and scoring"}


def test_our_own_side_is_never_a_record_splink_sees(loaded: tuple[Path, Settings], flat: Flattened) -> None:
    _, settings = loaded
    own = settings.own_side
    assert own.phone_numbers and own.email_domains and own.handles  # the sample configures all three
    values = {v for column in ("declared", "mentioned") for vs in flat.frame[column].dropna() for v in vs}
    assert values, "the sample's records claim identifiers"
    assert not any(v.partition(":")[2] in own.phone_numbers for v in values if v.startswith("phone:"))
    assert not any(v.endswith(tuple(f"@{d}" for d in own.email_domains)) for v in values if v.startswith("email:"))
    assert not any(v.partition(":")[2] in own.handles for v in values if v.startswith("handle:"))
