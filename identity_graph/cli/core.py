"""Commands for reading the graph: `status`, `profile`, `whois`, `export clusters`, `evaluate`."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from identity_graph.cli.app import app, audit, console, err_console, state
from identity_graph.cli.render import hits_table, print_whois, profile_panel
from identity_graph.errors import ConfigError, InputError, NotFound
from identity_graph.evaluate import evaluate as evaluate_store
from identity_graph.evaluate import write_clusters
from identity_graph.limits import MAX_ID
from identity_graph.lookup import LookupKind, lookup
from identity_graph.masking import mask_profile
from identity_graph.model import Channel
from identity_graph.profile import build_profile
from identity_graph.store.protocol import TimelineQuery

export_app = typer.Typer(help="Export what the graph knows, for other tools.", no_args_is_help=True)
app.add_typer(export_app, name="export")

#: A lookup's best hit is shown as a profile when the runner-up scores at most this share of it.
CLEAR_WINNER_SHARE = 0.8


@app.command()
def status(ctx: typer.Context) -> None:
    """Show how many records, interactions, identifiers, persons and links the store holds."""
    counts = state(ctx).store().counts()
    table = Table(title=f"store {state(ctx).settings.db}")
    table.add_column("what")
    table.add_column("count", justify="right")
    for key, value in counts.items():
        table.add_row(key.replace("_", " "), f"{value:,}")
    console.print(table)


def _lookup_args(
    phone: str | None, email: str | None, handle: str | None, name: str | None
) -> tuple[str, LookupKind] | None:
    """The one search given on the command line, with its kind."""
    given = [
        (v, k)
        for v, k in (
            (phone, LookupKind.PHONE),
            (email, LookupKind.EMAIL),
            (handle, LookupKind.HANDLE),
            (name, LookupKind.NAME),
        )
        if v
    ]
    if len(given) > 1:
        raise ConfigError("give one of --phone, --email, --handle, --name or --person")
    return given[0] if given else None


@app.command()
def profile(
    ctx: typer.Context,
    phone: Annotated[str | None, typer.Option(help="A phone number in any format.")] = None,
    email: Annotated[str | None, typer.Option(help="An email address.")] = None,
    handle: Annotated[str | None, typer.Option(help="A social handle (@name, x:name or a profile URL).")] = None,
    name: Annotated[str | None, typer.Option(help="A person's name (words may be partial).")] = None,
    person: Annotated[int | None, typer.Option(min=1, max=MAX_ID, help="A person id.")] = None,
    channel: Annotated[list[Channel] | None, typer.Option(help="Only these channels on the timeline.")] = None,
    since: Annotated[datetime | None, typer.Option(help="Only interactions at or after this time.")] = None,
    limit: Annotated[int, typer.Option(min=1, help="Timeline items to show.")] = 20,
    why: Annotated[bool, typer.Option("--why", help="Say why each timeline item is on the profile.")] = False,
    unmasked: Annotated[
        bool, typer.Option("--unmasked", help="Show national ids, passports, licences, tax ids, accounts whole.")
    ] = False,
) -> None:
    """Show one person: who, every identifier with its sources, and the cross-channel timeline."""
    st = state(ctx)
    store = st.store()
    if person is None:
        search = _lookup_args(phone, email, handle, name)
        if search is None:
            raise ConfigError("give one of --phone, --email, --handle, --name or --person")
        hits = lookup(store, search[0], st.settings, search[1])
        if not hits:
            raise NotFound(f"no person found for that {search[1].value}")
        clear = len(hits) == 1 or hits[1].score <= CLEAR_WINNER_SHARE * hits[0].score
        audit(ctx, "lookup", f"kind:{search[1].value}", f"hits={len(hits)}")
        if not clear:
            console.print(hits_table(hits, f"{len(hits)} persons match; pick one with --person"))
            return
        person = hits[0].person_id
    query = TimelineQuery(limit=limit, channels=tuple(channel or ()), since=since)
    shown = build_profile(store, person, st.settings, query)
    audit(ctx, "profile.read", f"person:{shown.person_id}", "unmasked" if unmasked else "")
    shown = shown if unmasked else mask_profile(shown, None)
    from identity_graph.header import profile_header

    header = profile_header(store, shown, st.settings.matching.default_region)
    console.print(profile_panel(shown, why=why, header=header))


@app.command("whois")
def whois_command(
    ctx: typer.Context,
    handle: Annotated[str, typer.Argument(help="A handle (@name, x:name) or a profile URL.")],
) -> None:
    """Say who a social handle likely is: the candidate persons, a confidence and the evidence."""
    from identity_graph.whois import whois

    if not handle.strip():
        raise InputError("nothing to look up: give a handle (@name, x:name) or a profile URL")
    st = state(ctx)
    answer = whois(st.store(), handle, st.settings)
    audit(ctx, "whois", "", f"candidates={len(answer.candidates)}")
    print_whois(console, answer)


@export_app.command("clusters")
def export_clusters(
    ctx: typer.Context,
    out: Annotated[Path, typer.Option("--out", help="CSV file to write.", dir_okay=False)],
) -> None:
    """Write `source,source_id,kind,person_id` for every ingested record and interaction."""
    n = write_clusters(state(ctx).store(), out)
    audit(ctx, "export.clusters", "", f"rows={n}")
    err_console.print(f"wrote {n:,} rows to {out}")


@app.command()
def evaluate(
    ctx: typer.Context,
    truth: Annotated[Path, typer.Option("--truth", help="CSV with source,source_id,person_id.", exists=True)],
) -> None:
    """Score the current clustering against a truth file: pairwise P/R/F1, B-cubed F1, largest cluster."""
    s = evaluate_store(state(ctx).store(), truth)
    table = Table(title=f"evaluation against {truth.name} ({s.items:,} items)")
    table.add_column("metric")
    table.add_column("value", justify="right")
    rows = [
        ("pairwise precision", f"{s.precision:.4f}"),
        ("pairwise recall", f"{s.recall:.4f}"),
        ("pairwise F1", f"{s.f1:.4f}"),
        ("B-cubed precision", f"{s.bcubed_precision:.4f}"),
        ("B-cubed recall", f"{s.bcubed_recall:.4f}"),
        ("B-cubed F1", f"{s.bcubed_f1:.4f}"),
        ("largest cluster", f"{s.largest_cluster:,} items (person {s.largest_person or '-'})"),
        ("non-customer items joined to a customer", f"{s.non_customer_joined:,}"),
        ("truth items missing from the store", f"{s.missing:,}"),
    ]
    for metric, value in rows:
        table.add_row(metric, value)
    console.print(table)
