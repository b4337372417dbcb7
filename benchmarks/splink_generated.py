"""Splink beside us on a generated multi-channel set: the same cleaned records, the same items, the same score.

Our F1 on the generated 2,000-person sets stops near 0.85 at precision ~0.999 (recall ~0.74), and the
candidate ceiling (`benchmarks/ceiling.py`) says a perfect judge of our candidate pairs would reach ~0.93.
Is the rest the data or our matcher? A well-configured peer on the same data answers it.

Input: every record of a loaded store, normalized exactly as our batch resolver sees it (`build_features`:
names parsed and accent-folded, learned placeholder names such as `WIRELESS CALLER` blanked, dates as keys,
addresses normalized; identifiers from the identifier table, declared and mentioned kept apart). Own-side
parties (our agents, switchboard, support mailboxes) never become records: the connectors drop them at load,
so every record is flattened and unlabeled items stay unlabeled for both systems. Splink links records; an
interaction takes the cluster of the record whose person it takes in `iter_export` (the mapping of
`benchmarks/ceiling.py`), and `identity_graph.evaluate.score` scores both systems on the truth's items.

Splink setup (DuckDB, dedupe_only), as its tutorials would have it on this data (`benchmarks/splink_settings.py`):
- comparisons: first and last name (NameComparison, term frequencies), date of birth (exact, one edit, else),
  the primary email (EmailComparison: exact, username, fuzzy), phones (the primary phone exactly with term
  frequencies, then any shared: array intersect), the handle, street (Jaro-Winkler), postcode and city (term
  frequencies), usernames (letters of an email's local part or a handle: `tori_daniels@...` ~
  `x:tori_daniels`; array intersect), and an identifier one record mentions (a phone in a message body, an
  email in a bio) that the other declares;
- blocking: declared emails, phones and handles (array exploded), usernames (exploded), first+last,
  last+dob, first+dob, first/last swapped (caller ID says `IBANEZ PENELOPE`), mentioned against declared;
- training: the prior from deterministic rules (email; first+last+dob; recall 0.7), u by random sampling
  (1e7 pairs, seeded), m by EM blocked on first+last and on email; dob's m is fixed (0.93/0.05/0.02): on
  every EM block we tried, EM drives its sparse levels to m = 0, which Splink 5.0 refuses with a ValueError;
  any other estimate EM takes to 0 is held at Splink's own floor (`splink_settings.em_floor`, counted in the
  bench note). Predict, then cluster at our auto-link probability (`Settings().matching.auto_link`).

Configurations tried (`CONFIGS`; seeds 7001 and 7002, 2,000 people, F1 on each):
- "tutorial": the comparisons above without usernames and mentioned, phones as a plain array intersect,
  EM on email and dob: 0.718, 0.725 (precision 0.88-0.89, recall 0.61);
- "swap": as "tutorial" with ForenameSurnameComparison (a reversed-order level, TF on the full name) in
  place of the two NameComparisons: 0.634, 0.657 (EM trains names worse: recall 0.49-0.51);
- "full": "tutorial" plus usernames and mentioned, EM on first+last and email: 0.777, 0.782;
- "full-cross": usernames compared only email user against handle (no double count with the email): 0.736,
  0.733 (recall falls to 0.64);
- "full-tf": "full" with the primary phone's term frequencies: 0.778, 0.784, the best; `BEST` runs it.
EM on the primary phone or on postcode failed in Splink 5.0 before the floor (m = 0 on city), and EM refuses
exploded array rules. Term frequencies on the email changed nothing:
every message of a family mailbox is a record, as is every message of a person's own address.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from benchmarks.ceiling import record_items
from identity_graph.evaluate import Scores, read_truth, score
from identity_graph.resolve.features import (
    KIND_CODES,
    READ_BATCH,
    blank_placeholders,
    build_features,
    given_names_of,
)
from identity_graph.resolve.training import learn_placeholders
from identity_graph.settings import Settings
from identity_graph.store import open_store

#: Columns of the flattened table, in order (arrays: `phones`, `usernames`, `declared`, `mentioned`).
COLUMNS = (
    "unique_id", "first_name", "last_name", "full_name", "dob", "email", "phone", "phones", "handle",
    "usernames", "user_email", "user_handle", "declared", "mentioned", "street", "city", "postcode", "state",
)  # fmt: skip
#: Identifier kinds Splink sees (crm ids are one per record and link nothing across sources).
LINK_KINDS = ("email", "phone", "handle")
#: Splink's own logging while the bench runs (its warnings about untrained levels would bury the table).
SPLINK_LOG_LEVEL = logging.ERROR
#: Predictions kept below the clustering threshold: Splink's tutorials predict at a lower probability first.
PREDICT_FRACTION = 0.5
#: Other clustering thresholds the bench scores Splink at, so a reader sees its best F1 and not one point.
SWEEP = (0.3, 0.5, 0.7, 0.9, 0.95, 0.99, 0.999)


@dataclass(frozen=True)
class Flattened:
    """The store's records as one Splink table, and the record each truth item takes its cluster from."""

    frame: pd.DataFrame
    record_of: dict[tuple[str, str], int]


