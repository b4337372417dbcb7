"""Streaming: a connector's memory does not grow with the size of its input."""

from __future__ import annotations

import csv
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import pytest

from connectors.base import ConnectorOptions
from connectors.registry import make_connector
from tests.connectors.helpers import FIXTURES

#: A four times larger input may cost at most this much more peak memory (caches and buffers warm up).
GROWTH_LIMIT = 1.2
SLACK_BYTES = 32 * 1024


def _peak(fmt: str, path: Path, mapping: Path | None = None) -> int:
    """Peak traced bytes while streaming every item of a file (items are dropped as they come)."""
    connector = make_connector(fmt, ConnectorOptions(source="s"), mapping)
    tracemalloc.start()
    try:
        for _ in connector.read([path]):
            pass
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def _salesforce(path: Path, rows: int) -> None:
    with path.open("w", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["Id", "FirstName", "LastName", "Email", "Phone", "Birthdate"])
        for i in range(rows):
            out.writerow(
                [f"003{i:012d}", "Ann", f"Lee{i}", f"ann{i}@example.com", f"(415) 555-{i % 100 + 100:04d}", ""]
            )


def _mbox(path: Path, messages: int) -> None:
    template = (FIXTURES / "eml/inbox/0001.eml").read_text()
    with path.open("w") as fh:
        for i in range(messages):
            fh.write("From x@example.net Tue Mar  5 16:20:00 2024\n")
            fh.write(template.replace("<eml-1@example.net>", f"<m{i}@example.net>") + "\n")


def _asterisk(path: Path, rows: int) -> None:
    line = (FIXTURES / "asterisk/Master.csv").read_text().splitlines()[0]
    with path.open("w") as fh:
        for i in range(rows):
            fh.write(line.replace("1709284502.1", f"1709284502.{i}") + "\n")


@pytest.mark.slow
@pytest.mark.parametrize(
    ("fmt", "make", "small"),
    [("salesforce", _salesforce, 800), ("mbox", _mbox, 100), ("asterisk", _asterisk, 800)],
    ids=["salesforce", "mbox", "asterisk"],
)
def test_memory_stays_flat_when_the_input_grows(
    tmp_path: Path, fmt: str, make: Callable[[Path, int], None], small: int
) -> None:
    little, big = tmp_path / "little", tmp_path / "big"
    make(little, small)
    make(big, small * 4)
    assert big.stat().st_size > 3 * little.stat().st_size
    _peak(fmt, big)  # warm the process-wide caches (parsed numbers, interned strings), which are bounded
    peak_little, peak_big = _peak(fmt, little), _peak(fmt, big)
    assert peak_big < GROWTH_LIMIT * peak_little + SLACK_BYTES
