"""Who is this handle? One of four answers, each with a rule (docs/service.md, "Who is this handle?").

- **known customer**: the handle is held by a customer's records: their social account is linked to a person
  with at least one customer record (CRM, call, email or marketing), or a customer record declares the handle.
- **likely customer — not yet linked**: not known, but one or more customers score at least `LIKELY_FLOOR`
  against the handle's account (or write the handle in a message); each is a candidate a steward may link.
- **not a customer**: the account is known and tells enough to find its owner (a full name, an email or a
  phone), yet no customer reaches the floor.
- **unknown**: no record holds the handle, or its account tells too little (no full name, no email or phone)
  and no customer reaches the floor: it may well be an anonymous customer.

**Confidence** is one scale: the match probability of the pair (the handle's account, the candidate's record)
under the trained model, which is the `score` stored on a MATCH edge, shown as a whole percent on the page, in
the evidence lines beside it and in the terminal (the API gives it as 0–1). A pair without a stored edge is
scored on demand with the same model (`resolve.explain.explain_pair`). Three fixed values where no pair is
scored: a steward's *same* decision is 100 %, a customer record that declares the handle in its own field 99 %
(`CRM_DECLARED_CONFIDENCE`), a message that only mentions it 50 % (`MENTIONED_CONFIDENCE`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from rapidfuzz import fuzz

from identity_graph.display import percent
from identity_graph.errors import ConfigError, NotFound
from identity_graph.lookup import LookupKind, _identifier, _person_names
from identity_graph.model import Evidence, Identifier, MatchStatus, RecordKind, StoredRecord, Strength, Verdict
from identity_graph.settings import Settings
from identity_graph.store.protocol import GraphStore
from identity_graph.why_words import kind_words, objections, plain_sentence, sentence_case

#: Confidence that a handle declared in a customer record's own field is theirs.
CRM_DECLARED_CONFIDENCE = 0.99
#: Confidence for a customer whose message only mentions the handle (it may be someone else's).
MENTIONED_CONFIDENCE = 0.5
#: A customer scoring at least this against the handle's account is a likely customer.
LIKELY_FLOOR = 0.5
#: Candidates shown at most.
MAX_CANDIDATES = 5
#: Records scored on demand at most (name namesakes, holders of what the account mentions).
MAX_SCORED = 8
#: Records fetched by the account's name before ranking, and the name similarity (0-100) a namesake needs.
NAME_CANDIDATES = 30
NAME_SIMILARITY = 85.0
#: The unknown answer's sentence for an account that tells too little.
TOO_LITTLE = "The account tells too little (no full name, email or phone) to say who it is; it may be a customer."
_NAME_WORD = re.compile(r"[^\W\d_]{2,}")


class WhoIsStatus(StrEnum):
    """The four answers."""

    KNOWN = "known"
    LIKELY = "likely"
    NOT_CUSTOMER = "not_customer"
    UNKNOWN = "unknown"


#: How each answer reads on the page and in the terminal.
STATUS_LABELS = {
    WhoIsStatus.KNOWN: "Known customer",
    WhoIsStatus.LIKELY: "Likely customer — not yet linked",
    WhoIsStatus.NOT_CUSTOMER: "Not a customer",
    WhoIsStatus.UNKNOWN: "Unknown",
}


@dataclass
class WhoIsCandidate:
    """A customer the handle may belong to: how sure (0-1, one scale), why, and the record a link would join."""

    person_id: int
    name: str
    confidence: float
    evidence: list[str]
    record_id: int = 0
    city: str = ""


@dataclass
class WhoIs:
    """The answer to "who is this handle?": the status, a sentence saying why, the candidates and the facts."""

    handle: str
    status: WhoIsStatus
    candidates: list[WhoIsCandidate]
    found: list[str]
    label: str = ""
    reason: str = ""
    account_id: int | None = None  # the handle's social account record (what a steward's link joins)

    def __post_init__(self) -> None:
        self.label = self.label or STATUS_LABELS[self.status]


@dataclass
class _Seen:
    """What the store holds about the handle."""

    ident: Identifier
    records: list[StoredRecord]
    owners: dict[int, int]
    members: dict[int, list[int]]
    kinds: dict[int, set[RecordKind]] = field(default_factory=dict)

    def is_customer(self, person_id: int | None) -> bool:
        """True when the person holds a record other than a social account."""
        return person_id is not None and bool(self.kinds.get(person_id, set()) - {RecordKind.SOCIAL_ACCOUNT})


def _strength(record: StoredRecord, ident: Identifier) -> Strength | None:
    """How the record holds the identifier (None when it does not)."""
    return next((c.strength for c in record.claimed if c.identifier == ident), None)


def _seen(store: GraphStore, ident: Identifier) -> _Seen | None:
    """The handle's records, their persons and the kinds of record each person holds (None when none)."""
    holders = store.records_with_identifiers([ident]).get(ident.key, [])
    if not holders:
        return None
    owners = store.assignments(holders)
    members = store.person_record_ids(sorted(set(owners.values())))
    seen = _Seen(ident, store.get_records(holders), owners, members)
    for pid, rids in members.items():
        seen.kinds[pid] = {r.kind for r in store.get_records(rids)}
    return seen


