"""Shared identifiers: how many distinct people use each one, and what two records share.

Many records belong to one person (every call and email makes a party record), so the number of records
behind a phone says little; the number of distinct *names* behind it says who shares it. A phone used under
one name is personal, under two or more a household's, under `shared_identifier_persons` or more a crowd's
(a switchboard, `info@`), which gives no evidence at all.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import pandas as pd

from identity_graph.model import RecordKind
from identity_graph.resolve.features import KIND_CODES, Postings
from matchers.comparisons import SHARE_CROWD, SHARE_HOUSEHOLD, SHARE_MENTIONED, SHARE_NONE, SHARE_PERSONAL, Levels
from matchers.dates import is_generation_apart
from matchers.features import IDENTIFIER_KINDS, FeatureTable, IntArray
from matchers.names import NameParts, same_person_name

#: Persons behind an identifier are estimated from its first this-many holders by record id, so adding
#: records later never changes the estimate of a crowded identifier (batch and real-time agree).
IDENT_SAMPLE = 500
#: Persons assumed at least behind an identifier seen with a company's caller-ID name.
BUSINESS_LINE_PERSONS = 2
#: Identifier kinds that belong to one person by nature (their holders' names never make them shared).
PERSONAL_KINDS = ("crm:", "national_id:", "passport:", "dl:", "tax_id:")
#: Share codes from best to worst, for picking a pair's best shared identifier of a kind.
_RANK = {SHARE_PERSONAL: 0, SHARE_HOUSEHOLD: 1, SHARE_MENTIONED: 2, SHARE_CROWD: 3}
_BY_RANK = np.array([SHARE_PERSONAL, SHARE_HOUSEHOLD, SHARE_MENTIONED, SHARE_CROWD], dtype=np.int8)


@dataclass
class IdentifierStats:
    """Per identifier key: estimated distinct persons and number of holders."""

    persons: dict[str, int]
    holders: dict[str, int]
    caller_ids: dict[str, int] = field(default_factory=dict)  # distinct caller-ID names seen on a phone

    def code(self, key: str, crowd: int) -> int:
        """The share code two declared holders of this identifier get (a CRM id is always one person's)."""
        if key.startswith(PERSONAL_KINDS):
            return SHARE_PERSONAL
        n = self.persons.get(key, 1)
        if n >= crowd:
            return SHARE_CROWD
        return SHARE_HOUSEHOLD if n >= 2 else SHARE_PERSONAL


def count_persons(names: list[NameParts], fuzzy: float, dobs: list[str] | None = None) -> int:
    """Greedy count of distinct people among names (nameless holders do not count; at least 1). With `dobs`
    (one per name, '' when unknown), one name under two dates of birth a generation apart is two people: a
    father and son of one name on the family's mailbox."""
    groups: list[tuple[NameParts, str]] = []
    for name, dob in zip(names, dobs if dobs is not None else [""] * len(names), strict=True):
        if name.empty:
            continue
        if not any(same_person_name(name, g, fuzzy) and same_birth(dob, d) for g, d in groups):
            groups.append((name, dob))
    return max(len(groups), 1)


def same_birth(a: str, b: str) -> bool:
    """Two dates of birth (YYYYMMDD text, '' unknown) that may be one person's: unknown, or less than a generation
    apart (`matchers.dates.is_generation_apart`): a father and son of one name are two people."""
    return not a or not b or a == b or not is_generation_apart(a, b)


def identifier_stats(table: FeatureTable, postings: Postings, fuzzy: float) -> IdentifierStats:
    """Estimate the persons behind every identifier from the names of its first IDENT_SAMPLE holders."""
    frame = pd.DataFrame(
        {
            "ident": postings.ident,
            "pos": postings.pos,
            "rid": table.record_id[postings.pos],
            "first": table.col("first")[postings.pos],
            "last": table.col("last")[postings.pos],
            "dob": table.col("dob")[postings.pos],
            "declared": postings.declared,
            "business": table.col("business")[postings.pos] != "",
        }
    )
    holders = frame.groupby("ident", sort=False).size().to_dict()
    frame = frame[frame["declared"]].sort_values(["ident", "rid"], kind="stable")
    frame = frame[frame.groupby("ident", sort=False).cumcount() < IDENT_SAMPLE]
    business = set(frame.loc[frame["business"], "ident"].unique())
    named = frame[(frame["first"] != "") | (frame["last"] != "")].drop_duplicates(["ident", "first", "last", "dob"])
    distinct = named.groupby("ident", sort=False).size()
    persons = {str(k): 1 for k in holders}
    shared = [k for k in distinct[distinct > 1].index if not str(k).startswith(PERSONAL_KINDS)]
    multi = named[named["ident"].isin(shared)]
    by_ident: dict[str, tuple[list[NameParts], list[str]]] = {}
    for key, first, last, dob in zip(multi["ident"], multi["first"], multi["last"], multi["dob"], strict=True):
        names, dobs = by_ident.setdefault(str(key), ([], []))
        names.append(NameParts(first=first, last=last))
        dobs.append(str(dob))
    for key, (names, dobs) in by_ident.items():
        persons[key] = count_persons(names, fuzzy, dobs)
    for key in business:  # a business line: several people call from it whatever names we saw
        persons[str(key)] = max(persons[str(key)], BUSINESS_LINE_PERSONS)
    for key, residents in home_lines(table, postings, fuzzy).items():
        persons[key] = max(persons.get(key, 1), residents)
    calls = named[table.kind[named["pos"].to_numpy()] == RecordKind.CALL_PARTY.value] if len(named) else named
    caller_ids = calls.groupby("ident", sort=False).size()
    return IdentifierStats(persons=persons, holders={str(k): int(v) for k, v in holders.items()},
                           caller_ids={str(k): int(v) for k, v in caller_ids.items()})  # fmt: skip


#: Words of a street line that only name the flat (`apt 11`, `unit 8`, `# 11` are one home).
UNIT_WORDS = frozenset({"apt", "unit", "ste", "suite", "no", "flat"})


def residence_keys(table: FeatureTable) -> npt.NDArray[np.object_]:
    """A key per row for the home it is at (street without flat words, and postcode or city); '' if unknown."""
    out = np.full(len(table), "", dtype=object)
    for i, (street, postcode, city) in enumerate(
        zip(table.col("street"), table.col("postcode"), table.col("city"), strict=True)
    ):
        place = postcode or city
        if street and place:
            out[i] = " ".join(w for w in str(street).replace("#", " ").split() if w not in UNIT_WORDS) + "|" + place
    return out


def home_lines(table: FeatureTable, postings: Postings, fuzzy: float) -> dict[str, int]:
    """Phones that are the line of a home where several people live: persons at that home, per phone.

    Whoever lives there calls from a home line (a phone from a field that names no mobile), so two residents
    (twins, a couple) make it a household's even when only one of them lists it.
    """
    if not postings.home.any():  # no home lines at all (febrl): nothing to count
        return {}
    homes = residence_keys(table)
    rows = np.flatnonzero(homes != "")
    if rows.size == 0:
        return {}
    frame = pd.DataFrame({"home": homes[rows], "first": table.col("first")[rows], "last": table.col("last")[rows]})
    frame = frame[(frame["first"] != "") | (frame["last"] != "")].drop_duplicates()
    multi = frame[frame.groupby("home")["home"].transform("size") > 1]
    residents: dict[str, int] = {}
    for home, group in multi.groupby("home", sort=False):
        names = [NameParts(first=f, last=x) for f, x in zip(group["first"], group["last"], strict=True)]
        count = count_persons(names, fuzzy)
        if count > 1:
            residents[str(home)] = count
    out: dict[str, int] = {}
    mobiles = mobile_phones(postings)
    for pos, key in zip(postings.pos[postings.home], postings.ident[postings.home], strict=True):
        n = residents.get(str(homes[pos]), 0)
        if n > 1 and str(key) not in mobiles:
            out[str(key)] = max(out.get(str(key), 1), n)
    return out


def mobile_phones(postings: Postings) -> set[str]:
    """Phones some record declares from a mobile field: a person's own, never a home's line, wherever else
    they are written under a plain `Phone`."""
    phone = postings.kind == KIND_CODES["phone"]
    return {str(k) for k in postings.ident[phone & postings.declared & ~postings.home]}


@dataclass
class Shared:
    """Per identifier kind, the share code of every pair, and the shared identifier key (for explanations)."""

    codes: dict[str, Levels]
    keys: dict[str, npt.NDArray[np.object_]]


def shared_identifiers(postings: Postings, stats: IdentifierStats, li: IntArray, ri: IntArray, crowd: int) -> Shared:
    """What each pair (li[i], ri[i]) shares, per identifier kind: its best share code and that identifier."""
    n = int(li.size)
    codes = {k: np.full(n, SHARE_NONE, dtype=np.int8) for k in IDENTIFIER_KINDS}
    keys = {k: np.full(n, "", dtype=object) for k in IDENTIFIER_KINDS}
    if n == 0 or len(postings) == 0:
        return Shared(codes, keys)
    post = pd.DataFrame({"pos": postings.pos, "ident": postings.ident, "kind": postings.kind,
                         "declared": postings.declared})  # fmt: skip
    pairs = pd.DataFrame({"pair": np.arange(n), "a": li, "b": ri})
    left = pairs.merge(post, left_on="a", right_on="pos")[["pair", "b", "ident", "kind", "declared"]]
    both = left.merge(post[["pos", "ident", "declared"]], left_on=["b", "ident"], right_on=["pos", "ident"],
                      suffixes=("", "_b"))  # fmt: skip
    if both.empty:
        return Shared(codes, keys)
    declared = both["declared"].to_numpy() & both["declared_b"].to_numpy()
    unique_idents = pd.unique(both["ident"])
    ident_code = {k: _RANK[stats.code(str(k), crowd)] for k in unique_idents}
    rank = np.where(declared, both["ident"].map(ident_code).to_numpy(), _RANK[SHARE_MENTIONED])
    both = both.assign(rank=rank).sort_values(["pair", "kind", "rank"], kind="stable")
    best = both.drop_duplicates(["pair", "kind"])
    for code, kind in enumerate(IDENTIFIER_KINDS):
        part = best[best["kind"] == code]
        idx = part["pair"].to_numpy()
        codes[kind][idx] = _BY_RANK[part["rank"].to_numpy()]
        keys[kind][idx] = part["ident"].to_numpy()
    return Shared(codes, keys)


def identifier_blocks(
    postings: Postings, stats: IdentifierStats, rows: npt.NDArray[np.bool_], crowd: int
) -> tuple[IntArray, IntArray]:
    """(group code, position) of postings on the given rows whose identifier is not a crowd's."""
    keep = rows[postings.pos]
    idents = postings.ident[keep]
    ok = np.fromiter((stats.code(str(k), crowd) != SHARE_CROWD for k in idents), dtype=bool, count=idents.size)
    codes, _ = pd.factorize(idents[ok])
    return np.asarray(codes, dtype=np.int64), postings.pos[keep][ok]
