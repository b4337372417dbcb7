"""Blocking: candidate pairs from shared identifiers, phonetic name keys and a sorted neighbourhood.

A value shared by more records than `max_block_size` (a switchboard, `info@`, a placeholder) is skipped by
that frequency rule, never by a hard-coded list alone. Pairs are numpy arrays of row positions.
"""

from __future__ import annotations

import functools
from collections import Counter
from dataclasses import dataclass, field

import jellyfish
import numpy as np
import numpy.typing as npt
import pandas as pd

from identity_graph.resolve.identifiers import residence_keys
from matchers.features import FeatureTable, IntArray, StrArray
from matchers.names import canonical_first

#: Key passes stored for real-time lookups: name (phonetic) plus one more field.
KEY_PASSES = (
    "name_dob", "name_postcode", "name_city", "first_dob", "full_name", "last_street", "dob_postcode", "dob_street",
    "first_street", "first_postcode", "last_number",
)  # fmt: skip
#: Keys of one shared namespace: a handle, an email user and a name written as a user name all meet there
#: (`x:lanisandoval`, `lani.sandoval@...`, Lani Sandoval); blocked together as one pass.
USER_KEYS = ("user_handle", "user_email", "user_name")
#: A CRM or national id with one character deleted (any position): two ids one typo or one transposition
#: apart share such a key (`4137877` / `4137787` both give `413787`). Ids longer than this get keys for
#: their first MAX_NEAR_ID characters' deletions only. The whole value is a key too (one character missing).
MAX_NEAR_ID = 12
NEAR_ID_KEYS = (*(f"near_id_{k}" for k in range(MAX_NEAR_ID)), "near_id_whole")
#: The same deletion keys of a record's first national id, passport, licence, tax id or account number (in
#: that order: one of them, so that a bank's contacts, which all carry a CRM id too, meet on a mistyped SSN).
#: Blocked with the CRM ids' keys as one pass (`near_id`); the key names the kind and scheme, so only ids of
#: one scheme meet.
NEAR_OFFICIAL_KEYS = (*(f"near_official_{k}" for k in range(MAX_NEAR_ID)), "near_official_whole")
#: The columns NEAR_OFFICIAL_KEYS come from, first non-empty first.
NEAR_OFFICIAL_COLUMNS = ("national_id", "passport", "dl", "tax_id", "account")
#: Keys the real-time path looks candidates up by.
LOOKUP_KEYS = (*KEY_PASSES, *USER_KEYS, *NEAR_ID_KEYS, *NEAR_OFFICIAL_KEYS)
#: Keys read only for context, never a blocking pass: the home a record is at (street without flat words,
#: and postcode or city), so a real-time add or `explain` counts the housemates behind a home line as batch
#: does, whatever their surnames.
CONTEXT_KEYS = ("residence",)
#: Every key the store indexes for real-time lookups.
STORED_KEYS = (*LOOKUP_KEYS, *CONTEXT_KEYS)
#: A name written as a user name needs at least this many letters to be a key (`lili` would block too much).
MIN_USER_KEY = 8
#: Distinct names whose phonetic codes are remembered between calls (a real-time add reuses them).
PHONETIC_CACHE = 200_000
#: Each pass's largest blocks shown by `blocking-report`.
REPORT_TOP_BLOCKS = 5


@dataclass
class PassStats:
    """What one blocking pass produced."""

    name: str
    pairs: int = 0
    blocks: int = 0
    skipped_blocks: int = 0
    skipped_records: int = 0
    largest: list[tuple[str, int]] = field(default_factory=list)


@dataclass
class Candidates:
    """Deduplicated candidate pairs (li < ri) and per-pass statistics."""

    li: IntArray
    ri: IntArray
    stats: list[PassStats]
    core: npt.NDArray[np.bool_] | None = None  # pairs some indexed pass found (not only the sorted neighbourhood)


@functools.lru_cache(maxsize=PHONETIC_CACHE)
def phonetic(value: str) -> str:
    """Metaphone code of a name ('' stays '')."""
    return jellyfish.metaphone(value) if value else ""


@functools.lru_cache(maxsize=PHONETIC_CACHE)
def phonetic_canonical(value: str) -> str:
    """Metaphone code of a name's nickname-group representative (`bob` and `robert` agree)."""
    return phonetic(canonical_first(value)) if value else ""


def house_number(street: str) -> str:
    """The house number a street line starts with (`95` of `95 leahy pl`), '' when it starts otherwise."""
    first = street.split(" ", 1)[0]
    return first if first[:1].isdigit() else ""


