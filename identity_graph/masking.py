"""What every role but admin sees of the identifiers a bank or telco holds: the scheme and the last four.

National ids, passports, driver's licences, tax ids and account numbers are stored whole (matching needs
them), and shown whole to admins only. Agents, the social team and stewards see `ssn:•••-••-6789` in the API,
the web UI and the command line: in profiles, records, the review queue, a pair's fields and the person graph.
Explanations never hold them whole (`matchers.explain.display_identifier` masks them when edges are made).
A source column of such an identifier that no mapping read (kept among a record's attributes) is masked too.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from matchers.official_ids import OFFICIAL_KINDS, compact, mask_number, mask_official

if TYPE_CHECKING:  # the service and steward layers import this module
    from identity_graph.model import (
        ClaimedIdentifier,
        IdentifierClaim,
        MatchEdge,
        Profile,
        ProfileValue,
        StoredRecord,
    )
    from identity_graph.service.auth import Caller
    from identity_graph.service.graph import PersonGraph
    from identity_graph.service.stewarding import PairView
    from identity_graph.steward.compare import FieldRow
    from identity_graph.steward.queue import ReviewItem

#: The role that sees these identifiers whole.
UNMASKED_ROLE = "admin"
#: Words of an attribute's name (folded to letters) that say it holds such an identifier (`SSN__c` unmapped).
SENSITIVE_ATTRIBUTE_WORDS = (
    "ssn", "socialsecurity", "nationalid", "nationalinsurance", "nino", "passport", "license", "licence",
    "taxid", "accountnumber", "cardnumber", "cardlast",
)  # fmt: skip
#: How a value is marked as only mentioned in the steward's field rows.
MENTIONED_SUFFIX = " (mentioned)"
#: The role that sees only the public, social side of a profile (`social_view`).
SOCIAL_ROLE = "social"
#: What the social role sees of a profile: identifiers of these kinds, records of these kinds, items of these
#: channels (no date of birth, no address, no mail, call or campaign item, no email or phone).
SOCIAL_IDENTIFIER_KINDS = frozenset({"handle", "url"})
SOCIAL_RECORD_KINDS = frozenset({"social_account"})
SOCIAL_CHANNELS = frozenset({"social"})
#: The match evidence the social role sees in why-linked: names and handles (no dob, address, email, phone).
SOCIAL_COMPARISONS = frozenset({"first_name", "last_name", "handle"})


def sees_whole(caller: Caller) -> bool:
    """True when this caller sees these identifiers unmasked (admin only)."""
    return caller.role.value == UNMASKED_ROLE


def mask_key(key: str) -> str:
    """An identifier key `kind:value` with the value masked when the kind is one of these."""
    kind, _, value = key.partition(":")
    return f"{kind}:{mask_official(kind, value)}" if kind in OFFICIAL_KINDS else key


def _sensitive_attribute(name: str) -> bool:
    """True when an attribute's name says it holds a national id, passport, licence, tax id, account or card."""
    folded = "".join(c for c in name.lower() if c.isalnum())
    return any(word in folded for word in SENSITIVE_ATTRIBUTE_WORDS)


def _claim(c: ClaimedIdentifier) -> ClaimedIdentifier:
    """A claimed identifier with its value and raw text masked when it is of these kinds."""
    kind = c.identifier.kind.value
    if kind not in OFFICIAL_KINDS:
        return c
    shown = mask_official(kind, c.identifier.value)
    return c.model_copy(update={"identifier": c.identifier.model_copy(update={"value": shown}), "raw": shown})


def _raw_claim(c: IdentifierClaim) -> IdentifierClaim:
    """A source's claim with its raw text masked when it is of these kinds."""
    if c.kind.value not in OFFICIAL_KINDS:
        return c
    return c.model_copy(update={"raw": mask_official(c.kind.value, c.raw)})


def mask_record(record: StoredRecord) -> StoredRecord:
    """A record as every role but admin sees it."""
    attributes = {k: mask_number(compact(v)) if _sensitive_attribute(k) else v for k, v in record.attributes.items()}
    return record.model_copy(
        update={
            "claimed": tuple(_claim(c) for c in record.claimed),
            "identifiers": tuple(_raw_claim(c) for c in record.identifiers),
            "attributes": attributes,
        }
    )


def _value(v: ProfileValue) -> ProfileValue:
    """A profile's identifier value, masked when it is of these kinds."""
    return v.model_copy(update={"value": mask_official(v.kind, v.value)}) if v.kind in OFFICIAL_KINDS else v


