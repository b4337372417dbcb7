"""MATCH edges with their evidence and a sentence an agent can read, for pairs at or above review."""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

import numpy as np

from identity_graph.gc_pause import paused_gc
from identity_graph.model import Evidence, MatchEdge, MatchStatus, built_directly
from identity_graph.resolve.scoring import STATUS_AUTO, STATUS_NONE, STATUS_REVIEW, Scored
from matchers.comparisons import NULL, Comparison, IdentifierComparison
from matchers.explain import display_identifier, sentence
from matchers.features import IntArray, StrArray

VETO_NOTE = "not linked automatically: the names or dates of birth say two different people"
WEAK_NOTE = "not linked automatically: rests on an identifier only mentioned in a message or bio"
ANCHOR_NOTE = "not linked automatically: names alone (no shared identifier, date of birth or street)"
PERSONAL_NOTE = "linked: they share an identifier that only one person uses"
MENTION_NOTE = "linked: the names agree and one side's identifier is mentioned by the other"
SOLE_NAME_NOTE = "linked: the only two profiles with this full name, and nothing about them disagrees"
_STATUS = {STATUS_REVIEW: MatchStatus.REVIEW, STATUS_AUTO: MatchStatus.AUTO}


built = built_directly  # evidence entries and edges from values of their field types (tested equal)


def edge(
    left: int, right: int, score: float, weight: float, status: MatchStatus, evidence: tuple[Evidence, ...], text: str
) -> MatchEdge:
    """A MatchEdge from values of its field types (`left < right`, `0 <= score <= 1`: the caller's to ensure)."""
    return built(
        MatchEdge,
        {"left": left, "right": right, "score": score, "weight": weight, "status": status, "evidence": evidence,
         "explanation": text},
    )  # fmt: skip


#: Identifiers whose display text is remembered (a phone's is parsed by phonenumbers, and a household's
#: line recurs on many edges).
DISPLAY_CACHE_SIZE = 65_536
_display = lru_cache(maxsize=DISPLAY_CACHE_SIZE)(display_identifier)


@lru_cache(maxsize=DISPLAY_CACHE_SIZE)
def _identifier_text(key: str) -> str:
    """`phone:+14155550134` -> `+1 415-555-0134`."""
    kind, _, value = key.partition(":")
    return display_identifier(kind, value)


def evidence_of_rows(
    scored: Scored, rows: IntArray, comparisons: tuple[Comparison, ...], values: list[tuple[StrArray, StrArray]]
) -> list[tuple[Evidence, ...]]:
    """The evidence of each pair in `rows`: one entry per comparison with a known level.

    The arrays are read once as Python lists for these rows (indexing numpy one scalar at a time costs more
    than the evidence itself). Evidence is frozen, so equal entries (the same comparison, level, weight and
    values: `state Nsw matches` on half the edges) are one shared object, built once with pydantic's
    validating constructor (faster than `model_construct` for four plain fields).
    """
    made: dict[tuple[int, int, float, str, str], Evidence] = {}
    n = len(rows)
    levels = scored.levels[rows].T.tolist()  # one list per comparison: the loops below go a comparison at a time
    weights = scored.weights[rows].T.tolist()
    columns: list[list[Evidence | None]] = []
    for k, comp in enumerate(comparisons):
        lefts, rights = (np.asarray(side)[rows].tolist() for side in values[k])
        kind = comp.kind if isinstance(comp, IdentifierComparison) else ""  # an identifier's: shown as written
        keys = scored.shared.keys[kind][rows].tolist() if kind else []
        column: list[Evidence | None] = [None] * n
        for j, level in enumerate(levels[k]):
            if level == NULL:
                continue
            if kind:
                key = str(keys[j])
                a = _identifier_text(key) if key else _display(kind, str(lefts[j]))
                b = _identifier_text(key) if key else _display(kind, str(rights[j]))
            else:
                a, b = str(lefts[j]), str(rights[j])
            weight = round(float(weights[k][j]), 3)  # a float, as validation would make it
            entry = made.get((k, level, weight, a, b))
            if entry is None:
                detail = comp.describe(level, a, b)
                fields = {"comparison": comp.name, "level": comp.levels[level], "weight": weight, "detail": detail}
                entry = made[(k, level, weight, a, b)] = built(Evidence, fields)
            column[j] = entry
        columns.append(column)
    return [tuple([e for e in row if e is not None]) for row in zip(*columns, strict=True)] if columns else [()] * n


