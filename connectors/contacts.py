"""Turning one CRM row (canonical field -> values, plus leftovers) into a CONTACT record."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, tzinfo

from connectors.base import clean, cut, declared, handle_raw
from connectors.dates import optional_date, optional_datetime, zone
from connectors.mapping import Mapping
from connectors.ownside import OwnSide
from identity_graph.model import IdentifierClaim, IdentifierKind, PostalAddress, Record, RecordKind

#: Platform assumed for a handle column without one (mapping option `platform` overrides).
DEFAULT_PLATFORM = "x"

#: A cell may list several addresses (`a@x.com; b@y.com`, HubSpot's "Additional email addresses").
_EMAIL_LIST_SEPARATORS = re.compile(r"[;,]")

FieldValues = dict[str, list[tuple[str, str]]]


@dataclass(frozen=True)
class ContactSettings:
    """How a format's rows become contacts: the CRM system name and parsing options."""

    system: str
    platform: str = DEFAULT_PLATFORM
    date_format: str | None = None
    dob_format: str | None = None
    tz: tzinfo = UTC

    @classmethod
    def from_mapping(cls, system: str, mapping: Mapping | None) -> ContactSettings:
        """Settings from a mapping's options."""
        if mapping is None:
            return cls(system=system)
        return cls(
            system=system,
            platform=mapping.option("platform") or DEFAULT_PLATFORM,
            date_format=mapping.option("date_format"),
            dob_format=mapping.option("dob_format"),
            tz=zone(mapping.option("timezone")),
        )


def _one(values: FieldValues, name: str) -> str | None:
    """The first non-empty value of a single-column field."""
    for _, raw in values.get(name, ()):
        text = clean(raw)
        if text:
            return text
    return None


def _claims(values: FieldValues, own: OwnSide, cfg: ContactSettings) -> list[IdentifierClaim]:
    """Declared email, phone and handle claims, our own values left out."""
    emails = [
        (f, one)
        for f, v in values.get("email", ())
        for one in _EMAIL_LIST_SEPARATORS.split(v)
        if one.strip() and not own.is_own_email(one)
    ]
    phones = [(f, v) for f, v in values.get("phone", ()) if v.strip() and not own.is_own_phone(v)]
    handles = [(f, handle_raw(v, cfg.platform)) for f, v in values.get("handle", ()) if v.strip()]
    return (
        declared(IdentifierKind.EMAIL, emails)
        + declared(IdentifierKind.PHONE, phones)
        + declared(IdentifierKind.HANDLE, handles)
    )


def build_contact(
    source: str, values: FieldValues, attributes: dict[str, str], own: OwnSide, cfg: ContactSettings
) -> Record:
    """A CONTACT record; raises ValueError on an empty id or an unparseable date."""
    record_id = _one(values, "id")
    if record_id is None:
        raise ValueError("empty id")
    claims = _claims(values, own, cfg)
    id_field = values["id"][0][0]
    claims += declared(IdentifierKind.CRM_ID, [(id_field, f"{cfg.system}:{record_id}")])
    address = PostalAddress(
        street=_one(values, "street"),
        city=_one(values, "city"),
        state=_one(values, "state"),
        postal_code=_one(values, "postal_code"),
        country=_one(values, "country"),
        full=_one(values, "address_full"),
    )
    return Record(
        source=source,
        source_id=record_id,
        kind=RecordKind.CONTACT,
        first_name=_one(values, "first_name"),
        middle_name=_one(values, "middle_name"),
        last_name=_one(values, "last_name"),
        full_name=_one(values, "full_name"),
        dob=optional_date(_one(values, "dob"), cfg.dob_format or cfg.date_format),
        address=address,
        company=_one(values, "company"),
        identifiers=tuple(claims),
        attributes={k: cut(v) for k, v in attributes.items()},
        created_at=optional_datetime(_one(values, "created_at"), cfg.date_format, cfg.tz),
        updated_at=optional_datetime(_one(values, "updated_at"), cfg.date_format, cfg.tz),
    )
