"""CRM connectors: `salesforce` and `hubspot` exports (built-in mappings), `csv` and `jsonl` with a mapping."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, ClassVar

from connectors.base import ROW_ERRORS, Connector, ConnectorOptions, row_reason
from connectors.contacts import ContactSettings, Dropped, FieldValues, build_contact
from connectors.csvrows import CsvDialect, MappedRow, mapped_rows, read_header
from connectors.dropped import DroppedFields
from connectors.jsonlines import json_lines
from connectors.mapping import (
    RECORD_FIELDS,
    Mapping,
    check_mapping,
    column_position,
    header_index,
    resolve_columns,
)
from identity_graph.errors import ConfigError
from identity_graph.model import SourceItem

#: Options the CRM formats understand besides the common ones (`date_order`: "mdy" or "dmy" for dates of birth).
CRM_OPTIONS = frozenset({"platform", "date_order"})

SALESFORCE_MAPPING = Mapping(
    fields={
        "id": ("Id",),
        "first_name": ("FirstName",),
        "middle_name": ("MiddleName",),
        "last_name": ("LastName",),
        "full_name": ("Name",),
        "email": ("Email",),
        "phone": ("Phone", "MobilePhone", "HomePhone", "OtherPhone"),
        "handle": ("Twitter__c",),
        "dob": ("Birthdate",),
        "street": ("MailingStreet",),
        "city": ("MailingCity",),
        "state": ("MailingState",),
        "postal_code": ("MailingPostalCode",),
        "country": ("MailingCountry",),
        "company": ("Account.Name",),
        "created_at": ("CreatedDate",),
        "updated_at": ("LastModifiedDate",),
        # a bank's or telco's custom fields, when the export has them
        "ssn": ("SSN__c", "Social_Security_Number__c"),
        "national_id": ("National_ID__c", "National_Id__c"),
        "passport": ("Passport__c", "Passport_Number__c"),
        "passport_country": ("Passport_Country__c",),
        "drivers_license": ("Drivers_License__c", "Driver_License__c", "Drivers_License_Number__c"),
        "drivers_license_state": ("Drivers_License_State__c", "Driver_License_State__c"),
        "tax_id": ("Tax_ID__c", "Tax_Id__c"),
        "account_number": ("AccountNumber", "Account.AccountNumber", "Account_Number__c"),
        "card_last4": ("Card_Last4__c", "Card_Last_4__c"),
    },
    path="<salesforce built-in>",
)

HUBSPOT_MAPPING = Mapping(
    fields={
        "id": ("Record ID", "Record ID - Contact"),
        "first_name": ("First Name",),
        "last_name": ("Last Name",),
        "email": ("Email", "Additional email addresses"),
        "phone": ("Phone Number", "Mobile Phone Number"),
        "handle": ("Twitter Username",),
        "dob": ("Date of birth",),
        "street": ("Street Address",),
        "city": ("City",),
        "state": ("State/Region",),
        "postal_code": ("Postal Code",),
        "country": ("Country/Region",),
        "company": ("Company Name",),
        "created_at": ("Create Date",),
        "updated_at": ("Last Modified Date",),
        # a bank's or telco's custom properties, when the export has them
        "ssn": ("SSN", "Social Security Number"),
        "national_id": ("National ID",),
        "passport": ("Passport Number",),
        "passport_country": ("Passport Country",),
        "drivers_license": ("Driver's License Number", "Drivers License Number"),
        "drivers_license_state": ("Driver's License State", "Drivers License State"),
        "tax_id": ("Tax ID",),
        "account_number": ("Account Number",),
        "card_last4": ("Card Last 4",),
    },
    path="<hubspot built-in>",
)


class CsvContactsConnector(Connector):
    """A CSV of contacts with a header row and a mapping (`csv`); base of the CRM exports."""

    format: ClassVar[str] = "csv"
    description: ClassVar[str] = "any contacts CSV with a header row, mapped by --mapping"
    needs_mapping: ClassVar[bool] = True
    #: A built-in mapping whose columns are optional (exports differ); None when a mapping is required.
    builtin: ClassVar[Mapping | None] = None

    def __init__(self, options: ConnectorOptions) -> None:
        super().__init__(options)
        user = options.mapping
        if user is None and self.builtin is None:
            raise ConfigError(f"format {self.format} needs --mapping FILE")
        if user is not None:
            check_mapping(
                user, RECORD_FIELDS, self.format, required=() if self.builtin else ("id",), allowed_options=CRM_OPTIONS
            )
        self.user_mapping = user
        self.dialect = CsvDialect.from_mapping(user)
        self.contact = ContactSettings.from_mapping(self.system, user)
        self.dropped = DroppedFields()

    @property
    def system(self) -> str:
        """The CRM name in `crm` id claims."""
        return self.format if self.builtin is not None else self.source

    def mapping_for(self, header: Sequence[str], path: Path) -> dict[str, tuple[int, ...]]:
        """Column positions per canonical field for this header (user columns must exist)."""
        index = header_index(header)
        positions: dict[str, tuple[int, ...]] = {}
        if self.builtin is not None:
            optional = {
                k: tuple(c for c in v if column_position(index, c) is not None) for k, v in self.builtin.fields.items()
            }
            optional = {k: v for k, v in optional.items() if v}
            positions = resolve_columns(Mapping(fields=optional, path=self.builtin.path), header, str(path))
        if self.user_mapping is not None:
            positions.update(resolve_columns(self.user_mapping, header, str(path)))
        if "id" not in positions:
            raise ConfigError(f'{path}: no id column for {self.format} (map one with id = "...")')
        return positions

    def check(self, paths: Sequence[Path]) -> None:
        """Every file's header must hold the mapped columns."""
        super().check(paths)
        for path in paths:
            self.mapping_for(read_header(path, self.dialect), path)

    def read(self, paths: Sequence[Path]) -> Iterator[SourceItem]:
        """Every item of every file, then a notice per field dropped from records that loaded."""
        yield from super().read(paths)
        yield from self.dropped.notices()

    def read_file(self, path: Path) -> Iterator[SourceItem]:
        """One CONTACT record per row."""
        for item in mapped_rows(path, self.counter, self.dialect, self.mapping_for):
            yield self._row(path, item) if isinstance(item, MappedRow) else item

    def _row(self, path: Path, row: MappedRow) -> SourceItem:
        """One row as a record, or Rejected."""
        values: FieldValues = row.field_values()
        attributes = row.unmapped()
        dropped: Dropped = []
        try:
            record = build_contact(self.source, values, attributes, self.own, self.contact, dropped)
        except ROW_ERRORS as exc:
            return self.reject(path, row.line, row_reason(exc), row.raw)
        for name, reason in dropped:
            self.dropped.add(name, reason, path, row.line)
        return record