def pair_evidence(
    scored: Scored, i: int, comparisons: tuple[Comparison, ...], values: list[tuple[StrArray, StrArray]]
) -> tuple[Evidence, ...]:
    """The evidence of pair i: one entry per comparison with a known level."""
    return evidence_of_rows(scored, np.array([i], dtype=np.int64), comparisons, values)[0]


def is_sole_name_edge(e: MatchEdge) -> bool:
    """True for an AUTO edge the sole-namesake rule made (`namesakes`)."""
    return e.status is MatchStatus.AUTO and SOLE_NAME_NOTE in e.explanation


def pair_notes(scored: Scored, i: int) -> list[str]:
    """Why a high-scoring pair was held back, or linked by a rule below auto-link, if it was."""
    notes = []
    if scored.conflict[i] and scored.status[i] != STATUS_AUTO:
        notes.append(VETO_NOTE)
    if scored.weak_only[i] and scored.status[i] != STATUS_AUTO:
        notes.append(WEAK_NOTE)
    if scored.anchorless[i] and scored.status[i] != STATUS_AUTO and not scored.by_name[i]:
        notes.append(ANCHOR_NOTE)
    if scored.by_personal[i]:
        notes.append(PERSONAL_NOTE)
    if scored.by_mention[i]:
        notes.append(MENTION_NOTE)
    if scored.by_name[i]:
        notes.append(SOLE_NAME_NOTE)
    return notes


def _score(prob: float) -> float:
    """An edge's score: the pair's probability, kept within [0, 1]."""
    return min(max(float(prob), 0.0), 1.0)


def _weight(total: float) -> float:
    """An edge's weight: the pair's total match weight, rounded as stored."""
    return round(float(total), 3)


class AutoLink(NamedTuple):
    """An AUTO edge as clustering reads it (`clustering.Link`): a tenth of a MatchEdge's memory."""

    left: int
    right: int
    score: float
    weight: float
    status: MatchStatus


def auto_edges(scored: Scored) -> list[AutoLink]:
    """The AUTO edges of the scored pairs, in pair order, without evidence or sentence (all clustering needs):
    `build_edges`'s AUTO edges' ends, score, weight and status, made from the arrays alone."""
    picked = np.flatnonzero(scored.status == STATUS_AUTO)
    rid = scored.ctx.table.record_id
    lefts, rights = rid[scored.li[picked]].tolist(), rid[scored.ri[picked]].tolist()
    probs, totals = scored.prob[picked].tolist(), scored.total[picked].tolist()
    auto = MatchStatus.AUTO
    with paused_gc():
        return [
            AutoLink(min(a, b), max(a, b), _score(p), _weight(t), auto)
            for a, b, p, t in zip(lefts, rights, probs, totals, strict=True)
        ]


def edge_rows(scored: Scored) -> IntArray:
    """Positions of the scored pairs that become edges (at or above review)."""
    return np.flatnonzero(scored.status != STATUS_NONE)


def build_edges(
    scored: Scored,
    comparisons: tuple[Comparison, ...],
    rows: IntArray | None = None,
    values: list[tuple[StrArray, StrArray]] | None = None,
) -> list[MatchEdge]:
    """One MatchEdge per pair at or above review (or per given row), with record ids, evidence, sentence."""
    picked = np.asarray(edge_rows(scored) if rows is None else rows, dtype=np.int64)
    values = values or [comp.values(scored.ctx) for comp in comparisons]
    rid = scored.ctx.table.record_id
    lefts, rights = rid[scored.li[picked]].tolist(), rid[scored.ri[picked]].tolist()
    probs, totals = scored.prob[picked].tolist(), scored.total[picked].tolist()
    statuses = scored.status[picked].tolist()
    edges = []
    with paused_gc():
        evidence_rows = evidence_of_rows(scored, picked, comparisons, values)
        for j, i in enumerate(picked.tolist()):
            a, b = int(lefts[j]), int(rights[j])
            evidence = evidence_rows[j]
            edges.append(
                edge(
                    min(a, b),
                    max(a, b),
                    _score(probs[j]),
                    _weight(totals[j]),
                    _STATUS[int(statuses[j])],
                    evidence,
                    sentence(evidence, pair_notes(scored, i)),
                )
            )
    return edges
