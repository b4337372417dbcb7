"""A batch's MATCH edges as the store writes them, built a column at a time.

`build_edges` makes a MatchEdge (and an Evidence per comparison) for every pair, and the store then writes each
entry's JSON: at a million records half a million edges, five million entries, all of it Python objects made
one at a time. Here each comparison's column is read once as arrays: its detail text is written once per distinct
(level, left value, right value), its JSON once per distinct (detail, weight), and an edge's evidence and sentence
are those texts joined. The rows are the ones `build_edges` and the store would write, text for text (tested):
(left, right, score, weight, status, evidence JSON as stored, sentence).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from identity_graph.model import MatchStatus
from identity_graph.resolve.edges import (
    ANCHOR_NOTE,
    MENTION_NOTE,
    PERSONAL_NOTE,
    SOLE_NAME_NOTE,
    VETO_NOTE,
    WEAK_NOTE,
    _display,
    _identifier_text,
)
from identity_graph.resolve.scoring import STATUS_AUTO, STATUS_REVIEW, Scored
from identity_graph.store.protocol import EdgeRow
from matchers.comparisons import NULL, Comparison, IdentifierComparison
from matchers.features import IntArray, StrArray, first_rows

#: The stored JSON's encoder (`sqlite_base.to_json`: sorted keys, compact, not ASCII-escaped) for one float.
_float_json: Callable[[object], str] = json.JSONEncoder(
    sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
).encode
#: How that encoder writes a string (`ensure_ascii=False`).
_string: Callable[[str], str] = json.encoder.encode_basestring
_STATUS_VALUES = {STATUS_REVIEW: MatchStatus.REVIEW.value, STATUS_AUTO: MatchStatus.AUTO.value}

ObjArray = npt.NDArray[np.object_]


def _codes(values: npt.NDArray[Any]) -> tuple[IntArray, int]:
    """Each value's code among the distinct values (in order of first appearance), and how many there are."""
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    return codes.astype(np.int64), len(uniques)


def _distinct(*columns: IntArray) -> tuple[IntArray, IntArray]:
    """Rows by distinct combination of these code columns: (first row of each combination, each row's one)."""
    key = np.zeros(columns[0].size, dtype=np.int64)
    for col in columns:
        key, _ = _codes(key * (int(col.max(initial=0)) + 1) + col)  # stays small: re-coded after each column
    inverse, n = _codes(key)
    return first_rows(inverse, n), inverse


def _shown(comp: Comparison, scored: Scored, at: IntArray, values: tuple[StrArray, StrArray]) -> tuple[ObjArray, ...]:
    """Code columns of what the entry shows: the two values (an identifier's: its shared key, else each side
    as displayed)."""
    lefts, rights = (np.asarray(side, dtype=object)[at] for side in values)
    if isinstance(comp, IdentifierComparison):
        return (scored.shared.keys[comp.kind][at], lefts, rights)
    return (lefts, rights)


def _texts(comp: Comparison, shown: tuple[ObjArray, ...], first: IntArray) -> tuple[list[str], list[str]]:
    """The two displayed values of each distinct combination (`evidence_of_rows`'s, one combination at a time)."""
    if isinstance(comp, IdentifierComparison):
        kind = comp.kind
        keys, lefts, rights = (col[first].tolist() for col in shown)
        a_out, b_out = [], []
        for key_, left, right in zip(keys, lefts, rights, strict=True):
            key = str(key_)
            a_out.append(_identifier_text(key) if key else _display(kind, str(left)))
            b_out.append(_identifier_text(key) if key else _display(kind, str(right)))
        return a_out, b_out
    lefts, rights = (col[first].tolist() for col in shown)
    return [str(v) for v in lefts], [str(v) for v in rights]


def _rounded(weights: npt.NDArray[np.floating]) -> tuple[npt.NDArray[np.float64], IntArray, list[str]]:
    """Weights as an entry holds them (`round(w, 3)`, Python's rounding, once per distinct weight): the rounded
    values, each weight's code among the distinct ones, and each distinct one's JSON text."""
    uniq, inverse = np.unique(weights, return_inverse=True)
    rounded = [round(float(w), 3) for w in uniq.tolist()]
    texts = [repr(w) if math.isfinite(w) else _float_json(w) for w in rounded]  # repr: what the encoder writes
    return np.array(rounded, dtype=np.float64)[inverse], inverse.astype(np.int64), texts


