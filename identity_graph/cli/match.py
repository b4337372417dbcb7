"""Matching commands: `resolve`, `blocking-report`, `explain`, `train`."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError
from rich.markup import escape
from rich.table import Table

from identity_graph.cli.app import app, audit, console, record_id, state
from identity_graph.cli.progress import stage_progress
from identity_graph.errors import ConfigError
from identity_graph.resolve import (
    PairExplanation,
    ResolveSummary,
    explain_pair,
    read_model_file,
    resolve_records,
    save_model,
    train_from_judgements,
    train_store,
)
from identity_graph.resolve.batch import MIN_TRAINING_PAIRS, batch_state
from identity_graph.resolve.configured import resolve_configured
from identity_graph.resolve.plan import ENGINES
from identity_graph.resolve.summary import Progress
from identity_graph.resolve.training import load_model
from identity_graph.settings import ResolveSettings, Settings, StewardSettings
from identity_graph.steward.rank_cache import review_ranking
from identity_graph.store.protocol import GraphStore

#: `resolve --changed` with more changed records than this runs a full batch instead.
CHANGED_LIMIT = 5_000
#: Width of the widest bar in `explain`'s chart, in characters.
BAR_WIDTH = 24


def _summary_table(summary: ResolveSummary, title: str) -> Table:
    """A resolve summary as a two-column table."""
    table = Table(title=title, title_justify="left")
    table.add_column("what")
    table.add_column("value", justify="right")
    rows = [
        ("records", summary.records),
        ("candidate pairs", summary.candidate_pairs),
        ("auto links", summary.edges_auto),
        ("links to review", summary.edges_review),
        ("persons", summary.persons),
        ("persons created / merged / split", f"{summary.created} / {summary.merged} / {summary.split}"),
        ("records moved", summary.moved_records),
        ("chains stopped by the guard (new)", summary.guard_reports),
        ("model", f"{summary.model_version}{' (trained now)' if summary.trained else ''}"),
    ]
    for key, value in rows:
        table.add_row(key, f"{value:,}" if isinstance(value, int) else str(value))
    for stage, seconds in summary.seconds.items():
        table.add_row(f"[dim]{stage} (s)[/]", f"[dim]{seconds:.2f}[/]")
    return table


def _audit_detail(mode: str, summary: ResolveSummary) -> str:
    """The audit entry of a resolve run: its mode and counts (never a name or a value)."""
    return (
        f"mode={mode} records={summary.records} persons={summary.persons} created={summary.created} "
        f"merged={summary.merged} split={summary.split} moved={summary.moved_records}"
    )


def _with_engine(settings: Settings, engine: str | None, master: str | None, memory: str | None) -> Settings:
    """The settings with `--engine`, `--master` and `--memory` (those given) over `[resolve]`; a wrong one is a
    readable error naming its option."""
    given = {"engine": engine, "master": master, "memory": memory}
    chosen = {**settings.resolve.model_dump(), **{k: v for k, v in given.items() if v is not None}}
    try:
        resolve = ResolveSettings.model_validate(chosen)
    except ValidationError as exc:
        error = exc.errors()[0]
        field = str(error["loc"][0]) if error["loc"] else "engine"
        if field == "engine":
            message = f"must be one of {', '.join(ENGINES)}, not {chosen['engine']!r}"
        else:
            message = str(error["msg"]).removeprefix("Value error, ")
        raise typer.BadParameter(message, param_hint=f"--{field}") from None
    return settings.model_copy(update={"resolve": resolve})


def _rank_queue(store: GraphStore, weights: StewardSettings, summary: ResolveSummary) -> None:
    """Rank the review queue now, after the links changed, so the steward's first open is at once."""
    started = time.perf_counter()
    if review_ranking(store, weights, datetime.now(UTC)) is not None:
        summary.seconds["ranking the review queue"] = time.perf_counter() - started


