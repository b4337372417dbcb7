"""The generalization table on small sets, our side end to end (records -> store -> resolve -> scores), and the
fake_1000 loader."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from benchmarks.bench_generalization import METRICS, FileSet, Line, file_sets, measure_files, table, table_rows
from benchmarks.bench_matching import frame_records
from benchmarks.datasets import FAKE_SOURCE, fake_record, fake_truth, load_fake_1000
from identity_graph.model import IdentifierKind
from matchers.dates import normalize_date

SCORES = ("ours P", "ours R", "ours F1")


@pytest.fixture(scope="module")
def sets() -> dict[str, FileSet]:
    """febrl4 and fake_1000 by name (febrl3 is not needed here)."""
    return {fs.name: fs for fs in file_sets() if fs.name in ("febrl4", "fake_1000")}


@pytest.fixture(scope="module")
def small_lines(sets: dict[str, FileSet], tmp_path_factory: pytest.TempPathFactory) -> list[Line]:
    """Our side of the small fake_1000 and febrl4 sets (first 200 rows of each file), measured for real."""
    workdir = tmp_path_factory.mktemp("generalization")
    return [Line(s.name, measure_files(s, workdir / s.name.replace(" ", "_"), splink=False))
            for s in (sets["fake_1000"].small(), sets["febrl4"].small())]  # fmt: skip


def test_fake_1000_loader_keeps_every_row() -> None:
    frame = load_fake_1000()
    records = list(frame_records(frame, fake_record))
    truth = fake_truth(frame)
    assert len(frame) == len(records) == len(truth) == 1000
    assert len({r.source_id for r in records}) == 1000
    assert len(set(truth.values())) == 251
    assert {(r.source, r.source_id) for r in records} == set(truth)
    assert all(r.source == FAKE_SOURCE for r in records)
    # dobs are read by the product's parser (it drops the few births the synthetic file puts in the future, the
    # record stays); every non-empty email is a declared identifier, every city in the address
    assert [r.dob for r in records] == [normalize_date(d) for d in frame["dob"]]
    assert sum(r.dob is not None for r in records) >= 990
    emails = [c for r in records for c in r.identifiers if c.kind is IdentifierKind.EMAIL]
    assert len(emails) == int((frame["email"] != "").sum()) > 700
    assert sum(1 for r in records if r.address.city) == int((frame["city"] != "").sum())


def test_first_record_reads_as_the_file_says() -> None:
    record = fake_record("0", load_fake_1000().iloc[0].to_dict())
    assert (record.first_name, record.last_name, str(record.dob)) == ("Robert", "Alan", "1971-06-24")
    assert record.identifiers[0].raw == "robert255@smith.net"
    assert record.address.city is None


def test_small_sets_are_the_first_rows_of_each_file(sets: dict[str, FileSet]) -> None:
    small = sets["febrl4"].small()
    assert small.name == "febrl4 first 200"
    assert [len(f) for f in small.frames] == [200, 200]
    assert [list(f.index) for f in small.frames] == [list(f.index[:200]) for f in sets["febrl4"].frames]


def test_small_sets_keep_every_item_and_score_in_range(small_lines: list[Line]) -> None:
    for line in small_lines:
        m = line.measured
        assert m is not None
        assert m.ours.missing == 0, f"{line.name}: records lost on the way to the store"
        assert m.ours.items == 200 if line.name.startswith("fake") else 400
        assert all(0.0 <= v <= 1.0 for v in (m.ours.precision, m.ours.recall, m.ours.f1))
        assert m.ours_s > 0 and m.pairs > 0
    fake = small_lines[0].measured
    assert fake is not None and fake.pairs == 377  # truth pairs among the first 200 fake_1000 rows
    assert fake.ours.precision >= 0.9 and fake.ours.f1 >= 0.5  # far below this, something broke on the way


def test_table_rows_are_well_formed(small_lines: list[Line]) -> None:
    rows = table_rows(small_lines)
    assert len(rows) == len(small_lines) * len(METRICS)
    assert all(set(r) == {"bench", "metric", "value", "peer", "note"} for r in rows)
    by_set: dict[str, dict[str, object]] = {}
    for r in rows:
        by_set.setdefault(str(r["bench"]), {})[str(r["metric"])] = r["value"]
    assert list(by_set) == ["generalization fake_1000 first 200", "generalization febrl4 first 200"]
    for name, values in by_set.items():
        assert list(values) == list(METRICS), name
        assert all(isinstance(values[m], float) and 0.0 <= values[m] <= 1.0 for m in SCORES), name  # type: ignore[operator]
        assert values["splink F1"] is None and values["wall ours/splink"] is None  # Splink did not run here
    out = io.StringIO()
    Console(file=out, width=250).print(table(rows))
    lines = out.getvalue().splitlines()
    assert sum("fake_1000 first 200" in line for line in lines) == 1
    assert sum("febrl4 first 200" in line for line in lines) == 1


def test_small_minus_full_gap_is_computed_against_the_full_line(small_lines: list[Line]) -> None:
    small = small_lines[0]
    full = Line("fake_1000", small.measured)  # the same figures standing for the full set: the gap is 0
    rows = table_rows([full, Line(small.name, small.measured, full="fake_1000")])
    gaps = {r["bench"]: r["value"] for r in rows if r["metric"] == "ours F1 small-full"}
    assert gaps == {"generalization fake_1000": None, "generalization fake_1000 first 200": 0.0}