def _text(values: Any) -> list[str | None]:
    """A column of our feature table with empty strings as None (Splink's null)."""
    return [str(v) if v else None for v in values]


def _iso(key: str) -> str | None:
    """Our date key `YYYYMMDD` as ISO `YYYY-MM-DD`; None when unknown or partial."""
    return f"{key[:4]}-{key[4:6]}-{key[6:8]}" if len(key) == 8 and key.isdigit() else None


def _arrays(n: int, pos: Any, values: Any) -> list[list[str] | None]:
    """Per row position, the sorted distinct values posted to it (None for none)."""
    out: list[set[str]] = [set() for _ in range(n)]
    for p, v in zip(pos, values, strict=True):
        out[int(p)].add(str(v))
    return [sorted(s) if s else None for s in out]


def flatten_store(db: Path, settings: Settings) -> Flattened:
    """Every record of a loaded store as one row of Splink columns, normalized as our batch resolver sees it."""
    store = open_store(db)
    try:
        table, postings = build_features(store.iter_records(READ_BATCH), learn=True)
    finally:
        store.close()
    placeholders = given_names_of(table) | learn_placeholders(
        table, postings, settings.matching.placeholder_name_identifiers
    )
    blank_placeholders(table, placeholders)
    n = len(table)
    linkable = np.isin(postings.kind, [KIND_CODES[k] for k in LINK_KINDS])
    declared, mentioned = linkable & postings.declared, linkable & ~postings.declared

    def posted(mask: Any, kind: str | None = None) -> list[list[str] | None]:
        """Identifier values (or keys when kind is None) posted to each row under a mask."""
        if kind is not None:
            mask = mask & (postings.kind == KIND_CODES[kind])
            values = [str(k).partition(":")[2] for k in postings.ident[mask]]
            return _arrays(n, postings.pos[mask], values)
        return _arrays(n, postings.pos[mask], postings.ident[mask])

    first, last = _text(table.col("first")), _text(table.col("last"))
    users = _arrays(
        n,
        [i for c in ("user_email", "user_handle") for i, v in enumerate(table.col(c)) if v],
        [v for c in ("user_email", "user_handle") for v in table.col(c) if v],
    )
    frame = pd.DataFrame(
        {
            "unique_id": table.record_id,
            "first_name": first,
            "last_name": last,
            "full_name": [f"{f} {x}" if f and x else None for f, x in zip(first, last, strict=True)],
            "dob": [_iso(str(k)) for k in table.col("dob")],
            "email": _text(table.col("email")),
            "phone": _text(table.col("phone")),
            "phones": posted(declared, "phone"),
            "handle": _text(table.col("handle")),
            "usernames": users,
            "user_email": _text(table.col("user_email")),
            "user_handle": _text(table.col("user_handle")),
            "declared": posted(declared),
            "mentioned": posted(mentioned),
            "street": _text(table.col("street")),
            "city": _text(table.col("city")),
            "postcode": _text(table.col("postcode")),
            "state": _text(table.col("state")),
        },
        columns=list(COLUMNS),
    )
    own, party = record_items(db)
    return Flattened(frame, {key: rid for rid, key in own.items()} | party)


@dataclass(frozen=True)
class SplinkConfig:
    """One Splink configuration: how names are compared, and which extra evidence columns it uses."""

    name: str
    swapped_names: bool  # ForenameSurnameComparison (a reversed-order level) instead of two NameComparisons
    usernames: bool  # compare the letters of email local parts and handles
    mentioned: bool  # an identifier mentioned by one record and declared by the other
    em: tuple[str, ...]  # EM sessions, by blocking rule (`splink_settings.EM_RULES`)
    cross_usernames: bool = False  # usernames compared email user against handle only (no double count)
    phone_tf: bool = False  # the primary phone with term frequencies before the array intersect


CONFIGS = {
    c.name: c
    for c in (
        SplinkConfig("tutorial", swapped_names=False, usernames=False, mentioned=False, em=("email", "dob")),
        SplinkConfig("swap", swapped_names=True, usernames=False, mentioned=False, em=("email", "dob")),
        SplinkConfig("full", swapped_names=False, usernames=True, mentioned=True, em=("first+last", "email")),
        SplinkConfig("full-cross", False, True, True, ("first+last", "email"), cross_usernames=True),
        SplinkConfig("full-tf", False, True, True, ("first+last", "email"), phone_tf=True),
    )
}
#: The configuration the bench runs (the best F1 of the ones tried, see the module docstring).
BEST = "full-tf"