@app.command()
def resolve(
    ctx: typer.Context,
    retrain: Annotated[bool, typer.Option("--retrain", help="Train a new model by EM even if one is saved.")] = False,
    changed: Annotated[
        bool, typer.Option("--changed", help="Only resolve records new or changed since the last run.")
    ] = False,
    engine: Annotated[
        str | None,
        typer.Option(
            "--engine",
            help="What runs a full batch: duckdb (in this process, spills to disk), spark (Spark SQL on --master) "
            "or python (the path without a plan). All three give the same links and persons. "
            "\\[default: the \\[resolve] engine setting, duckdb]",
            show_default=False,
        ),
    ] = None,
    master: Annotated[
        str | None,
        typer.Option(
            "--master",
            help="Spark's master with --engine spark: local[2], spark://host:7077, yarn. "
            "\\[default: the \\[resolve] master setting, local\\[2]]",
            show_default=False,
        ),
    ] = None,
    memory: Annotated[
        str | None,
        typer.Option(
            "--memory",
            help="DuckDB's memory limit with --engine duckdb, e.g. 2GB (past it, it spills to disk). "
            "\\[default: the \\[resolve] memory setting, 512MB]",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Link records into persons: block, score with the model (trained by EM when needed), cluster."""
    st = state(ctx)
    settings = _with_engine(st.settings, engine, master, memory)
    store = st.store()
    summary: ResolveSummary | None

    def batch(update: Progress, retrain: bool = False) -> ResolveSummary:
        return resolve_configured(store, settings, progress=update, retrain=retrain)

    with stage_progress() as update:
        if changed:
            ids = [r.id for batch in store.iter_records(dirty_only=True) for r in batch]
            if len(ids) > CHANGED_LIMIT:  # that many changes: one batch run is faster than the real-time path
                summary = batch(update)
            else:
                summary = resolve_records(store, ids, settings, cause="resolve --changed") if ids else None
        else:
            summary = batch(update, retrain)
    mode = "changed" if changed else "full"
    if summary is not None:
        _rank_queue(store, settings.steward, summary)
    if summary is None:
        audit(ctx, "resolve", "", f"mode={mode} records=0")
        console.print("nothing changed since the last run")
        return
    audit(ctx, "resolve", "", f"{_audit_detail(mode, summary)} engine={settings.resolve.engine}")
    console.print(_summary_table(summary, "resolve"))


@app.command("blocking-report")
def blocking_report(ctx: typer.Context) -> None:
    """Show how many candidate pairs each blocking pass makes and its largest blocks."""
    st = state(ctx)
    store = st.store()
    with stage_progress() as update:
        bs = batch_state(store, st.settings.matching, load_model(store, st.settings.matching), update)
    table = Table(title=f"blocking ({len(bs.table):,} records, {len(bs.reps.rows):,} distinct)", title_justify="left")
    for col in ("pass", "pairs", "blocks", "skipped blocks", "skipped records", "largest blocks"):
        table.add_column(col, justify="left" if col in ("pass", "largest blocks") else "right")
    for s in bs.cands.stats:
        largest = ", ".join(f"{escape(k)} ({n})" for k, n in s.largest[:3])
        table.add_row(
            s.name, f"{s.pairs:,}", f"{s.blocks:,}", f"{s.skipped_blocks:,}", f"{s.skipped_records:,}", largest
        )
    table.add_row("[bold]all (deduplicated)[/]", f"[bold]{bs.cands.li.size:,}[/]", "", "", "", "")
    console.print(table)
    console.print(f"values shared by more than {st.settings.matching.max_block_size} records are skipped")


def _bar(weight: float, scale: float) -> str:
    """A small horizontal bar for a weight: green right of zero, red left."""
    n = round(abs(weight) / scale * BAR_WIDTH) if scale else 0
    return f"[green]{'█' * n}[/]" if weight >= 0 else f"[red]{'█' * n}[/]"


def explanation_table(ex: PairExplanation) -> Table:
    """The comparisons of a pair as a table with a weight bar chart."""
    table = Table(title=f"records {ex.left_id} and {ex.right_id}", title_justify="left")
    for col in ("comparison", "level", "weight", "", "detail"):
        table.add_column(col, justify="right" if col == "weight" else "left")
    scale = max((abs(e.weight) for e in ex.evidence), default=1.0)
    for e in sorted(ex.evidence, key=lambda e: -e.weight):
        table.add_row(e.comparison, e.level, f"{e.weight:+.2f}", _bar(e.weight, scale), escape(e.detail))
    for name in ex.unknown:
        table.add_row(f"[dim]{name}[/]", "[dim]unknown[/]", "[dim]0[/]", "", "[dim]one side has no value[/]")
    table.add_row(
        "[dim]prior[/]", "", f"[dim]{ex.prior_weight:+.2f}[/]", "", "[dim]share of candidate pairs that match[/]"
    )
    return table


@app.command()
def explain(
    ctx: typer.Context,
    left: Annotated[str, typer.Argument(help="A record id or source/source_id.")],
    right: Annotated[str, typer.Argument(help="Another record id or source/source_id.")],
) -> None:
    """Explain why two records are (or are not) one person: each comparison's level and weight."""
    st = state(ctx)
    store = st.store()
    ex = explain_pair(store, record_id(store, left), record_id(store, right), st.settings)
    console.print(explanation_table(ex))
    status = ex.status + (" (held back by a veto)" if ex.vetoed and ex.status != "auto" else "")
    console.print(f"total weight [bold]{ex.weight:+.2f}[/] → match probability [bold]{ex.score:.4f}[/]: {status}")
    console.print(f"[italic]{escape(ex.sentence)}[/]")
    if ex.stored is not None:
        console.print(f"[dim]stored link: {ex.stored.status.value}, probability {ex.stored.score:.4f}[/]")


@app.command()
def train(
    ctx: typer.Context,
    out: Annotated[Path | None, typer.Option("--out", help="Also write the model to this JSON file.")] = None,
    load: Annotated[
        Path | None, typer.Option("--import", help="Import a model file into the store instead of training.")
    ] = None,
    from_judgements: Annotated[
        bool, typer.Option("--from-judgements", help="Re-estimate m from the stewards' decisions.")
    ] = False,
) -> None:
    """Train the match model by EM (or from steward decisions, or import a file) and save it in the store."""
    st = state(ctx)
    store = st.store()
    if load is not None and from_judgements:
        raise ConfigError("--import and --from-judgements do not go together")
    with stage_progress() as update:
        if load is not None:
            model = read_model_file(load, st.settings.matching)
            save_model(store, model)
        elif from_judgements:
            model = train_from_judgements(store, st.settings)
        else:
            model = train_store(store, st.settings, progress=update)
    if out is not None:
        try:
            out.write_text(model.to_json(), encoding="utf-8")
        except OSError as exc:
            raise ConfigError(f"cannot write {out}: {exc.strerror}") from exc
    kept = load is not None or model.pairs >= MIN_TRAINING_PAIRS
    console.print(
        f"model {model.version} ({model.trained_by}, {model.pairs:,} pairs, prior {model.prior:.4f}) "
        + ("saved" if kept else f"not saved: fewer than {MIN_TRAINING_PAIRS} candidate pairs to learn from")
        + (f", written to {out}" if out else "")
    )
