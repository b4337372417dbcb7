"""Plain data the service layer reads and writes through the store: API tokens, audit entries, erasure results."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class ApiToken:
    """An API token as stored: only its hash is kept, never the token itself."""

    id: int
    name: str
    role: str
    created_at: datetime
    revoked_at: datetime | None = None

    @property
    def active(self) -> bool:
        """True while the token has not been revoked."""
        return self.revoked_at is None


@dataclass(frozen=True)
class AuditEntry:
    """One line of the audit log: who did what to which target, when (ids only, never personal data)."""

    id: int
    at: datetime
    actor: str
    action: str
    target: str
    detail: str


@dataclass
class ErasureCounts:
    """How many rows of each kind an erasure removed or scrubbed."""

    records: int = 0
    interactions_deleted: int = 0
    interactions_scrubbed: int = 0
    identifiers: int = 0
    edges: int = 0
    judgements: int = 0
    events: int = 0
    versions: int = 0
    tombstones: int = 0
    audit_scrubbed: int = 0
    other: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, int]:
        """The counts as a flat mapping (for the audit detail and the API)."""
        out = {k: v for k, v in self.__dict__.items() if isinstance(v, int)}
        out.update(self.other)
        return out
