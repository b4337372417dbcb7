"""Splink's fake_1000 for the generalization table: the shipped file, its rows as our records, its truth, and the
Splink model its own tutorials fit to it.

`benchmarks/data/splink_fake_1000/fake_1000.csv` (MIT, from the `splink_datasets` repository of the Splink
project; see the README beside it) holds 1,000 rows `unique_id, first_name, surname, dob, city, email, cluster`
in 251 clusters; `cluster` is the truth. Nothing is downloaded at run time.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from benchmarks.bench_matching import LinkType
from identity_graph.model import IdentifierClaim, IdentifierKind, PostalAddress, Record, RecordKind
from matchers.dates import normalize_date

FAKE_1000 = Path(__file__).parent / "data" / "splink_fake_1000" / "fake_1000.csv"
FAKE_SOURCE = "fake_1000"
FAKE_COLUMNS = ("unique_id", "first_name", "surname", "dob", "city", "email", "cluster")


def load_fake_1000(path: Path = FAKE_1000) -> pd.DataFrame:
    """The fake_1000 rows as text (a missing cell is ''), indexed by `unique_id`."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in FAKE_COLUMNS if c not in frame.columns]
    if missing:
        raise ValueError(f"{path}: missing columns {', '.join(missing)}")
    return frame.set_index("unique_id")


def _cell(row: Mapping[Any, Any], column: str) -> str | None:
    """A cell as stripped text, None when empty."""
    return str(row[column] or "").strip() or None


def fake_record(rec_id: str, row: Mapping[Any, Any]) -> Record:
    """One fake_1000 row as a CRM-like contact: the email a declared identifier, the dob read by the product's
    date parsing, the city in the address."""
    email, dob = _cell(row, "email"), _cell(row, "dob")
    return Record(
        source=FAKE_SOURCE,
        source_id=rec_id,
        kind=RecordKind.CONTACT,
        first_name=_cell(row, "first_name"),
        last_name=_cell(row, "surname"),
        dob=normalize_date(dob) if dob else None,
        address=PostalAddress(city=_cell(row, "city")),
        identifiers=(IdentifierClaim(kind=IdentifierKind.EMAIL, raw=email, field="email"),) if email else (),
    )


def fake_truth(frame: pd.DataFrame) -> dict[tuple[str, str], str]:
    """Truth clusters: the `cluster` column."""
    return {(FAKE_SOURCE, str(i)): str(c) for i, c in zip(frame.index, frame["cluster"], strict=True)}


def fake_splink_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """fake_1000 rows as Splink reads them: a `unique_id` column, missing values as None, no truth column."""
    out = frame.drop(columns=["cluster"]).reset_index()
    for col in out.columns:
        out[col] = out[col].map(lambda v: str(v).strip() or None)
    return out


def fake_splink_model(link_type: LinkType) -> tuple[Any, Callable[[Any], None]]:
    """Splink's settings and training for fake_1000 as its own tutorials set them: names (NameComparison), the
    date of birth (DateOfBirthComparison), city exactly with term frequencies, the email (EmailComparison);
    blocking on each of first name, surname, dob and email; the prior from deterministic rules, u by random
    sampling, m by EM on the full name and on the dob."""
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

    settings = SettingsCreator(
        link_type=link_type,
        comparisons=[
            cl.NameComparison("first_name"),
            cl.NameComparison("surname"),
            cl.DateOfBirthComparison("dob", input_is_string=True),
            cl.ExactMatch("city").configure(term_frequency_adjustments=True),
            cl.EmailComparison("email"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("first_name"),
            block_on("surname"),
            block_on("dob"),
            block_on("email"),
        ],
        retain_intermediate_calculation_columns=False,
    )

    def train(linker: Any) -> None:
        """The fake_1000 tutorial's training."""
        linker.training.estimate_probability_two_random_records_match(
            [block_on("first_name", "dob"), "l.first_name = r.first_name and levenshtein(r.surname, l.surname) <= 2",
             block_on("email")], recall=0.7,
        )  # fmt: skip
        linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=1)
        linker.training.estimate_parameters_using_expectation_maximisation(block_on("first_name", "surname"))
        linker.training.estimate_parameters_using_expectation_maximisation(block_on("dob"))

    return settings, train
