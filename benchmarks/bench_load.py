"""Loading speed and memory: febrl-pool customers as CRM, call-log, email and social rows, one manifest.

The set (`write_load_set`): febrl-pool customers (`benchmarks/febrl_pool.py`: febrl's value pools, 1-3 records
a person with febrl's missing fields and typos), each record dealt to one channel: a CRM contact (`csv` with a
mapping: name, birth date, address, an email and a phone for most), a call (`calls-csv`: the caller's number in
one of three spellings and the caller-ID name), a marketing send (`esp-csv`: the address and the name) or a
social account (`social-jsonl`: a handle, the name, the suburb). A person keeps one phone, one email and one
handle across channels, so the same raw values recur as they do in real exports. Deterministic for a size
and seed.

Each size loads into a fresh SQLite store in a child process (`idgraph load`'s own path, `load_manifest`),
reporting seconds, milliseconds a record and the child's peak RSS.

Usage: python -m benchmarks.bench_load [--quick] [--sizes 100000 ...] [--keep DIR] [--profile FILE]
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import subprocess
import sys
import tempfile
import zlib
from pathlib import Path
from typing import Any

#: Records per run (`make bench`); the quick run stays small.
SIZES = (100_000, 1_000_000)
QUICK_SIZES = (10_000,)
SEED = 18
#: What CPU time says beside the wall time.
CPU_NOTE = "the loading process's own CPU time (its workers' too): steadier than wall time on a busy machine"
#: What the writer's CPU time says.
WRITER_NOTE = "of those, the loading process's own (writing the store); the rest is its workers' (reading)"
#: What the figures are held against.
AIM = "issue 18's aim: 1M rows in under 60 s (0.06 ms a row)"
#: Shares of the records dealt to CRM, calls, email sends and social accounts (the rest).
CRM_SHARE, CALL_SHARE, MAIL_SHARE = 0.4, 0.3, 0.2
#: Our own number (the callee of every call) and the campaign sender.
OUR_NUMBER = "+18005550100"
SENDER = "news@shop.example"
PROVIDERS = ("gmail.com", "yahoo.com", "outlook.com", "example.net")
AREAS = ("212", "312", "415", "512", "617", "646", "718", "206", "303", "404")

MANIFEST = """\
[[load]]
format = "csv"
source = "crm"
paths = ["crm.csv"]
mapping = "crm.toml"

[[load]]
format = "calls-csv"
source = "calls"
paths = ["calls.csv"]
mapping = "calls.toml"

[[load]]
format = "esp-csv"
source = "marketing"
paths = ["sends.csv"]
mapping = "esp.toml"

[[load]]
format = "social-jsonl"
source = "social"
paths = ["social.jsonl"]
mapping = "social.toml"
"""
MAPPINGS = {
    "crm.toml": """id = "rec_id"
[fields]
first_name = "given_name"
last_name = "surname"
dob = "date_of_birth"
street = "street"
city = "suburb"
state = "state"
postal_code = "postcode"
email = "email"
phone = "phone"
[options]
dob_format = "%Y%m%d"
""",
    "calls.toml": """id = "call_id"
[fields]
started_at = "start_time"
from_number = "from"
to_number = "to"
caller_name = "caller_name"
direction = "direction"
duration = "duration"
""",
    "esp.toml": """id = "event_id"
[fields]
email = "email"
first_name = "first_name"
last_name = "last_name"
campaign_id = "campaign_id"
campaign_name = "campaign_name"
sent_at = "sent_at"
from_address = "from_address"
event = "event"
""",
    "social.toml": """id = "id"
[fields]
handle = "handle"
full_name = "name"
location = "location"
email = "email"
[options]
platform = "x"
""",
}


def _text(value: object) -> str:
    """A febrl cell as text ('' for a missing one)."""
    return "" if value is None or value != value else str(value)  # NaN != NaN


def _person(rec_id: str) -> int:
    """The person number of a febrl-pool id (`rec-<person>-<copy>`)."""
    return int(rec_id.split("-")[1])


def _phone(person: int, spelling: int) -> str:
    """The person's phone, in one of three spellings."""
    area = AREAS[person % len(AREAS)]
    line = f"{2 + person // 10_000 % 8}{person // 100 % 100:02d}", f"{person % 10_000:04d}"
    return (f"({area}) {line[0]}-{line[1]}", f"{area}-{line[0]}-{line[1]}", f"+1 {area} {line[0]} {line[1]}")[
        spelling % 3
    ]


