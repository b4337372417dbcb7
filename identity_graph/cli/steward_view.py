"""Terminal renderings of the steward's work: a review item side by side, decisions, splits, the change feed."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Group
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from identity_graph.masking import mask_field_row
from identity_graph.model import ChangeEvent, Evidence, StoredRecord
from identity_graph.steward.compare import Agreement, field_rows
from identity_graph.steward.quality import QualityEstimate
from identity_graph.steward.queue import ReviewItem

#: Width, in characters, of the longest evidence bar.
BAR_WIDTH = 20
AGREEMENT_MARKS = {
    Agreement.SAME: "[green]=[/]",
    Agreement.DIFFERENT: "[red]≠[/]",
    Agreement.ONE_SIDED: "[dim]·[/]",
    Agreement.EMPTY: "",
}
KEYS_HELP = (
    "[bold]s[/] same  [bold]d[/] different  [bold]u[/] unsure  [bold]r[/] reason first  "
    "[bold]z[/] undo last  [bold]n[/] skip  [bold]q[/] quit"
)


def _bar(weight: float, largest: float) -> Text:
    """A bar proportional to an evidence weight: green for, red against."""
    cells = round(BAR_WIDTH * abs(weight) / largest) if largest else 0
    return Text("█" * cells, style="green" if weight >= 0 else "red")


def evidence_table(evidence: Sequence[Evidence]) -> Table:
    """The matcher's per-comparison weights, with bars."""
    table = Table(title="evidence", title_justify="left", expand=True)
    for col, justify in (("comparison", "left"), ("level", "left"), ("weight", "right"), ("", "left")):
        table.add_column(col, justify=justify)  # type: ignore[arg-type]
    table.add_column("detail", overflow="fold")
    largest = max((abs(e.weight) for e in evidence), default=0.0)
    for e in evidence:
        table.add_row(e.comparison, e.level, f"{e.weight:+.2f}", _bar(e.weight, largest), Text(e.detail))
    if not evidence:
        table.add_row("(no match edge stored for this pair)", "", "", "", "")
    return table


def sides_table(left: StoredRecord, right: StoredRecord, item: ReviewItem) -> Table:
    """Both records field by field."""
    table = Table(expand=True)
    table.add_column("field")
    table.add_column(f"record {left.id} (person {item.left_person or '-'})", overflow="fold")
    table.add_column("", justify="center")
    table.add_column(f"record {right.id} (person {item.right_person or '-'})", overflow="fold")
    for row in map(mask_field_row, field_rows(left, right)):
        table.add_row(row.field, Text(row.left), AGREEMENT_MARKS[row.agreement], Text(row.right))
    return table


def review_panel(item: ReviewItem, left: StoredRecord, right: StoredRecord, position: str) -> Group:
    """One queue item: header with impact, both sides, the evidence and the explanation."""
    p = item.parts
    score = "no score" if item.score is None else f"p={item.score:.3f}, weight {item.weight or 0.0:+.2f}"
    if item.evidence_pair is not None and item.evidence_pair != item.pair:
        score = f"refused link {item.evidence_pair[0]} ~ {item.evidence_pair[1]}: {score}"
    head = (
        f"[bold]{position}[/]  {'chain-guard report' if item.kind == 'guard' else 'proposed merge'}  "
        f"records {item.left} ~ {item.right}  ({score})\n"
        f"impact [bold]{item.impact:.2f}[/]: {p.records} records involved, {p.moving_interactions} interactions "
        f"would move, {len(p.shared_identifiers)} shared identifiers, changed {p.last_changed:%Y-%m-%d}"
    )
    if item.kind == "guard":
        chain = " ~ ".join(str(r) for r in item.chain)
        head += f"\nguard: {escape(item.guard_reason)} (chain {chain})"
    evidence = evidence_table(item.evidence)
    if item.evidence_pair is not None and item.evidence_pair != item.pair:
        evidence.title = f"evidence of the link {item.evidence_pair[0]} ~ {item.evidence_pair[1]} the guard refused"
    parts: list[Panel | Table | Text] = [Panel(head), sides_table(left, right, item), evidence]
    if item.explanation:
        parts.append(Text(f"why: {item.explanation}"))
    return Group(*parts)


def events_table(events: Sequence[ChangeEvent]) -> Table:
    """The change feed as a table."""
    table = Table(title="changes", title_justify="left")
    for col in ("id", "at (UTC)", "type", "person", "other", "record", "cause"):
        table.add_column(col)
    for e in events:
        table.add_row(
            str(e.id),
            e.at.strftime("%Y-%m-%d %H:%M:%S"),
            e.type,
            str(e.person_id or ""),
            str(e.other_person_id or ""),
            str(e.record_id or ""),
            Text(e.cause),
        )
    return table


def quality_table(estimates: Sequence[QualityEstimate]) -> Table:
    """Precision estimates with their intervals."""
    implied = max((q.implied for q in estimates), default=0)
    note = f" ({implied} decisions implied by splits left out)" if implied else ""
    table = Table(title=f"precision from stewards' explicit decisions{note}", title_justify="left")
    for col in ("links", "stored", "same", "different", "unsure", "precision", "interval"):
        table.add_column(col, justify="right")
    for q in estimates:
        precision = "-" if q.precision is None else f"{q.precision:.3f}"
        table.add_row(
            q.status.value,
            f"{q.links:,}",
            str(q.same),
            str(q.different),
            str(q.unsure),
            precision,
            f"{q.low:.3f} – {q.high:.3f} ({q.confidence:.0%})",
        )
    return table