def near_id_keys(ids: StrArray | list[str], names: tuple[str, ...] = NEAR_ID_KEYS) -> dict[str, list[str]]:
    """Deletion keys of CRM/national ids (`kind:value`): the value with its k-th character removed."""
    out: dict[str, list[str]] = {name: [""] * len(ids) for name in names}
    for i, value in enumerate(ids):
        if not value:
            continue
        prefix, _, tail = str(value).rpartition(":")
        for k in range(min(len(tail), MAX_NEAR_ID)):
            out[names[k]][i] = f"i:{prefix}:{tail[:k]}{tail[k + 1 :]}"
        out[names[-1]][i] = f"i:{prefix}:{tail}"
    return out


def near_official_keys(table: FeatureTable) -> dict[str, list[str]]:
    """NEAR_OFFICIAL_KEYS of every row, from its first official id (`national_id:ssn:123456789`); a table with
    none shares one empty list among the names (no memory per name for the data sets that have none)."""
    columns = [(kind, table.col(kind)) for kind in NEAR_OFFICIAL_COLUMNS]
    if not any((values != "").any() for _, values in columns):
        empty = [""] * len(table)
        return dict.fromkeys(NEAR_OFFICIAL_KEYS, empty)
    first = [next((f"{kind}:{v}" for kind, v in zip(NEAR_OFFICIAL_COLUMNS, row, strict=True) if v), "")
             for row in zip(*(values for _, values in columns), strict=True)]  # fmt: skip
    return near_id_keys(first, NEAR_OFFICIAL_KEYS)


def near_key_lists(keys: dict[str, list[str]]) -> list[list[str]]:
    """The `near_id` pass's key lists: the CRM ids', and the official ids' when any row has one."""
    lists = [keys[name] for name in NEAR_ID_KEYS]
    if any(keys[NEAR_OFFICIAL_KEYS[-1]]):
        lists += [keys[name] for name in NEAR_OFFICIAL_KEYS]
    return lists


def record_keys(table: FeatureTable) -> dict[str, list[str]]:
    """Blocking keys of every row for each key pass ('' when the row has no key for that pass)."""
    p_first = list(map(phonetic_canonical, table.col("first")))
    p_last = list(map(phonetic, table.col("last")))
    dob, post, city, street = (table.col(c) for c in ("dob", "postcode", "city", "street"))

    def key(tag: str, a: list[str] | StrArray, b: list[str] | StrArray) -> list[str]:
        return [f"{tag}:{x}:{y}" if x and y else "" for x, y in zip(a, b, strict=True)]

    p_last_canon = list(map(phonetic_canonical, table.col("last")))
    full = [
        ("" if not (f and x) else f"{f}|{x}" if f <= x else f"{x}|{f}")  # the pair in order: swaps agree
        for f, x in zip(p_first, p_last_canon, strict=True)
    ]
    return {
        "name_dob": key("nd", p_last, dob),
        "name_postcode": key("np", p_last, post),
        "name_city": key("nc", p_last, city),
        "first_dob": key("fd", p_first, dob),
        "full_name": key("nn", full, full),
        "last_street": key("ls", p_last, street),
        "dob_postcode": key("dp", dob, post),
        "dob_street": key("ds", dob, street),
        "first_street": key("fs", p_first, street),
        "first_postcode": key("fp", p_first, post),
        "last_number": key("ln", p_last, [house_number(x) for x in street]),
        "user_handle": [f"u:{u}" if len(u) >= MIN_USER_KEY else "" for u in table.col("user_handle")],
        "user_email": [f"u:{u}" if len(u) >= MIN_USER_KEY else "" for u in table.col("user_email")],
        "user_name": [
            f"u:{f}{x}" if f and len(x) > 1 and len(f) + len(x) >= MIN_USER_KEY else ""
            for f, x in zip(table.col("first"), table.col("last"), strict=True)
        ],
        **near_id_keys(table.col("crm")),
        **near_official_keys(table),
        "residence": [f"r:{home}" if home else "" for home in residence_keys(table)],
    }


def stored_key_values(keys: dict[str, list[str]]) -> list[str]:
    """The distinct stored keys (every pass, context included) of some rows' `record_keys`, sorted: what a
    real-time lookup asks the store's key index for."""
    return sorted({k for name in STORED_KEYS for k in keys[name] if k})


def block_pairs(codes: IntArray, positions: IntArray, max_block: int, stats: PassStats,
                labels: list[str] | None = None) -> tuple[IntArray, IntArray]:  # fmt: skip
    """All pairs of positions sharing a group code (codes < 0 ignored); groups above max_block are skipped."""
    keep = codes >= 0
    codes, positions = codes[keep], positions[keep]
    if codes.size == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    order = np.lexsort((positions, codes))
    codes, positions = codes[order], positions[order]
    starts = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]])
    sizes = np.diff(np.r_[starts, codes.size])
    stats.blocks += int((sizes >= 2).sum())
    big = sizes > max_block
    stats.skipped_blocks += int(big.sum())
    stats.skipped_records += int(sizes[big].sum())
    if labels is not None:
        top = np.argsort(-sizes)[:REPORT_TOP_BLOCKS]
        stats.largest = [(labels[int(codes[starts[i]])], int(sizes[i])) for i in top if sizes[i] >= 2]
    lefts, rights = [], []
    for size in np.unique(sizes):
        if size < 2 or size > max_block:
            continue
        first = starts[sizes == size]
        a, b = np.triu_indices(int(size), 1)
        lefts.append((first[:, None] + a[None, :]).ravel())
        rights.append((first[:, None] + b[None, :]).ravel())
    if not lefts:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    li, ri = positions[np.concatenate(lefts)], positions[np.concatenate(rights)]
    stats.pairs += int(li.size)
    return np.minimum(li, ri), np.maximum(li, ri)


