"""Sole namesakes: two profiles that are the only ones in the graph bearing a full name are one person, when
nothing about them disagrees.

Names alone never auto-link a pair (`scoring.anchored`): two records named Rafael McDonald may be two people.
How many people bear a name is what decides it, and the graph knows that: when exactly two profiles carry
`rafael mcdonald`, and their cities and dates of birth (where both know them) do not disagree, they are one
person (an email from a new address, a profile on a second channel). A third profile with that name makes it
ambiguous again, and the rule then links none of them.

What counts as bearing a name:
- a record that names its own person: not a call (caller-ID shows the line's subscriber, whoever called), not
  a family's or company's name, not a caller-ID or profile label with no given name we know;
- a social profile counts as a bearer (a namesake's profile makes the name ambiguous), but a profile made only
  of social accounts and calls is never joined by this rule: anyone can take a name on a social platform.

The rule promotes one scored pair per name (the best, between two bearers) that no veto holds back; the edge
says why. Batch runs apply it over the AUTO-link components; real-time adds re-check the names they touch
(`namesakes_live`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
from rapidfuzz.distance import OSA
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from identity_graph.model import RecordKind
from identity_graph.resolve.clustering import dob_conflict
from identity_graph.resolve.scoring import STATUS_AUTO, Scored
from matchers.features import FeatureTable, IntArray, StrArray

#: Records whose name is not their own person's: a call shows the line's subscriber whoever called.
NOT_BEARERS = frozenset({RecordKind.CALL_PARTY.value})
#: A profile made only of these is never joined by a name alone (anyone can take a name on a platform).
NAME_ONLY_KINDS = frozenset({RecordKind.SOCIAL_ACCOUNT.value, RecordKind.CALL_PARTY.value})
#: Two cities agree when equal or one edit apart (a transposition is one edit).
CITY_EDITS = 1


def name_keys(table: FeatureTable) -> StrArray:
    """Per row, `first last` when the record names its own person (see the module's doc), else ''."""
    first, last = table.col("first"), table.col("last")
    ok = (first != "") & (last != "") & (table.col("business") == "") & (table.col("unknown_caller") == "")
    ok &= ~np.isin(table.kind, list(NOT_BEARERS))
    out = np.full(len(table), "", dtype=object)
    out[ok] = first[ok] + " " + last[ok]
    return out


@dataclass
class ProfileFacts:
    """What one profile (a cluster of rows) knows that could disagree with another, and whether a name may join it."""

    cities: set[str] = field(default_factory=set)
    dobs: set[str] = field(default_factory=set)
    name_only: bool = True  # every row a social account or a call
    records: int = 0


def profile_facts(table: FeatureTable, labels: IntArray, wanted: Iterable[int]) -> dict[int, ProfileFacts]:
    """The facts of the wanted profiles (labels), from all their rows."""
    want = set(wanted)
    facts: dict[int, ProfileFacts] = {}
    city, dob, kind = table.col("city"), table.col("dob"), table.kind
    for i in np.flatnonzero(np.isin(labels, list(want))):
        f = facts.setdefault(int(labels[i]), ProfileFacts())
        if city[i]:
            f.cities.add(str(city[i]))
        if dob[i]:
            f.dobs.add(str(dob[i]))
        f.name_only &= str(kind[i]) in NAME_ONLY_KINDS
        f.records += 1
    return facts


def disagree(a: ProfileFacts, b: ProfileFacts, max_records: int = 0) -> bool:
    """True when the two profiles cannot be joined by a name: a name-only side, both holding more than
    `max_records` records (0: any size), or cities or dobs at odds."""
    if a.name_only or b.name_only or (max_records and min(a.records, b.records) > max_records):
        return True
    if a.cities and b.cities and not any(OSA.distance(x, y) <= CITY_EDITS for x in a.cities for y in b.cities):
        return True
    return bool(a.dobs and b.dobs and all(dob_conflict(x, y) for x in a.dobs for y in b.dobs))


def sole_bearers(keys: StrArray, labels: IntArray) -> dict[str, tuple[int, int]]:
    """Names borne by exactly two profiles: name -> the two labels (smaller first)."""
    seen: dict[str, set[int]] = defaultdict(set)
    for i in np.flatnonzero(keys != ""):
        bearers = seen[str(keys[i])]
        if len(bearers) < 3:
            bearers.add(int(labels[i]))
    return {k: (min(v), max(v)) for k, v in seen.items() if len(v) == 2}


def components(n: int, li: IntArray, ri: IntArray) -> IntArray:
    """A label per row: the connected components of the given row pairs."""
    graph = coo_matrix((np.ones(li.size, dtype=np.int8), (li, ri)), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    out: IntArray = np.asarray(labels, dtype=np.int64)
    return out


def sole_name_rows(scored: Scored, labels: IntArray, min_score: float, max_records: int = 0) -> IntArray:
    """Positions of the scored pairs the rule links: per name borne by exactly two profiles that do not
    disagree (`disagree`, with `max_records`), the most probable pair between two of its bearers that no veto
    or weak evidence holds back, if its match probability reaches `min_score`."""
    table = scored.ctx.table
    keys = name_keys(table)
    sole = sole_bearers(keys, labels)
    if not sole:
        return np.zeros(0, dtype=np.int64)
    kl, kr = keys[scored.li], keys[scored.ri]
    free = (kl != "") & (kl == kr) & (scored.status != STATUS_AUTO) & ~scored.conflict & ~scored.weak_only
    best: dict[str, int] = {}
    for i in np.flatnonzero(free):
        key = str(kl[i])
        pair = sole.get(key)
        la, lb = int(labels[scored.li[i]]), int(labels[scored.ri[i]])
        if pair is None or (min(la, lb), max(la, lb)) != pair:
            continue
        if key not in best or scored.prob[i] > scored.prob[best[key]]:
            best[key] = int(i)
    best = {k: i for k, i in best.items() if scored.prob[i] >= min_score}
    if not best:
        return np.zeros(0, dtype=np.int64)
    facts = profile_facts(table, labels, {x for k in best for x in sole[k]})
    picked = [i for k, i in sorted(best.items()) if not disagree(facts[sole[k][0]], facts[sole[k][1]], max_records)]
    return np.array(picked, dtype=np.int64)


def link_sole_namesakes(scored: Scored, min_score: float, max_records: int = 0) -> int:
    """Promote the rule's pairs to AUTO (flagged `by_name`), over the components of the AUTO pairs; returns
    how many."""
    auto = scored.status == STATUS_AUTO
    labels = components(len(scored.ctx.table), scored.li[auto], scored.ri[auto])
    rows = sole_name_rows(scored, labels, min_score, max_records)
    scored.status[rows] = STATUS_AUTO
    scored.by_name[rows] = True
    return int(rows.size)
