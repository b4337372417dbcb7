"""`GraphStore`: the one protocol every store implements (SQLite embedded; Neo4j for teams).

The shared contract suite in `tests/store/test_contract.py` runs against every implementation.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any, NamedTuple, Protocol, runtime_checkable

from identity_graph.campaigns.model import Campaign
from identity_graph.model import (
    ChangeEvent,
    Channel,
    ClaimedIdentifier,
    Identifier,
    IdentifierKind,
    Interaction,
    Judgement,
    MatchEdge,
    MatchStatus,
    Record,
    StoredInteraction,
    StoredRecord,
    TimelineItem,
)
from identity_graph.store.runs import DEFAULT_RUNS_LIMIT, IngestRun
from identity_graph.store.service_types import ApiToken, AuditEntry, ErasureCounts
from identity_graph.store.steward_types import AuditQuery, StewardAction
from identity_graph.store.window import WindowItem


@dataclass(frozen=True)
class PreparedRecord:
    """A record with its identifiers already normalized, ready to store."""

    record: Record
    identifiers: tuple[ClaimedIdentifier, ...] = ()


@dataclass
class UpsertStats:
    """What one or more upserts did."""

    records_loaded: int = 0
    records_updated: int = 0
    records_unchanged: int = 0
    interactions_loaded: int = 0
    interactions_updated: int = 0
    interactions_unchanged: int = 0
    erased_skipped: int = 0

    def add(self, other: UpsertStats) -> None:
        """Accumulate another batch's figures into this one."""
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))

    @property
    def loaded(self) -> int:
        """New items of either kind."""
        return self.records_loaded + self.interactions_loaded

    @property
    def updated(self) -> int:
        """Changed items of either kind."""
        return self.records_updated + self.interactions_updated

    @property
    def unchanged(self) -> int:
        """Repeated items of either kind."""
        return self.records_unchanged + self.interactions_unchanged


@dataclass(frozen=True)
class Posting:
    """One record's link to one identifier, as blocking and shared-identifier reasoning read them."""

    identifier_id: int
    kind: IdentifierKind
    value: str
    record_id: int
    strength: str


@dataclass(frozen=True)
class ExportRow:
    """One row of `export clusters`."""

    source: str
    source_id: str
    kind: str
    person_id: int | None


#: A MATCH edge as a batch writes it (`GraphStore.fill_edges`): (left, right, score, weight, status value, evidence
#: as stored JSON `[{"comparison":...,"detail":...,"level":...,"weight":...}]`, explanation), `left < right`.
EdgeRow = tuple[int, int, float, float, str, str, str]


class NewEvent(NamedTuple):
    """A change-feed event about to be written (a named tuple: a batch run makes one per record it moves, and a
    tuple is made five times faster than a frozen dataclass)."""

    type: str
    person_id: int | None
    cause: str
    other_person_id: int | None = None
    record_id: int | None = None


@dataclass
class TimelineQuery:
    """Filters and paging of a person's timeline."""

    limit: int = 50
    offset: int = 0
    channels: Sequence[Channel] = field(default_factory=tuple)
    since: datetime | None = None
    until: datetime | None = None


@dataclass(frozen=True)
class GuardReport:
    """A chain the over-merge guard stopped (A~B, B~C with A and C in conflict), for a steward to review."""

    id: int
    record_ids: tuple[int, ...]
    reason: str
    created_at: datetime
    resolved_at: datetime | None = None


@dataclass(frozen=True)
class RecordActivity:
    """How busy a record is: interactions it took part in and when it last changed."""

    interactions: int
    changed_at: datetime
    last_active: datetime | None = None  # newest of its last interaction and the source's own update time


@dataclass(frozen=True)
class PersonStats:
    """How big a person is: records and distinct interactions."""

    records: int
    interactions: int


@dataclass(frozen=True)
class RetiredPerson:
    """A person id that holds no records any more and was not merged into a live person: where its records went
    (the live persons now holding the records detached from it, ids only), or that it was erased."""

    person_id: int
    erased: bool = False
    heirs: tuple[int, ...] = ()


