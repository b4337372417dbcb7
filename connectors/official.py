"""Claims of the identifiers a bank or telco holds, from a contact row's canonical fields.

A column mapped to `ssn` or `nino` gives a national id of that scheme; `national_id` takes `scheme:number` as
written (a value with no scheme is a NINO when it has a NINO's shape, else of the scheme `id`). A passport takes
its country from `passport_country`, a driver's licence its issuing state from `drivers_license_state`; an
account number is of the CRM's own system. A card column keeps its last four digits only, whatever it holds.
"""

from __future__ import annotations

from identity_graph.model import IdentifierClaim, IdentifierKind, Strength

FieldValues = dict[str, list[tuple[str, str]]]

#: Canonical fields of these identifiers (the mapping's `[fields]`).
OFFICIAL_FIELDS = frozenset(
    {
        "ssn",
        "nino",
        "national_id",
        "passport",
        "passport_country",
        "drivers_license",
        "drivers_license_state",
        "tax_id",
        "account_number",
        "card_last4",
    }
)
#: Of those, the fields that may name several columns.
OFFICIAL_REPEATABLE = frozenset({"national_id", "account_number", "card_last4"})
#: National id fields that say their scheme.
_SCHEMES = {"ssn": "ssn", "nino": "nino"}
#: Digits of a card kept from its column (never a whole card number, even in the stored raw text).
CARD_DIGITS = 4


def _filled(values: FieldValues, name: str) -> list[tuple[str, str]]:
    """(column, value) pairs of a field whose value is not blank."""
    return [(f, v.strip()) for f, v in values.get(name, ()) if v and v.strip()]


def _first(values: FieldValues, name: str) -> str:
    """The first non-blank value of a field, or ''."""
    found = _filled(values, name)
    return found[0][1] if found else ""


def _prefixed(prefix: str, pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The pairs' values as `prefix:value` (unchanged when the prefix is empty)."""
    return [(f, f"{prefix}:{v}" if prefix else v) for f, v in pairs]


def _declared(kind: IdentifierKind, pairs: list[tuple[str, str]]) -> list[IdentifierClaim]:
    """Declared claims of one kind from (column, value) pairs (as `connectors.base.declared`, which imports the
    mapping module, which imports this one)."""
    return [IdentifierClaim(kind=kind, raw=v, field=f or "?", strength=Strength.DECLARED) for f, v in pairs if v]


def _card(text: str) -> str:
    """A card column's last four digits (the text itself when it has fewer: it is then dropped as unusable)."""
    digits = "".join(c for c in text if c.isdigit())
    return digits[-CARD_DIGITS:] if len(digits) >= CARD_DIGITS else text


def official_claims(values: FieldValues, system: str) -> list[IdentifierClaim]:
    """Declared claims of the national ids, passport, licence, tax id, account numbers and cards of one row."""
    if values.keys().isdisjoint(OFFICIAL_FIELDS):
        return []  # none mapped (most files)
    national = [pair for name, scheme in _SCHEMES.items() for pair in _prefixed(scheme, _filled(values, name))]
    national += _filled(values, "national_id")
    passports = _prefixed(_first(values, "passport_country"), _filled(values, "passport"))
    licences = _prefixed(_first(values, "drivers_license_state"), _filled(values, "drivers_license"))
    accounts = _prefixed(system, _filled(values, "account_number"))
    cards = [(f, _card(v)) for f, v in _filled(values, "card_last4")]
    return (
        _declared(IdentifierKind.NATIONAL_ID, national)
        + _declared(IdentifierKind.PASSPORT, passports)
        + _declared(IdentifierKind.DRIVERS_LICENCE, licences)
        + _declared(IdentifierKind.TAX_ID, _filled(values, "tax_id"))
        + _declared(IdentifierKind.ACCOUNT, accounts)
        + _declared(IdentifierKind.CARD_LAST4, cards)
    )
