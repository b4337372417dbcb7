"""A person's profile: golden fields with provenance and survivorship, identifiers, records, one timeline."""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from identity_graph.gone import live_records
from identity_graph.model import (
    MatchEdge,
    MatchStatus,
    Profile,
    ProfileValue,
    SourceRef,
    StoredRecord,
    Strength,
    TimelineItem,
    Verdict,
)
from identity_graph.settings import Settings
from identity_graph.store.protocol import GraphStore, TimelineQuery
from identity_graph.why_words import kind_words, plain_sentence

#: Survivorship rules, in the order they break ties.
RULE_PRIORITY = "source priority"
RULE_FREQUENT = "most frequent"
RULE_RECENT = "most recent"
RULE_ONLY = "only value"
#: How each rule reads on a screen ("Name the only one on record").
RULE_WORDS = {
    RULE_PRIORITY: "taken from the most trusted source",
    RULE_FREQUENT: "written this way by most records",
    RULE_RECENT: "the most recent",
    RULE_ONLY: "the only one on record",
}
#: Why-linked sentences without an edge to read.
ONLY_RECORD = "This is the person's only record."
LINKED_THROUGH = "Linked through the person's other records."
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _when(record: StoredRecord) -> datetime:
    """When a record was last true, for the most-recent rule (naive times taken as UTC)."""
    t = record.updated_at or record.created_at or _EPOCH
    return t if t.tzinfo else t.replace(tzinfo=UTC)


def _ref(record: StoredRecord, field: str) -> SourceRef:
    """Provenance of a value taken from a record's field."""
    return SourceRef(record_id=record.id, source=record.source, source_id=record.source_id, field=field)


def _name_of(record: StoredRecord) -> str:
    """A display name with caller-ID style upper case softened to title case."""
    name = record.display_name().strip()
    return name.title() if name.isupper() else name


def _address_of(record: StoredRecord) -> str:
    """One-line postal address of a record, or empty."""
    a = record.address
    if a.full:
        return a.full
    parts = [a.street, a.city, " ".join(p for p in (a.state, a.postal_code) if p), a.country]
    return ", ".join(p for p in parts if p)


def _name_key(value: str) -> str:
    """Names equal up to case, accents and word order (caller-ID gives LAST FIRST) share a key."""
    bare = "".join(c for c in unicodedata.normalize("NFKD", value) if not unicodedata.combining(c))
    return " ".join(sorted(bare.casefold().split()))


def _collect(
    records: Sequence[StoredRecord],
    kind: str,
    value_of: Callable[[StoredRecord], str],
    field: str,
    key_of: Callable[[str], str] = str.casefold,
) -> list[ProfileValue]:
    """Group equal values across records, keeping every source; shows the variant most records wrote."""
    groups: dict[str, list[tuple[str, StoredRecord]]] = defaultdict(list)
    for record in records:
        value = value_of(record)
        if value:
            groups[key_of(value)].append((value, record))
    out = []
    for members in groups.values():
        written = [v for v, r in members if not r.display_name().isupper()] or [v for v, _ in members]
        shown = max(written, key=written.count)
        out.append(ProfileValue(kind=kind, value=shown, sources=tuple(_ref(r, field) for _, r in members), rule=""))
    return out


def choose_golden(
    values: Sequence[ProfileValue], records: dict[int, StoredRecord], priority: Sequence[str]
) -> ProfileValue | None:
    """Pick the golden value: best source priority, then most frequent, then most recent; says which rule won."""
    if not values:
        return None
    rank = {source: i for i, source in enumerate(priority)}

    def key(v: ProfileValue) -> tuple[int, int, float]:
        best = min((rank.get(s.source, len(rank)) for s in v.sources), default=len(rank))
        latest = max(_when(records[s.record_id]) for s in v.sources)
        return (best, -len(v.sources), -latest.timestamp())

    ordered = sorted(values, key=key)
    if len(ordered) == 1:
        return ordered[0].model_copy(update={"rule": RULE_ONLY})
    won, runner = key(ordered[0]), key(ordered[1])
    rules = (RULE_PRIORITY, RULE_FREQUENT, RULE_RECENT)
    rule = next((r for r, a, b in zip(rules, won, runner, strict=True) if a != b), RULE_RECENT)
    return ordered[0].model_copy(update={"rule": rule})


