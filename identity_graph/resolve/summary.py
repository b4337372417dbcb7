"""What a resolve run reports back."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

#: progress(stage, done, total): called as a run moves through its stages.
Progress = Callable[[str, int, int], None]


@dataclass
class ResolveSummary:
    """Figures of one batch or incremental run."""

    records: int = 0
    candidate_pairs: int = 0
    edges_auto: int = 0
    edges_review: int = 0
    sole_name_links: int = 0  # pairs linked as the only two profiles bearing a name (`namesakes`)
    persons: int = 0
    guard_reports: int = 0
    created: int = 0
    merged: int = 0
    split: int = 0
    moved_records: int = 0
    trained: bool = False
    model_version: str = ""
    seconds: dict[str, float] = field(default_factory=dict)


def no_progress(stage: str, done: int, total: int) -> None:
    """A progress callback that does nothing."""


def stage_timer(summary: ResolveSummary) -> Callable[[str], None]:
    """A `lap(stage)` that records in `summary.seconds` the time since the previous lap (or since this call)."""
    clock = time.perf_counter()

    def lap(stage: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        summary.seconds[stage] = round(now - clock, 3)
        clock = now

    return lap
