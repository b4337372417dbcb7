"""Fields dropped from records that still load: counted per field and reason, told as one notice each.

A value that cannot be parsed, or is out of range for its meaning (a date of birth in 1642), costs the record
that field, not the record. The load's notes say how many records lost which field and why, and where:
`dob dropped on 3 records: unparseable (line 4, 9, 12)`. The value itself is never told (no PII in logs).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from identity_graph.model import Notice

#: Line numbers listed per note (the count still says how many records in all); memory stays constant.
NOTE_LINES = 10


@dataclass
class _Tally:
    """How often one field was dropped for one reason, and the first places."""

    count: int = 0
    where: list[tuple[str, int]] = field(default_factory=list)


class DroppedFields:
    """The fields dropped during one connector's read, as notices at its end."""

    def __init__(self) -> None:
        self._tallies: dict[tuple[str, str], _Tally] = {}

    def add(self, name: str, reason: str, path: Path | str, line: int) -> None:
        """Count one record of `path` (at `line`) that lost field `name` for `reason`."""
        tally = self._tallies.setdefault((name, reason), _Tally())
        tally.count += 1
        if len(tally.where) < NOTE_LINES:
            tally.where.append((str(path), line))

    def notices(self) -> list[Notice]:
        """One notice per field and reason, and forget them."""
        out = [
            Notice(path=tally.where[0][0], message=drop_note(name, reason, tally.count, tally.where))
            for (name, reason), tally in self._tallies.items()
        ]
        self._tallies.clear()
        return out


def drop_note(name: str, reason: str, count: int, where: list[tuple[str, int]]) -> str:
    """`dob dropped on 3 records: unparseable (line 4, 9, 12)`; file names are told when there are several."""
    files = list(dict.fromkeys(path for path, _ in where))
    if len(files) == 1:
        places = "line " + ", ".join(str(line) for _, line in where)
    else:
        places = "; ".join(
            f"{Path(f).name} line " + ", ".join(str(line) for path, line in where if path == f) for f in files
        )
    if count > len(where):
        places += f" and {count - len(where):,} more"
    return f"{name} dropped on {count:,} record{'' if count == 1 else 's'}: {reason} ({places})"