def _account_link(store: GraphStore, account: StoredRecord, members: set[int]) -> tuple[float, str]:
    """How strongly an account is tied to its person: a steward's decision, else its best stored auto link."""
    for j in store.judgements([account.id]):
        if j.verdict is Verdict.SAME and {j.left, j.right} <= members:
            return 1.0, "A data steward confirmed this account is theirs (100%)."
    best = None
    for e in store.edges([account.id], statuses=[MatchStatus.AUTO]):
        if {e.left, e.right} <= members and (best is None or e.score > best.score):
            best = e
    if best is None:
        return LIKELY_FLOOR, "Linked through the person's other accounts."
    other = store.get_records([best.right if best.left == account.id else best.left])
    words = plain_sentence(best.evidence, account, other[0], best.explanation) if other else ""
    return best.score, f"Linked at {percent(best.score)}: {words}"


def _known(store: GraphStore, seen: _Seen) -> dict[int, WhoIsCandidate]:
    """Customers holding the handle: their linked account, or a customer record declaring it."""
    out: dict[int, WhoIsCandidate] = {}
    for rec in seen.records:
        pid = seen.owners.get(rec.id)
        if pid is None or not seen.is_customer(pid):
            continue
        if rec.kind is RecordKind.SOCIAL_ACCOUNT:
            conf, line = _account_link(store, rec, set(seen.members.get(pid, [])))
        elif _strength(rec, seen.ident) is Strength.DECLARED:
            conf = CRM_DECLARED_CONFIDENCE
            line = f"{sentence_case(kind_words(rec))} lists this handle as theirs ({percent(conf)})."
        else:
            continue
        cand = out.setdefault(pid, WhoIsCandidate(pid, "", 0.0, [], rec.id))
        cand.confidence = max(cand.confidence, conf)
        cand.evidence.append(line)
    return out


def _identifiable(account: StoredRecord) -> bool:
    """True when an account tells enough to find its owner: a full name (two words), an email or a phone."""
    kinds = {c.identifier.kind.value for c in account.claimed}
    return _full_name(account.display_name()) or bool(kinds & {"email", "phone"})


def _full_name(name: str) -> bool:
    """True for a name of two words or more of letters, not a handle-like one (`urban_sunny60`)."""
    return len(_NAME_WORD.findall(name)) >= 2 and not any(ch.isdigit() or ch == "_" for ch in name)


def _to_score(store: GraphStore, account: StoredRecord, seen: _Seen) -> list[int]:
    """Records worth scoring against the account: holders of what it mentions, messages mentioning the handle,
    and namesakes (records of other persons only)."""
    mine = set(seen.members.get(seen.owners.get(account.id, -1), []))
    others = [c.identifier for c in account.claimed if c.identifier != seen.ident]
    found = [r for ids in store.records_with_identifiers(others).values() for r in ids]
    found += [r.id for r in seen.records if r.kind is not RecordKind.SOCIAL_ACCOUNT]
    name = account.display_name().strip()
    if _full_name(name):
        named = store.get_records(store.search_names(name, NAME_CANDIDATES))
        found += [
            r.id
            for r in named
            if fuzz.token_sort_ratio(name.casefold(), r.display_name().casefold()) >= NAME_SIMILARITY
        ]
    return list(dict.fromkeys(r for r in found if r not in mine))[:MAX_SCORED]


def _words(evidence: Sequence[Evidence], account: StoredRecord, other: StoredRecord, fallback: str = "") -> str:
    """A candidate's evidence: what speaks for the pair, and what against it ("Same name. But a different city.")."""
    said = plain_sentence(evidence, account, other, fallback)
    contra = objections(evidence, account, other)
    return f"{said} But {contra}." if contra else said


def _scored(
    store: GraphStore, account: StoredRecord, record_ids: Sequence[int], settings: Settings
) -> list[tuple[int, float, str]]:
    """(record, probability, sentence) for each record scored against the account by the trained model; none
    when no model is trained yet."""
    from identity_graph.resolve.explain import explain_pair  # numpy and the model: only when asked

    records = {r.id: r for r in store.get_records(record_ids)}
    out = []
    for rid in record_ids:
        try:
            pe = explain_pair(store, account.id, rid, settings)
        except ConfigError:
            return []
        except NotFound:
            continue
        out.append((rid, pe.score, _words(pe.evidence, account, records[rid])))
    return out


