"""Erasure reaches the files the tool wrote: quarantine files lose the erased person's rejected rows, a later
load quarantines none of theirs, and a scan of every file the tool wrote finds none of their terms."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from typer.testing import CliRunner

from identity_graph.cli.main import app
from identity_graph.erasure import erase_person
from identity_graph.ingest import ingest
from identity_graph.ingest_quarantine import WITHHELD_NOTE
from identity_graph.settings import Settings
from identity_graph.store import GraphStore, SQLiteStore, open_store

HEADER = "Id,FirstName,LastName,Email,Phone,Birthdate\n"
ANN_ROWS = [
    "003A,Annika,Lindqvist,annika.lindqvist@example.com,(415) 555-0134,1980-02-03",
    "003A9,Bob",  # rejected (too few fields): someone else's id that starts with hers stays
    "003A,Annika",  # rejected (too few fields), holds her source id
    ",Annika,Lindqvist,ANNIKA.LINDQVIST@Example.com,,1980-02-03",  # rejected (no id), holds her email
    ",Someone,Else,,415.555.0134,",  # rejected (no id), holds her phone written another way
]
BO_ROWS = ["003B,Bo,Ray,bo@example.org,,", ",Bo,Ray,bo@example.org,,"]  # Bo's second row is rejected (no id)
#: Everything personal of Annika's the inputs hold (the source id `003A` alone is not searched: `003A9` is Bo's).
ANN_TERMS = ("Annika", "Lindqvist", "annika.lindqvist@example.com", "5550134", "555-0134", "555.0134", "1980-02-03")


def _workspace(tmp_path: Path) -> tuple[Path, Settings]:
    """An input file (the user's) and a folder for everything the tool writes: the store and quarantine files."""
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    (inputs / "contacts.csv").write_text(HEADER + "".join(r + "\n" for r in ANN_ROWS + BO_ROWS), encoding="utf-8")
    written = tmp_path / "written"
    written.mkdir()
    settings = Settings(db=written / "store.db", ingest={"quarantine_dir": written / "quarantine"})
    return inputs / "contacts.csv", settings


def _persons(store: GraphStore) -> int:
    """One person per loaded record; returns Annika's person id."""
    ann, bo = store.find_record("crm", "003A"), store.find_record("crm", "003B")
    assert ann is not None and bo is not None
    p_ann, p_bo = store.create_persons(2)
    store.set_persons([(ann.id, p_ann), (bo.id, p_bo)])
    return p_ann


def terms_found(folder: Path, terms: tuple[str, ...]) -> list[str]:
    """`file: term` for every term in any file under the folder: text files case-blind, a store's bytes as
    written and in upper case (a case-blind search would find short words inside SQLite's own pages)."""
    hits: list[str] = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        blob = path.read_bytes()
        if path.suffix == ".csv":
            text = blob.decode("utf-8", "replace").lower()
            hits += [f"{path.name}: {t}" for t in terms if t.lower() in text]
        else:
            hits += [f"{path.name}: {t}" for t in terms for form in {t, t.upper()} if form.encode() in blob]
    return hits


def _quarantined(path: Path | None) -> list[list[str]]:
    """The rows of a quarantine file (none when it was not written)."""
    if path is None or not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))[1:]


def test_erasure_removes_the_persons_rows_from_quarantine_and_says_where(tmp_path: Path) -> None:
    contacts, settings = _workspace(tmp_path)
    with open_store(settings.db) as store:
        first = ingest(store, "salesforce", "crm", [contacts], settings)
        assert first.quarantined == 5 and len(_quarantined(first.quarantine_file)) == 5
        result = erase_person(store, _persons(store), settings)
    assert first.quarantine_file is not None
    assert result.files == {str(first.quarantine_file): 3}
    assert result.counts.other["quarantine_rows"] == 3 and result.counts.other["quarantine_files"] == 1
    kept = _quarantined(first.quarantine_file)
    assert [row[3].strip() for row in kept] == ["003A9,Bob", ",Bo,Ray,bo@example.org,,"]