def _email(person: int, given: str, surname: str) -> str:
    """The person's address (from the first record's names, so copies with a typo keep the address)."""
    local = ".".join(p for p in (given, surname) if p) or "customer"
    return f"{local}{person % 97}@{PROVIDERS[person % len(PROVIDERS)]}"


def write_load_set(folder: Path, records: int, seed: int = SEED) -> int:
    """Write about `records` febrl-pool records as four mapped files and a manifest; returns the row count."""
    from benchmarks.febrl_pool import febrl_pool

    folder.mkdir(parents=True, exist_ok=True)
    frame = febrl_pool(records, seed)
    rng = random.Random(seed)
    for name, text in MAPPINGS.items():
        (folder / name).write_text(text, encoding="utf-8")
    (folder / "manifest.toml").write_text(MANIFEST, encoding="utf-8")
    firsts: dict[int, tuple[str, str]] = {}
    files = {n: (folder / n).open("w", encoding="utf-8", newline="") for n in ("crm.csv", "calls.csv", "sends.csv")}
    social = (folder / "social.jsonl").open("w", encoding="utf-8")
    try:
        crm, calls, sends = (csv.writer(files[n], lineterminator="\n") for n in ("crm.csv", "calls.csv", "sends.csv"))
        crm.writerow(["rec_id", "given_name", "surname", "date_of_birth", "street", "suburb", "state", "postcode",
                      "email", "phone"])  # fmt: skip
        calls.writerow(["call_id", "start_time", "from", "to", "caller_name", "direction", "duration"])
        sends.writerow(["event_id", "email", "first_name", "last_name", "campaign_id", "campaign_name", "sent_at",
                        "from_address", "event"])  # fmt: skip
        n = 0
        for rec_id, row in zip(frame.index, frame.itertuples(index=False), strict=True):
            n += 1
            person = _person(str(rec_id))
            given, surname = _text(row.given_name), _text(row.surname)
            first = firsts.setdefault(person, (given, surname))
            email, phone = _email(person, *first), _phone(person, rng.randrange(3))
            day = f"2024-{1 + zlib.crc32(rec_id.encode()) % 12:02d}-{1 + n % 28:02d}"
            roll = rng.random()
            if roll < CRM_SHARE:
                street = " ".join(p for p in (_text(row.street_number), _text(row.address_1)) if p)
                crm.writerow([rec_id, given, surname, _text(row.date_of_birth), street, _text(row.suburb),
                              _text(row.state), _text(row.postcode), email if rng.random() < 0.7 else "",
                              phone if rng.random() < 0.6 else ""])  # fmt: skip
            elif roll < CRM_SHARE + CALL_SHARE:
                caller = f"{surname} {given}".strip().upper() if rng.random() < 0.7 else "WIRELESS CALLER"
                calls.writerow([rec_id, f"{day}T{n % 24:02d}:{n % 60:02d}:00Z", phone, OUR_NUMBER, caller,
                                "inbound", 30 + n % 600])  # fmt: skip
            elif roll < CRM_SHARE + CALL_SHARE + MAIL_SHARE:
                sends.writerow([rec_id, email, given, surname, f"c{n % 40}", f"Campaign {n % 40}",
                                f"{day} 10:00:00", SENDER, ("sent", "open", "click")[n % 3]])  # fmt: skip
            else:
                handle = f"{first[0]}_{first[1]}{person % 89}".strip("_") or f"user{person}"
                account = {"id": rec_id, "handle": handle, "name": f"{given} {surname}".strip(),
                           "location": _text(row.suburb), "email": email if rng.random() < 0.2 else None}  # fmt: skip
                social.write(json.dumps(account) + "\n")
    finally:
        for fh in files.values():
            fh.close()
        social.close()
    return n


