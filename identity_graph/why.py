"""Why one record belongs to its person, as the caller may see it (the API's and the web UI's why-linked).

Every role but social sees the sentence and the stored match edges among the person's records. The social
team sees what `masking.social_view` shows of a profile: only the person's social account records, edges
between two of them, and of each edge only the evidence of names and handles (`masking.social_edge`), so no
date of birth, address, email, phone or mail evidence; a record it is not shown is no record of the person.
"""

from __future__ import annotations

from dataclasses import dataclass

from identity_graph.errors import NotFound
from identity_graph.gone import live_records
from identity_graph.masking import SOCIAL_RECORD_KINDS, SOCIAL_ROLE, social_edge
from identity_graph.model import MatchEdge, MatchStatus, Verdict
from identity_graph.profile import ONLY_RECORD, why_linked
from identity_graph.service.auth import Caller
from identity_graph.store.protocol import GraphStore
from identity_graph.why_words import plain_sentence

#: The social team's sentence when the record is linked only through records it is not shown.
HIDDEN_LINK = "Linked through records of this person the social view does not show."


@dataclass(frozen=True)
class WhyView:
    """The live person, the record, the sentence and the edges behind it."""

    person_id: int
    record_id: int
    why: str
    edges: list[MatchEdge]


def why_view(store: GraphStore, person_id: int, record_id: int, caller: Caller | None) -> WhyView:
    """Why the record belongs to the person (merges followed; PersonGone for a retired id), as the caller sees it."""
    live, record_ids = live_records(store, person_id)
    members = set(record_ids)
    if record_id not in members:
        raise NotFound(f"record {record_id} is not part of person {person_id}")
    if caller is not None and caller.role.value == SOCIAL_ROLE:
        return _social(store, live, record_id, members)
    why = why_linked(store, [record_id], members)[record_id]
    edges = [e for e in store.edges([record_id]) if {e.left, e.right} <= members]
    return WhyView(live, record_id, why, edges)


def _social(store: GraphStore, live: int, record_id: int, members: set[int]) -> WhyView:
    """The social team's why: social account records only, edges among them with public evidence only."""
    shown = {r.id for r in store.get_records(sorted(members)) if r.kind.value in SOCIAL_RECORD_KINDS}
    if record_id not in shown:
        raise NotFound(f"record {record_id} is not part of person {live}")
    edges = [social_edge(e) for e in store.edges([record_id]) if {e.left, e.right} <= shown]
    return WhyView(live, record_id, _social_sentence(store, record_id, shown, edges, len(members)), edges)


def _social_sentence(store: GraphStore, record_id: int, shown: set[int], edges: list[MatchEdge], size: int) -> str:
    """A steward's decision, else the best auto edge among shown records (public evidence), else a plain note."""
    for j in store.judgements([record_id]):
        other = j.right if j.left == record_id else j.left
        if j.verdict is Verdict.SAME and other in shown:
            return "A data steward confirmed it is the same person as another social account."
    auto = [e for e in edges if e.status is MatchStatus.AUTO]
    if auto:
        best = max(auto, key=lambda e: e.score)
        pair = {r.id: r for r in store.get_records([best.left, best.right])}
        other = best.right if best.left == record_id else best.left
        if record_id in pair and other in pair:
            return plain_sentence(best.evidence, pair[record_id], pair[other], best.explanation)
    return ONLY_RECORD if size == 1 else HIDDEN_LINK
