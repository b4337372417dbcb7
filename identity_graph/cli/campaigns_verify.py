"""`idgraph campaigns verify TEXT`: is this email, number, link or offer ours? (`-` reads pasted headers from stdin)."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from identity_graph.cli.app import audit, console, state
from identity_graph.errors import InputError

if TYPE_CHECKING:
    from identity_graph.campaigns.verify_store import Checked

#: Colour of each answer at the terminal.
ANSWER_STYLES = {"ours_live": "green", "ours_not_live": "yellow", "lookalike": "bold red", "not_ours": "cyan"}


def _text(argument: str) -> str:
    """The paste: the argument, or standard input for `-` (raw headers, several lines)."""
    if argument != "-":
        return argument
    from identity_graph.campaigns.verify import MAX_PASTE_CHARS

    data = sys.stdin.read(MAX_PASTE_CHARS + 1)
    if len(data) > MAX_PASTE_CHARS:
        raise InputError(f"the pasted text is longer than {MAX_PASTE_CHARS:,} characters; paste the headers only")
    return data


def print_checked(checked: Checked) -> None:
    """The answer in colour, the sentence, the evidence, the campaign's guidance and the customer's touches."""
    style = ANSWER_STYLES.get(checked.answer.value, "bold")
    console.print(f"[{style}]{escape(checked.label)}[/] (how sure: {checked.confidence} out of 100)", highlight=False)
    console.print(escape(checked.sentence), highlight=False, soft_wrap=True)
    if len(checked.evidence) > 1:
        console.print("[bold]Why[/]")
        for line in (e for e in checked.evidence if e != checked.sentence):
            console.print(f"  - {escape(line)}", highlight=False, soft_wrap=True)
    if checked.customer is not None:
        console.print(f"[bold]{escape(checked.customer.sentence)}[/]", highlight=False, soft_wrap=True)
    campaign = checked.campaign
    if campaign is None:
        return
    from identity_graph.campaigns.verify import LOOKALIKE_SCRIPT

    console.print(f"[bold]{escape(campaign.name)}[/] ({escape(campaign.campaign_id)}), {escape(campaign.when)}")
    g = campaign.guidance
    script = ("Say instead", LOOKALIKE_SCRIPT) if checked.answer.value == "lookalike" else ("Script", g.script)
    for label, text in (("The offer is", g.offer_is), ("It is not", g.offer_is_not), script):
        if text:
            console.print(f"  [bold]{label}[/]: {escape(text)}", highlight=False, soft_wrap=True)
    for item in g.faq:
        console.print(f"  Q: {escape(item.question)}\n  A: {escape(item.answer)}", highlight=False, soft_wrap=True)


def verify(
    ctx: typer.Context,
    text: Annotated[
        str,
        typer.Argument(help="What the caller has: an address, a domain, a link, a number, a subject; - reads stdin."),
    ],
    person: Annotated[
        int | None, typer.Option("--person", min=1, help="The customer on screen: say whether they were sent it.")
    ] = None,
    region: Annotated[
        str | None, typer.Option("--region", help="Region for numbers typed without +country (default: settings).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the answer as JSON.")] = False,
) -> None:
    """Say whether an email, domain, link, number, subject, offer code or raw mail headers are ours: ours and
    live, ours but not live now, a look-alike of ours (possible phishing), or not ours; how sure, and why."""
    from identity_graph.campaigns.clock import campaign_now
    from identity_graph.campaigns.verify_store import verify_in_store

    st = state(ctx)
    checked = verify_in_store(
        st.store(), _text(text), region=region or st.settings.matching.default_region, person_id=person,
        now=campaign_now(st.settings),
    )  # fmt: skip
    target = f"person:{checked.customer.person_id}" if checked.customer else (f"person:{person}" if person else "")
    audit(ctx, "verify", target, f"answer={checked.answer.value}")
    if as_json:
        console.print_json(checked.model_dump_json())
        return
    print_checked(checked)
