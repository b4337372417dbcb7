"""Matching accuracy and speed: febrl3 (dedupe), febrl4 (link), a generated multi-channel set, and Splink.

febrl rows go through the product's own path: Records -> prepare_record -> the SQLite store -> resolve_all
-> persons, then pairwise and B-cubed scores against the febrl truth (the record id's `rec-N` part).
Splink (DuckDB backend, bench-only dependency) runs on the same rows in the same process for comparison.
"""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from identity_graph.evaluate import Scores, score
from identity_graph.model import IdentifierClaim, IdentifierKind, PostalAddress, Record, RecordKind
from identity_graph.prepare import prepare_record
from identity_graph.resolve import resolve_all
from identity_graph.settings import Settings
from identity_graph.store import open_store
from matchers.dates import normalize_date

SOURCE = "febrl"
#: People in the generated multi-channel set (a new seed each run, so nothing is tuned to one draw).
GENERATED_PEOPLE = 2000
GENERATED_PEOPLE_QUICK = 300


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


def febrl_record(rec_id: str, row: pd.Series) -> Record:
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


def run_ours(frame: pd.DataFrame, workdir: Path) -> tuple[Scores, float, float]:
    """Load febrl rows into a fresh store, resolve; returns scores, resolve seconds and total seconds."""
    start = time.perf_counter()
    settings = Settings(db=workdir / "febrl.db")
    store = open_store(settings.db)
    try:
        prepared = [prepare_record(febrl_record(str(i), row), "AU") for i, row in frame.iterrows()]
        store.upsert_batch(prepared)
        loaded = time.perf_counter()
        resolve_all(store, settings)
        done = time.perf_counter()
        pred = {(r.source, r.source_id): str(r.person_id or "") for r in store.iter_export()}
        return score(pred, febrl_truth(frame)), done - loaded, done - start
    finally:
        store.close()