@runtime_checkable
class GraphStore(Protocol):
    """What the resolver, profiles and faces need from a store."""

    def transaction(self) -> AbstractContextManager[Any]:
        """A write transaction; nested uses join the outer one."""
        ...

    def in_transaction(self) -> bool:
        """True while this thread has a write transaction open (another thread's writes would wait for its end)."""
        ...

    def close(self) -> None:
        """Release connections."""
        ...

    def get_meta(self, key: str) -> str | None:
        """A metadata value."""
        ...

    def set_meta(self, key: str, value: str) -> None:
        """Set a metadata value."""
        ...

    # -- ingest
    def upsert_batch(
        self,
        records: Sequence[PreparedRecord],
        interactions: Sequence[Interaction] = (),
        *,
        respect_tombstones: bool = True,
    ) -> UpsertStats:
        """Idempotent upsert of one batch by natural key, in one transaction."""
        ...

    # -- records and identifiers
    def counts(self) -> dict[str, int]:
        """Numbers of records, interactions, identifiers, persons and edges by status."""
        ...

    def get_records(self, ids: Sequence[int]) -> list[StoredRecord]:
        """Records by id, with their identifiers, in the order asked (unknown ids left out)."""
        ...

    def find_record(self, source: str, source_id: str) -> StoredRecord | None:
        """A record by natural key."""
        ...

    def iter_records(self, batch_size: int = 10_000, *, dirty_only: bool = False) -> Iterator[list[StoredRecord]]:
        """Every record (or every record changed since it was last resolved), in batches, by id."""
        ...

    def record_ids(self) -> list[int]:
        """Every record id, ascending."""
        ...

    def mark_resolved(self, ids: Sequence[int] | None = None) -> None:
        """Clear the changed-since-resolve flag of these records (all when None)."""
        ...

    def iter_postings(self, kinds: Sequence[IdentifierKind] = ()) -> Iterator[Posting]:
        """Every record-identifier link (optionally of some kinds), ordered by identifier."""
        ...

    def records_with_identifiers(self, identifiers: Sequence[Identifier]) -> dict[str, list[int]]:
        """Record ids holding each identifier, keyed by the identifier's key."""
        ...

    def search_names(self, text: str, limit: int = 50) -> list[int]:
        """Ids of records whose name matches the words of `text` (full-text, accent-folded)."""
        ...

    # -- blocking keys for real-time candidate lookup
    def replace_blocking_keys(
        self,
        keys: Sequence[tuple[str, int]],
        record_ids: Sequence[int] | None,
        *,
        meanwhile: Callable[[], None] | None = None,
    ) -> None:
        """Replace the blocking keys of these records (all when None) with (key, record_id) pairs. `meanwhile`, if
        given, is called once on the calling thread before this returns (when the keys are written is the store's
        choice: the embedded store builds the key index of a big fill on a worker meanwhile); it must not use the
        store."""
        ...

    def fill_blocking_keys(self, batches: Iterable[Sequence[tuple[str, int]]]) -> None:
        """Replace every record's blocking keys with these (key, record_id) pairs, given in batches in record order
        across batches (a batch plan's whole store, one batch held at a time)."""
        ...

    def records_with_blocking_keys(self, keys: Sequence[str], limit_per_key: int) -> dict[str, list[int]]:
        """Record ids under each blocking key; a key holding more than the limit maps to an empty list."""
        ...

    # -- match edges
    def replace_edges(self, edges: Sequence[MatchEdge], record_ids: Sequence[int] | None = None) -> None:
        """Replace all edges (None) or the edges touching these records with the given ones."""
        ...

    def fill_edges(self, batches: Iterable[Sequence[EdgeRow]]) -> None:
        """Replace every edge with these rows, given in batches (a batch run's whole set, one batch held at a
        time; a pair given twice keeps its last row): what `replace_edges` of the same edges would store."""
        ...

    def edges(self, record_ids: Sequence[int] | None = None, statuses: Sequence[MatchStatus] = ()) -> list[MatchEdge]:
        """Edges touching these records (all when None), optionally of some statuses."""
        ...

    # -- judgements
    def add_judgement(self, judgement: Judgement) -> Judgement:
        """Store a decision; the pair's active decision, if any, is marked superseded, never removed."""
        ...

    def judgements(self, record_ids: Sequence[int] | None = None, *, active_only: bool = True) -> list[Judgement]:
        """Decisions touching these records (all when None); only unsuperseded ones unless asked."""
        ...

    # -- persons
    def assignments(self, record_ids: Sequence[int] | None = None) -> dict[int, int]:
        """record id -> person id, for these records (all when None)."""
        ...

    def person_record_ids(self, person_ids: Sequence[int]) -> dict[int, list[int]]:
        """person id -> its record ids."""
        ...

    def create_persons(self, n: int) -> list[int]:
        """Create n persons and return their new ids, ascending."""
        ...

    def set_persons(self, pairs: Sequence[tuple[int, int]]) -> None:
        """Assign records to persons: (record_id, person_id) pairs."""
        ...

    def retire_persons(self, pairs: Sequence[tuple[int, int | None]]) -> None:
        """Retire persons that lost all their records: (person_id, merged_into or None)."""
        ...

    def add_events(self, events: Sequence[NewEvent]) -> None:
        """Append to the change feed."""
        ...

    def events(self, since_id: int = 0, since: datetime | None = None, limit: int = 1000) -> list[ChangeEvent]:
        """Change-feed events after an id and/or a time, oldest first."""
        ...

    def live_person_ids(self) -> list[int]:
        """Ids of persons that hold at least one record."""
        ...

    def resolve_person_id(self, person_id: int) -> int | None:
        """Follow merges: the live person an old id now lives on as (None if retired without heir)."""
        ...

    def retired_person(self, person_id: int) -> RetiredPerson | None:
        """What became of an id that was a person and is retired without heir (its merges followed): erased (a
        `person.erased` event), or the live persons now holding the records of its `record.detached` events.
        None when the id never named a person, or leads to a live one."""
        ...

    # -- interactions
    def timeline(self, person_id: int, query: TimelineQuery) -> tuple[list[TimelineItem], int]:
        """A page of the person's interactions, newest first, and the total matching the filters."""
        ...

    def get_interaction(self, interaction_id: int) -> StoredInteraction | None:
        """One interaction by id."""
        ...

    # -- export
    def iter_export(self) -> Iterator[ExportRow]:
        """Every ingested item with the person it resolved to."""
        ...

    # -- stewardship (guard reports, activity for the review queue's ranking)
    def add_guard_reports(self, reports: Sequence[tuple[Sequence[int], str]]) -> list[int]:
        """Store chain-guard reports, (record ids, reason) each; returns their ids."""
        ...

    def guard_reports(self, *, open_only: bool = True) -> list[GuardReport]:
        """Chain-guard reports, oldest first; only the unresolved ones unless asked."""
        ...

    def resolve_guard_reports(self, report_ids: Sequence[int]) -> None:
        """Mark chain-guard reports as dealt with (kept, never deleted)."""
        ...

    def record_activity(self, record_ids: Sequence[int]) -> dict[int, RecordActivity]:
        """Per record: how many interactions it took part in and when it last changed."""
        ...

    def person_stats(self, person_ids: Sequence[int]) -> dict[int, PersonStats]:
        """Per live person: how many records it holds and how many distinct interactions they took part in."""
        ...

    # -- service: API tokens, audit log, erasure
    def add_token(self, name: str, role: str, token_hash: str) -> ApiToken:
        """Store a new token's hash with its name and role."""
        ...

    def token_by_hash(self, token_hash: str) -> ApiToken | None:
        """The token with this hash (revoked ones included)."""
        ...

    def get_token(self, token_id: int) -> ApiToken | None:
        """A token by id."""
        ...

    def list_tokens(self) -> list[ApiToken]:
        """Every token, oldest first."""
        ...

    def revoke_token(self, token_id: int) -> bool:
        """Revoke a token; False when there is no such active token."""
        ...

    def add_audit(self, actor: str, action: str, target: str = "", detail: str = "") -> None:
        """Append one audit entry (ids only, never personal data)."""
        ...

    def audit_entries(
        self, limit: int = 100, before_id: int | None = None, target: str | None = None
    ) -> list[AuditEntry]:
        """Audit entries, newest first."""
        ...

    def withdraw_judgement(self, judgement_id: int) -> Judgement:
        """Mark an active decision superseded without a successor (an undo); it is kept."""
        ...

    def erase_records(
        self, person_id: int, record_ids: Sequence[int], terms: Sequence[str], *, tombstones: bool
    ) -> ErasureCounts:
        """Remove these records and everything only they hold; scrub `terms` from what must stay."""
        ...

    def add_tombstones(self, kind: str, keys: Sequence[tuple[str, str]]) -> int:
        """Keep a tombstone (keyed hash) of this kind for each `(source, id)` key, idempotently; returns how many."""
        ...

    def erased_keys(self, kind: str, keys: Sequence[tuple[str, str]]) -> set[tuple[str, str]]:
        """The keys among these with a tombstone of this kind (keyed, or of the old plain SHA-256 form)."""
        ...

    def compact(self, *, vacuum: bool) -> None:
        """Drop deleted index terms and fold the write-ahead log into the file (optionally VACUUM)."""
        ...

    def last_event_id(self) -> int:
        """The id of the newest change-feed event (0 when the feed is empty)."""
        ...

    def identifier_keys(self, record_ids: Sequence[int]) -> dict[int, set[str]]:
        """Per record: the keys (`kind:value`) of the identifiers it holds (records without any are left out)."""
        ...

    def edge_pairs(self, statuses: Sequence[MatchStatus]) -> list[tuple[int, int, float]]:
        """(left, right, score) of every edge of these statuses, without evidence (cheap for ranking many)."""
        ...

    # -- load history
    def record_ingest_run(self, run: IngestRun) -> int:
        """Store one load (counts and notes, no record content); returns its new id."""
        ...

    def ingest_runs(self, limit: int = DEFAULT_RUNS_LIMIT, source: str | None = None) -> list[IngestRun]:
        """The newest `limit` loads (of one source when given), newest first."""
        ...

    # -- the steward's undo (actions with the memberships they changed) and the audit log's search
    def add_steward_action(self, action: StewardAction) -> int:
        """Store one steward action with its decisions; returns its id."""
        ...

    def steward_action(self, action_id: int) -> StewardAction | None:
        """One steward action by id."""
        ...

    def steward_action_of_judgement(self, judgement_id: int) -> StewardAction | None:
        """The steward action that stored this decision (None for decisions older than the undo log)."""
        ...

    def action_judgement_ids(self, kinds: Sequence[str]) -> set[int]:
        """Ids of the decisions stored by steward actions of these kinds."""
        ...

    def mark_action_undone(self, action_id: int, by: str) -> bool:
        """Mark an action undone; False when it was undone already (or does not exist)."""
        ...

    def revive_persons(self, person_ids: Sequence[int]) -> None:
        """Make retired persons live again under their own ids (an undo gives them their records back)."""
        ...

    def reinstate_judgements(self, judgement_ids: Sequence[int]) -> None:
        """Make superseded decisions active again (an undo of the action that superseded them)."""
        ...

    def record_sources(self, record_ids: Sequence[int]) -> dict[int, str]:
        """Per record id: the source it came from."""
        ...

    def count_edges(self, statuses: Sequence[MatchStatus]) -> int:
        """How many edges have these statuses."""
        ...

    def record_ids_from(self, source: str) -> list[int]:
        """Ids of every record of one source, ascending."""
        ...

    def record_source_names(self) -> list[str]:
        """Every source the store holds records of, sorted."""
        ...

    def audit_search(self, query: AuditQuery) -> list[AuditEntry]:
        """Audit entries, newest first, filtered by actor, action (exact, or a prefix ending in '.') and time."""
        ...

    # -- the campaign registry (no customer data: erasure leaves it alone)
    def save_campaign(self, campaign: Campaign, actor: str) -> None:
        """Insert or replace a campaign by its id; audited as a change by `actor`."""
        ...

    def campaign(self, campaign_id: str) -> Campaign | None:
        """One campaign by id (None when there is none)."""
        ...

    def campaigns(self) -> list[Campaign]:
        """Every registered campaign, by start (then id)."""
        ...

    def delete_campaign(self, campaign_id: str, actor: str) -> bool:
        """Remove a campaign; False when there was none. Audited as a change by `actor` when one went."""
        ...

    # -- time windows (the lead's briefing and spike watch)
    def interactions_between(
        self, start: datetime, end: datetime, channels: Sequence[Channel] = ()
    ) -> Iterator[WindowItem]:
        """Interactions with `start <= occurred_at < end` (of these channels when given), oldest first, each with
        the persons of its non-mention parties (paged on the time index)."""
        ...
