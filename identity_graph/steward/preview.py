"""What a steward's action will do, said before it is saved: which persons merge, which records move or split off,
whose history moves.

A preview runs the code the action itself runs (`effect.plan_clusters` under the judgements the action would
leave, then `persons.plan_persons` for the stable ids) and writes nothing; new persons get placeholder ids below
zero (`NEW_PERSON`, `NEW_PERSON - 1`, ...) because their real ids are only handed out when the action is saved.
The same `Effect` describes what an action did and what an undo will do, from two record -> person maps.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from identity_graph.model import Judgement, StoredRecord, Verdict
from identity_graph.persons import _keepers, plan_persons
from identity_graph.settings import Settings
from identity_graph.steward.effect import closed_scope, plan_clusters
from identity_graph.store.protocol import GraphStore

#: The placeholder id of the first new person in a preview; the next ones count down from it.
NEW_PERSON = -1
#: A preview re-clusters the decision's closed scope; past this many records it is refused (ScopeTooLarge) rather
#: than keep a page waiting (at 1M generated records one auto-linked component held 660k records: 20 s to find).
PREVIEW_MAX_RECORDS = 20_000
#: At most this many record ids are named in one sentence; the rest are counted.
NAMED_RECORDS = 6


@dataclass(frozen=True)
class Sentence:
    """One effect in words, with the records and persons it is about (for telling the asked from the also)."""

    text: str
    records: frozenset[int]
    persons: frozenset[int]
    kind: str  # "merge", "split", "create", "move", "restore", "retire"


@dataclass
class Effect:
    """Every record's person before and after an action over its closed scope, and what that means in words."""

    before: dict[int, int]
    after: dict[int, int]
    names: dict[int, str] = field(default_factory=dict)  # person (or placeholder) -> display name
    interactions: dict[int, int] = field(default_factory=dict)  # record -> interactions it took part in
    revived: frozenset[int] = frozenset()  # persons an undo brings back under their own ids

    @property
    def moved(self) -> list[int]:
        """Records whose person changes, ascending."""
        return sorted(r for r, p in self.after.items() if self.before.get(r) != p)

    @property
    def changed(self) -> bool:
        """Whether any record changes person."""
        return bool(self.moved)

    def sentences(self) -> list[Sentence]:
        """The effects in words: merges, persons that come back, splits and new persons, then single moves."""
        return describe(self)

    def lines(self) -> list[str]:
        """The effects as plain sentences (one when nothing changes)."""
        return [s.text for s in self.sentences()] or ["No person changes: every record stays where it is."]

    def also(self, records: Sequence[int], persons: Sequence[int]) -> list[str]:
        """Sentences about more than the given records and persons: what a steward may not expect."""
        own_records, own_persons = set(records), set(persons)
        out = []
        for s in self.sentences():
            if s.kind == "retire":  # an id that stops naming anyone is always worth saying
                out.append(s.text)
                continue
            if s.kind == "merge" and s.persons <= own_persons:
                continue
            if s.records <= own_records and all(p in own_persons or p < 0 for p in s.persons):
                continue
            out.append(s.text)
        return out


def _ids(records: Sequence[int]) -> str:
    """Record ids as a phrase: 'record 4', 'records 4, 7 and 9', '12 records (4, 7, ...)'."""
    ids = sorted(records)
    if len(ids) == 1:
        return f"record {ids[0]}"
    if len(ids) <= NAMED_RECORDS:
        return f"records {', '.join(str(i) for i in ids[:-1])} and {ids[-1]}"
    return f"{len(ids)} records ({', '.join(str(i) for i in ids[:NAMED_RECORDS])}, …)"


def _history(effect: Effect, records: Sequence[int]) -> str:
    """', with 3 interactions' (the history that goes with some records), '' when they have none."""
    n = sum(effect.interactions.get(r, 0) for r in records)
    if n == 0:
        return ""
    return ", with 1 interaction" if n == 1 else f", with {n} interactions"