def _identifiers(store: GraphStore, records: Sequence[StoredRecord], person_id: int) -> list[ProfileValue]:
    """Every identifier of the person, with its sources and how many persons share it."""
    groups: dict[str, list[tuple[StoredRecord, str, Strength]]] = defaultdict(list)
    idents = {}
    for record in records:
        for c in record.claimed:
            groups[c.identifier.key].append((record, c.field, c.strength))
            idents[c.identifier.key] = c.identifier
    holders = store.records_with_identifiers(list(idents.values()))
    owners = store.assignments(sorted({r for ids in holders.values() for r in ids}))
    out = []
    for key, members in groups.items():
        persons = {owners.get(r) for r in holders.get(key, [])} | {person_id}
        declared = any(s is Strength.DECLARED for _, _, s in members)
        out.append(
            ProfileValue(
                kind=idents[key].kind.value,
                value=idents[key].value,
                sources=tuple(_ref(r, f) for r, f, _ in members),
                strength=Strength.DECLARED if declared else Strength.MENTIONED,
                rule="",
                person_count=len({p for p in persons if p is not None}),
            )
        )
    out.sort(key=lambda v: (v.kind, v.strength != Strength.DECLARED, -len(v.sources), v.value))
    return out


def why_linked(store: GraphStore, record_ids: Sequence[int], members: set[int]) -> dict[int, str]:
    """For each record, one plain sentence saying why it belongs to its person (its strongest auto link, read
    from the stored evidence by `why_words`, or a steward's decision); no probabilities and no record ids."""
    best: dict[int, MatchEdge] = {}
    for edge in store.edges(list(record_ids), statuses=[MatchStatus.AUTO]):
        for mine, other in ((edge.left, edge.right), (edge.right, edge.left)):
            if other in members and (mine not in best or edge.score > best[mine].score):
                best[mine] = edge
    judged: dict[int, int] = {}
    for j in store.judgements(list(record_ids)):
        if j.verdict is Verdict.SAME:
            for mine, other in ((j.left, j.right), (j.right, j.left)):
                if other in members:
                    judged.setdefault(mine, other)
    others = {e.right if e.left == r else e.left for r, e in best.items()} | set(judged.values())
    records = {r.id: r for r in store.get_records(sorted(set(record_ids) | others))}
    out = {}
    for rid in record_ids:
        me = records.get(rid)
        if rid in judged and me is not None and judged[rid] in records:
            out[rid] = f"A data steward confirmed it is the same person as {kind_words(records[judged[rid]])}."
        elif rid in best and me is not None:
            e = best[rid]
            them = records.get(e.right if e.left == rid else e.left)
            out[rid] = plain_sentence(e.evidence, me, them, e.explanation) if them is not None else LINKED_THROUGH
        elif len(members) == 1:
            out[rid] = ONLY_RECORD
        else:
            out[rid] = LINKED_THROUGH
    return out


def _timeline(
    store: GraphStore,
    person_id: int,
    members: set[int],
    records: dict[int, StoredRecord],
    query: TimelineQuery,
) -> tuple[list[TimelineItem], int]:
    """A page of the timeline with a why-sentence on each item."""
    items, total = store.timeline(person_id, query)
    reasons = why_linked(store, sorted({i.record_id for i in items}), members)
    out = []
    for item in items:
        r = records[item.record_id]
        role = item.role.value.replace("_", " ").capitalize()
        why = f"{role} on {kind_words(r)} from {r.source}. {reasons[item.record_id]}"
        out.append(item.model_copy(update={"why": why}))
    return out, total


def build_profile(store: GraphStore, person_id: int, settings: Settings, query: TimelineQuery | None = None) -> Profile:
    """Everything about one person (an id that was merged away leads to the person it became)."""
    live, record_ids = live_records(store, person_id)
    records = store.get_records(record_ids)
    by_id = {r.id: r for r in records}
    priority = settings.profile.source_priority
    names = _collect(records, "name", _name_of, "name", _name_key)
    addresses = _collect(records, "address", _address_of, "address")
    dobs = _collect(records, "dob", lambda r: r.dob.isoformat() if r.dob else "", "dob")
    page = query or TimelineQuery(limit=settings.profile.timeline_page_size)
    timeline, total = _timeline(store, live, set(record_ids), by_id, page)
    golden = choose_golden(names, by_id, priority)
    return Profile(
        person_id=live,
        name=golden,
        names=tuple(sorted(names, key=lambda v: -len(v.sources))),
        identifiers=tuple(_identifiers(store, records, live)),
        addresses=tuple(_ranked(addresses, by_id, priority)),
        dobs=tuple(_ranked(dobs, by_id, priority)),
        records=tuple(records),
        timeline=tuple(timeline),
        timeline_total=total,
    )


def _ranked(
    values: list[ProfileValue], records: dict[int, StoredRecord], priority: Sequence[str]
) -> list[ProfileValue]:
    """Values with the golden one first, marked with the rule that chose it."""
    golden = choose_golden(values, records, priority)
    if golden is None:
        return []
    rest = [v for v in values if v.value != golden.value]
    return [golden, *sorted(rest, key=lambda v: -len(v.sources))]
