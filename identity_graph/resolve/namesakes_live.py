"""The sole-namesake rule (`namesakes`) for real-time adds: re-check the names the added records bear.

A batch run sees every bearer of a name at once. A real-time add sees one record, so for each full name it
bears, this reads every record under that name's blocking key, works out the profiles they form without the
rule's own links (AUTO edges and SAME judgements), and then:
- two profiles that do not disagree and are not yet linked by the rule get its link (the best pair of bearers);
- any other count (a third namesake arrived, or a change made them disagree) takes the rule's links back to
  review.
The caller re-clusters the records whose edges changed.
"""

from __future__ import annotations

import numpy as np

from identity_graph.model import MatchEdge, MatchStatus, StoredRecord, Verdict
from identity_graph.resolve.blocking import record_keys
from identity_graph.resolve.edges import ANCHOR_NOTE, SOLE_NAME_NOTE, edge, is_sole_name_edge
from identity_graph.resolve.explain import PairExplanation, explain_pair
from identity_graph.resolve.features import build_features
from identity_graph.resolve.namesakes import disagree, name_keys, profile_facts
from identity_graph.settings import Settings
from identity_graph.store.protocol import GraphStore
from matchers.explain import sentence
from matchers.features import FeatureTable, IntArray

#: The blocking pass whose key every bearer of a full name has (the phonetic full name).
NAME_PASS = "full_name"


def refresh_sole_names(
    store: GraphStore, table: FeatureTable, settings: Settings, placeholders: frozenset[str]
) -> set[int]:
    """Apply the rule to every full name the targets (the rows of `table`, their features) bear; returns the
    ids of records whose edges changed."""
    if not settings.matching.sole_name_links or not len(table):
        return set()
    keys, lookup = name_keys(table), record_keys(table)[NAME_PASS]
    wanted = {str(keys[i]): lookup[i] for i in range(len(table)) if keys[i] and lookup[i]}
    if not wanted:
        return set()
    by_key = store.records_with_blocking_keys(sorted(set(wanted.values())), settings.matching.max_block_size)
    changed: set[int] = set()
    for name, block in sorted(wanted.items()):
        if len(by_key.get(block, ())) > 1:  # a name no other record shows has nothing to link or undo
            changed |= _refresh_name(store, name, by_key[block], settings, placeholders)
    return changed


def _refresh_name(
    store: GraphStore, name: str, block: list[int], settings: Settings, placeholders: frozenset[str]
) -> set[int]:
    """Link or unlink the bearers of one name, as the batch rule would; returns the records touched."""
    read = {r.id: r for r in store.get_records(block)}
    bearers = _bearers(list(read.values()), name, placeholders)
    if len(bearers) < 2:
        return set()
    persons = store.assignments(bearers)
    members = sorted({r for ids in store.person_record_ids(sorted(set(persons.values()))).values() for r in ids})
    scope = sorted(set(members) | set(bearers))
    edges = store.edges(scope)
    rule_edges = [e for e in edges if is_sole_name_edge(e) and e.left in bearers and e.right in bearers]
    records = [read[r] for r in scope if r in read] + store.get_records([r for r in scope if r not in read])
    table, _ = build_features([records], placeholders)
    labels = _labels(table, [e for e in edges if e.status is MatchStatus.AUTO and not is_sole_name_edge(e)], store)
    pos = {int(r): i for i, r in enumerate(table.record_id)}
    sides = sorted({int(labels[pos[b]]) for b in bearers})
    if len(sides) == 2:
        facts = profile_facts(table, labels, sides)
        if not disagree(facts[sides[0]], facts[sides[1]], settings.matching.sole_name_max_records):
            if rule_edges:
                return set()
            return _link(store, [b for b in bearers if labels[pos[b]] == sides[0]],
                         [b for b in bearers if labels[pos[b]] == sides[1]], settings)  # fmt: skip
    return _unlink(store, rule_edges)


def _bearers(block: list[StoredRecord], name: str, placeholders: frozenset[str]) -> list[int]:
    """The ids of the records under the name's blocking key that bear exactly this name."""
    table, _ = build_features([block], placeholders)
    keys = name_keys(table)
    return sorted(int(table.record_id[i]) for i in np.flatnonzero(keys == name))


def _labels(table: FeatureTable, autos: list[MatchEdge], store: GraphStore) -> IntArray:
    """A profile label per row: components of the AUTO edges and SAME judgements (the rule's links left out)."""
    ids = [int(r) for r in table.record_id]
    parent = {r: r for r in ids}

    def find(r: int) -> int:
        while parent[r] != r:
            parent[r] = parent[parent[r]]
            r = parent[r]
        return r

    same = [(j.left, j.right) for j in store.judgements(ids) if j.verdict is Verdict.SAME]
    for a, b in [(e.left, e.right) for e in autos] + same:
        if a in parent and b in parent:
            parent[find(a)] = find(b)
    return np.array([find(r) for r in ids], dtype=np.int64)


def _link(store: GraphStore, left: list[int], right: list[int], settings: Settings) -> set[int]:
    """Store the rule's link on the best pair of bearers, one per profile, that no veto holds back."""
    found = [explain_pair(store, a, b, settings) for a in left for b in right]
    free = [x for x in found if not x.vetoed]
    if not free:
        return set()
    best = max(free, key=lambda x: (x.score, -x.left_id, -x.right_id))
    if best.score < settings.matching.sole_name_min_score:
        return set()
    store.replace_edges([_rule_edge(best)], record_ids=[])
    return {best.left_id, best.right_id}


def _rule_edge(x: PairExplanation) -> MatchEdge:
    """The AUTO edge the rule stores for an explained pair."""
    return edge(x.left_id, x.right_id, x.score, round(x.weight, 3), MatchStatus.AUTO, x.evidence,
                sentence(x.evidence, [SOLE_NAME_NOTE]))  # fmt: skip


def _unlink(store: GraphStore, rule_edges: list[MatchEdge]) -> set[int]:
    """Take the rule's links back to review (the names alone no longer say one person)."""
    if not rule_edges:
        return set()
    back = [
        edge(
            e.left,
            e.right,
            e.score,
            e.weight,
            MatchStatus.REVIEW,
            e.evidence,
            e.explanation.replace(SOLE_NAME_NOTE, ANCHOR_NOTE),
        )
        for e in rule_edges
    ]
    store.replace_edges(back, record_ids=[])
    return {r for e in rule_edges for r in (e.left, e.right)}
