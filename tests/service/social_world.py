"""Three more X accounts for the who-is tests, added to the small world: Bob's account not yet linked (the
matcher left a review edge to his CRM contact: same first and last name), a stranger with a full name and
nothing in common with any customer, and an anonymous account that tells nothing."""

from __future__ import annotations

from dataclasses import dataclass

from identity_graph.model import Evidence, MatchEdge, MatchStatus, RecordKind
from identity_graph.persons import apply_clustering
from identity_graph.store import SQLiteStore
from tests.factories import prepared, record

#: The review edge's probability between Bob's account and his CRM contact (the who-is page shows 82%).
BOB_LINK = 0.82
#: The handles as the social team would paste them.
LINKED = "https://x.com/analima"
UNLINKED = "@bstone_nyc"
STRANGER = "@zedquill"
ANONYMOUS = "@night_owl77"


@dataclass(frozen=True)
class SocialWorld:
    """The new accounts' record ids and Bob's CRM record id."""

    bob_account: int
    bob_crm: int
    stranger: int
    anonymous: int


def add_social_accounts(store: SQLiteStore) -> SocialWorld:
    """Load the three accounts, each a person of its own, and the review edge from Bob's account to his CRM."""
    accounts = [
        record("x-2", full_name="Bob Stone", source="x", kind=RecordKind.SOCIAL_ACCOUNT, handle="x:bstone_nyc"),
        record("x-3", full_name="Zed Quill", source="x", kind=RecordKind.SOCIAL_ACCOUNT, handle="x:zedquill"),
        record("x-4", full_name="•", source="x", kind=RecordKind.SOCIAL_ACCOUNT, handle="x:night_owl77"),
    ]
    store.upsert_batch([prepared(r) for r in accounts], [])
    ids = []
    for r in accounts:
        found = store.find_record(r.source, r.source_id)
        assert found is not None
        ids.append(found.id)
    crm = store.find_record("crm", "c-2")
    assert crm is not None
    evidence = (
        Evidence(comparison="first_name", level="exact", weight=3.5, detail="first name Bob matches"),
        Evidence(comparison="last_name", level="exact", weight=4.0, detail="last name Stone matches"),
    )
    left, right = sorted((crm.id, ids[0]))
    edge = MatchEdge(
        left=left, right=right, score=BOB_LINK, weight=2.2, status=MatchStatus.REVIEW, evidence=evidence,
        explanation="last name Stone matches; first name Bob matches",
    )  # fmt: skip
    store.replace_edges([edge], record_ids=[left, right])
    for rid in ids:
        apply_clustering(store, [[rid]], "test")
    return SocialWorld(bob_account=ids[0], bob_crm=crm.id, stranger=ids[1], anonymous=ids[2])
