"""The load history: one `IngestRun` per load, with its counts and notes (never the content of a record).

Every store keeps runs the same way (`GraphStore.record_ingest_run` / `ingest_runs`): the times as ISO-8601
text and the notes as a JSON list, so both stores read back exactly what was written. Notes are written by the
ingest pipeline: connector notices (about the file, e.g. an encoding fallback), counts of unusable identifiers,
the quarantine file's path and, for a load that stopped, the kind of error (not its message, which may quote a row).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from pydantic import Field, NonNegativeInt

from identity_graph.errors import ConfigError
from identity_graph.model import Frozen

#: Loads `ingest_runs` returns when not told how many (the CLI's and the API's default page).
DEFAULT_RUNS_LIMIT = 20


class IngestRun(Frozen):
    """One load: which source and format, when, how many items it added, changed, found unchanged or set aside."""

    id: int | None = Field(None, description="the store's id of the run; None until it is recorded")
    source: str = Field(min_length=1, description="the source name the load was given (e.g. crm, pbx)")
    format: str = Field(min_length=1, description="the connector's input format (e.g. salesforce, mbox)")
    started_at: datetime
    finished_at: datetime | None = None
    loaded: NonNegativeInt = Field(0, description="new records and interactions")
    updated: NonNegativeInt = Field(0, description="records and interactions whose content changed")
    unchanged: NonNegativeInt = Field(0, description="records and interactions seen again unchanged")
    quarantined: NonNegativeInt = Field(0, description="rows set aside in the quarantine file")
    notes: list[str] = Field(default_factory=list, description="notices, the quarantine file, why a load stopped")


def check_limit(limit: int) -> None:
    """Refuse a page size below one (SQLite would read a negative LIMIT as no limit at all)."""
    if limit < 1:
        raise ConfigError(f"limit must be at least 1, not {limit}")


def run_values(run: IngestRun) -> dict[str, Any]:
    """A run's stored form (without its id): times as ISO text, notes as a JSON list."""
    return {
        "source": run.source,
        "format": run.format,
        "started_at": run.started_at.isoformat(),
        "finished_at": None if run.finished_at is None else run.finished_at.isoformat(),
        "loaded": run.loaded,
        "updated": run.updated,
        "unchanged": run.unchanged,
        "quarantined": run.quarantined,
        "notes": json.dumps(run.notes, ensure_ascii=False),
    }


def run_from_row(row: Mapping[str, Any]) -> IngestRun:
    """An IngestRun from a stored row (either store's: the same column names and text forms)."""
    notes = json.loads(row["notes"]) if row["notes"] else []
    return IngestRun(
        id=int(row["id"]),
        source=str(row["source"]),
        format=str(row["format"]),
        started_at=datetime.fromisoformat(row["started_at"]),
        finished_at=None if row["finished_at"] is None else datetime.fromisoformat(row["finished_at"]),
        loaded=int(row["loaded"]),
        updated=int(row["updated"]),
        unchanged=int(row["unchanged"]),
        quarantined=int(row["quarantined"]),
        notes=[str(n) for n in notes],
    )