def key_pairs(keys: list[str], rows: IntArray, max_block: int, stats: PassStats) -> tuple[IntArray, IntArray]:
    """Pairs of the given rows sharing a non-empty key held by at most `max_block` records in all.

    Block sizes count every record holding the key (not only `rows`), as the store's key index does, so the
    real-time path skips exactly the keys batch skips.
    """
    codes, labels = pd.factorize(np.asarray(keys, dtype=object))
    codes = np.asarray(codes, dtype=np.int64)
    empty = [i for i, label in enumerate(labels) if label == ""]
    if empty:
        codes[codes == empty[0]] = -1
    sizes = np.bincount(codes[codes >= 0], minlength=len(labels))
    big = sizes > max_block
    stats.skipped_blocks += int(big.sum())
    stats.skipped_records += int(sizes[big].sum())
    top = np.argsort(-sizes)[:REPORT_TOP_BLOCKS]
    stats.largest = [(str(labels[i]), int(sizes[i])) for i in top if sizes[i] >= 2]
    sub = codes[rows]
    sub[(sub >= 0) & big[np.maximum(sub, 0)]] = -1
    return block_pairs(sub, rows.astype(np.int64), max_block, stats)


def multi_key_pairs(
    key_lists: list[list[str]], rows: IntArray, max_block: int, stats: PassStats
) -> tuple[IntArray, IntArray]:
    """Pairs of the given rows sharing a key from any of several key lists (one namespace)."""
    flat = np.asarray([k for keys in key_lists for k in keys], dtype=object)
    owner = np.tile(np.arange(len(key_lists[0]), dtype=np.int64), len(key_lists))
    codes, labels = pd.factorize(flat)
    codes = np.asarray(codes, dtype=np.int64)
    empty = [i for i, label in enumerate(labels) if label == ""]
    if empty:
        codes[codes == empty[0]] = -1
    pairs = pd.DataFrame({"code": codes, "row": owner}).drop_duplicates()
    pairs = pairs[pairs["code"] >= 0]
    sizes = np.bincount(pairs["code"].to_numpy(), minlength=len(labels))
    big = sizes > max_block
    stats.skipped_blocks += int(big.sum())
    stats.skipped_records += int(sizes[big].sum())
    wanted = np.zeros(len(key_lists[0]), dtype=bool)
    wanted[rows] = True
    keep = pairs[wanted[pairs["row"].to_numpy()] & ~big[pairs["code"].to_numpy()]]
    return block_pairs(keep["code"].to_numpy(), keep["row"].to_numpy(), max_block, stats)


def sorted_neighbourhood(
    table: FeatureTable, rows: IntArray, window: int, stats: PassStats
) -> tuple[IntArray, IntArray]:
    """Pairs of rows within `window` of each other when sorted by last name then first name."""
    if window < 2 or rows.size < 2:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    last, first, content = table.col("last")[rows], table.col("first")[rows], table.col("signature")[rows]
    named = np.flatnonzero(last != "")
    # ties broken by the record's content, never by its row (load order): any load order gives the same pairs
    order = named[np.lexsort((content[named].astype(str), first[named].astype(str), last[named].astype(str)))]
    sorted_rows = rows[order]
    lefts, rights = [], []
    for step in range(1, window):
        lefts.append(sorted_rows[:-step])
        rights.append(sorted_rows[step:])
    li, ri = np.concatenate(lefts), np.concatenate(rights)
    stats.pairs += int(li.size)
    stats.blocks += 1
    return np.minimum(li, ri), np.maximum(li, ri)


def dedupe_pairs(lefts: list[IntArray], rights: list[IntArray], n: int) -> tuple[IntArray, IntArray]:
    """Unique (li < ri) pairs from several passes, self-pairs dropped."""
    if not lefts:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    li, ri = np.concatenate(lefts), np.concatenate(rights)
    keep = li != ri
    code = np.unique(li[keep] * np.int64(n) + ri[keep])
    return code // n, code % n


def key_counts(keys: dict[str, list[str]]) -> Counter[str]:
    """How many rows hold each key (all passes together)."""
    counts: Counter[str] = Counter()
    for values in keys.values():
        counts.update(v for v in values if v)
    return counts
