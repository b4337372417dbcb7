"""Both sides of a proposed merge, field by field, for a steward to read."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from identity_graph.model import IdentifierKind, StoredRecord
from matchers.addresses import US_COUNTRIES, normalize_postcode, normalize_street
from matchers.text import clean_words


class Agreement(StrEnum):
    """How one field of the two records compares: equal once both are normalized as matching normalizes them
    (a street's abbreviations and punctuation, accents, a country's names, a postcode's spacing)."""

    SAME = "same"
    DIFFERENT = "different"
    ONE_SIDED = "one-sided"  # only one record has a value
    EMPTY = "empty"  # neither has a value


@dataclass(frozen=True)
class FieldRow:
    """One line of the side-by-side view."""

    field: str
    left: str
    right: str
    agreement: Agreement


def _text(value: object) -> str:
    """A field value as display text ('' for missing)."""
    return "" if value is None else str(value).strip()


_RECORD_FIELDS: tuple[tuple[str, Callable[[StoredRecord], object]], ...] = (
    ("source", lambda r: f"{r.source}/{r.source_id}"),
    ("kind", lambda r: r.kind.value),
    ("first name", lambda r: r.first_name),
    ("middle name", lambda r: r.middle_name),
    ("last name", lambda r: r.last_name),
    ("full name", lambda r: r.full_name),
    ("date of birth", lambda r: r.dob),
    ("street", lambda r: r.address.street),
    ("city", lambda r: r.address.city),
    ("state", lambda r: r.address.state),
    ("postal code", lambda r: r.address.postal_code),
    ("country", lambda r: r.address.country),
    ("address", lambda r: r.address.full),
    ("company", lambda r: r.company),
)


def _country(text: str) -> str:
    """A country's comparable form: the United States by any of its names is `us`."""
    folded = clean_words(text)
    return "us" if folded in US_COUNTRIES else folded


#: How a field's two values are made comparable (every other field: folded words, `clean_words`).
_NORMAL: dict[str, Callable[[str], str]] = {
    "street": normalize_street,
    "postal code": lambda v: normalize_postcode(v),
    "country": _country,
}


def _agreement(left: str, right: str, field: str = "") -> Agreement:
    """Compare two display values of one field, normalized as matching normalizes them."""
    if not left and not right:
        return Agreement.EMPTY
    if not left or not right:
        return Agreement.ONE_SIDED
    normal = _NORMAL.get(field, clean_words)
    return Agreement.SAME if normal(left) == normal(right) else Agreement.DIFFERENT


def _set_agreement(left: set[str], right: set[str]) -> Agreement:
    """Compare two sets of identifier values: one shared value makes them the same."""
    if left and right:
        return Agreement.SAME if left & right else Agreement.DIFFERENT
    return _agreement(", ".join(sorted(left)), ", ".join(sorted(right)))


def _identifiers(record: StoredRecord, kind: IdentifierKind) -> set[str]:
    """The normalized values of one identifier kind a record holds (mentioned ones marked)."""
    return {
        c.identifier.value + ("" if c.strength.value == "declared" else " (mentioned)")
        for c in record.claimed
        if c.identifier.kind == kind
    }


def field_rows(left: StoredRecord, right: StoredRecord, *, skip_empty: bool = True) -> list[FieldRow]:
    """The side-by-side rows: record fields, then identifiers by kind (a shared value counts as same)."""
    rows: list[FieldRow] = []
    for name, get in _RECORD_FIELDS:
        a, b = _text(get(left)), _text(get(right))
        rows.append(FieldRow(name, a, b, _agreement(a, b, name)))
    for kind in IdentifierKind:
        a_set, b_set = _identifiers(left, kind), _identifiers(right, kind)
        a, b = ", ".join(sorted(a_set)), ", ".join(sorted(b_set))
        rows.append(FieldRow(kind.value, a, b, _set_agreement(a_set, b_set)))
    return [r for r in rows if not (skip_empty and r.agreement == Agreement.EMPTY)]