def _who(effect: Effect, person: int | None) -> str:
    """'person 370 (Ana Lima)', or 'a new person (Ana Lima)' for a placeholder."""
    if person is None:
        return "no person"
    name = effect.names.get(person, "")
    label = f"a new person {new_letter(person)}" if person < 0 else f"person {person}"
    return f"{label} ({name})" if name else label


def new_letter(placeholder: int) -> str:
    """The letter that names a preview's new person (A, B, …, Z, AA, …), so two sentences about one new person
    read as one: placeholder NEW_PERSON is A, the next B."""
    n, out = NEW_PERSON - placeholder, ""
    while True:
        out = chr(ord("A") + n % 26) + out
        n = n // 26 - 1
        if n < 0:
            return out


def _upper(text: str) -> str:
    """The text with its first letter in upper case (the rest untouched)."""
    return text[:1].upper() + text[1:]


def _verb(records: Sequence[int], one: str, many: str) -> str:
    """The verb agreeing with a number of records."""
    return one if len(records) == 1 else many


def describe(effect: Effect) -> list[Sentence]:
    """The effect in sentences a steward reads before saving: merges, persons that come back, splits and new
    persons, then single moves."""
    flows: dict[tuple[int | None, int], list[int]] = defaultdict(list)  # (from, to) -> records
    for r in effect.moved:
        flows[(effect.before.get(r), effect.after[r])].append(r)
    old_persons, new_persons = set(effect.before.values()), set(effect.after.values())
    arriving = (new_persons - old_persons) | set(effect.revived)
    out: list[Sentence] = []
    used: set[tuple[int | None, int]] = set()
    merged: set[int] = set()
    for person in sorted(old_persons - new_persons):
        targets = {to for (src, to) in flows if src == person}
        if len(targets) == 1 and (to := next(iter(targets))) not in arriving:
            recs = flows[(person, to)]
            used.add((person, to))
            text = (
                f"{_upper(_who(effect, person))} is merged into {_who(effect, to)}: {_ids(recs)} "
                f"{_verb(recs, 'moves', 'move')}{_history(effect, recs)}, and id {person} will lead to {to}."
            )
            out.append(Sentence(text, frozenset(recs), frozenset({person, to}), "merge"))
            merged.add(person)
    for person in sorted(arriving, key=lambda p: (p < 0, abs(p))):
        into = sorted(((src, recs) for (src, to), recs in flows.items() if to == person), key=lambda x: x[0] or 0)
        used.update((src, person) for src, _ in into)
        if person in effect.revived:
            recs = sorted(r for _, rs in into for r in rs)
            sources = {src for src, _ in into if src is not None}
            text = f"{_upper(_who(effect, person))} comes back with {_ids(recs)}{_history(effect, recs)}."
            out.append(Sentence(text, frozenset(recs), frozenset({person} | sources), "restore"))
            continue
        for src, recs in into:
            if src is None:
                text = f"{_upper(_ids(recs))}{_history(effect, recs)} {_verb(recs, 'becomes', 'become')} "
                text += f"{_who(effect, person)}."
                out.append(Sentence(text, frozenset(recs), frozenset({person}), "create"))
            else:
                text = (
                    f"{_upper(_ids(recs))} of {_who(effect, src)} {_verb(recs, 'splits', 'split')} off into "
                    f"{_who(effect, person)}{_history(effect, recs)}."
                )
                out.append(Sentence(text, frozenset(recs), frozenset({person, src}), "split"))
    for (src, to), recs in sorted(flows.items(), key=lambda kv: (kv[0][0] or 0, kv[0][1])):
        if (src, to) in used:
            continue
        text = (
            f"{_upper(_ids(recs))} {_verb(recs, 'moves', 'move')} from {_who(effect, src)} to {_who(effect, to)}"
            f"{_history(effect, recs)}."
        )
        persons = {to} | ({src} if src is not None else set())
        out.append(Sentence(text, frozenset(recs), frozenset(persons), "move"))
    retired = sorted((old_persons - new_persons) - merged)
    for person in retired:
        text = f"{_upper(_who(effect, person))} no longer holds any record; its id is retired."
        out.append(Sentence(text, frozenset(), frozenset({person}), "retire"))
    return out


