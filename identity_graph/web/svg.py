"""Turn a laid-out person graph into pixel positions and colours for the inline SVG the template draws."""

from __future__ import annotations

from dataclasses import dataclass

from identity_graph.service.graph import PersonGraph

#: Drawing size in SVG units (scaled to the page width by CSS).
WIDTH, HEIGHT = 760, 460
#: Empty border so labels at the edge stay readable.
MARGIN = 70
#: Radius of record and identifier nodes.
RECORD_R, IDENT_R = 14, 8
#: Labels longer than this are shortened (the full text is in the node's tooltip).
LABEL_CHARS = 26

#: Fill colour of a record node by record kind, and of an identifier node by whether persons share it.
NODE_COLOURS = {
    "contact": "#1f5fa8",
    "social_account": "#7b3fa0",
    "call_party": "#1e7d4f",
    "email_party": "#b35a00",
    "campaign_recipient": "#5f6b76",
    "personal": "#d8e2ec",
    "shared": "#f2b134",
}
#: Stroke colour and dash pattern of a link by (kind, status).
LINK_STYLES = {
    ("claim", "declared"): ("#8a96a3", ""),
    ("claim", "mentioned"): ("#8a96a3", "3 3"),
    ("match", "auto"): ("#1e7d4f", ""),
    ("match", "review"): ("#c77c00", "6 4"),
    ("match", "rejected"): ("#b3261e", "2 4"),
    ("judgement", "same"): ("#1f5fa8", ""),
    ("judgement", "different"): ("#b3261e", ""),
    ("judgement", "unsure"): ("#5f6b76", "1 3"),
}


@dataclass(frozen=True)
class DrawnNode:
    """A node at its pixel position, with its colour, radius, label and tooltip."""

    id: str
    kind: str
    x: float
    y: float
    r: int
    fill: str
    label: str
    title: str
    record_id: int | None


@dataclass(frozen=True)
class DrawnLink:
    """A line between two points with its colour, dash pattern and width."""

    x1: float
    y1: float
    x2: float
    y2: float
    stroke: str
    dash: str
    width: float
    title: str


@dataclass(frozen=True)
class Drawing:
    """Everything the template needs to draw the graph and its legend."""

    width: int
    height: int
    nodes: list[DrawnNode]
    links: list[DrawnLink]


def _short(text: str) -> str:
    """A label cut to `LABEL_CHARS` with an ellipsis."""
    return text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1] + "…"


def graph_drawing(graph: PersonGraph) -> Drawing:
    """Pixel positions and styles for every node and link of a person graph."""
    nodes: dict[str, DrawnNode] = {}
    for n in graph.nodes:
        is_record = n.kind == "record"
        nodes[n.id] = DrawnNode(
            id=n.id,
            kind=n.kind,
            x=round(MARGIN + n.x * (WIDTH - 2 * MARGIN), 1),
            y=round(MARGIN / 2 + n.y * (HEIGHT - MARGIN), 1),
            r=RECORD_R if is_record else IDENT_R,
            fill=NODE_COLOURS.get(n.status, "#5f6b76"),
            label=_short(n.label),
            title=f"record {n.record_id}: {n.label} ({n.status})" if is_record else f"{n.label} ({n.status})",
            record_id=n.record_id,
        )
    links = []
    for link in graph.links:
        a, b = nodes.get(link.source), nodes.get(link.target)
        if a is None or b is None:
            continue
        stroke, dash = LINK_STYLES.get((link.kind, link.status), ("#5f6b76", ""))
        links.append(
            DrawnLink(
                a.x,
                a.y,
                b.x,
                b.y,
                stroke,
                dash,
                1.0 if link.kind == "claim" else 2.5,
                f"{link.kind} {link.status} {link.label}".strip(),
            )
        )
    return Drawing(WIDTH, HEIGHT, list(nodes.values()), links)
