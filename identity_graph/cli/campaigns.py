"""`idgraph campaigns`: the campaign registry at the terminal (load, list, show, enrich, remove).

Heavy modules (loaders, the suffix list, the ingest pipeline) are imported inside the commands, so the group's
`--help` costs nothing. Other modules add commands to `campaigns_app` (`campaigns_app.command("verify")(fn)`).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich import box
from rich.markup import escape
from rich.table import Table

from identity_graph.cli.app import app, cli_actor, console, err_console, state
from identity_graph.cli.campaigns_briefing import briefing as briefing_command
from identity_graph.cli.campaigns_verify import verify as verify_command
from identity_graph.errors import NotFound

if TYPE_CHECKING:
    from identity_graph.campaigns.load import LoadResult
    from identity_graph.campaigns.model import Campaign

campaigns_app = typer.Typer(
    help="The campaign registry: load it from TOML, CSV or a Salesforce export, list, show, enrich and remove.",
    no_args_is_help=True,
)
app.add_typer(campaigns_app, name="campaigns")

#: The source name of Salesforce campaign members loaded by `campaigns load FOLDER`.
MEMBER_SOURCE = "salesforce-campaigns"


def _problems(result: LoadResult) -> None:
    """Each campaign set aside, with its file and line."""
    for problem in result.problems:
        err_console.print(f"[yellow]set aside[/] {escape(str(problem))}", highlight=False, soft_wrap=True)


@campaigns_app.command("load")
def load_command(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="A .toml or .csv registry file, or a Salesforce export folder.")],
    source: Annotated[
        str, typer.Option("--source", help="Source name of the Salesforce campaign members.")
    ] = MEMBER_SOURCE,
) -> None:
    """Register the campaigns of a TOML or CSV file, or of a Salesforce export folder (Campaign.csv, and
    CampaignMember.csv loaded as campaign touches). Loading again adds nothing; bad campaigns are set aside."""
    from identity_graph.campaigns.load import load_file, register

    st = state(ctx)
    if path.is_dir():
        from identity_graph.campaigns.salesforce import campaigns_from_export, export_files

        files = export_files(path)
        result = campaigns_from_export(files.campaigns, st.store().campaigns()) if files.campaigns else None
    else:
        files, result = None, load_file(path, st.settings.matching.default_region)
    if result is not None:
        _problems(result)
        counts = register(st.store(), result.campaigns, cli_actor())
        console.print(
            f"campaigns: {counts.added} added, {counts.replaced} changed, {counts.unchanged} unchanged, "
            f"{len(result.problems)} set aside",
            highlight=False,
        )
    if files is not None and files.members is not None:
        _members(ctx, files.members, source)


def _members(ctx: typer.Context, members: Path, source: str) -> None:
    """Load a CampaignMember export as campaign touches (through the ingest pipeline: quarantine, history)."""
    from identity_graph.ingest import ingest

    st = state(ctx)
    done = ingest(st.store(), "salesforce-campaign-members", source, [members], st.settings)
    for reject in done.rejects:
        err_console.print(f"[yellow]set aside[/] {escape(reject)}", highlight=False, soft_wrap=True)
    said = (
        f"campaign members: {done.stats.loaded} loaded, {done.stats.updated} changed, "
        f"{done.stats.unchanged} unchanged, {done.quarantined} set aside"
    )
    console.print(said + (f" (in {done.quarantine_file})" if done.quarantine_file else ""), highlight=False)


def campaigns_table(campaigns: list[Campaign], now: datetime) -> Table:
    """One row per campaign: id, name, channel, status now, start and end dates."""
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True)
    for name in ("id", "name", "channel", "status", "starts", "ends"):
        table.add_column(name, no_wrap=name != "name")
    for c in campaigns:
        ends = c.ends_at.strftime("%Y-%m-%d") if c.ends_at else "-"
        table.add_row(
            escape(c.campaign_id), escape(c.name), c.channel.value, c.status(now).value, f"{c.starts_at:%Y-%m-%d}", ends
        )
    return table


@campaigns_app.command("list")
def list_command(ctx: typer.Context) -> None:
    """List the registered campaigns by start: id, name, channel, live or not, dates."""
    from identity_graph.campaigns.clock import campaign_now

    st = state(ctx)
    campaigns = st.store().campaigns()
    if not campaigns:
        console.print("no campaigns registered yet (idgraph campaigns load FILE)", highlight=False)
        return
    console.print(campaigns_table(campaigns, campaign_now(st.settings)))


def _lines(campaign: Campaign) -> list[tuple[str, str]]:
    """(label, text) of every field that is set, lists joined."""
    dump = campaign.model_dump(mode="json", exclude={"guidance"})
    out = []
    for key, value in dump.items():
        text = ", ".join(value) if isinstance(value, list) else ("" if value is None else str(value))
        if text:
            out.append((key.replace("_", " "), text))
    return out


@campaigns_app.command("show")
def show_command(ctx: typer.Context, campaign_id: Annotated[str, typer.Argument(help="The campaign's id.")]) -> None:
    """Show one campaign: what it sends from and prints, and the guidance for agents."""
    from identity_graph.campaigns.clock import campaign_now

    st = state(ctx)
    campaign = st.store().campaign(campaign_id)
    if campaign is None:
        raise NotFound(f"no campaign {campaign_id!r} (idgraph campaigns list)")
    status = campaign.status(campaign_now(st.settings)).value
    console.print(f"[bold]{escape(campaign.name)}[/] ({status})", highlight=False)
    for label, text in _lines(campaign):
        console.print(f"  {label}: {escape(text)}", highlight=False, soft_wrap=True)
    g = campaign.guidance
    for label, text in (("the offer is", g.offer_is), ("it is not", g.offer_is_not), ("script", g.script)):
        if text:
            console.print(f"  [bold]{label}[/]: {escape(text)}", highlight=False, soft_wrap=True)
    for item in g.faq:
        console.print(f"  Q: {escape(item.question)}\n  A: {escape(item.answer)}", highlight=False, soft_wrap=True)


@campaigns_app.command("enrich")
def enrich_command(ctx: typer.Context) -> None:
    """Add sending domains, sender addresses, subject lines and the ESP's campaign id from the loaded send logs
    to the matching registered campaigns (matched by external id, then name)."""
    from identity_graph.campaigns.enrich import enrich_from_send_logs

    result = enrich_from_send_logs(state(ctx).store(), cli_actor())
    console.print(
        f"{result.sends:,} sends read; {len(result.enriched)} campaign(s) enriched"
        + (f": {escape(', '.join(result.enriched))}" if result.enriched else ""),
        highlight=False,
    )
    if result.unmatched:
        names = ", ".join(result.unmatched[:10])
        err_console.print(f"[yellow]not registered[/]: {escape(names)}", highlight=False, soft_wrap=True)


@campaigns_app.command("remove")
def remove_command(ctx: typer.Context, campaign_id: Annotated[str, typer.Argument(help="The campaign's id.")]) -> None:
    """Remove a campaign from the registry (its touches on profiles stay)."""
    if not state(ctx).store().delete_campaign(campaign_id, cli_actor()):
        raise NotFound(f"no campaign {campaign_id!r}")
    console.print(f"campaign {escape(campaign_id)} removed", highlight=False)


campaigns_app.command("verify")(verify_command)
campaigns_app.command("briefing")(briefing_command)
