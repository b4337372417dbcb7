"""Who is this handle? One of four answers, each with a rule (docs/service.md, "Who is this handle?").

- **known customer**: the handle is held by a customer's records: their social account is linked to a person
  with at least one customer record (CRM, call, email or marketing), or a customer record declares the handle.
- **likely customer — not yet linked**: not known, but one or more customers reach `LIKELY_FLOOR` against the
  handle's account; each is a candidate a steward may link.
- **not a customer**: the account is known and tells enough to find its owner (a full name with a given name we
  know, an email or a phone), yet no customer reaches `POSSIBLE_FLOOR`.
- **unknown**: no record holds the handle; or customers reach only `POSSIBLE_FLOOR` (shown: "it may be …", a
  name alone does not tell); or the account tells too little and no customer reaches the floor.

**Confidence** is one scale: the match probability of the pair (the handle's account, the candidate's record)
under the trained model — the `score` stored on a MATCH edge, or the same model's score on demand
(`resolve.explain.explain_pair`) — capped by the kind of evidence it rests on (`whois_evidence`: a name alone is
at most 60 %, a shared identifier is not capped). The same number is shown as a whole percent on the page, starts
every evidence line beside it and is printed by the terminal (the API gives it as 0–1). Three fixed values where
no pair is scored: a steward's *same* decision is 100 %, a customer record that declares the handle in its own
field 99 % (`CRM_DECLARED_CONFIDENCE`), a message that only mentions it 50 % (`MENTIONED_CONFIDENCE`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from rapidfuzz import fuzz

from identity_graph.display import percent
from identity_graph.errors import ConfigError, NotFound
from identity_graph.lookup import LookupKind, _identifier, _person_names
from identity_graph.model import Evidence, Identifier, MatchStatus, RecordKind, StoredRecord, Strength, Verdict
from identity_graph.settings import Settings
from identity_graph.store.protocol import GraphStore
from identity_graph.whois_evidence import (
    Basis,
    basis_of,
    cap_note,
    capped,
    handle_names,
    known_given,
    names_agree,
    own_site,
    rare_name,
)
from identity_graph.why_words import kind_words, objections, plain_sentence, sentence_case
from matchers.names import parse_name

#: Confidence that a handle declared in a customer record's own field is theirs.
CRM_DECLARED_CONFIDENCE = 0.99
#: Confidence for a customer whose message only mentions the handle (it may be someone else's).
MENTIONED_CONFIDENCE = 0.5
#: A customer whose confidence reaches this is a likely customer (above what a name alone allows).
LIKELY_FLOOR = 0.7
#: A customer whose confidence reaches only this is shown as "it may be …" under an unknown answer.
POSSIBLE_FLOOR = 0.5
#: Candidates shown at most.
MAX_CANDIDATES = 5
#: Records scored on demand at most (name namesakes, holders of what the account mentions).
MAX_SCORED = 8
#: Records fetched by the account's name before ranking, and the name similarity (0-100) a namesake needs.
NAME_CANDIDATES = 30
NAME_SIMILARITY = 85.0
#: The unknown answer's sentence for an account that tells too little.
TOO_LITTLE = "The account tells too little (no full name, email or phone) to say who it is; it may be a customer."
#: What a not-a-customer answer cannot rule out.
UNNAMED = "(A customer we know only by an email address or a phone number cannot be ruled out.)"
#: Why a possible candidate is no more than possible, by what it rests on.
POSSIBLE_WORDS = {
    Basis.NAME: "only the name matches, and a name alone does not tell who holds an account",
    Basis.RARE_NAME: "only the name matches",
    Basis.MENTION: "a message of theirs mentions the handle, which may be someone else's",
}
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
    basis: Basis = Basis.IDENTIFIER  # the kind of evidence the confidence rests on (whois_evidence)


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


@dataclass(frozen=True)
class _Context:
    """What grading a candidate needs beyond the pair: our records' first-name frequencies (which words are
    given names, how common) and whether the account's name is rare."""

    first_names: Mapping[str, float]
    rare: bool


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


