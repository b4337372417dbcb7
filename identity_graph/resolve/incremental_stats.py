"""Identifier statistics and shared identifiers for the few records of one real-time add, in plain Python.

These give exactly what `identifiers.identifier_stats` and `identifiers.shared_identifiers` give (a test
compares them), without building pandas frames: on a table of a few dozen rows, frame construction, sorting
and merging cost tens of milliseconds where a dictionary pass costs a fraction of one.
"""

from __future__ import annotations

import numpy as np

from identity_graph.model import RecordKind
from identity_graph.resolve.features import Postings
from identity_graph.resolve.identifiers import (
    _BY_RANK,
    _RANK,
    BUSINESS_LINE_PERSONS,
    IDENT_SAMPLE,
    PERSONAL_KINDS,
    IdentifierStats,
    Shared,
    count_persons,
    mobile_phones,
    residence_keys,
)
from matchers.comparisons import SHARE_MENTIONED, SHARE_NONE
from matchers.features import IDENTIFIER_KINDS, FeatureTable, IntArray
from matchers.names import NameParts

_CALL_PARTY = RecordKind.CALL_PARTY.value


def small_identifier_stats(table: FeatureTable, postings: Postings, fuzzy: float) -> IdentifierStats:
    """`identifier_stats` of a small table (same result), with dictionaries instead of frames."""
    rid = table.record_id
    first, last, business, kind = table.col("first"), table.col("last"), table.col("business"), table.kind
    dob = table.col("dob")
    holders: dict[str, int] = {}
    declared_rows: dict[str, list[tuple[int, int]]] = {}
    pos_of = postings.pos.tolist()
    for n, (pos, key, declared) in enumerate(zip(pos_of, postings.ident, postings.declared.tolist(), strict=True)):
        holders[key] = holders.get(key, 0) + 1
        if declared:
            declared_rows.setdefault(key, []).append((int(rid[pos]), n))
    persons = dict.fromkeys(holders, 1)
    caller_ids: dict[str, int] = {}
    for key, rows in declared_rows.items():
        rows.sort()  # by record id, ties in postings order (the batch's stable sort)
        seen: set[tuple[str, str, str]] = set()
        names: list[NameParts] = []
        dobs: list[str] = []
        calls = 0
        for _, n in rows[:IDENT_SAMPLE]:
            pos = pos_of[n]
            if business[pos] != "":
                persons[key] = -1  # marks a business line; resolved below
            f, x, d = str(first[pos]), str(last[pos]), str(dob[pos])
            if (f or x) and (f, x, d) not in seen:
                calls += int(kind[pos] == _CALL_PARTY)
                seen.add((f, x, d))
                names.append(NameParts(first=f, last=x))
                dobs.append(d)
        is_business = persons[key] == -1
        persons[key] = 1
        if len(names) > 1 and not key.startswith(PERSONAL_KINDS):
            persons[key] = count_persons(names, fuzzy, dobs)
        if is_business:
            persons[key] = max(persons[key], BUSINESS_LINE_PERSONS)
        if calls:
            caller_ids[key] = calls
    for key, residents in small_home_lines(table, postings, fuzzy).items():
        persons[key] = max(persons.get(key, 1), residents)
    return IdentifierStats(persons=persons, holders=holders, caller_ids=caller_ids)


def small_home_lines(table: FeatureTable, postings: Postings, fuzzy: float) -> dict[str, int]:
    """`identifiers.home_lines` of a small table (same result): persons at a shared home, per home phone."""
    homes = residence_keys(table)
    first, last = table.col("first"), table.col("last")
    by_home: dict[str, list[tuple[str, str]]] = {}
    for i, home in enumerate(homes.tolist()):
        f, x = str(first[i]), str(last[i])
        if home and (f or x):
            names = by_home.setdefault(home, [])
            if (f, x) not in names:
                names.append((f, x))
    residents: dict[str, int] = {}
    for home, names in by_home.items():
        if len(names) > 1:
            count = count_persons([NameParts(first=f, last=x) for f, x in names], fuzzy)
            if count > 1:
                residents[home] = count
    out: dict[str, int] = {}
    if not residents:
        return out
    mobiles = mobile_phones(postings)
    for pos, key in zip(postings.pos[postings.home].tolist(), postings.ident[postings.home], strict=True):
        n = residents.get(str(homes[pos]), 0)
        if n > 1 and str(key) not in mobiles:
            out[str(key)] = max(out.get(str(key), 1), n)
    return out


def small_shared_identifiers(
    postings: Postings, stats: IdentifierStats, li: IntArray, ri: IntArray, crowd: int
) -> Shared:
    """`identifiers.shared_identifiers` for a few pairs (same result, same tie-breaks), without merges."""
    n = int(li.size)
    codes = {k: np.full(n, SHARE_NONE, dtype=np.int8) for k in IDENTIFIER_KINDS}
    keys = {k: np.full(n, "", dtype=object) for k in IDENTIFIER_KINDS}
    of_pos: dict[int, list[tuple[str, int, bool]]] = {}
    for pos, key, kind, declared in zip(
        postings.pos.tolist(), postings.ident, postings.kind.tolist(), postings.declared.tolist(), strict=True
    ):
        of_pos.setdefault(pos, []).append((key, kind, declared))
    rank_of: dict[str, int] = {}
    mentioned = _RANK[SHARE_MENTIONED]
    for pair, (a, b) in enumerate(zip(li.tolist(), ri.tolist(), strict=True)):
        right: dict[str, list[bool]] = {}
        for key, _, declared in of_pos.get(b, ()):
            right.setdefault(key, []).append(declared)
        if not right:
            continue
        best: dict[int, tuple[int, str]] = {}
        for key, kind, declared in of_pos.get(a, ()):
            for declared_b in right.get(key, ()):
                if declared and declared_b:
                    if key not in rank_of:
                        rank_of[key] = _RANK[stats.code(key, crowd)]
                    rank = rank_of[key]
                else:
                    rank = mentioned
                if kind not in best or rank < best[kind][0]:
                    best[kind] = (rank, key)
        for kind, (rank, key) in best.items():
            name = IDENTIFIER_KINDS[kind]
            codes[name][pair] = _BY_RANK[rank]
            keys[name][pair] = key
    return Shared(codes, keys)
