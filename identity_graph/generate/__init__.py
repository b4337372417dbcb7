"""Synthetic sample data: realistic customers across CRM, calls, mail, marketing and X, plus the truth.

`generate(out, people, seed)` writes every channel in its real export format (see docs/sample-data.md);
`sample_dir()` is the small set shipped in the package, made with SAMPLE_SEED and SAMPLE_PEOPLE.
"""

from __future__ import annotations

from pathlib import Path

from identity_graph.generate.constants import SAMPLE_PEOPLE, SAMPLE_SEED
from identity_graph.generate.run import Summary, generate

__all__ = ["SAMPLE_PEOPLE", "SAMPLE_SEED", "Summary", "generate", "sample_dir"]


def sample_dir() -> Path:
    """The directory of the shipped sample (identity_graph/sample)."""
    return Path(__file__).resolve().parent.parent / "sample"