class SalesforceConnector(CsvContactsConnector):
    """A Salesforce Contact export (`Id, FirstName, LastName, Email, Phone, MobilePhone, Mailing*, ...`)."""

    format: ClassVar[str] = "salesforce"
    description: ClassVar[str] = "Salesforce Contact export CSV (custom *__c columns kept as attributes)"
    needs_mapping: ClassVar[bool] = False
    builtin: ClassVar[Mapping | None] = SALESFORCE_MAPPING


class HubspotConnector(CsvContactsConnector):
    """A HubSpot contacts export with its default column names (`Record ID`, `First Name`, ...)."""

    format: ClassVar[str] = "hubspot"
    description: ClassVar[str] = "HubSpot contacts export CSV with default column names"
    needs_mapping: ClassVar[bool] = False
    builtin: ClassVar[Mapping | None] = HUBSPOT_MAPPING


def lookup(obj: dict[str, Any], path: str) -> Any:
    """A value by key or dotted path (`address.city`); None when absent."""
    if path in obj:
        return obj[path]
    current: Any = obj
    for part in path.split("."):
        if not isinstance(current, dict) or part not in current:
            return None
        current = current[part]
    return current


def as_text(value: Any) -> str:
    """A JSON value as text (objects and arrays as compact JSON)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def mapped_values(obj: dict[str, Any], mapping: Mapping) -> FieldValues:
    """Canonical field -> (key, text) pairs; a list value under a repeatable field yields each item."""
    out: FieldValues = {}
    for name, keys in mapping.fields.items():
        pairs: list[tuple[str, str]] = []
        for key in keys:
            value = lookup(obj, key)
            items = value if isinstance(value, list) else [value]
            pairs.extend((key, as_text(v)) for v in items if v is not None)
        out[name] = pairs or [(keys[0], "")]
    return out


class JsonlContactsConnector(Connector):
    """Contacts as JSON Lines, one object per line, mapped by keys or dotted paths (`jsonl`)."""

    format: ClassVar[str] = "jsonl"
    description: ClassVar[str] = "contacts as JSON Lines (one object per line), mapped by --mapping"
    needs_mapping: ClassVar[bool] = True

    def __init__(self, options: ConnectorOptions) -> None:
        super().__init__(options)
        if options.mapping is None:
            raise ConfigError("format jsonl needs --mapping FILE")
        check_mapping(options.mapping, RECORD_FIELDS, self.format, allowed_options=CRM_OPTIONS)
        self.mapping = options.mapping
        self.contact = ContactSettings.from_mapping(self.source, options.mapping)
        self.top_keys = {k.split(".")[0] for cols in options.mapping.fields.values() for k in cols}
        self.dropped = DroppedFields()

    def read(self, paths: Sequence[Path]) -> Iterator[SourceItem]:
        """Every item of every file, then a notice per field dropped from records that loaded."""
        yield from super().read(paths)
        yield from self.dropped.notices()

    def read_file(self, path: Path) -> Iterator[SourceItem]:
        """One CONTACT record per line; a broken line is Rejected."""
        for item in json_lines(path, self.counter, self.mapping.option("encoding")):
            if not isinstance(item, tuple):
                yield item
                continue
            line, obj, raw = item
            if not isinstance(obj, dict):
                yield self.reject(path, line, "line is not a JSON object", raw)
                continue
            attributes = {k: as_text(v) for k, v in obj.items() if k not in self.top_keys and as_text(v).strip()}
            dropped: Dropped = []
            try:
                values = mapped_values(obj, self.mapping)
                record = build_contact(self.source, values, attributes, self.own, self.contact, dropped)
            except ROW_ERRORS as exc:
                yield self.reject(path, line, row_reason(exc), raw)
                continue
            for name, reason in dropped:
                self.dropped.add(name, reason, path, line)
            yield record
