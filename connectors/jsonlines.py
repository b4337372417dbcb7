"""Streaming JSON Lines: one value per line, with line numbers; a broken line is `Rejected`."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from connectors.textio import ByteCounter, TextLines
from identity_graph.model import Notice, Rejected

#: Deepest nesting accepted in one JSON line (deeper input is rejected, not a RecursionError).
MAX_JSON_DEPTH = 64


def _too_deep(text: str) -> bool:
    """A cheap upper bound on nesting: more open brackets in a row than allowed."""
    depth = 0
    for ch in text:
        if ch in "[{":
            depth += 1
            if depth > MAX_JSON_DEPTH:
                return True
        elif ch in "]}":
            depth -= 1
    return False


def parse_json(text: str) -> Any:
    """Parse one JSON text; raises ValueError (never RecursionError)."""
    if _too_deep(text):
        raise ValueError(f"JSON nested deeper than {MAX_JSON_DEPTH} levels")
    try:
        return json.loads(text)
    except RecursionError as exc:
        raise ValueError("JSON nested too deeply") from exc


def json_lines(
    path: Path, counter: ByteCounter, encoding: str | None = None
) -> Iterator[tuple[int, Any, str] | Rejected | Notice]:
    """(line, value, raw text) for every non-blank line; broken JSON becomes Rejected."""
    lines = TextLines(path, counter, encoding)
    for text in lines:
        yield from lines.drain_notices()
        lines.taken.clear()
        stripped = text.strip()
        if not stripped:
            continue
        try:
            value = parse_json(stripped)
        except ValueError as exc:
            yield Rejected(path=str(path), line=lines.line_no, reason=f"broken JSON: {exc}", raw=text)
            continue
        yield (lines.line_no, value, text)
    yield from lines.drain_notices()