def test_idgraph_erase_says_which_files_lost_rows(tmp_path: Path) -> None:
    contacts, settings = _workspace(tmp_path)
    with open_store(settings.db) as store:
        first = ingest(store, "salesforce", "crm", [contacts], settings)
        person = _persons(store)
    env = {"IDGRAPH_INGEST__QUARANTINE_DIR": str(settings.ingest.quarantine_dir)}
    result = CliRunner().invoke(app, ["--db", str(settings.db), "erase", "--person", str(person), "--yes"], env=env)
    assert result.exit_code == 0, result.output
    assert "quarantine rows 3" in result.stdout and "quarantine files 1" in result.stdout
    assert f"3 row(s) removed from quarantine file {first.quarantine_file}" in result.stdout.replace("\n", "")


def test_a_reload_after_erasure_quarantines_nothing_of_theirs(tmp_path: Path) -> None:
    contacts, settings = _workspace(tmp_path)
    with open_store(settings.db) as store:
        ingest(store, "salesforce", "crm", [contacts], settings)
        erase_person(store, _persons(store), settings)
        again = ingest(store, "salesforce", "crm", [contacts], settings)
        assert again.stats.erased_skipped == 1 and store.find_record("crm", "003A") is None
        assert again.quarantined == 5 and again.notices[WITHHELD_NOTE] == 3
        assert [row[3].strip() for row in _quarantined(again.quarantine_file)] == [
            "003A9,Bob",
            ",Bo,Ray,bo@example.org,,",
        ]
        (run, _) = store.ingest_runs()
        assert f"{WITHHELD_NOTE} (x3)" in run.notes


def test_no_term_of_the_erased_person_is_left_in_any_file_the_tool_wrote(tmp_path: Path) -> None:
    contacts, settings = _workspace(tmp_path)
    written = settings.ingest.quarantine_dir.parent
    with open_store(settings.db) as store:
        ingest(store, "salesforce", "crm", [contacts], settings)
        store.checkpoint()
        assert terms_found(written, ANN_TERMS)  # the scan finds them before erasure
        erase_person(store, _persons(store), settings)
        ingest(store, "salesforce", "crm", [contacts], settings)  # the sources are loaded again
        store.compact(vacuum=True)
    found = terms_found(written, ANN_TERMS)
    print(f"terms found after erasure ({len(found)})")
    assert found == []


def test_a_quarantine_file_outside_todays_folder_is_found_by_the_load_history(tmp_path: Path) -> None:
    contacts, settings = _workspace(tmp_path)
    with open_store(settings.db) as store:
        first = ingest(store, "salesforce", "crm", [contacts], settings)
        moved = settings.model_copy(update={"ingest": settings.ingest.model_copy(update={"quarantine_dir": tmp_path})})
        result = erase_person(store, _persons(store), moved)
    assert result.files == {str(first.quarantine_file): 3}


def test_a_file_left_without_rows_is_deleted(tmp_path: Path) -> None:
    contacts, settings = _workspace(tmp_path)
    contacts.write_text(HEADER + "".join(r + "\n" for r in ANN_ROWS[:1] + ANN_ROWS[2:4] + BO_ROWS[:1]), "utf-8")
    with open_store(settings.db) as store:
        first = ingest(store, "salesforce", "crm", [contacts], settings)
        erase_person(store, _persons(store), settings)
    assert first.quarantine_file is not None and not first.quarantine_file.exists()


@pytest.mark.parametrize("tombstones", [True, False])
def test_old_tombstones_do_not_hide_rows_when_tombstones_are_off(tmp_path: Path, tombstones: bool) -> None:
    contacts, settings = _workspace(tmp_path)
    settings = settings.model_copy(update={"privacy": settings.privacy.model_copy(update={"tombstones": tombstones})})
    with open_store(settings.db) as store:
        assert isinstance(store, SQLiteStore)
        ingest(store, "salesforce", "crm", [contacts], settings)
        erase_person(store, _persons(store), settings)
        again = ingest(store, "salesforce", "crm", [contacts], settings)
    assert (WITHHELD_NOTE in again.notices) is tombstones
