"""Why two records are one person, in a sentence an agent reads aloud on a live call.

Built from the evidence stored on the match edge (each comparison's level and weight) and the two records
themselves: "Same mobile number as the CRM record; Bob is a nickname of Robert." No probabilities, no record
ids: those stay in the evidence table one click further, for stewards and admins. Only evidence that speaks
for the link (a positive weight) is read out, strongest first, at most `MAX_REASONS` pieces.
"""

from __future__ import annotations

from collections.abc import Sequence

from identity_graph.model import Evidence, IdentifierKind, RecordKind, StoredRecord, Strength

#: Pieces of evidence read out at most, for and against.
MAX_REASONS = 3
MAX_OBJECTIONS = 2

#: How a record of each kind is named in a sentence ("the CRM record", "a call").
KIND_WORDS = {
    RecordKind.CONTACT: "the CRM record",
    RecordKind.SOCIAL_ACCOUNT: "the social account",
    RecordKind.CALL_PARTY: "a call",
    RecordKind.EMAIL_PARTY: "an email",
    RecordKind.CAMPAIGN_RECIPIENT: "the marketing list",
}

#: Identifier comparisons and what their value is called.
_IDENT_WORDS = {
    "phone": "phone number",
    "email": "email address",
    "handle": "social handle",
    "crm": "customer id",
    "account": "account number",
    "national_id": "national id",
}
_PLACE_WORDS = {"street": "street", "city": "city", "postcode": "postcode", "state": "state"}


def kind_words(record: StoredRecord) -> str:
    """How a record is named in a sentence, by its kind ("the CRM record")."""
    return KIND_WORDS.get(record.kind, "another record")


def _phone_word(other: StoredRecord) -> str:
    """`mobile number` when the other record holds the phone in a field named mobile, else `phone number`."""
    fields = [c.field.lower() for c in other.claimed if c.identifier.kind is IdentifierKind.PHONE]
    return "mobile number" if any("mobile" in f or "cell" in f for f in fields) else "phone number"


def _first(record: StoredRecord) -> str:
    """A record's first name as written (title case for caller-ID capitals)."""
    name = (record.first_name or (record.full_name or "").split(" ")[0] or "").strip()
    return name.title() if name.isupper() else name


def _identifier(comparison: str, level: str, other: StoredRecord) -> str | None:
    """The sentence for an identifier comparison's level."""
    word = _phone_word(other) if comparison == "phone" else _IDENT_WORDS.get(comparison, comparison)
    where = kind_words(other)
    return {
        "personal": f"same {word} as {where}",
        "exact": f"same {word} as {where}",
        "household_named": f"same {word} as {where} (a shared line) and the same name",
        "household": f"same {word} as {where}, though several people use it",
        "mentioned": f"their {word} is written in {where}",
        "near": f"{word} one typo away from {where}'s",
    }.get(level)


def _first_name(level: str, mine: StoredRecord, other: StoredRecord) -> str | None:
    """The sentence for the first-name comparison's level."""
    a, b = _first(mine), _first(other)
    if level == "nickname" and a and b:
        short, full = sorted((a, b), key=len)
        return f"{short} is a nickname of {full}"
    return {
        "exact": "same first name",
        "initial": "first initial matches",
        "very_similar": f"first name spelt almost the same ({a} / {b})",
        "similar": f"similar first name ({a} / {b})",
    }.get(level)


def piece(evidence: Evidence, mine: StoredRecord, other: StoredRecord) -> str | None:
    """One piece of evidence as words (None when it has nothing to say for the link)."""
    comp, level = evidence.comparison, evidence.level
    if comp in _IDENT_WORDS:
        return _identifier(comp, level, other)
    if comp == "first_name":
        return _first_name(level, mine, other)
    if comp == "last_name":
        return {
            "exact": "same last name",
            "very_similar": "last name spelt almost the same",
            "similar": "similar last name",
            "initial": "last initial matches",
        }.get(level)
    if comp == "dob":
        return {"exact": "same date of birth", "swapped": "date of birth with day and month swapped"}.get(level)
    if comp in _PLACE_WORDS:
        return f"same {_PLACE_WORDS[comp]}" if level == "exact" else None
    if comp == "username":
        return {"exact": "the handle is their email name", "name": "the handle spells their name"}.get(level)
    if comp == "card_last4":
        return "same card" if level == "exact" else None
    return None


def against(evidence: Evidence, mine: StoredRecord, other: StoredRecord) -> str | None:
    """One piece of evidence that speaks against the link, as words (None when it says nothing readable)."""
    comp, level = evidence.comparison, evidence.level
    if level not in ("else", "different", "apart"):
        return None
    if comp == "first_name":
        a, b = _first(mine), _first(other)
        return f"a different first name ({a} / {b})" if a and b else "a different first name"
    if comp == "last_name":
        return "a different last name"
    if comp == "dob":
        return "a different date of birth"
    if comp in _PLACE_WORDS:
        return f"a different {_PLACE_WORDS[comp]}"
    if comp in _IDENT_WORDS:
        return f"a different {_IDENT_WORDS[comp]}"
    return None


def objections(evidence: Sequence[Evidence], mine: StoredRecord, other: StoredRecord) -> str:
    """What speaks against a pair, strongest first, at most `MAX_OBJECTIONS` pieces ('' when nothing does)."""
    ordered = sorted((e for e in evidence if e.weight < 0), key=lambda e: e.weight)
    parts = [t for t in (against(e, mine, other) for e in ordered) if t]
    return "; ".join(dict.fromkeys(parts[:MAX_OBJECTIONS]))


def _merge_names(parts: list[str]) -> list[str]:
    """`same first name` and `same last name` read as one `same name`."""
    if "same first name" in parts and "same last name" in parts:
        at = min(parts.index("same first name"), parts.index("same last name"))
        rest = [p for p in parts if p not in ("same first name", "same last name")]
        return [*rest[:at], "same name", *rest[at:]]
    return parts


def plain_sentence(evidence: Sequence[Evidence], mine: StoredRecord, other: StoredRecord, fallback: str = "") -> str:
    """The evidence for a link as one sentence ("Same phone number as the CRM record; same name."); an edge
    stored without evidence entries reads its explanation (`fallback`) instead."""
    ordered = sorted((e for e in evidence if e.weight > 0), key=lambda e: -e.weight)
    parts: list[str] = []
    for e in ordered:
        text = piece(e, mine, other)
        if text and text not in parts:
            parts.append(text)
    parts = _merge_names(parts)[:MAX_REASONS]
    if not parts and fallback and not evidence:
        return sentence_case(fallback.rstrip(".")) + "."
    if not parts:
        return f"No single detail matches {kind_words(other)}; the model's overall score."
    return sentence_case("; ".join(parts)) + "."


def sentence_case(text: str) -> str:
    """The text with its first letter upper case."""
    return text[:1].upper() + text[1:]


def claim_strength(record: StoredRecord, key: str) -> Strength | None:
    """How a record holds an identifier (declared or mentioned), None when it does not hold it."""
    for c in record.claimed:
        if c.identifier.key == key:
            return c.strength
    return None
