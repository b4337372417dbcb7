"""The small text files beside the data: load manifest, settings, the ESP mapping and a README."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from identity_graph.generate import constants as c
from identity_graph.generate.calls import SERVER_UTC_OFFSET
from identity_graph.generate.campaigns import SAFETY_LINE, registry_text

#: The campaign registry file of a data set (named by manifest.toml's `campaigns` key).
REGISTRY = "campaigns/campaigns.toml"


@dataclass(frozen=True, slots=True)
class Load:
    """One `[[load]]` step: a format, the source name to load it under, its files and its mapping."""

    format: str
    source: str
    paths: tuple[str, ...]
    mapping: str | None = None
    about: str = ""


#: Every load step, in load order (CRMs first so later channels meet known people).
LOADS = (
    Load("salesforce", "crm", ("crm/contacts.csv",), about="Salesforce Contact export (CSV with header)."),
    Load("hubspot", "hubspot", ("crm/hubspot.csv",), about="HubSpot contacts export of the acquired brand."),
    Load(
        "asterisk",
        "calls",
        ("calls/Master.csv",),
        "mappings/asterisk.toml",
        about="Asterisk CDR Master.csv, no header, all fields quoted, in the PBX's local time.",
    ),
    Load("mbox", "support_mail", ("mail/support.mbox",), about="Support mailbox: customer threads, staff notes."),
    Load("esp-csv", "marketing", ("marketing/sends.csv",), "mappings/esp.toml", about="ESP send/event log."),
    Load("x-api-v2", "x", ("social/x_pages.jsonl",), about="X API v2 search pages, one JSON object per line."),
)
#: The ESP mapping: canonical field -> column of sends.csv.
ESP_FIELDS = ("email", "first_name", "campaign_id", "campaign_name", "sent_at", "from_address", "subject", "event")
#: Two lines about each file in README.txt.
README_LINES = {
    "crm/contacts.csv": "Salesforce Contact export (18-char 003... ids); some people have two contacts.\n"
    "Names with nicknames, typos and swaps; phones in many formats, extensions on work numbers.",
    "crm/hubspot.csv": "HubSpot contacts export of an acquired brand: a minority of people, overlapping with\n"
    "Salesforce; states sometimes spelled out.",
    "calls/Master.csv": "Asterisk CDR (no header): inbound calls (from-pstn) with carrier caller-ID, agent callbacks\n"
    "and agent-to-agent calls (from-internal); household lines and a company switchboard are shared.",
    "mail/support.mbox": "Support mail threads (agent replies threaded by In-Reply-To/References), a family mailbox,\n"
    "staff-only notes, phone numbers of other people written in bodies (weak evidence).",
    "marketing/sends.csv": "Marketing platform event log (sent/open/click/bounce/unsubscribe), one row per event;\n"
    "read with mappings/esp.toml.",
    "social/x_pages.jsonl": "X API v2 search result pages of posts mentioning @" + c.OUR_BRAND_HANDLE + ";\n"
    "authors in includes.users: customers (some anonymous), strangers and a namesake.",
    REGISTRY: 'The campaign registry (TOML, docs/campaigns.md): a new sending domain, a "call us now" mail with\n'
    "its own line, a one-hour flash sale on X and a sale starting soon; `idgraph demo` registers it.",
    "manifest.toml": "What to load, in order: format, source name, paths and mapping of each step.\n"
    "`idgraph load manifest.toml` reads it.",
    "idgraph.toml": "Settings for this data set: our own numbers, contexts, domains and addresses\n"
    "(never customers), and the default phone region.",
    "truth.csv": "The true person of every native item (source,source_id,person_id); T... are customers,\n"
    "S... strangers who are not; empty for items with no customer (staff mail, internal calls).",
}


def _toml_list(values: tuple[str, ...] | list[str]) -> str:
    """A TOML array of strings."""
    return "[" + ", ".join(json.dumps(v) for v in values) + "]"


def manifest_text() -> str:
    """`manifest.toml`: the campaign registry file, then `[[load]]` tables in load order."""
    parts = [
        "# Load order of this data set; paths are relative to this file.\n",
        "# The campaign registry `idgraph demo` registers (`idgraph campaigns load` reads it too), and the moment\n"
        "# the data ends (the demo's briefing is shown as of then).\n",
        f'campaigns = "{REGISTRY}"\n',
        f"as_of = {c.ANCHOR:%Y-%m-%dT%H:%M:%SZ}\n",
    ]
    for load in LOADS:
        parts.append(f'\n[[load]]\nformat = "{load.format}"\nsource = "{load.source}"\n')
        parts.append(f"paths = {_toml_list(load.paths)}\n")
        if load.mapping:
            parts.append(f'mapping = "{load.mapping}"\n')
    return "".join(parts)


def settings_text() -> str:
    """`idgraph.toml`: our own side and the matching region."""
    addresses = [*c.SUPPORT_ADDRESSES, c.NEWSLETTER_ADDRESS]
    return (
        "# Settings for this generated data set (see docs/sample-data.md).\n\n[own_side]\n"
        f"phone_numbers = {_toml_list([*c.HOTLINES, SAFETY_LINE])}\n"
        f"contexts = {_toml_list([c.AGENT_CONTEXT])}\n"
        f"email_domains = {_toml_list([c.OUR_DOMAIN])}\n"
        f"email_addresses = {_toml_list(addresses)}\n"
        f"handles = {_toml_list([f'x:{c.OUR_BRAND_HANDLE.lower()}'])}\n\n"
        '[matching]\ndefault_region = "US"\n'
    )


def esp_mapping_text() -> str:
    """`mappings/esp.toml`: the send log's id column and canonical fields."""
    lines = "".join(f'{name} = "{name}"\n' for name in ESP_FIELDS)
    return f'# Mapping of marketing/sends.csv for the esp-csv format.\nid = "event_id"\n\n[fields]\n{lines}'


def asterisk_mapping_text() -> str:
    """`mappings/asterisk.toml`: the PBX writes local time (no `usegmtime`), this many hours from UTC."""
    name = f"Etc/GMT{-SERVER_UTC_OFFSET:+d}"  # POSIX names count the other way: Etc/GMT+8 is UTC-8
    head = f"# The contact center's PBX writes its local time (UTC{SERVER_UTC_OFFSET:+d}).\n"
    return f'{head}[options]\ntimezone = "{name}"\n'


def readme_text(people: int, seed: int) -> str:
    """`README.txt`: what each file holds, two lines each."""
    head = f"Synthetic identity-graph data set: {people} people, seed {seed} (idgraph generate).\n"
    body = "".join(f"\n{name}\n{text}\n" for name, text in README_LINES.items())
    return head + "All names, numbers (555-01xx) and addresses are fictional.\n" + body


def write_side_files(out: Path, people: int, seed: int) -> None:
    """Write manifest.toml, idgraph.toml, mappings/esp.toml, the campaign registry and README.txt into out."""
    (out / "mappings").mkdir(parents=True, exist_ok=True)
    (out / REGISTRY).parent.mkdir(parents=True, exist_ok=True)
    files = {
        "manifest.toml": manifest_text(),
        "idgraph.toml": settings_text(),
        "mappings/esp.toml": esp_mapping_text(),
        "mappings/asterisk.toml": asterisk_mapping_text(),
        REGISTRY: registry_text(),
        "README.txt": readme_text(people, seed),
    }
    for name, text in files.items():
        (out / name).write_text(text, encoding="utf-8", newline="\n")