def display_name(records: Sequence[StoredRecord]) -> str:
    """The name most of these records give (full name, else first and last), '' when none has one."""
    names: Counter[str] = Counter()
    for r in records:
        name = " ".join(p for p in (r.first_name, r.last_name) if p) or (r.full_name or "")
        if name.strip():
            names[" ".join(name.split()).title()] += 1
    return names.most_common(1)[0][0] if names else ""


def person_names(store: GraphStore, mapping: Mapping[int, int]) -> dict[int, str]:
    """A display name per person of a record -> person map, from the records it maps to them."""
    records = {r.id: r for r in store.get_records(sorted(mapping))}
    members: dict[int, list[StoredRecord]] = defaultdict(list)
    for rid, pid in mapping.items():
        if rid in records:
            members[pid].append(records[rid])
    return {pid: display_name(recs) for pid, recs in members.items()}


def effect_of(
    store: GraphStore, before: Mapping[int, int], after: Mapping[int, int], revived: Sequence[int] = ()
) -> Effect:
    """An Effect between two record -> person maps, with names and interaction counts read from the store."""
    names = person_names(store, before)
    names.update(person_names(store, after))
    moved = [r for r, p in after.items() if before.get(r) != p]
    activity = store.record_activity(moved) if moved else {}
    return Effect(
        before=dict(before),
        after=dict(after),
        names=names,
        interactions={r: a.interactions for r, a in activity.items()},
        revived=frozenset(revived),
    )


def planned_assignments(store: GraphStore, clusters: Sequence[Sequence[int]]) -> dict[int, int]:
    """record -> person that `apply_clustering` would give these clusters, new persons as placeholders."""
    scope = [r for c in clusters for r in c]
    old = store.assignments(scope)
    old_members = store.person_record_ids(sorted(set(old.values())))
    old_sizes = {p: len(m) for p, m in old_members.items()}
    keepers = _keepers(clusters, old, old_sizes)
    unclaimed = sum(1 for index in range(len(clusters)) if not keepers.get(index))
    placeholders = [NEW_PERSON - i for i in range(unclaimed)]
    assign, _, _ = plan_persons(clusters, old, old_sizes, keepers, placeholders)
    return assign


def hypothetical(
    current: Sequence[Judgement], left: int, right: int, verdict: Verdict | None, by: str = "preview"
) -> list[Judgement]:
    """The active judgements after deciding a pair (`None`: after withdrawing the pair's decision)."""
    pair = (min(left, right), max(left, right))
    kept = [j for j in current if (j.left, j.right) != pair]
    if verdict is not None:
        kept.append(Judgement(left=pair[0], right=pair[1], verdict=verdict, by=by, at=datetime.now(UTC)))
    return kept


def preview_decision(
    store: GraphStore,
    settings: Settings,
    left: int,
    right: int,
    verdict: Verdict,
    *,
    limit: int | None = PREVIEW_MAX_RECORDS,
) -> Effect:
    """What deciding this pair would do, computed by the clustering the decision runs, without saving
    (ScopeTooLarge past `limit` records)."""
    scope = closed_scope(store, [left, right], limit=limit)
    judgements = hypothetical(store.judgements(scope, active_only=True), left, right, verdict)
    result = plan_clusters(store, scope, settings, judgements)
    before = store.assignments(scope)
    return effect_of(store, before, planned_assignments(store, result.clusters))


def preview_split(store: GraphStore, groups: Sequence[Sequence[int]]) -> Effect:
    """What splitting a person into these complete groups would do, without saving."""
    scope = [r for g in groups for r in g]
    return effect_of(store, store.assignments(scope), planned_assignments(store, groups))