def _likely(store: GraphStore, seen: _Seen, settings: Settings) -> tuple[list[WhoIsCandidate], StoredRecord | None]:
    """Customers the handle's account may belong to (every score, best first) and the account itself."""
    accounts = [
        r for r in seen.records if r.kind is RecordKind.SOCIAL_ACCOUNT and _strength(r, seen.ident) is Strength.DECLARED
    ]
    account = accounts[0] if accounts else None
    pairs: dict[int, tuple[float, str]] = {}
    if account is not None:
        for e in store.edges([account.id], statuses=[MatchStatus.AUTO, MatchStatus.REVIEW, MatchStatus.REJECTED]):
            other_id = e.right if e.left == account.id else e.left
            other = store.get_records([other_id])
            if other:
                pairs[other_id] = (e.score, _words(e.evidence, account, other[0], e.explanation))
        wanted = [r for r in _to_score(store, account, seen) if r not in pairs]
        for rid, p, words in _scored(store, account, wanted, settings):
            pairs[rid] = (p, words)
    for rec in seen.records:  # a message mentioning the handle, when the model did not score it
        if rec.kind is not RecordKind.SOCIAL_ACCOUNT and rec.id not in pairs:
            pairs[rec.id] = (MENTIONED_CONFIDENCE, f"{sentence_case(kind_words(rec))} mentions this handle.")
    owners = store.assignments(list(pairs))
    mine = seen.owners.get(account.id) if account is not None else None
    kinds = {
        pid: {r.kind for r in store.get_records(rids)}
        for pid, rids in store.person_record_ids(sorted(set(owners.values()))).items()
    }
    best: dict[int, WhoIsCandidate] = {}
    for rid, (p, words) in pairs.items():
        pid = owners.get(rid)
        if pid is None or pid == mine or not (kinds.get(pid, set()) - {RecordKind.SOCIAL_ACCOUNT}):
            continue
        if pid not in best or p > best[pid].confidence:
            best[pid] = WhoIsCandidate(pid, "", p, [f"{percent(p)}: {words}"], rid)
    return sorted(best.values(), key=lambda c: (-c.confidence, c.person_id)), account


def _named(store: GraphStore, candidates: list[WhoIsCandidate]) -> list[WhoIsCandidate]:
    """The candidates with their display names and cities."""
    names = _person_names(store, [c.person_id for c in candidates])
    cities = {
        r.id: (r.address.city or "").strip().title() for r in store.get_records([c.record_id for c in candidates])
    }
    for c in candidates:
        c.name = names.get(c.person_id, "")
        c.city = cities.get(c.record_id, "")
    return candidates


def whois(store: GraphStore, handle: str, settings: Settings) -> WhoIs:
    """Who a handle (or profile URL) is: known, likely (with candidates), not a customer or unknown (module doc)."""
    ident = _identifier(LookupKind.HANDLE, handle, settings)
    if ident is None:
        return WhoIs(handle, WhoIsStatus.UNKNOWN, [], [], reason=f"“{handle}” is not a handle or profile address.")
    seen = _seen(store, ident)
    if seen is None:
        reason = "We have never seen this account: no record of ours holds the handle."
        return WhoIs(ident.value, WhoIsStatus.UNKNOWN, [], [f"no record holds {ident.value}"], reason=reason)
    n = len(seen.records)
    found = [f"{n} record{'' if n == 1 else 's'} of ours {'holds' if n == 1 else 'hold'} {ident.value}"]
    known = sorted(_known(store, seen).values(), key=lambda c: (-c.confidence, c.person_id))
    if len(known) == 1:
        c = _named(store, known)[0]
        reason = (
            f"This handle belongs to a customer: {c.name or 'person ' + str(c.person_id)} ({percent(c.confidence)})."
        )
        return WhoIs(ident.value, WhoIsStatus.KNOWN, known, found, reason=reason, account_id=c.record_id)
    likely, account = _likely(store, seen, settings)
    account_id = account.id if account is not None else None
    above = _named(store, [c for c in [*known, *likely] if c.confidence >= LIKELY_FLOOR][:MAX_CANDIDATES])
    if above:
        top = above[0]
        reason = (
            f"Not linked to a customer yet, but likely {top.name or 'person ' + str(top.person_id)} "
            f"({percent(top.confidence)}). A steward can link them."
        )
        return WhoIs(ident.value, WhoIsStatus.LIKELY, above, found, reason=reason, account_id=account_id)
    closest = _named(store, likely[:1])
    near = f" The closest customer, {closest[0].name}, scores {percent(closest[0].confidence)}." if closest else ""
    if account is not None and _identifiable(account):
        reason = f"We know this account ({account.display_name().strip()}) and no customer is like it.{near}"
        return WhoIs(ident.value, WhoIsStatus.NOT_CUSTOMER, [], found, reason=reason, account_id=account_id)
    reason = f"{TOO_LITTLE}{near}"
    return WhoIs(ident.value, WhoIsStatus.UNKNOWN, [], found, reason=reason, account_id=account_id)
