"""Find persons by what an agent types: a phone, an email, a handle, a name or a source id (who-is: `whois.py`)."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from rapidfuzz import fuzz

from identity_graph.display import masked_email, masked_phone
from identity_graph.model import Identifier, IdentifierKind, StoredRecord, Strength
from identity_graph.settings import Settings
from identity_graph.store.protocol import GraphStore, TimelineQuery
from matchers.normalize import normalize_identifier
from matchers.text import fold

#: Records fetched from the name index before ranking.
NAME_CANDIDATES = 200
#: Records of a person read to describe a hit (city, phone, email).
CARD_RECORDS = 50
#: Persons returned by a lookup at most.
MAX_HITS = 20
#: A name hit below this similarity (0-100) is not shown.
MIN_NAME_SIMILARITY = 60.0

_PHONE_CHARS = re.compile(r"^[+\d\s().\-/x#ext]+$", re.IGNORECASE)
_HANDLE_URL = re.compile(r"^(?:https?://)?(?:www\.)?(?:x|twitter)\.com/@?([A-Za-z0-9_]{1,30})/?", re.IGNORECASE)


class LookupKind(StrEnum):
    """What a search text is taken to be."""

    PHONE = "phone"
    EMAIL = "email"
    HANDLE = "handle"
    NAME = "name"
    SOURCE_ID = "source_id"


@dataclass
class PersonHit:
    """A person found by a lookup, how well it matched and on what, and what tells namesakes apart: the city,
    a phone and an email masked (`(•••) •••-0134`, `a•••@example.com`), the last contact and the record count."""

    person_id: int
    name: str
    score: float
    matched: list[str] = field(default_factory=list)
    city: str = ""
    phone: str = ""
    email: str = ""
    last_contact: datetime | None = None
    records: int = 0


def classify(text: str) -> LookupKind:
    """Guess what a search text is: email, handle or profile URL, phone, `source:id`, else a name."""
    t = text.strip()
    if "@" in t and not t.startswith("@") and "." in t.rsplit("@", 1)[-1]:
        return LookupKind.EMAIL
    if t.startswith("@") or _HANDLE_URL.match(t):
        return LookupKind.HANDLE
    digits = sum(ch.isdigit() for ch in t)
    if digits >= 7 and _PHONE_CHARS.match(t):
        return LookupKind.PHONE
    if re.match(r"^[\w.-]+:\S+$", t) and not t.lower().startswith(("x:", "twitter:")):
        return LookupKind.SOURCE_ID
    if re.match(r"^(x|twitter):@?\w+$", t, re.IGNORECASE):
        return LookupKind.HANDLE
    return LookupKind.NAME


def handle_text(text: str) -> str:
    """The `platform:handle` form of a typed handle or profile URL."""
    t = text.strip()
    m = _HANDLE_URL.match(t)
    if m:
        return f"x:{m.group(1)}"
    return t if ":" in t else f"x:{t}"


def _identifier(kind: LookupKind, text: str, settings: Settings) -> Identifier | None:
    """The normalized identifier a phone, email or handle search is for."""
    ident_kind = {
        LookupKind.PHONE: IdentifierKind.PHONE,
        LookupKind.EMAIL: IdentifierKind.EMAIL,
        LookupKind.HANDLE: IdentifierKind.HANDLE,
    }[kind]
    raw = handle_text(text) if kind is LookupKind.HANDLE else text
    value = normalize_identifier(ident_kind, raw, settings.matching.default_region)
    return None if value is None else Identifier(kind=ident_kind, value=value)


def _records_by_person(
    store: GraphStore, person_ids: list[int]
) -> tuple[dict[int, list[StoredRecord]], dict[int, int]]:
    """Up to `CARD_RECORDS` records of each person (read in one go) and each person's record count."""
    members = store.person_record_ids(person_ids)
    by_id = {r.id: r for r in store.get_records([r for rids in members.values() for r in rids[:CARD_RECORDS]])}
    shown = {pid: [by_id[r] for r in rids[:CARD_RECORDS] if r in by_id] for pid, rids in members.items()}
    return shown, {pid: len(rids) for pid, rids in members.items()}


def _display_name(records: list[StoredRecord]) -> str:
    """A person's short display name: the name most of its records write (caller-ID capitals in title case)."""
    names = [r.display_name().strip() for r in records]
    return _most_common([n.title() if n.isupper() else n for n in names])


def _person_names(store: GraphStore, person_ids: list[int]) -> dict[int, str]:
    """A short display name per person (its most common record name)."""
    records, _ = _records_by_person(store, person_ids)
    return {pid: _display_name(rs) for pid, rs in records.items()}