def _column(
    comp: Comparison, scored: Scored, at: IntArray, levels: IntArray, weights: npt.NDArray[np.floating],
    values: tuple[StrArray, StrArray],
) -> tuple[ObjArray, ObjArray, npt.NDArray[np.float64]]:  # fmt: skip
    """One comparison's entries for the pairs `at` (all with a known level): each entry's JSON, its detail, and
    its rounded weight."""
    shown = _shown(comp, scored, at, values)
    value_codes = [_codes(col)[0] for col in shown]
    first, inverse = _distinct(levels, *value_codes)
    a_texts, b_texts = _texts(comp, shown, first)
    first_levels = levels[first].tolist()
    details = [comp.describe(lv, a, b) for lv, a, b in zip(first_levels, a_texts, b_texts, strict=True)]
    rounded, weight_codes, weight_texts = _rounded(weights)
    # an entry's JSON, once per distinct (detail, level, weight): keys in sorted order, as the encoder writes them
    head = f'{{"comparison":{_string(comp.name)},"detail":'
    level_parts = [f',"level":{_string(name)},"weight":' for name in comp.levels]
    e_first, e_inverse = _distinct(inverse, weight_codes)
    entry_texts = np.array(
        [
            f"{head}{_string(details[d])}{level_parts[first_levels[d]]}{weight_texts[w]}}}"
            for d, w in zip(inverse[e_first].tolist(), weight_codes[e_first].tolist(), strict=True)
        ],
        dtype=object,
    )
    return entry_texts[e_inverse], np.array(details, dtype=object)[inverse], rounded


def _notes(scored: Scored, rows: IntArray) -> list[ObjArray]:
    """`edges.pair_notes` of the rows, as columns (the note, or '' where it does not apply), in its order."""
    auto = scored.status[rows] == STATUS_AUTO
    by_name = scored.by_name[rows]
    held = [
        (scored.conflict[rows] & ~auto, VETO_NOTE),
        (scored.weak_only[rows] & ~auto, WEAK_NOTE),
        (scored.anchorless[rows] & ~auto & ~by_name, ANCHOR_NOTE),
        (scored.by_personal[rows], PERSONAL_NOTE),
        (scored.by_mention[rows], MENTION_NOTE),
        (by_name, SOLE_NAME_NOTE),
    ]
    return [np.where(mask, note, "").astype(object) for mask, note in held if mask.any()]


def _joined(rows: Iterable[Sequence[str]], sep: str) -> list[str]:
    """Each row's non-empty cells joined by `sep`."""
    return [sep.join(filter(None, row)) for row in rows]


def _sentences(
    details: list[ObjArray], strength: list[npt.NDArray[np.float64]], notes: list[ObjArray], n: int
) -> list[str]:
    """`explain.sentence` of each row: its details strongest first (a stable sort on -|weight|, so equal weights
    keep comparison order; `strength` is +inf where a comparison is unknown, its detail ''), then its notes."""
    said: ObjArray = np.full((n, 0), "", dtype=object)
    if details:
        order = np.argsort(np.stack(strength, axis=1), axis=1, kind="stable")
        said = np.take_along_axis(np.stack(details, axis=1), order, axis=1)
    cells = np.concatenate([said, np.stack(notes, axis=1)], axis=1) if notes else said
    return _joined(cells.tolist(), "; ")


def stored_edge_rows(
    scored: Scored, comparisons: tuple[Comparison, ...], rows: IntArray, values: list[tuple[StrArray, StrArray]]
) -> list[EdgeRow]:
    """The stored row of each pair in `rows` (at or above review): what `build_edges` makes of it, with its
    evidence as the store writes it (`[{"comparison":...,"detail":...,"level":...,"weight":...}, ...]`, one entry
    per comparison with a known level, in comparison order) and its sentence (details strongest first, then
    the notes)."""
    n = int(rows.size)
    if n == 0:
        return []
    levels = scored.levels[rows]
    weights = scored.weights[rows]
    entries: list[ObjArray] = []
    details: list[ObjArray] = []
    strength: list[npt.NDArray[np.float64]] = []
    for k, comp in enumerate(comparisons):
        known = np.flatnonzero(levels[:, k] != NULL)
        if known.size == 0:
            continue
        texts, said, rounded = _column(comp, scored, rows[known], levels[known, k].astype(np.int64),
                                       weights[known, k], values[k])  # fmt: skip
        entry, detail, key = np.full(n, "", dtype=object), np.full(n, "", dtype=object), np.full(n, np.inf)
        entry[known], detail[known], key[known] = texts, said, -np.abs(rounded)
        entries.append(entry)
        details.append(detail)
        strength.append(key)
    columns = [e.tolist() for e in entries]
    evidence = [f"[{s}]" for s in _joined(zip(*columns, strict=True) if columns else [()] * n, ",")]
    sentences = _sentences(details, strength, _notes(scored, rows), n)
    rid = scored.ctx.table.record_id
    a, b = rid[scored.li[rows]], rid[scored.ri[rows]]
    lefts, rights = np.minimum(a, b).tolist(), np.maximum(a, b).tolist()
    scores = [min(max(p, 0.0), 1.0) for p in scored.prob[rows].tolist()]  # `edges._score`, `_weight`
    totals = [round(t, 3) for t in scored.total[rows].tolist()]
    statuses = [_STATUS_VALUES[s] for s in scored.status[rows].tolist()]
    return list(zip(lefts, rights, scores, totals, statuses, evidence, sentences, strict=True))