def _public_record(record: StoredRecord) -> StoredRecord:
    """A social account record without a date of birth, an address or identifiers other than handles and URLs."""
    return record.model_copy(
        update={
            "dob": None,
            "address": type(record.address)(),
            "claimed": tuple(c for c in record.claimed if c.identifier.kind.value in SOCIAL_IDENTIFIER_KINDS),
            "identifiers": tuple(c for c in record.identifiers if c.kind.value in SOCIAL_IDENTIFIER_KINDS),
        }
    )


def social_view(profile: Profile) -> Profile:
    """What the social team sees of a profile: the names, handles and URLs, the social account records and the
    social items of the timeline page (no date of birth, address, email, phone, mail body or snippet, call or
    campaign item); provenance only where it points at one of those records. The total counts the items shown
    (ask for `channel=social` to page through all of them)."""
    records = tuple(_public_record(r) for r in profile.records if r.kind.value in SOCIAL_RECORD_KINDS)
    shown = {r.id for r in records}

    def public(v: ProfileValue) -> ProfileValue:
        """The value with its provenance cut to the records shown."""
        return v.model_copy(update={"sources": tuple(s for s in v.sources if s.record_id in shown)})

    timeline = tuple(i for i in profile.timeline if i.channel.value in SOCIAL_CHANNELS)
    return profile.model_copy(
        update={
            "name": public(profile.name) if profile.name is not None else None,
            "names": tuple(public(v) for v in profile.names),
            "identifiers": tuple(public(v) for v in profile.identifiers if v.kind in SOCIAL_IDENTIFIER_KINDS),
            "addresses": (),
            "dobs": (),
            "records": records,
            "timeline": timeline,
            "timeline_total": len(timeline),
        }
    )


def social_edge(edge: MatchEdge) -> MatchEdge:
    """A match edge as the social team sees it: only the evidence of names and handles, and the sentence made of
    that evidence alone (no date of birth, address, email, phone or mail evidence)."""
    from matchers.explain import sentence

    evidence = tuple(e for e in edge.evidence if e.comparison in SOCIAL_COMPARISONS)
    return edge.model_copy(update={"evidence": evidence, "explanation": sentence(evidence)})


def mask_profile(profile: Profile, caller: Caller | None) -> Profile:
    """The profile as this caller may see it (unchanged for an admin; the social team's view for the social
    role; masked at the command line, None)."""
    if caller is not None and sees_whole(caller):
        return profile
    if caller is not None and caller.role.value == SOCIAL_ROLE:
        profile = social_view(profile)
    return profile.model_copy(
        update={
            "identifiers": tuple(_value(v) for v in profile.identifiers),
            "records": tuple(mask_record(r) for r in profile.records),
        }
    )


def mask_field_row(row: FieldRow) -> FieldRow:
    """A steward's side-by-side row with these identifiers masked (the agreement was read on whole values)."""
    if row.field not in OFFICIAL_KINDS:
        return row

    def shown(text: str) -> str:
        parts = [p.removesuffix(MENTIONED_SUFFIX) for p in text.split(", ")] if text else []
        return ", ".join(mask_official(row.field, p) for p in parts)

    return replace(row, left=shown(row.left), right=shown(row.right))


def mask_review_item(item: ReviewItem) -> ReviewItem:
    """A queue item with the identifier keys both records hold masked."""
    parts = replace(item.parts, shared_identifiers=tuple(mask_key(k) for k in item.parts.shared_identifiers))
    return replace(item, parts=parts)


def mask_review_items(items: list[ReviewItem], caller: Caller) -> list[ReviewItem]:
    """The review queue as this caller may see it."""
    return items if sees_whole(caller) else [mask_review_item(i) for i in items]


def mask_pair_view(view: PairView, caller: Caller) -> PairView:
    """A pair for review as this caller may see it."""
    if sees_whole(caller):
        return view
    return view.model_copy(
        update={
            "item": mask_review_item(view.item),
            "left": mask_record(view.left),
            "right": mask_record(view.right),
            "fields": [mask_field_row(r) for r in view.fields],
        }
    )


def mask_graph(graph: PersonGraph, caller: Caller) -> PersonGraph:
    """A person's graph as this caller may see it: identifier nodes (ids and labels) and their links masked."""
    if sees_whole(caller):
        return graph
    for node in graph.nodes:
        if node.kind == "identifier":
            kind = node.id.partition(":")[0]
            node.id = mask_key(node.id)
            if kind in OFFICIAL_KINDS:
                node.label = f"{kind}: {mask_official(kind, node.label.partition(': ')[2])}"
    for link in graph.links:
        link.target = mask_key(link.target)
    return graph


def mask_records(records: list[StoredRecord], caller: Caller) -> list[StoredRecord]:
    """Records as this caller may see them."""
    return records if sees_whole(caller) else [mask_record(r) for r in records]