def _account_link(
    store: GraphStore, account: StoredRecord, members: set[int], ctx: _Context
) -> tuple[float, Basis, str, str]:
    """How strongly an account is tied to its person: a steward's decision, else its best stored auto link
    (capped by what its evidence can tell, as a likely customer's is); with the line's words without a number."""
    for j in store.judgements([account.id]):
        if j.verdict is Verdict.SAME and {j.left, j.right} <= members:
            words = "A data steward confirmed this account is theirs."
            return 1.0, Basis.IDENTIFIER, "A data steward confirmed this account is theirs (100%).", words
    graded = []
    for e in store.edges([account.id], statuses=[MatchStatus.AUTO]):
        other = store.get_records([e.right if e.left == account.id else e.left])
        if {e.left, e.right} <= members and other:
            conf, basis, line = _graded(account, other[0], e.score, e.evidence, e.explanation, ctx)
            graded.append((conf, basis, line, _words(e.evidence, account, other[0], e.explanation)))
    if not graded:
        words = "Linked through the person's other accounts."
        return POSSIBLE_FLOOR, Basis.PARTIAL, words, words
    conf, basis, line, words = max(graded, key=lambda g: g[0])
    return conf, basis, f"Linked at {line}", words


def _known(store: GraphStore, seen: _Seen, ctx: _Context) -> dict[int, WhoIsCandidate]:
    """Customers holding the handle: their linked account, or a customer record declaring it."""
    out: dict[int, WhoIsCandidate] = {}
    lines: dict[int, list[tuple[float, str, str]]] = {}
    for rec in seen.records:
        pid = seen.owners.get(rec.id)
        if pid is None or not seen.is_customer(pid):
            continue
        if rec.kind is RecordKind.SOCIAL_ACCOUNT:
            conf, basis, line, words = _account_link(store, rec, set(seen.members.get(pid, [])), ctx)
        elif _strength(rec, seen.ident) is Strength.DECLARED:
            conf, basis = CRM_DECLARED_CONFIDENCE, Basis.IDENTIFIER
            words = f"{sentence_case(kind_words(rec))} lists this handle as theirs."
            line = f"{words[:-1]} ({percent(conf)})."
        else:
            continue
        cand = out.setdefault(pid, WhoIsCandidate(pid, "", 0.0, [], rec.id, basis=basis))
        if conf > cand.confidence:
            cand.confidence, cand.basis = conf, basis
        lines.setdefault(pid, []).append((conf, line, words))
    for pid, cand in out.items():
        cand.evidence.extend(_one_scale(cand.confidence, lines[pid]))
    return out


def _one_scale(confidence: float, lines: Sequence[tuple[float, str, str]]) -> list[str]:
    """The evidence of a known customer on one scale: the lines that give the candidate its confidence carry
    that number; weaker ones follow as further evidence without a number of their own (a linked account's
    weaker link would otherwise read "30%" beside the customer's 99%)."""
    ordered = sorted(lines, key=lambda x: -x[0])
    return [line if conf >= confidence else f"Also: {words}" for conf, line, words in ordered]


def _identifiable(account: StoredRecord, first_names: Mapping[str, float]) -> bool:
    """True when an account tells enough to find its owner: a full name (two words, one of them a given name we
    know — the census's, the nickname tables' or one our records carry (`first_names`) — so not `just
    browsing`), an email or a phone."""
    kinds = {c.identifier.kind.value for c in account.claimed}
    name = account.display_name()
    parts = parse_name(full=name)
    named = _full_name(name) and (known_given(parts.first, first_names) or known_given(parts.last, first_names))
    return named or bool(kinds & {"email", "phone"})


def _first_names(store: GraphStore, settings: Settings) -> Mapping[str, float]:
    """The trained model's first-name frequencies (name -> share of our records; names seen once are not
    listed), read in place (the model is parsed once per version); empty without a model."""
    from identity_graph.resolve.training import load_model  # the model: only when asked

    try:
        model = load_model(store, settings.matching)
    except ConfigError:
        return {}
    return model.tf.get("first", {}) if model is not None else {}


def _rare(account: StoredRecord | None, first_names: Mapping[str, float]) -> bool:
    """True when the account's full name is rare (`whois_evidence.rare_name`); False without a full name."""
    if account is None or not _full_name(account.display_name()):
        return False
    first = parse_name(full=account.display_name()).first
    return rare_name(first, first_names.get(first))


def _full_name(name: str) -> bool:
    """True for a name of two words or more of letters, not a handle-like one (`urban_sunny60`)."""
    return len(_NAME_WORD.findall(name)) >= 2 and not any(ch.isdigit() or ch == "_" for ch in name)


