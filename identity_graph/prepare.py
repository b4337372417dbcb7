"""Normalize a source record's identifier claims, turning it into what the store takes; hold every item to the
input policy (`identity_graph.limits`: long text cut, out-of-range dates dropped, each counted in a note)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from connectors.ownside import e164
from identity_graph.limits import (
    ADDRESS_TEXT_LIMITS,
    INTERACTION_TEXT_LIMITS,
    MAX_ATTRIBUTE_CHARS,
    MAX_KEY_CHARS,
    RECORD_TEXT_LIMITS,
    dob_in_range,
    dob_note,
    time_in_range,
    time_note,
    truncation_note,
)
from identity_graph.model import (
    ClaimedIdentifier,
    Identifier,
    IdentifierClaim,
    IdentifierKind,
    Interaction,
    Record,
)
from identity_graph.store.protocol import PreparedRecord
from matchers.normalize import normalize_identifier

#: Distinct (kind, raw, region) values whose normalized form is remembered: one caller's number or a
#: customer's address recurs across many calls and messages, and parsing it is most of a load's work.
NORMALIZE_CACHE_SIZE = 262_144

_normalize_other = lru_cache(maxsize=NORMALIZE_CACHE_SIZE)(normalize_identifier)


def _normalize(kind: IdentifierKind, raw: str, region: str) -> str | None:
    """A claim's normalized value (cached per distinct raw value). A phone goes through the cache the
    connectors' own-side checks fill (`connectors.ownside.e164`, the same answer as `normalize_phone`): a
    call's number is parsed once, not once by the connector and again here."""
    if kind is IdentifierKind.PHONE:
        return e164(raw, region)
    return _normalize_other(kind, raw, region)


@dataclass
class PrepareReport:
    """Claims that could not be normalized (counted by kind, never logged with their values)."""

    unusable: dict[str, int] = field(default_factory=dict)
    notes: dict[str, int] = field(default_factory=dict)  # input-policy notes (a field cut, a date left out)

    def count(self, claim: IdentifierClaim) -> None:
        """Count one unusable claim."""
        self.unusable[claim.kind.value] = self.unusable.get(claim.kind.value, 0) + 1

    def note(self, message: str) -> None:
        """Count one input-policy note (its message names a field and a limit, never a value)."""
        self.notes[message] = self.notes.get(message, 0) + 1


def _cut_fields(
    values: dict[str, object], limits: dict[str, int], prefix: str, report: PrepareReport | None
) -> dict[str, object]:
    """The fields of `values` longer than their limit, cut (noted in the report); empty when none is."""
    changed: dict[str, object] = {}
    for name, limit in limits.items():
        value = values.get(name)
        if isinstance(value, str) and len(value) > limit:
            changed[name] = value[:limit]
            if report is not None:
                report.note(truncation_note(prefix + name, limit))
    return changed


def _cut_attributes(attributes: dict[str, str], report: PrepareReport | None) -> dict[str, str] | None:
    """Attributes with overlong values cut (noted), or None when none is overlong."""
    long = [k for k, v in attributes.items() if len(v) > MAX_ATTRIBUTE_CHARS]
    if not long:
        return None
    if report is not None:
        for key in long:
            report.note(truncation_note(f"attribute {key[:40]}", MAX_ATTRIBUTE_CHARS))
    return {k: v[:MAX_ATTRIBUTE_CHARS] for k, v in attributes.items()}


#: The text limits as (field, limit) pairs, for the quick check most records pass.
_RECORD_LIMITS = tuple(RECORD_TEXT_LIMITS.items())
_ADDRESS_LIMITS = tuple(ADDRESS_TEXT_LIMITS.items())


def _within(values: dict[str, object], limits: tuple[tuple[str, int], ...]) -> bool:
    """True when no text field of `values` is longer than its limit (nothing to cut)."""
    for name, limit in limits:
        value = values[name]
        if isinstance(value, str) and len(value) > limit:
            return False
    return True


def clamp_record(record: Record, report: PrepareReport | None = None) -> Record:
    """The record held to the input policy: long text cut, an out-of-range birth date or time left out."""
    if (
        _within(record.__dict__, _RECORD_LIMITS)
        and _within(record.address.__dict__, _ADDRESS_LIMITS)
        and (record.dob is None or dob_in_range(record.dob))
        and record.created_at is None
        and record.updated_at is None
        and all(len(v) <= MAX_ATTRIBUTE_CHARS for v in record.attributes.values())
    ):
        return record  # most records: nothing to cut or leave out
    update = _cut_fields(record.__dict__, RECORD_TEXT_LIMITS, "", report)
    address = _cut_fields(record.address.__dict__, ADDRESS_TEXT_LIMITS, "address.", report)
    if address:
        update["address"] = record.address.model_copy(update=address)
    attributes = _cut_attributes(record.attributes, report)
    if attributes is not None:
        update["attributes"] = attributes
    if record.dob is not None and not dob_in_range(record.dob):
        update["dob"] = None
        if report is not None:
            report.note(dob_note())
    for name in ("created_at", "updated_at"):
        moment = getattr(record, name)
        if moment is not None and not time_in_range(moment):
            update[name] = None
            if report is not None:
                report.note(time_note(name))
    return record.model_copy(update=update) if update else record


def prepare_interaction(interaction: Interaction, report: PrepareReport | None = None) -> Interaction:
    """The interaction held to the input policy: a long subject, summary or attribute cut (noted)."""
    update = _cut_fields(interaction.__dict__, INTERACTION_TEXT_LIMITS, "", report)
    attributes = _cut_attributes(interaction.attributes, report)
    if attributes is not None:
        update["attributes"] = attributes
    return interaction.model_copy(update=update) if update else interaction


#: A normalized claim as plain values: (kind, value, field, strength, raw).
ClaimTuple = tuple[str, str, str, str, str]


def normalized_claims(
    record: Record, default_region: str, report: PrepareReport | None = None
) -> tuple[list[IdentifierClaim], list[ClaimTuple]]:
    """The record's usable claims (the first of each identifier, field and strength) and their normalized values
    as plain tuples; unusable claims (and claims longer than any identifier) are counted and left out."""
    claims: list[IdentifierClaim] = []
    values: list[ClaimTuple] = []
    seen: set[tuple[str, str, str, str]] = set()
    for claim in record.identifiers:
        value = _normalize(claim.kind, claim.raw, default_region) if len(claim.raw) <= MAX_KEY_CHARS else None
        if value is None:
            if report is not None:
                report.count(claim)
            continue
        kind, strength = claim.kind._value_, claim.strength._value_
        key = (kind, value, claim.field, strength)
        if key not in seen:
            seen.add(key)
            claims.append(claim)
            values.append((kind, value, claim.field, strength, claim.raw))
    return claims, values


def prepare_record(record: Record, default_region: str, report: PrepareReport | None = None) -> PreparedRecord:
    """Hold the record to the input policy and normalize every identifier claim; unusable claims (and claims
    longer than any identifier) are counted and left out."""
    record = clamp_record(record, report)
    claims, values = normalized_claims(record, default_region, report)
    identifiers = tuple(
        ClaimedIdentifier(
            identifier=Identifier(kind=claim.kind, value=value[1]),
            field=claim.field,
            strength=claim.strength,
            raw=claim.raw,
        )
        for claim, value in zip(claims, values, strict=True)
    )
    return PreparedRecord(record=record, identifiers=identifiers)
