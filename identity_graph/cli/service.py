"""Commands of the service: `serve`, `token create|list|revoke`, `erase --person N`, `audit` and `push --to`."""

from __future__ import annotations

from datetime import UTC
from typing import Annotated

import typer
from rich.table import Table

from identity_graph.cli.app import app, console, err_console, state
from identity_graph.errors import ConfigError
from identity_graph.limits import MAX_ID
from identity_graph.service import audit
from identity_graph.service.auth import Role, create_token, parse_role, revoke
from identity_graph.service.runner import MAX_WORKERS, SettingsSource
from identity_graph.store import SQLiteStore, open_configured
from identity_graph.store.uri import describe, with_store

#: The audit log's actor for actions taken at the command line (whoever has the store file).
CLI_ACTOR = "cli"
#: Audit entries `idgraph audit` shows when not told.
AUDIT_LIMIT = 50

token_app = typer.Typer(help="Create, list and revoke API tokens (roles: agent, social, steward, marketing, admin).")
app.add_typer(token_app, name="token")


@app.command()
def serve(
    ctx: typer.Context,
    host: Annotated[str | None, typer.Option(help="Address to bind [default: service.host, 127.0.0.1].")] = None,
    port: Annotated[int | None, typer.Option(help="Port [default: service.port, 8765].")] = None,
    store: Annotated[
        str | None,
        typer.Option("--store", help="Serve this store: bolt://host:7687/database (a Neo4j server), or a file."),
    ] = None,
    workers: Annotated[
        int,
        typer.Option(
            min=1,
            max=MAX_WORKERS,
            help="Worker processes (one per core answers the most lookups; see docs/service.md).",
        ),
    ] = 1,
) -> None:
    """Serve the HTTP API (/api/v1) and the web UI until interrupted."""
    from identity_graph.service.runner import serve as run

    st = state(ctx)
    settings = with_store(st.settings, store) if store else st.settings
    where = f"http://{host or settings.service.host}:{port or settings.service.port}/"
    processes = f", {workers} worker processes" if workers > 1 else ""
    err_console.print(f"serving {describe(settings)} at {where}{processes} (Ctrl-C stops)")
    source = SettingsSource(config=str(st.config) if st.config else None, db=str(st.db) if st.db else None, store=store)
    run(settings, None, host, port, workers=workers, source=source)


@token_app.command("create")
def token_create(
    ctx: typer.Context,
    role: Annotated[str, typer.Option("--role", help="agent, social, steward, marketing or admin.")],
    name: Annotated[str, typer.Option("--name", help="Who or what will use it (staff, never a customer).")] = "",
) -> None:
    """Create a token and print it once (only its hash is kept)."""
    store = state(ctx).store()
    parsed: Role = parse_role(role)
    secret, stored = create_token(store, parsed, name or parsed.value)
    audit.record(store, CLI_ACTOR, "token.create", f"token:{stored.id}", f"role={stored.role}")
    err_console.print(f"token {stored.id} ({stored.role}) created; it is shown only now:")
    console.print(secret, highlight=False)


@token_app.command("list")
def token_list(ctx: typer.Context) -> None:
    """List tokens with their role and whether they are revoked (never the secrets)."""
    table = Table(title="API tokens")
    for col in ("id", "name", "role", "created", "revoked"):
        table.add_column(col)
    for t in state(ctx).store().list_tokens():
        revoked = t.revoked_at.isoformat(timespec="seconds") if t.revoked_at else ""
        table.add_row(str(t.id), t.name, t.role, t.created_at.isoformat(timespec="seconds"), revoked)
    console.print(table)


@token_app.command("revoke")
def token_revoke(
    ctx: typer.Context, token_id: Annotated[int, typer.Argument(min=1, max=MAX_ID, help="The token's id.")]
) -> None:
    """Revoke a token at once (its web sessions end too)."""
    store = state(ctx).store()
    revoke(store, token_id)
    audit.record(store, CLI_ACTOR, "token.revoke", f"token:{token_id}")
    console.print(f"token {token_id} revoked")


@app.command()
def erase(
    ctx: typer.Context,
    person: Annotated[int, typer.Option("--person", min=1, max=MAX_ID, help="The person id to erase.")],
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
) -> None:
    """Erase a person everywhere (records, identifiers, interactions, decisions), leaving tombstones."""
    from identity_graph.erasure import erase_person  # loads the matcher's feature code: only when erasing

    st = state(ctx)
    if not yes:
        typer.confirm(f"Erase person {person} and everything only they hold? This cannot be undone", abort=True)
    store = st.store()
    with console.status("erasing…"):
        result = erase_person(store, person, st.settings)
    audit.record(
        store, CLI_ACTOR, "person.erase", audit.person_target(result.person_id), f"records={len(result.record_ids)}"
    )
    counts = ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in result.counts.as_dict().items() if v)
    console.print(f"person {result.person_id} erased: {counts}")
    for path, rows in sorted(result.files.items()):  # where their rejected rows were removed
        console.print(f"  {rows} row(s) removed from quarantine file {path}", markup=False, highlight=False)


@app.command("audit")
def audit_log(
    ctx: typer.Context,
    target: Annotated[str | None, typer.Option(help="Only entries about this target, e.g. person:12.")] = None,
    limit: Annotated[int, typer.Option(min=1, help="How many entries, newest first.")] = AUDIT_LIMIT,
) -> None:
    """Show the audit log, newest first: who read or changed what, and when (ids only)."""
    store = state(ctx).store()
    names = audit.actor_names(store)  # tokens by name, as the admin page shows them
    table = Table(title="audit log")
    for col in ("id", "at (UTC)", "who", "action", "target", "detail"):
        narrow = col in ("target", "detail")  # wrap these, but never down to one letter
        table.add_column(col, no_wrap=col in ("id", "at (UTC)", "action"), min_width=8 if narrow else None)
    for e in store.audit_entries(limit, None, target):
        at = e.at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")
        table.add_row(str(e.id), at, audit.display_actor(e.actor, names), e.action, e.target, e.detail)
    console.print(table)


@app.command()
def push(
    ctx: typer.Context,
    to: Annotated[str, typer.Option("--to", help="The target store: bolt://host:7687/database, or a file.")],
    resolve: Annotated[bool, typer.Option("--resolve/--no-resolve", help="Resolve on the target after.")] = True,
) -> None:
    """Copy this store's records, interactions, steward decisions and match model to another store (e.g. a
    Neo4j server: password in IDGRAPH_STORE__NEO4J_PASSWORD), then resolve there."""
    from identity_graph.push import push as copy
    from identity_graph.resolve.configured import resolve_configured

    st = state(ctx)
    source = st.store()
    if not isinstance(source, SQLiteStore):
        raise ConfigError("push copies from the embedded store: give its file with --db")
    target_settings = with_store(st.settings, to)
    target = open_configured(target_settings)
    try:
        with console.status(f"pushing to {describe(target_settings)}…"):
            result = copy(source, target)
        s = result.stats
        console.print(
            f"pushed to {describe(target_settings)}: records {s.records_loaded} new, {s.records_updated} updated, "
            f"{s.records_unchanged} unchanged; interactions {s.interactions_loaded} new, "
            f"{s.interactions_updated} updated, {s.interactions_unchanged} unchanged; decisions {result.judgements}; "
            f"campaigns {result.campaigns} added or changed"
        )
        if resolve:
            with console.status("resolving on the target…"):
                resolve_configured(target, target_settings)  # [resolve] engine: the batch plan on DuckDB by default
            console.print(f"resolved on the target: {target.counts()['persons']} persons")
    finally:
        target.close()
