"""Normalize a source record's identifier claims, turning it into what the store takes."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from identity_graph.model import ClaimedIdentifier, Identifier, IdentifierClaim, Record
from identity_graph.store.protocol import PreparedRecord
from matchers.normalize import normalize_identifier

#: Distinct (kind, raw, region) values whose normalized form is remembered: one caller's number or a
#: customer's address recurs across many calls and messages, and parsing it is most of a load's work.
NORMALIZE_CACHE_SIZE = 262_144

_normalize = lru_cache(maxsize=NORMALIZE_CACHE_SIZE)(normalize_identifier)


@dataclass
class PrepareReport:
    """Claims that could not be normalized (counted by kind, never logged with their values)."""

    unusable: dict[str, int] = field(default_factory=dict)

    def count(self, claim: IdentifierClaim) -> None:
        """Count one unusable claim."""
        self.unusable[claim.kind.value] = self.unusable.get(claim.kind.value, 0) + 1


def prepare_record(record: Record, default_region: str, report: PrepareReport | None = None) -> PreparedRecord:
    """Normalize every identifier claim of a record; unusable claims are counted and left out."""
    claimed: dict[tuple[str, str, str], ClaimedIdentifier] = {}
    for claim in record.identifiers:
        value = _normalize(claim.kind, claim.raw, default_region)
        if value is None:
            if report is not None:
                report.count(claim)
            continue
        ident = Identifier(kind=claim.kind, value=value)
        claimed.setdefault(
            (ident.key, claim.field, claim.strength.value),
            ClaimedIdentifier(identifier=ident, field=claim.field, strength=claim.strength, raw=claim.raw),
        )
    return PreparedRecord(record=record, identifiers=tuple(claimed.values()))
