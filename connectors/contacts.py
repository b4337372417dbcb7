"""Turning one CRM row (canonical field -> values, plus leftovers) into a CONTACT record.

A date that cannot be read, or is out of range for its meaning (a birth in 1642 or next year), is dropped
from the record and reported by the caller as a counted note; the record loads with every other field.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, tzinfo
from typing import TypeVar

from connectors.base import cut, declared, handle_raw
from connectors.birthdates import DATE_ORDERS, parse_birth_date
from connectors.dates import DateError, parse_datetime, zone
from connectors.mapping import Mapping
from connectors.official import official_claims
from connectors.ownside import OwnSide
from identity_graph.errors import ConfigError
from identity_graph.model import IdentifierClaim, IdentifierKind, PostalAddress, Record, RecordKind

#: Platform assumed for a handle column without one (mapping option `platform` overrides).
DEFAULT_PLATFORM = "x"

#: A cell may list several addresses (`a@x.com; b@y.com`, HubSpot's "Additional email addresses").
_EMAIL_LIST_SEPARATORS = re.compile(r"[;,]")

FieldValues = dict[str, list[tuple[str, str]]]
#: (canonical field, reason) of each field dropped from a record.
Dropped = list[tuple[str, str]]
T = TypeVar("T")


@dataclass(frozen=True)
class ContactSettings:
    """How a format's rows become contacts: the CRM system name and parsing options."""

    system: str
    platform: str = DEFAULT_PLATFORM
    date_format: str | None = None
    dob_format: str | None = None
    date_order: str | None = None
    tz: tzinfo = UTC

    @classmethod
    def from_mapping(cls, system: str, mapping: Mapping | None) -> ContactSettings:
        """Settings from a mapping's options."""
        if mapping is None:
            return cls(system=system)
        order = mapping.option("date_order")
        if order is not None and order.lower() not in DATE_ORDERS:
            raise ConfigError(f'{mapping.path}: date_order must be "mdy" or "dmy", got {order!r}')
        return cls(
            system=system,
            platform=mapping.option("platform") or DEFAULT_PLATFORM,
            date_format=mapping.option("date_format"),
            dob_format=mapping.option("dob_format"),
            date_order=order.lower() if order else None,
            tz=zone(mapping.option("timezone")),
        )


def _one(values: FieldValues, name: str) -> str | None:
    """The first non-empty value of a single-column field, stripped (`clean` of a text, inlined: fifteen
    fields a row)."""
    for _, raw in values.get(name, ()):
        text = raw.strip()
        if text:
            return text
    return None


def _kept(values: FieldValues, name: str, parse: Callable[[str], T], dropped: Dropped) -> T | None:
    """A field parsed, or None when empty; a value `parse` refuses is dropped and noted in `dropped`."""
    text = _one(values, name)
    if text is None:
        return None
    try:
        return parse(text)
    except DateError as exc:
        dropped.append((name, exc.reason))
    except ValueError:
        dropped.append((name, "unparseable"))
    return None


def _claims(values: FieldValues, own: OwnSide, cfg: ContactSettings) -> list[IdentifierClaim]:
    """Declared email, phone and handle claims, our own values left out."""
    emails = [
        (f, one)
        for f, v in values.get("email", ())
        for one in (_EMAIL_LIST_SEPARATORS.split(v) if "," in v or ";" in v else (v,))
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
    source: str,
    values: FieldValues,
    attributes: dict[str, str],
    own: OwnSide,
    cfg: ContactSettings,
    dropped: Dropped,
) -> Record:
    """A CONTACT record; raises ValueError on an empty id. Unusable dates are left out, listed in `dropped`."""
    record_id = _one(values, "id")
    if record_id is None:
        raise ValueError("empty id")
    claims = _claims(values, own, cfg)
    id_field = values["id"][0][0]
    claims += declared(IdentifierKind.CRM_ID, [(id_field, f"{cfg.system}:{record_id}")])
    claims += official_claims(values, cfg.system)
    dob_format = cfg.dob_format or cfg.date_format
    seen: Dropped = []
    dob = _kept(values, "dob", lambda t: parse_birth_date(t, cfg.date_order, dob_format), seen)
    dayfirst = cfg.date_order == "dmy"
    created_at = _kept(values, "created_at", lambda t: parse_datetime(t, cfg.date_format, cfg.tz, dayfirst), seen)
    updated_at = _kept(values, "updated_at", lambda t: parse_datetime(t, cfg.date_format, cfg.tz, dayfirst), seen)
    address = PostalAddress(
        street=_one(values, "street"),
        city=_one(values, "city"),
        state=_one(values, "state"),
        postal_code=_one(values, "postal_code"),
        country=_one(values, "country"),
        full=_one(values, "address_full"),
    )
    record = Record(
        source=source,
        source_id=record_id,
        kind=RecordKind.CONTACT,
        first_name=_one(values, "first_name"),
        middle_name=_one(values, "middle_name"),
        last_name=_one(values, "last_name"),
        full_name=_one(values, "full_name"),
        dob=dob,
        address=address,
        company=_one(values, "company"),
        identifiers=tuple(claims),
        attributes={k: cut(v) for k, v in attributes.items()},
        created_at=created_at,
        updated_at=updated_at,
    )
    dropped.extend(seen)  # only once the record stands (a row rejected for another reason drops nothing)
    return record
