"""Readable sentences for a pair's evidence ("phone +1 415-555-0134 matches; first name Bob ~ Robert")."""

from __future__ import annotations

from collections.abc import Sequence

import phonenumbers

from identity_graph.model import Evidence
from matchers.official_ids import OFFICIAL_KINDS, mask_official


def display_identifier(kind: str, value: str) -> str:
    """An identifier as people write it: phones in international format, a bank's or telco's ids masked (the
    last four shown: `ssn:•••-••-6789`), others as stored."""
    if kind in OFFICIAL_KINDS:
        return mask_official(kind, value)
    if kind == "phone" and value.startswith("+"):
        try:
            number = phonenumbers.parse(value, None)
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
        except phonenumbers.NumberParseException:
            return value
    return value


def sentence(evidence: Sequence[Evidence], notes: Sequence[str] = ()) -> str:
    """Join the evidence details, strongest first, then any notes (vetoes, placeholders)."""
    ordered = sorted(evidence, key=lambda e: -abs(e.weight))
    parts = [e.detail for e in ordered if e.detail]
    return "; ".join([*parts, *notes])
