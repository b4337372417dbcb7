"""Who-is against the truth of a generated data set: every X account's answer, whether its owner is a customer
(a true person with records other than X) or a stranger, and whether the first candidate is the right person.

Run as a script to print the table of answers × (customer, stranger) for a data set:
`python -m tests.service.whois_truth DIR [DB]` (DIR holds manifest.toml, idgraph.toml, truth.csv, social/)."""

from __future__ import annotations

import csv
import json
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from identity_graph.ingest_manifest import load_manifest
from identity_graph.resolve import resolve_all
from identity_graph.settings import Settings, load_settings
from identity_graph.store import SQLiteStore, open_store
from identity_graph.whois import WhoIs, WhoIsStatus, whois

#: The table's rows, in the order the answers read.
ANSWERS = (WhoIsStatus.KNOWN, WhoIsStatus.LIKELY, WhoIsStatus.NOT_CUSTOMER, WhoIsStatus.UNKNOWN)


@dataclass(frozen=True)
class Asked:
    """One X account asked about: its handle, its true owner, and the answer."""

    handle: str
    owner: str  # the truth's person id
    customer: bool  # the owner has records other than X
    named: bool  # the owner's customer records write a name (a person we know by name, not only by a number)
    answer: WhoIs
    top_right: bool | None  # the first candidate is the owner (None without candidates)


def load(data: Path, db: Path) -> tuple[SQLiteStore, Settings]:
    """The data set loaded into a new store at `db` and resolved (its model trained)."""
    settings = load_settings(data / "idgraph.toml", db=db)
    store = open_store(db)
    load_manifest(store, data / "manifest.toml", settings)
    resolve_all(store, settings)
    return store, settings


def _truth(data: Path) -> dict[tuple[str, str], str]:
    """(source, source id) -> true person id; a mail party's record is keyed by its message id."""
    with (data / "truth.csv").open(encoding="utf-8") as f:
        return {(row["source"], row["source_id"]): row["person_id"] for row in csv.DictReader(f)}


def _accounts(data: Path) -> dict[str, str]:
    """X user id -> handle, from the X pages' included users."""
    users: dict[str, str] = {}
    for line in (data / "social" / "x_pages.jsonl").read_text(encoding="utf-8").splitlines():
        for user in json.loads(line).get("includes", {}).get("users", []):
            users[user["id"]] = user["username"]
    return users


def _owner_of(truth: dict[tuple[str, str], str], source: str, source_id: str) -> str | None:
    """The true person of a stored record (a mail party's id is `message-id/address`)."""
    return truth.get((source, source_id)) or truth.get((source, source_id.split("/")[0]))


def ask_all(data: Path, store: SQLiteStore, settings: Settings) -> list[Asked]:
    """Ask who-is about every X account of the data set, with the truth beside each answer."""
    truth = _truth(data)
    sources: dict[str, set[str]] = {}
    for (source, _), pid in truth.items():
        sources.setdefault(pid, set()).add(source)
    named = _named_owners(store, truth)
    out = []
    for uid, handle in sorted(_accounts(data).items(), key=lambda kv: kv[1]):
        owner = truth.get(("x", uid), "")
        answer = whois(store, "@" + handle, settings)
        top = None
        if answer.candidates and answer.status is not WhoIsStatus.KNOWN:
            first = answer.candidates[0].person_id
            records = store.get_records(store.person_record_ids([first]).get(first, []))
            top = any(_owner_of(truth, r.source, r.source_id) == owner for r in records)
        customer = bool(sources.get(owner, set()) - {"x"})
        out.append(Asked(handle, owner, customer, owner in named, answer, top))
    return out


def _named_owners(store: SQLiteStore, truth: dict[tuple[str, str], str]) -> set[str]:
    """True persons with a customer record (not X) that writes a whole name (two words or more)."""
    owners = set()
    for r in store.get_records(store.record_ids()):
        if r.source != "x" and len(r.display_name().split()) >= 2:
            pid = _owner_of(truth, r.source, r.source_id)
            if pid:
                owners.add(pid)
    return owners


def table(asked: list[Asked]) -> Counter[tuple[str, str]]:
    """Answers × (customer, stranger), and for likely and unknown answers with candidates whether the first is right."""
    counts: Counter[tuple[str, str]] = Counter()
    for a in asked:
        who = "customer" if a.customer else "stranger"
        counts[(a.answer.status.value, who)] += 1
        if a.top_right is not None:
            counts[(f"{a.answer.status.value} (first candidate {'right' if a.top_right else 'wrong'})", who)] += 1
    return counts


def main(argv: list[str]) -> None:
    """Print the table for a data set directory (a store in a temporary file unless a path is given)."""
    import tempfile

    data = Path(argv[0])
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(argv[1]) if len(argv) > 1 else Path(tmp) / "whois.db"
        store, settings = load(data, db)
        counts = table(ask_all(data, store, settings))
        store.close()
    rows = sorted({k for k, _ in counts}, key=lambda k: ([s.value for s in ANSWERS].index(k.split(" ")[0]), k))
    print("| answer | customer | stranger |\n|---|---|---|")
    for row in rows:
        print(f"| {row} | {counts[(row, 'customer')]} | {counts[(row, 'stranger')]} |")


if __name__ == "__main__":
    main(sys.argv[1:])
