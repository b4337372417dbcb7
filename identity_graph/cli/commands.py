"""Where each `idgraph` command lives, so a command's module is imported only when that command runs.

`idgraph --help` lists these summaries without importing any command module; `idgraph profile ...` imports
only `identity_graph.cli.core`. A new command: register it on `app` in its module as usual and add one line
here (name, module, the first sentence of its help). `tests/cli/test_import_time.py` checks that this table
names every registered command with its own help's first paragraph.
"""

from __future__ import annotations

#: command name -> (the module that registers it on `app`, its one-line summary for `idgraph --help`).
COMMANDS: dict[str, tuple[str, str]] = {
    "status": (
        "identity_graph.cli.core",
        "Show how many records, interactions, identifiers, persons and links the store holds.",
    ),
    "profile": (
        "identity_graph.cli.core",
        "Show one person: who, every identifier with its sources, and the cross-channel timeline.",
    ),
    "whois": (
        "identity_graph.cli.core",
        "Say who a social handle likely is: the candidate persons, a confidence and the evidence.",
    ),
    "evaluate": (
        "identity_graph.cli.core",
        "Score the current clustering against a truth file: pairwise P/R/F1, B-cubed F1, largest cluster.",
    ),
    "ingest": (
        "identity_graph.cli.ingest",
        "Load files of one export format (CRM, call log, mail, send log, social) into the store.",
    ),
    "load": (
        "identity_graph.cli.ingest",
        "Load every entry of a manifest in order, with one progress bar and one summary table.",
    ),
    "demo": (
        "identity_graph.cli.demo",
        "Load the sample into a fresh store, resolve, print a summary and one profile, then serve the UI.",
    ),
    "generate": (
        "identity_graph.cli.generate",
        "Generate synthetic customers across CRM, calls, mail, marketing and X, in their real export formats.",
    ),
    "resolve": (
        "identity_graph.cli.match",
        "Link records into persons: block, score with the model (trained by EM when needed), cluster.",
    ),
    "blocking-report": (
        "identity_graph.cli.match",
        "Show how many candidate pairs each blocking pass makes and its largest blocks.",
    ),
    "explain": (
        "identity_graph.cli.match",
        "Explain why two records are (or are not) one person: each comparison's level and weight.",
    ),
    "train": (
        "identity_graph.cli.match",
        "Train the match model by EM (or from steward decisions, or import a file) and save it in the store.",
    ),
    "runs": (
        "identity_graph.cli.runs",
        "Show the load history, newest first: when each load ran, its source and format, what it loaded, "
        "updated, found unchanged or quarantined, and its notes (quarantine file, notices, why it stopped).",
    ),
    "serve": ("identity_graph.cli.service", "Serve the HTTP API (/api/v1) and the web UI until interrupted."),
    "erase": (
        "identity_graph.cli.service",
        "Erase a person everywhere (records, identifiers, interactions, decisions), leaving tombstones.",
    ),
    "audit": (
        "identity_graph.cli.service",
        "Show the audit log, newest first: who read or changed what, and when (ids only).",
    ),
    "push": (
        "identity_graph.cli.service",
        "Copy this store's records, interactions, steward decisions and match model to another store "
        "(e.g. a Neo4j server: password in IDGRAPH_STORE__NEO4J_PASSWORD), then resolve there.",
    ),
    "review": (
        "identity_graph.cli.steward",
        "Go through the review queue, highest impact first: s same, d different, u unsure, z undo, n skip, q quit.",
    ),
    "decide": (
        "identity_graph.cli.steward",
        "Record a decision about two records; it takes effect now and binds every later run.",
    ),
    "split": (
        "identity_graph.cli.steward",
        "Split a person into groups of its records (records not named form one more group).",
    ),
    "unmerge": (
        "identity_graph.cli.steward",
        "Take one record (and its interactions) out of its person, for good.",
    ),
    "undo": (
        "identity_graph.cli.steward",
        "Undo a decision, split or unmerge exactly: every record back in its person, the persons' own ids.",
    ),
    "changes": (
        "identity_graph.cli.steward",
        "Print the change feed: persons created, merged and split, records attached and detached, with causes.",
    ),
    "quality": (
        "identity_graph.cli.steward",
        "Estimate precision from stewards' decisions on auto links (Wilson interval), and on review-band links.",
    ),
    "add": (
        "identity_graph.cli.steward",
        "Add one record (resolved against the whole store now) or one interaction, and say what happened.",
    ),
    "export": ("identity_graph.cli.core", "Export what the graph knows, for other tools."),
    "token": (
        "identity_graph.cli.service",
        "Create, list and revoke API tokens (roles: agent, social, steward, marketing, admin).",
    ),
    "campaigns": (
        "identity_graph.cli.campaigns",
        "The campaign registry: load it from TOML, CSV or a Salesforce export, list, show, enrich and remove.",
    ),
}


def command_modules() -> list[str]:
    """Every module that registers commands, once each, in table order."""
    return list(dict.fromkeys(module for module, _ in COMMANDS.values()))
