"""The connector registry: `--format` name -> connector class."""

from __future__ import annotations

from pathlib import Path

from connectors.base import Connector, ConnectorOptions
from connectors.crm import CsvContactsConnector, HubspotConnector, JsonlContactsConnector, SalesforceConnector
from connectors.email_sources import EmlConnector, MaildirConnector, MboxConnector
from connectors.esp import EspCsvConnector
from connectors.mapping import load_mapping
from connectors.salesforce_campaigns import SalesforceCampaignMembersConnector
from connectors.social_jsonl import SocialJsonlConnector
from connectors.telephony import AsteriskConnector, CallsCsvConnector
from connectors.x_api import XApiV2Connector
from identity_graph.errors import ConfigError

CONNECTORS: dict[str, type[Connector]] = {
    cls.format: cls
    for cls in (
        SalesforceConnector,
        HubspotConnector,
        CsvContactsConnector,
        JsonlContactsConnector,
        AsteriskConnector,
        CallsCsvConnector,
        MboxConnector,
        EmlConnector,
        MaildirConnector,
        EspCsvConnector,
        XApiV2Connector,
        SocialJsonlConnector,
        SalesforceCampaignMembersConnector,
    )
}
#: Formats whose inputs are folders rather than files.
FOLDER_FORMATS = frozenset({"eml", "maildir"})


def formats() -> list[str]:
    """Every known `--format` name."""
    return list(CONNECTORS)


def connector_class(fmt: str) -> type[Connector]:
    """The connector class of a format; an unknown format is a ConfigError."""
    try:
        return CONNECTORS[fmt]
    except KeyError:
        raise ConfigError(f"unknown format {fmt!r} (known: {', '.join(CONNECTORS)})") from None


def make_connector(fmt: str, options: ConnectorOptions, mapping_path: Path | None = None) -> Connector:
    """A ready connector for a format, with its mapping file read and checked."""
    cls = connector_class(fmt)
    if mapping_path is not None:
        options = ConnectorOptions(
            source=options.source,
            own_side=options.own_side,
            region=options.region,
            snippet_chars=options.snippet_chars,
            mapping=load_mapping(mapping_path),
        )
    elif cls.needs_mapping and options.mapping is None:
        raise ConfigError(f"format {fmt} needs --mapping FILE")
    return cls(options)