@dataclass
class SplinkRun:
    """Splink's scores on a set, its wall time and phases (seconds), and the size of its input."""

    scores: Scores
    seconds: float
    records: int
    phases: dict[str, float] = field(default_factory=dict)
    clamped: list[str] = field(default_factory=list)  # levels whose EM estimate was held at Splink's floor
    sweep: dict[float, Scores] = field(default_factory=dict)  # scores when clustered at other thresholds

    def best(self) -> tuple[float, Scores]:
        """The threshold of the sweep with the best F1 (picked with the truth: an oracle), and its scores."""
        return max(self.sweep.items(), key=lambda kv: kv[1].f1)


def _scored(
    linker: Any, predictions: Any, threshold: float, flat: Flattened, truth: dict[tuple[str, str], str]
) -> Scores:
    """Cluster Splink's predictions at a threshold; score the items of the truth by their records' clusters."""
    clustered = linker.clustering.cluster_pairwise_predictions_at_threshold(predictions, threshold)
    clusters = clustered.as_pandas_dataframe()
    cluster_of = {int(u): str(c) for u, c in zip(clusters["unique_id"], clusters["cluster_id"], strict=True)}
    pred = {key: cluster_of[rid] for key, rid in flat.record_of.items() if key in truth and rid in cluster_of}
    return score(pred, truth)


def run_splink_generated(
    db: Path, truth_path: Path, settings: Settings, config: str = BEST, sweep: tuple[float, ...] = ()
) -> SplinkRun:
    """Flatten the loaded store, link it with Splink, cluster at our auto-link probability, map clusters back
    to items and score them against the truth; then, untimed, score the clusters at each `sweep` threshold."""
    from benchmarks.splink_settings import splink_linker

    logging.getLogger("splink").setLevel(SPLINK_LOG_LEVEL)
    truth = read_truth(truth_path)
    start = time.perf_counter()
    flat = flatten_store(db, settings)
    flattened = time.perf_counter()
    linker, train = splink_linker(flat.frame, CONFIGS[config])
    begun = time.perf_counter()
    clamped = train()
    trained = time.perf_counter()
    threshold = settings.matching.auto_link
    floor = min((threshold * PREDICT_FRACTION, *sweep))
    predictions = linker.inference.predict(threshold_match_probability=floor)
    predicted = time.perf_counter()
    scores = _scored(linker, predictions, threshold, flat, truth)
    done = time.perf_counter()
    phases = {"flatten": flattened - start, "settings": begun - flattened, "training": trained - begun,
              "predict": predicted - trained, "clustering and scoring": done - predicted}  # fmt: skip
    swept = {t: _scored(linker, predictions, t, flat, truth) for t in sweep}
    return SplinkRun(scores, done - start, len(flat.frame), phases, clamped, swept)


def splink_rows(
    run: SplinkRun | None,
    name: str,
    rows_of: Callable[..., list[dict[str, object]]],
    ours: Scores | None = None,
) -> list[dict[str, object]]:
    """Bench rows for Splink's run on a loaded generated set (None: Splink is not installed; `rows_of` formats
    P/R/F1 rows as the bench does), and our F1 against Splink's when `ours` is given."""
    bench = f"matching {name}"
    if run is None:
        return [{"bench": bench, "metric": "splink", "value": "not installed", "peer": "",
                 "note": "pip install splink duckdb"}]  # fmt: skip
    note = f"config {BEST!r} of benchmarks/splink_generated.py on our normalized records; wall from the loaded store"
    note += f"; {len(run.clamped)} EM levels held at Splink's floor" if run.clamped else ""
    rows = rows_of(name, "splink", run.scores, run.seconds, peer="splink", note=note)
    t, best = run.best()
    oracle = f"clustered at {t} (picked with the truth, an oracle): P {best.precision:.4f}, R {best.recall:.4f}"
    rows += [
        {"bench": bench, "metric": "splink non-customer items joined", "value": run.scores.non_customer_joined,
         "peer": "splink", "note": "target 0"},
        {"bench": bench, "metric": "splink best F1 over thresholds", "value": round(best.f1, 4), "peer": "splink",
         "note": oracle},
    ]  # fmt: skip
    if ours is not None:
        rows.append({"bench": bench, "metric": "F1 ours - splink", "value": round(ours.f1 - run.scores.f1, 4),
                     "peer": "splink", "note": "both at our auto-link probability"})  # fmt: skip
    return rows