def _most_common(values: list[str]) -> str:
    """The value written most often ('' for none; ties to the first seen)."""
    counts: dict[str, int] = defaultdict(int)
    for v in values:
        if v:
            counts[v] += 1
    return max(counts, key=lambda k: counts[k]) if counts else ""


def _first_declared(records: list[StoredRecord], kind: IdentifierKind) -> str:
    """The identifier of a kind most of the records declare ('' for none)."""
    declared = [c for r in records for c in r.claimed if c.strength is Strength.DECLARED]
    return _most_common([c.identifier.value for c in declared if c.identifier.kind is kind])


def describe_hits(store: GraphStore, hits: list[PersonHit], region: str | None) -> None:
    """Fill in each hit's name and what tells namesakes apart: city, masked phone and email, last contact, records."""
    shown, sizes = _records_by_person(store, [h.person_id for h in hits])
    for h in hits:
        records = shown.get(h.person_id, [])
        h.name = _display_name(records)
        h.records = sizes.get(h.person_id, 0)
        h.city = _most_common([(r.address.city or "").strip().title() for r in records])
        phone = _first_declared(records, IdentifierKind.PHONE)
        email = _first_declared(records, IdentifierKind.EMAIL)
        h.phone = masked_phone(phone, region) if phone else ""
        h.email = masked_email(email) if email else ""
        newest, _ = store.timeline(h.person_id, TimelineQuery(limit=1))
        h.last_contact = newest[0].occurred_at if newest else None


def _hits_by_identifier(store: GraphStore, ident: Identifier) -> list[PersonHit]:
    """Persons holding an identifier; one declaring it ranks above one where it was only mentioned."""
    record_ids = store.records_with_identifiers([ident]).get(ident.key, [])
    owners = store.assignments(record_ids)
    records = {r.id: r for r in store.get_records(record_ids)}
    score: dict[int, float] = defaultdict(float)
    for rid in record_ids:
        pid = owners.get(rid)
        rec = records.get(rid)
        if pid is None or rec is None:
            continue
        declared = any(c.identifier == ident and c.strength is Strength.DECLARED for c in rec.claimed)
        score[pid] = max(score[pid], 1.0 if declared else 0.5)
    n = len(score)
    return [
        PersonHit(pid, "", s / (1 if n <= 1 else 1 + 0.1 * (n - 1)), [f"{ident.kind.value} {ident.value}"])
        for pid, s in score.items()
    ]


def _hits_by_name(store: GraphStore, text: str) -> list[PersonHit]:
    """Persons whose records' names match the words typed, ranked by fuzzy similarity (accents folded: Ortiz
    finds Ortíz)."""
    record_ids = store.search_names(text, NAME_CANDIDATES)
    owners = store.assignments(record_ids)
    best: dict[int, float] = {}
    query = fold(text)
    # One word (a surname, a first name) matches every name holding it; several words compare as a whole name.
    scorer = fuzz.token_set_ratio if len(query.split()) == 1 else fuzz.token_sort_ratio
    for rec in store.get_records(record_ids):
        pid = owners.get(rec.id)
        if pid is None:
            continue
        sim = scorer(query, fold(rec.display_name()))
        best[pid] = max(best.get(pid, 0.0), sim)
    return [PersonHit(pid, "", s / 100.0, [f"name ~ {text}"]) for pid, s in best.items() if s >= MIN_NAME_SIMILARITY]


def _hits_by_source_id(store: GraphStore, text: str) -> list[PersonHit]:
    """The person of a record given as `source:source_id`."""
    source, _, source_id = text.strip().partition(":")
    rec = store.find_record(source, source_id)
    if rec is None:
        return []
    pid = store.assignments([rec.id]).get(rec.id)
    return [] if pid is None else [PersonHit(pid, "", 1.0, [f"record {source}/{source_id}"])]


def lookup(store: GraphStore, text: str, settings: Settings, kind: LookupKind | None = None) -> list[PersonHit]:
    """Persons matching a search text, best first (at most `MAX_HITS`)."""
    kind = kind or classify(text)
    if kind is LookupKind.NAME:
        hits = _hits_by_name(store, text)
    elif kind is LookupKind.SOURCE_ID:
        hits = _hits_by_source_id(store, text)
    else:
        ident = _identifier(kind, text, settings)
        hits = [] if ident is None else _hits_by_identifier(store, ident)
    hits.sort(key=lambda h: (-h.score, h.person_id))
    hits = hits[:MAX_HITS]
    describe_hits(store, hits, settings.matching.default_region)
    return hits