def _to_score(store: GraphStore, account: StoredRecord, seen: _Seen, ctx: _Context) -> list[int]:
    """Records worth scoring against the account: holders of what it mentions, messages mentioning the handle,
    and namesakes (records of other persons only): by the full name (spelt alike, or the same surname with the
    first name or a nickname of it: Matt / Matthew), or by the name a partial one and the handle spell together
    (`Will ✈️` @vazquezwill: Will Vazquez)."""
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
        surname = parse_name(full=name).last
        same_last = store.get_records(store.search_names(surname, NAME_CANDIDATES)) if surname else []
        found += [r.id for r in same_last if names_agree(account, r, ctx.first_names)]
    else:
        for spelt in handle_names(name, seen.ident.value, ctx.first_names):
            found += store.search_names(spelt, NAME_CANDIDATES)
    return list(dict.fromkeys(r for r in found if r not in mine))[:MAX_SCORED]


def _words(evidence: Sequence[Evidence], account: StoredRecord, other: StoredRecord, fallback: str = "") -> str:
    """A candidate's evidence: what speaks for the pair, and what against it ("Same name. But a different city.")."""
    said = plain_sentence(evidence, account, other, fallback)
    contra = objections(evidence, account, other)
    return f"{said} But {contra}." if contra else said


def _graded(
    account: StoredRecord, other: StoredRecord, p: float, evidence: Sequence[Evidence], fallback: str, ctx: _Context
) -> tuple[float, Basis, str]:
    """A pair's confidence (the model's probability capped by its kind of evidence), that kind, and its evidence
    line starting with the confidence ("60%: Same name. Only the name matches, …: at most 60%.")."""
    named = names_agree(account, other, ctx.first_names)
    basis = basis_of(evidence, named=named, site=own_site(account, other), rare=ctx.rare)
    conf = capped(p, basis)
    note = cap_note(p, basis)
    words = _words(evidence, account, other, fallback)
    return conf, basis, f"{percent(conf)}: {words}" + (f" {note}" if note else "")


def _scored(
    store: GraphStore, account: StoredRecord, record_ids: Sequence[int], settings: Settings
) -> list[tuple[int, float, tuple[Evidence, ...]]]:
    """(record, probability, evidence) for each record scored against the account by the trained model; none
    when no model is trained yet."""
    from identity_graph.resolve.explain import explain_pair  # numpy and the model: only when asked

    out = []
    for rid in record_ids:
        try:
            pe = explain_pair(store, account.id, rid, settings)
        except ConfigError:
            return []
        except NotFound:
            continue
        out.append((rid, pe.score, pe.evidence))
    return out


#: A graded pair: (confidence, basis, evidence line, the model's own probability: the tie-break between equal
#: confidences, so Andrew Moreno comes before a namesake by nickname when both are capped at 60 %).
_Pair = tuple[float, Basis, str, float]


def _pairs(
    store: GraphStore, account: StoredRecord, seen: _Seen, settings: Settings, ctx: _Context
) -> dict[int, _Pair]:
    """Every record scored against the account: its stored edges (review or rejected ones too; an edge stored
    without evidence is scored again), then the records worth scoring on demand; graded (`_graded`)."""
    pairs: dict[int, _Pair] = {}
    for e in store.edges([account.id], statuses=[MatchStatus.AUTO, MatchStatus.REVIEW, MatchStatus.REJECTED]):
        other = store.get_records([e.right if e.left == account.id else e.left])
        if other and e.evidence:
            pairs[other[0].id] = (*_graded(account, other[0], e.score, e.evidence, e.explanation, ctx), e.score)
    wanted = [r for r in _to_score(store, account, seen, ctx) if r not in pairs]
    records = {r.id: r for r in store.get_records(wanted)}
    for rid, p, evidence in _scored(store, account, wanted, settings):
        pairs[rid] = (*_graded(account, records[rid], p, evidence, "", ctx), p)
    return pairs


