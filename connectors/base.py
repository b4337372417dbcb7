"""What every connector shares: options, the `Connector` base class and small record-building helpers.

A connector turns files of one real export format into a stream of `SourceItem`s (`Record`, `Interaction`,
`Rejected`, `Notice`). It never raises on a malformed row: it yields `Rejected` with the file, line and reason.
It yields a party record before the interaction that refers to it.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

from connectors.mapping import Mapping
from connectors.ownside import OwnSide
from connectors.packed import probe
from connectors.textio import ByteCounter
from identity_graph.model import IdentifierClaim, IdentifierKind, Notice, Rejected, SourceItem, Strength
from identity_graph.settings import OwnSideSettings

#: Errors a malformed row may raise while being turned into items; they become `Rejected`, never abort.
ROW_ERRORS: tuple[type[Exception], ...] = (ValueError, TypeError, KeyError, IndexError, LookupError, OverflowError)
#: Longest attribute value kept (longer values are cut, with a marker).
MAX_ATTRIBUTE_CHARS = 4_000


@dataclass(frozen=True)
class ConnectorOptions:
    """Everything a connector needs besides its input files."""

    source: str
    own_side: OwnSideSettings = field(default_factory=OwnSideSettings)
    region: str = "US"
    snippet_chars: int = 240
    mapping: Mapping | None = None


class Connector(ABC):
    """Base of every connector: `read(paths)` streams items from one or more files of one format."""

    #: The `--format` name.
    format: ClassVar[str]
    #: One line for `--help` and the docs.
    description: ClassVar[str]
    #: True when the format cannot work without `--mapping`.
    needs_mapping: ClassVar[bool] = False

    def __init__(self, options: ConnectorOptions) -> None:
        self.options = options
        self.source = options.source
        self.own = OwnSide(options.own_side, options.region)
        self.counter = ByteCounter()

    def check(self, paths: Sequence[Path]) -> None:
        """Validate the inputs before any row is read: an archive or document no format reads is an InputError
        (`connectors.packed`); subclasses also check the mapping against headers (ConfigError), calling this."""
        for path in paths:
            if path.is_file():
                probe(path)

    def prescan(self, paths: Sequence[Path]) -> Iterator[Notice]:
        """A bounded look at the start of the input (own-side inference); yields notices."""
        return iter(())

    def read(self, paths: Sequence[Path]) -> Iterator[SourceItem]:
        """Every item of every file, in order, after the pre-scan."""
        self.check(paths)
        yield from self.prescan(paths)
        for path in paths:
            yield from self.read_file(path)

    @abstractmethod
    def read_file(self, path: Path) -> Iterator[SourceItem]:
        """The items of one file (or one directory, for maildir and eml)."""

    def reject(self, path: Path, line: int, reason: str, raw: str = "") -> Rejected:
        """A quarantined row."""
        return Rejected(path=str(path), line=line, reason=reason, raw=raw)


def clean(value: object) -> str | None:
    """A stripped string, or None when empty."""
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def cut(value: str, limit: int = MAX_ATTRIBUTE_CHARS) -> str:
    """A value cut to `limit` characters, marked when cut."""
    return value if len(value) <= limit else value[: limit - 1] + "…"


def handle_raw(value: str, platform: str) -> str:
    """A handle column's value as `platform:handle` (URLs and already-prefixed values pass through)."""
    text = value.strip()
    if "/" in text or ":" in text:
        return text
    return f"{platform}:{text}"


def declared(kind: IdentifierKind, values: Iterable[tuple[str, str]]) -> list[IdentifierClaim]:
    """Declared claims from (field, raw) pairs, empty values skipped."""
    return [
        IdentifierClaim(kind=kind, raw=text, field=f or "?", strength=Strength.DECLARED)
        for f, raw in values
        if (text := raw.strip() if raw else "")
    ]


def duration_text(seconds: int) -> str:
    """`3m12s`, `45s`, `1h02m`."""
    if seconds < 60:
        return f"{seconds}s"
    minutes, secs = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes}m{secs:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m"


def row_reason(exc: Exception) -> str:
    """A short reason for a rejected row (the first validation problem, with its field)."""
    errors = getattr(exc, "errors", None)
    if callable(errors):
        try:
            first = errors()[0]
            where = ".".join(str(p) for p in first.get("loc", ()))
            return f"invalid {where}: {first.get('msg', '')}".strip()
        except (IndexError, TypeError, KeyError, AttributeError):
            pass
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__
