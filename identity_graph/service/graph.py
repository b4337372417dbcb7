"""A person's records, identifiers and links as a small graph with a layout, for the steward's picture.

Nodes are the person's records and the identifiers they hold; links are record-identifier claims, match edges
(auto / review / rejected) and steward judgements (same / different / unsure) among those records. The layout
is networkx's spring layout with a fixed seed, so the same person is drawn the same way each time.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import networkx as nx

from identity_graph.gone import live_records
from identity_graph.store.protocol import GraphStore

#: Seed of the spring layout (a stable picture for the same person).
LAYOUT_SEED = 7
#: Spring layout iterations (enough for a few dozen nodes).
LAYOUT_ITERATIONS = 100
#: Most records drawn; a larger person is drawn by its first records only (the page says so).
MAX_RECORDS = 60


@dataclass
class GraphNode:
    """A record or identifier in the picture, with its layout position in [0, 1]."""

    id: str
    kind: str  # "record" or "identifier"
    label: str
    status: str  # record: its kind; identifier: "personal" or "shared" (held by several persons)
    x: float = 0.0
    y: float = 0.0
    record_id: int | None = None


@dataclass
class GraphLink:
    """A line between two nodes and what it stands for."""

    source: str
    target: str
    kind: str  # "claim", "match" or "judgement"
    status: str  # claim strength, match status, or verdict
    label: str = ""


@dataclass
class PersonGraph:
    """The picture of one person."""

    person_id: int
    nodes: list[GraphNode] = field(default_factory=list)
    links: list[GraphLink] = field(default_factory=list)
    truncated: bool = False


def _record_key(record_id: int) -> str:
    """Node id of a record."""
    return f"r{record_id}"


def person_graph(store: GraphStore, person_id: int) -> PersonGraph:
    """Build and lay out the graph of a person's records."""
    live, all_ids = live_records(store, person_id)
    ids = all_ids[:MAX_RECORDS]
    members = set(ids)
    out = PersonGraph(person_id=live, truncated=len(all_ids) > len(ids))
    records = store.get_records(ids)
    holders_needed = {}
    for r in records:
        label = f"#{r.id} {r.display_name() or f'{r.source}/{r.source_id}'}"
        out.nodes.append(GraphNode(_record_key(r.id), "record", label, r.kind.value, record_id=r.id))
        for c in r.claimed:
            holders_needed[c.identifier.key] = c.identifier
            out.links.append(GraphLink(_record_key(r.id), c.identifier.key, "claim", c.strength.value, c.field))
    holders = store.records_with_identifiers(list(holders_needed.values()))
    owners = store.assignments(sorted({x for v in holders.values() for x in v}))
    for key, ident in holders_needed.items():
        persons = {owners.get(x) for x in holders.get(key, [])} - {None}
        status = "shared" if len(persons) > 1 else "personal"
        out.nodes.append(GraphNode(key, "identifier", f"{ident.kind.value}: {ident.value}", status))
    for e in store.edges(ids):
        if e.left in members and e.right in members:
            out.links.append(
                GraphLink(_record_key(e.left), _record_key(e.right), "match", e.status.value, f"p={e.score:.2f}")
            )
    for j in store.judgements(ids):
        if j.left in members and j.right in members:
            out.links.append(GraphLink(_record_key(j.left), _record_key(j.right), "judgement", j.verdict.value))
    _layout(out)
    return out


def _layout(graph: PersonGraph) -> None:
    """Place the nodes with a seeded spring layout, scaled into [0, 1]."""
    g = nx.Graph()
    g.add_nodes_from(n.id for n in graph.nodes)
    g.add_edges_from((link.source, link.target) for link in graph.links)
    if len(g) == 1:
        graph.nodes[0].x = graph.nodes[0].y = 0.5
        return
    pos = nx.spring_layout(g, seed=LAYOUT_SEED, iterations=LAYOUT_ITERATIONS)
    xs = [float(p[0]) for p in pos.values()]
    ys = [float(p[1]) for p in pos.values()]
    span_x = (max(xs) - min(xs)) or 1.0
    span_y = (max(ys) - min(ys)) or 1.0
    for node in graph.nodes:
        px, py = pos[node.id]
        node.x = (float(px) - min(xs)) / span_x
        node.y = (float(py) - min(ys)) / span_y