def _likely(
    store: GraphStore, seen: _Seen, account: StoredRecord | None, settings: Settings, ctx: _Context
) -> list[WhoIsCandidate]:
    """Customers the handle's account may belong to, every confidence, best first."""
    pairs = _pairs(store, account, seen, settings, ctx) if account is not None else {}
    for rec in seen.records:  # a message mentioning the handle, when the model did not score it
        if rec.kind is not RecordKind.SOCIAL_ACCOUNT and rec.id not in pairs:
            line = f"{percent(MENTIONED_CONFIDENCE)}: {sentence_case(kind_words(rec))} mentions this handle."
            pairs[rec.id] = (MENTIONED_CONFIDENCE, Basis.MENTION, line, MENTIONED_CONFIDENCE)
    owners = store.assignments(list(pairs))
    mine = seen.owners.get(account.id) if account is not None else None
    kinds = {
        pid: {r.kind for r in store.get_records(rids)}
        for pid, rids in store.person_record_ids(sorted(set(owners.values()))).items()
    }
    best: dict[int, tuple[float, float, WhoIsCandidate]] = {}
    for rid, (conf, basis, line, p) in pairs.items():
        pid = owners.get(rid)
        if pid is None or pid == mine or not (kinds.get(pid, set()) - {RecordKind.SOCIAL_ACCOUNT}):
            continue
        if pid not in best or (conf, p) > best[pid][:2]:
            best[pid] = (conf, p, WhoIsCandidate(pid, "", conf, [line], rid, basis=basis))
    ranked = sorted(best.values(), key=lambda b: (-b[0], -b[1], b[2].person_id))
    return [c for _, _, c in ranked]


def _account(seen: _Seen) -> StoredRecord | None:
    """The social account that declares the handle (None when only messages mention it)."""
    return next(
        (
            r
            for r in seen.records
            if r.kind is RecordKind.SOCIAL_ACCOUNT and _strength(r, seen.ident) is Strength.DECLARED
        ),
        None,
    )


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
    account = _account(seen)
    first_names = _first_names(store, settings)
    ctx = _Context(first_names, _rare(account, first_names))
    known = sorted(_known(store, seen, ctx).values(), key=lambda c: (-c.confidence, c.person_id))
    if len(known) == 1:
        return _known_answer(store, ident.value, known, found)
    likely = _likely(store, seen, account, settings, ctx)
    account_id = account.id if account is not None else None
    shown = [c for c in sorted([*known, *likely], key=lambda c: -c.confidence) if c.confidence >= POSSIBLE_FLOOR]
    shown = _named(store, shown[:MAX_CANDIDATES])
    if shown and shown[0].confidence >= LIKELY_FLOOR:
        top = shown[0]
        reason = (
            f"Not linked to a customer yet, but likely {_who(top)} ({percent(top.confidence)}). "
            "A steward can link them."
        )
        return WhoIs(ident.value, WhoIsStatus.LIKELY, shown, found, reason=reason, account_id=account_id)
    if shown:
        top = shown[0]
        why = POSSIBLE_WORDS.get(top.basis, "the evidence is weak")
        reason = (
            f"It may be {_who(top)} ({percent(top.confidence)}), but {why}. "
            "A steward can check the profile and link them."
        )
        return WhoIs(ident.value, WhoIsStatus.UNKNOWN, shown, found, reason=reason, account_id=account_id)
    closest = _named(store, likely[:1])
    near = f" The closest customer, {closest[0].name}, scores {percent(closest[0].confidence)}." if closest else ""
    if account is not None and _identifiable(account, first_names):
        reason = f"We know this account ({account.display_name().strip()}) and no customer is like it.{near} {UNNAMED}"
        return WhoIs(ident.value, WhoIsStatus.NOT_CUSTOMER, [], found, reason=reason, account_id=account_id)
    reason = f"{TOO_LITTLE}{near}"
    return WhoIs(ident.value, WhoIsStatus.UNKNOWN, [], found, reason=reason, account_id=account_id)


def _who(candidate: WhoIsCandidate) -> str:
    """A candidate as a sentence names them."""
    return candidate.name or f"person {candidate.person_id}"


def _known_answer(store: GraphStore, handle: str, known: list[WhoIsCandidate], found: list[str]) -> WhoIs:
    """The known answer: whose the handle is, how sure, and a word when the link rests on little."""
    c = _named(store, known)[0]
    reason = f"This handle belongs to a customer: {_who(c)} ({percent(c.confidence)})."
    if c.confidence < LIKELY_FLOOR:
        reason += " The link rests on little; a steward may want to confirm it."
    return WhoIs(handle, WhoIsStatus.KNOWN, known, found, reason=reason, account_id=c.record_id)
