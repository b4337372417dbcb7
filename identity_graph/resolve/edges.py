"""MATCH edges with their evidence and a sentence an agent can read, for pairs at or above review."""

from __future__ import annotations

import numpy as np

from identity_graph.model import Evidence, MatchEdge, MatchStatus
from identity_graph.resolve.scoring import STATUS_AUTO, STATUS_NONE, STATUS_REVIEW, Scored
from matchers.comparisons import NULL, Comparison, IdentifierComparison
from matchers.explain import display_identifier, sentence
from matchers.features import IntArray, StrArray

VETO_NOTE = "not linked automatically: the names or dates of birth say two different people"
WEAK_NOTE = "not linked automatically: rests on an identifier only mentioned in a message or bio"
ANCHOR_NOTE = "not linked automatically: names alone (no shared identifier, date of birth or street)"
_STATUS = {STATUS_REVIEW: MatchStatus.REVIEW, STATUS_AUTO: MatchStatus.AUTO}


def _identifier_text(key: str) -> str:
    """`phone:+14155550134` -> `+1 415-555-0134`."""
    kind, _, value = key.partition(":")
    return display_identifier(kind, value)


def pair_evidence(
    scored: Scored, i: int, comparisons: tuple[Comparison, ...], values: list[tuple[StrArray, StrArray]]
) -> tuple[Evidence, ...]:
    """The evidence of pair i: one entry per comparison with a known level."""
    out = []
    for k, comp in enumerate(comparisons):
        level = int(scored.levels[i, k])
        if level == NULL:
            continue
        left, right = values[k]
        if isinstance(comp, IdentifierComparison):
            key = str(scored.shared.keys[comp.kind][i])
            a = _identifier_text(key) if key else display_identifier(comp.kind, str(left[i]))
            b = _identifier_text(key) if key else display_identifier(comp.kind, str(right[i]))
        else:
            a, b = str(left[i]), str(right[i])
        out.append(
            Evidence.model_construct(
                comparison=comp.name,
                level=comp.levels[level],
                weight=round(float(scored.weights[i, k]), 3),
                detail=comp.describe(level, a, b),
            )
        )
    return tuple(out)


def pair_notes(scored: Scored, i: int) -> list[str]:
    """Why a high-scoring pair was held back, if it was."""
    notes = []
    if scored.conflict[i] and scored.status[i] != STATUS_AUTO:
        notes.append(VETO_NOTE)
    if scored.weak_only[i] and scored.status[i] != STATUS_AUTO:
        notes.append(WEAK_NOTE)
    if scored.anchorless[i] and scored.status[i] != STATUS_AUTO:
        notes.append(ANCHOR_NOTE)
    return notes


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
    rid = scored.ctx.table.record_id
    edges = []
    values = values or [comp.values(scored.ctx) for comp in comparisons]
    for i in edge_rows(scored) if rows is None else rows:
        evidence = pair_evidence(scored, int(i), comparisons, values)
        a, b = int(rid[scored.li[i]]), int(rid[scored.ri[i]])
        edges.append(
            MatchEdge.model_construct(
                left=min(a, b),
                right=max(a, b),
                score=min(max(float(scored.prob[i]), 0.0), 1.0),
                weight=round(float(scored.total[i]), 3),
                status=_STATUS[int(scored.status[i])],
                evidence=evidence,
                explanation=sentence(evidence, pair_notes(scored, int(i))),
            )
        )
    return edges
