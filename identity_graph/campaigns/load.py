"""Load the campaign registry from a documented TOML or CSV file (docs/campaigns.md, "The registry").

TOML: one `[[campaign]]` table per campaign, an optional `[campaign.guidance]` sub-table and
`[[campaign.guidance.faq]]` items; a top-level `timezone = "Europe/London"` names the zone of dates written
without one (UTC when unset). CSV: a header row of the same field names, one row per campaign, list fields
`;`-separated, the guidance as `offer_is`, `offer_is_not`, `script` and `faq` columns (`question | answer`
items, `;`-separated). A bad campaign is set aside with its file and line; the rest load. Registering is an
upsert by `campaign_id`: loading a file twice adds nothing and changes nothing.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import tzinfo
from pathlib import Path
from typing import Any

from connectors.csvrows import CsvDialect, CsvRow, checked_header, csv_rows
from connectors.dates import zone
from connectors.textio import ByteCounter
from identity_graph.campaigns.build import build_campaign
from identity_graph.campaigns.model import Campaign
from identity_graph.errors import ConfigError, InputError
from identity_graph.model import Rejected
from identity_graph.store.protocol import GraphStore

#: Where a `[[campaign]]` table starts in a TOML file (the n-th match is the n-th campaign).
_TABLE_START = re.compile(r"^\s*\[\[\s*campaign\s*\]\]", re.MULTILINE)
#: CSV columns that go into the guidance table rather than the campaign's own fields.
GUIDANCE_COLUMNS = ("offer_is", "offer_is_not", "script", "faq")
#: What separates a FAQ item's question from its answer in a CSV cell.
FAQ_SEPARATOR = "|"


@dataclass(frozen=True)
class LoadProblem:
    """One campaign set aside: where it is and why."""

    path: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.reason}"


@dataclass
class LoadResult:
    """What a file held: the campaigns that built, and the ones set aside."""

    campaigns: list[Campaign] = field(default_factory=list)
    problems: list[LoadProblem] = field(default_factory=list)


@dataclass
class RegisterCounts:
    """What registering did: campaigns added, replaced (changed) and found unchanged."""

    added: int = 0
    replaced: int = 0
    unchanged: int = 0


def _built(
    raw: Mapping[str, Any], path: Path, line: int, region: str, tz: tzinfo, result: LoadResult, seen: set[str]
) -> None:
    """Build one campaign into the result, or set it aside with its line (a repeated id is a problem too)."""
    data = dict(raw)
    data.setdefault("registered_from", f"file:{path.name}")
    try:
        campaign = build_campaign(data, region, tz)
    except InputError as exc:
        result.problems.append(LoadProblem(str(path), line, str(exc)))
        return
    if campaign.campaign_id in seen:
        result.problems.append(LoadProblem(str(path), line, f"campaign_id {campaign.campaign_id} appears twice"))
        return
    seen.add(campaign.campaign_id)
    result.campaigns.append(campaign)


def load_toml(path: Path, region: str) -> LoadResult:
    """Campaigns of a TOML registry file; a syntax error is an InputError naming the file and line."""
    text = _read(path)
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{path}: not valid TOML: {exc}") from None
    unknown = set(doc) - {"campaign", "timezone"}
    if unknown:
        raise InputError(f"{path}: unknown top-level key(s) {', '.join(sorted(unknown))} (use [[campaign]] tables)")
    tables = doc.get("campaign", [])
    if not isinstance(tables, list):
        raise InputError(f"{path}: write each campaign as a [[campaign]] table")
    tz = _zone(doc.get("timezone"), path)
    starts = [text.count("\n", 0, m.start()) + 1 for m in _TABLE_START.finditer(text)]
    result, seen = LoadResult(), set[str]()
    for n, table in enumerate(tables):
        line = starts[n] if n < len(starts) else 1
        _built(table, path, line, region, tz, result, seen)
    return result


def _faq(cell: str) -> list[dict[str, str]]:
    """FAQ items from a CSV cell: `question | answer` items separated by `;`."""
    items = []
    for part in (p.strip() for p in cell.split(";")):
        if part:
            question, sep, answer = part.partition(FAQ_SEPARATOR)
            if not sep:
                raise InputError(f"faq: {part[:60]!r} has no answer (write question | answer)")
            items.append({"question": question.strip(), "answer": answer.strip()})
    return items


def _csv_table(header: list[str], row: CsvRow) -> dict[str, Any]:
    """One CSV row as the table `build_campaign` reads (empty cells left out)."""
    cells: dict[str, Any] = {
        name: value.strip() for name, value in zip(header, row.values, strict=True) if name and value.strip()
    }
    guidance: dict[str, Any] = {k: cells.pop(k) for k in GUIDANCE_COLUMNS if k in cells}
    if "faq" in guidance:
        guidance["faq"] = _faq(guidance["faq"])
    if guidance:
        cells["guidance"] = guidance
    return cells


def load_csv(path: Path, region: str, tz: tzinfo | None = None) -> LoadResult:
    """Campaigns of a CSV registry file (one row each, list fields `;`-separated)."""
    result, seen = LoadResult(), set[str]()
    header: list[str] | None = None
    for row in csv_rows(path, ByteCounter(), CsvDialect()):
        if isinstance(row, Rejected):
            result.problems.append(LoadProblem(str(path), row.line, row.reason))
        elif not isinstance(row, CsvRow):
            continue
        elif header is None:
            header = [h.lower() for h in checked_header(row.values, path)]
        elif len(row.values) != len(header):
            reason = f"expected {len(header)} columns, found {len(row.values)}"
            result.problems.append(LoadProblem(str(path), row.line, reason))
        else:
            try:
                table = _csv_table(header, row)
            except InputError as exc:
                result.problems.append(LoadProblem(str(path), row.line, str(exc)))
                continue
            _built(table, path, row.line, region, tz or zone(None), result, seen)
    return result


def load_file(path: Path, region: str) -> LoadResult:
    """A registry file by its suffix: `.toml` or `.csv`."""
    suffix = path.suffix.lower()
    if suffix == ".toml":
        return load_toml(path, region)
    if suffix == ".csv":
        return load_csv(path, region)
    raise ConfigError(f"{path}: a campaign file is .toml or .csv (a Salesforce export is a folder)")


def register(store: GraphStore, campaigns: Sequence[Campaign], actor: str) -> RegisterCounts:
    """Save campaigns by id (insert or replace), skipping those stored exactly so; one transaction."""
    counts = RegisterCounts()
    with store.transaction():
        for campaign in campaigns:
            known = store.campaign(campaign.campaign_id)
            if known == campaign:
                counts.unchanged += 1
                continue
            store.save_campaign(campaign, actor)
            if known is None:
                counts.added += 1
            else:
                counts.replaced += 1
    return counts


def _read(path: Path) -> str:
    """A file's text (UTF-8); an unreadable file is an InputError."""
    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read it ({type(exc).__name__})") from None


def _zone(name: object, path: Path) -> tzinfo:
    """The file's time zone for dates written without one (UTC when unset)."""
    if name is not None and not isinstance(name, str):
        raise InputError(f"{path}: timezone must be a name such as Europe/London")
    try:
        return zone(name)
    except (ConfigError, ValueError) as exc:
        raise InputError(f"{path}: {exc}") from None
