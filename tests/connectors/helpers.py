"""Helpers of the connector tests: the committed sample files and a connector runner."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from connectors.base import ConnectorOptions
from connectors.registry import make_connector
from identity_graph.model import Interaction, Notice, Record, Rejected, SourceItem
from identity_graph.settings import OwnSideSettings

FIXTURES = Path(__file__).parent / "fixtures"

#: Our side as the fixtures assume it (hotline, agent context, mail domain, X account).
OWN = OwnSideSettings(
    phone_numbers=["+1 800 555 0100"],
    contexts=["from-internal"],
    email_domains=["acme.example"],
    handles=["x:AcmeHelp"],
)

Reader = Callable[..., list[SourceItem]]


def run_connector(
    fmt: str,
    paths: Sequence[Path | str],
    mapping: Path | str | None = None,
    own: OwnSideSettings = OWN,
    source: str = "src",
) -> list[SourceItem]:
    """Every item a connector yields for some inputs (relative paths are under fixtures/)."""
    full = [p if Path(p).is_absolute() else FIXTURES / p for p in paths]
    mapping_path = None if mapping is None else (mapping if Path(mapping).is_absolute() else FIXTURES / mapping)
    connector = make_connector(
        fmt, ConnectorOptions(source=source, own_side=own), Path(mapping_path) if mapping_path else None
    )
    return list(connector.read([Path(p) for p in full]))


def records(items: Sequence[SourceItem]) -> list[Record]:
    """The records among items."""
    return [i for i in items if isinstance(i, Record)]


def interactions(items: Sequence[SourceItem]) -> list[Interaction]:
    """The interactions among items."""
    return [i for i in items if isinstance(i, Interaction)]


def rejected(items: Sequence[SourceItem]) -> list[Rejected]:
    """The rejected rows among items."""
    return [i for i in items if isinstance(i, Rejected)]


def notices(items: Sequence[SourceItem]) -> list[str]:
    """The notice messages among items."""
    return [i.message for i in items if isinstance(i, Notice)]
