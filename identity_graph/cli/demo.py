"""`idgraph demo`: load the bundled sample into a fresh store, resolve, show one profile, serve the UI."""

from __future__ import annotations

from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from identity_graph.cli.app import app, console, err_console, state
from identity_graph.cli.demo_campaigns import (
    DEMO_ACTOR,
    briefing_lines,
    briefing_url,
    read_demo_campaigns,
    register_registry,
)
from identity_graph.cli.ingest import print_summary
from identity_graph.cli.progress import stage_progress
from identity_graph.cli.render import profile_panel
from identity_graph.errors import ConfigError
from identity_graph.evaluate import evaluate
from identity_graph.ingest_manifest import load_manifest, manifest_size, read_manifest
from identity_graph.profile import build_profile
from identity_graph.resolve import ResolveSummary
from identity_graph.resolve.configured import resolve_configured
from identity_graph.settings import CampaignSettings, Settings, load_settings
from identity_graph.showcase import showcase_person
from identity_graph.store import SQLiteStore, TimelineQuery, open_store

#: Metadata key marking a store as made by `idgraph demo` (only such a store is ever overwritten).
DEMO_MARK = "demo"
#: Where the demo store goes when no --db is given.
DEFAULT_DEMO_DB = Path("demo.db")
#: Timeline items shown in the demo's profile.
DEMO_TIMELINE_ITEMS = 12


def sample_dir() -> Path:
    """The bundled sample data set shipped inside the package."""
    return Path(str(resources.files("identity_graph") / "sample"))


def _fresh_store(path: Path) -> SQLiteStore:
    """Open an empty store at `path`, replacing an earlier demo store but never anything else."""
    if path.exists():
        existing = open_store(path)
        is_demo = existing.get_meta(DEMO_MARK) == "1"
        existing.close()
        if not is_demo:
            raise ConfigError(f"{path} holds a store that `idgraph demo` did not make; give another --db")
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    store = open_store(path)
    store.set_meta(DEMO_MARK, "1")
    return store


def _summary(store: SQLiteStore, data: Path) -> Table:
    """Records, interactions, persons and links after resolving, with accuracy against the sample's truth."""
    counts = store.counts()
    table = Table(title="resolved", title_justify="left")
    table.add_column("what")
    table.add_column("count", justify="right")
    for key in ("records", "interactions", "identifiers", "persons", "edges_auto", "edges_review"):
        table.add_row(key.replace("edges_", "links: ").replace("_", " "), f"{counts.get(key, 0):,}")
    truth = data / "truth.csv"
    if truth.exists():
        s = evaluate(store, truth)
        table.add_row("pairwise precision / recall", f"{s.precision:.3f} / {s.recall:.3f}")
    return table


def _load(store: SQLiteStore, data: Path, settings: Settings) -> None:
    """Load every file of the sample's manifest with a progress bar, then print the load summary."""
    manifest = data / "manifest.toml"
    entries = read_manifest(manifest, settings)
    columns = (TextColumn("loading sample"), BarColumn(), TimeElapsedColumn())
    with Progress(*columns, console=err_console, transient=True) as bar:
        task = bar.add_task("load", total=manifest_size(entries))
        results = load_manifest(
            store, manifest, settings, entries=entries, progress=lambda done: bar.update(task, completed=done)
        )
    for r in results:  # audited as `idgraph load` audits them, so the admin's log shows the demo's loads
        run = f"run={r.run_id} " if r.run_id is not None else ""
        detail = f"{run}loaded={r.stats.loaded} updated={r.stats.updated}"
        store.add_audit(actor=DEMO_ACTOR, action="ingest", target=f"source:{r.source}", detail=detail)
    print_summary(results)


def _audit_resolve(store: SQLiteStore, summary: ResolveSummary, engine: str) -> None:
    """The demo's resolve run in the audit log, as `idgraph resolve` writes it (counts and the engine only)."""
    detail = (
        f"mode=full records={summary.records} persons={summary.persons} created={summary.created} "
        f"merged={summary.merged} split={summary.split} moved={summary.moved_records} engine={engine}"
    )
    store.add_audit(actor=DEMO_ACTOR, action="resolve", target="", detail=detail)


@app.command()
def demo(
    ctx: typer.Context,
    serve: Annotated[bool, typer.Option("--serve/--no-serve", help="Serve the web UI after printing.")] = True,
    data: Annotated[
        Path | None, typer.Option(help="A data folder with manifest.toml [default: the bundled sample].")
    ] = None,
    port: Annotated[int | None, typer.Option(help="Port for the UI [default: service.port].")] = None,
) -> None:
    """Load the sample into a fresh store, resolve, print a summary and one profile, then serve the UI."""
    st = state(ctx)
    folder = data or sample_dir()
    if not (folder / "manifest.toml").exists():
        raise ConfigError(f"{folder} has no manifest.toml")
    config = st.config or (folder / "idgraph.toml" if (folder / "idgraph.toml").exists() else None)
    settings = load_settings(config, db=st.db or DEFAULT_DEMO_DB)
    store = _fresh_store(settings.db)
    extra = read_demo_campaigns(folder / "manifest.toml")
    if extra.as_of is not None and settings.campaigns.as_of is None:  # the sample ended in the past: its "now"
        settings = settings.model_copy(update={"campaigns": CampaignSettings(as_of=extra.as_of)})
    try:
        _load(store, folder, settings)
        if extra.registry is not None:
            for line in register_registry(store, extra.registry, settings):
                console.print(line, highlight=False)
        with stage_progress() as update:
            summary = resolve_configured(store, settings, progress=update)
        _audit_resolve(store, summary, settings.resolve.engine)
        console.print(_summary(store, folder))
        if extra.registry is not None:
            console.print("\n" + "\n".join(briefing_lines(store, settings, extra.as_of)), highlight=False)
        person = showcase_person(store)
        if person is not None:
            console.print(f"\n[bold]A customer seen on several channels[/] (idgraph profile --person {person}):")
            profile = build_profile(store, person, settings, TimelineQuery(limit=DEMO_TIMELINE_ITEMS))
            console.print(profile_panel(profile))
        if serve:
            _serve(store, settings, port, extra.as_of)
    finally:
        store.close()


def _serve(store: SQLiteStore, settings: Settings, port: int | None, as_of: datetime | None = None) -> None:
    """Create an admin token, print the URL (and the briefing's) and the token, and serve until interrupted."""
    from identity_graph.service import serve as run
    from identity_graph.service.auth import Role, create_token

    secret, _ = create_token(store, Role.ADMIN, "demo")
    where = f"http://{settings.service.host}:{port or settings.service.port}/"
    console.print(f"\n[bold green]web UI[/] at {where}\nthe lead's briefing at {briefing_url(where, as_of)}")
    console.print("sign in with this admin token (shown once): ")
    console.print(secret, highlight=False, soft_wrap=True)
    err_console.print("Ctrl-C stops the server.")
    run(settings, settings.db, None, port)
