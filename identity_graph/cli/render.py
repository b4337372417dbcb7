"""Rich renderings of profiles, lookups and who-is answers for the terminal."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Console, Group
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from identity_graph.lookup import PersonHit
from identity_graph.model import Channel, Profile, ProfileValue, Strength
from identity_graph.profile import RULE_WORDS

if TYPE_CHECKING:
    from identity_graph.header import ProfileHeader
    from identity_graph.whois import WhoIs

CHANNEL_ICONS = {
    Channel.CALL: "☎ call",
    Channel.EMAIL: "✉ email",
    Channel.SOCIAL: "# post",
    Channel.CAMPAIGN: "✦ campaign",
    Channel.CRM: "▤ crm",
}


def _sources(value: ProfileValue, limit: int = 3) -> str:
    """A short list of where a value came from."""
    names = sorted({f"{s.source}.{s.field}" for s in value.sources})
    more = f" +{len(names) - limit}" if len(names) > limit else ""
    return ", ".join(names[:limit]) + more


def _header_lines(header: ProfileHeader) -> str:
    """The web header's facts as terminal lines: phones as the home region writes them, last contact, open matter."""
    lines = []
    for label, values in (("phone", header.phones), ("email", header.emails), ("social", header.handles)):
        if values:
            lines.append(f"\n{label}: {escape(', '.join(values))}")
    if header.last_contact:
        seen = ", ".join(f"{c.channel.value} {c.at:%Y-%m-%d}" for c in header.last_contact)
        lines.append(f"\nlast contact: {seen}")
    m = header.open_matter
    open_text = f"{m.channel.value} {m.at:%Y-%m-%d} {escape(m.text)} (no reply yet)" if m else "nothing waiting"
    lines.append(f"\nopen matter: {open_text}")
    return "".join(lines)


def profile_panel(profile: Profile, *, why: bool = False, header: ProfileHeader | None = None) -> Group:
    """The profile as a header (with the web's header facts when given), identifier table and timeline table."""
    name = profile.name.value if profile.name else "(no name)"
    rule = f" [dim](name {RULE_WORDS.get(profile.name.rule, profile.name.rule)})[/]" if profile.name else ""
    facts = _header_lines(header) if header is not None else ""
    header_text = Text.from_markup(
        f"[bold]{escape(name)}[/]{rule}  person [cyan]{profile.person_id}[/]  "
        f"{len(profile.records)} records, {profile.timeline_total} interactions{facts}"
    )
    idents = Table(title="identifiers", title_justify="left", expand=True)
    for col in ("kind", "value", "from", "note"):
        idents.add_column(col)
    for v in profile.identifiers:
        notes = []
        if v.strength is Strength.MENTIONED:
            notes.append("only mentioned")
        if v.person_count > 1:
            notes.append(f"shared by {v.person_count} persons")
        idents.add_row(v.kind, Text(v.value), Text(_sources(v)), ", ".join(notes))
    for label, values in (("name", profile.names), ("address", profile.addresses), ("dob", profile.dobs)):
        for i, v in enumerate(values):
            idents.add_row(label, Text(v.value), Text(_sources(v)), v.rule if i == 0 and label != "name" else "")
    timeline = Table(title="timeline (newest first)", title_justify="left", expand=True)
    for col in ("when", "channel", "dir", "what"):
        timeline.add_column(col, overflow="fold")
    if why:
        timeline.add_column("why", overflow="fold")
    for item in profile.timeline:
        what = " · ".join(p for p in (item.subject, item.summary) if p)
        row = [item.occurred_at.strftime("%Y-%m-%d %H:%M"), CHANNEL_ICONS[item.channel], item.direction.value]
        timeline.add_row(*row, Text(what), *([Text(item.why)] if why else []))
    return Group(Panel(header_text), idents, timeline)


def hits_table(hits: list[PersonHit], title: str) -> Table:
    """Persons found by a lookup, with what tells namesakes apart (as on the web's result cards)."""
    table = Table(title=title, title_justify="left")
    for col in ("person", "name", "city", "phone", "email", "last contact", "records", "score", "matched on"):
        table.add_column(col, overflow="fold")
    for h in hits:
        last = h.last_contact.strftime("%Y-%m-%d") if h.last_contact else ""
        cells = (h.name, h.city, h.phone, h.email, last, str(h.records), f"{h.score:.2f}", "; ".join(h.matched))
        table.add_row(str(h.person_id), *(Text(c) for c in cells))
    return table


def print_whois(console: Console, answer: WhoIs) -> None:
    """Who a handle is (known, likely, not a customer, unknown), why, and the candidates with their confidence."""
    from identity_graph.display import percent

    console.print(f"[bold]{escape(answer.handle)}[/]: {escape(answer.label)}")
    console.print(f"  {escape(answer.reason)}", highlight=False)
    for line in answer.found:
        console.print(f"  [dim]{escape(line)}[/]")
    for c in answer.candidates:
        where = f" ({escape(c.city)})" if c.city else ""
        sure = percent(c.confidence)
        console.print(f"  person [cyan]{c.person_id}[/] {escape(c.name)}{where}  confidence [bold]{sure}[/]")
        for ev in c.evidence:
            console.print(f"    - {escape(ev)}", highlight=False)