_CHILD = """
import cProfile, json, resource, sys, time
from pathlib import Path
from identity_graph.ingest_manifest import load_manifest
from identity_graph.settings import load_settings
from identity_graph.store import open_store
folder, db, profile = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
settings = load_settings(None, db=str(db), ingest={"quarantine_dir": str(folder / "quarantine")})
store = open_store(db)
prof = cProfile.Profile() if profile else None
def used(who):
    me = resource.getrusage(who)
    return me.ru_utime + me.ru_stime
start, mine, kids = time.perf_counter(), used(resource.RUSAGE_SELF), used(resource.RUSAGE_CHILDREN)
if prof: prof.enable()
results = load_manifest(store, folder / "manifest.toml", settings)
if prof: prof.disable(); prof.dump_stats(profile)
seconds = time.perf_counter() - start
mine, kids = used(resource.RUSAGE_SELF) - mine, used(resource.RUSAGE_CHILDREN) - kids
seen = sum(r.records_seen + r.interactions_seen for r in results)
records = sum(r.records_seen for r in results)
# VmHWM, not ru_maxrss: the latter keeps the parent's peak across fork and exec
hwm = [line for line in Path("/proc/self/status").read_text().splitlines() if line.startswith("VmHWM:")]
rss_mb = int(hwm[0].split()[1]) / 1024 if hwm else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
worker_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(json.dumps({"seconds": seconds, "cpu": mine + kids, "writer_cpu": mine, "items": seen, "records": records,
                  "rss_mb": rss_mb, "worker_mb": worker_mb}))
"""


def measure(folder: Path, profile: str = "") -> dict[str, Any]:
    """Load the set in `folder` into a fresh store in a child process; its seconds, counts and peak RSS."""
    db = folder / "load.db"
    for stale in folder.glob("load.db*"):
        stale.unlink()
    cmd = [sys.executable, "-c", _CHILD, str(folder), str(db), profile]
    done = subprocess.run(cmd, capture_output=True, text=True, check=True)
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    for stale in folder.glob("load.db*"):
        stale.unlink()
    return result


def rows_of(size: int, rows: int, m: dict[str, Any]) -> list[dict[str, object]]:
    """The bench rows of one size."""
    bench = f"load {size // 1000:,}k febrl-pool rows"
    note = f"{rows:,} rows (CRM, calls, sends, social; one manifest) -> {m['items']:,} items, {m['records']:,} records"
    ms = 1000 * m["seconds"] / rows
    worker = m.get("worker_mb", 0)
    rss_note = "the loading process" + (f"; its largest worker {worker:,.0f} MB" if worker else "")
    return [
        {"bench": bench, "metric": "seconds", "value": round(m["seconds"], 1), "peer": None, "note": note},
        {"bench": bench, "metric": "ms a row", "value": round(ms, 3), "peer": None, "note": AIM},
        {"bench": bench, "metric": "CPU seconds", "value": round(m["cpu"], 1), "peer": None, "note": CPU_NOTE},
        {
            "bench": bench,
            "metric": "writer CPU seconds",
            "value": round(m.get("writer_cpu", 0), 1),
            "peer": None,
            "note": WRITER_NOTE,
        },
        {"bench": bench, "metric": "peak RSS MB", "value": round(m["rss_mb"]), "peer": None, "note": rss_note},
    ]


def run(quick: bool, sizes: tuple[int, ...] | None = None, keep: Path | None = None) -> list[dict[str, object]]:
    """Load each size of the febrl-pool set into a fresh store; one row per figure per size."""
    out: list[dict[str, object]] = []
    for size in sizes or (QUICK_SIZES if quick else SIZES):
        with tempfile.TemporaryDirectory(prefix="bench-load-") as tmp:
            folder = (keep / f"set-{size}") if keep is not None else Path(tmp)
            manifest = folder / "manifest.toml"
            rows = write_load_set(folder, size) if not manifest.exists() else _count_rows(folder)
            out += rows_of(size, rows, measure(folder))
    return out


def _count_rows(folder: Path) -> int:
    """Rows of a set written earlier (data lines of its four files)."""
    total = 0
    for name in ("crm.csv", "calls.csv", "sends.csv", "social.jsonl"):
        with (folder / name).open(encoding="utf-8") as fh:
            total += sum(1 for _ in fh) - (0 if name.endswith("jsonl") else 1)
    return total


def main() -> None:
    """Command line: build (or reuse, with --keep) the sets and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--sizes", type=int, nargs="*")
    parser.add_argument("--keep", type=Path, help="write the sets here and reuse them on the next run")
    parser.add_argument("--profile", default="", help="with --keep and one size: write cProfile stats here")
    args = parser.parse_args()
    if args.profile:
        size = args.sizes[0]
        folder = args.keep / f"set-{size}"
        rows = write_load_set(folder, size) if not (folder / "manifest.toml").exists() else _count_rows(folder)
        print(rows_of(size, rows, measure(folder, args.profile)))
        return
    for row in run(args.quick, tuple(args.sizes) if args.sizes else None, args.keep):
        print(row)


if __name__ == "__main__":
    main()
