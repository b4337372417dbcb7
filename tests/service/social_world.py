"""Four more X accounts for the who-is tests, added to the small world: Bob's account not yet linked (the
matcher left a review edge to his CRM contact: same first and last name and the same city), a namesake who
shares only Bob's name (the model scored that pair 97 %: who-is caps a name alone at 60 %), a stranger with a
full name and nothing in common with any customer, and an anonymous account that tells nothing."""

from __future__ import annotations

from dataclasses import dataclass

from identity_graph.model import Evidence, MatchEdge, MatchStatus, RecordKind
from identity_graph.persons import apply_clustering
from identity_graph.store import SQLiteStore
from tests.factories import prepared, record

#: The review edge's probability between Bob's account and his CRM contact (the who-is page shows 82%).
BOB_LINK = 0.82
#: The model's probability for the namesake's account and Bob's CRM contact: the name alone (who-is shows 60%).
NAMESAKE_LINK = 0.97
#: The handles as the social team would paste them.
LINKED = "https://x.com/analima"
UNLINKED = "@bstone_nyc"
STRANGER = "@zedquill"
ANONYMOUS = "@night_owl77"
NAMESAKE = "@bob_stone_art"


@dataclass(frozen=True)
class SocialWorld:
    """The new accounts' record ids and Bob's CRM record id."""

    bob_account: int
    bob_crm: int
    stranger: int
    anonymous: int
    namesake: int


def add_social_accounts(store: SQLiteStore) -> SocialWorld:
    """Load the three accounts, each a person of its own, and the review edge from Bob's account to his CRM."""
    accounts = [
        record("x-2", full_name="Bob Stone", source="x", kind=RecordKind.SOCIAL_ACCOUNT, handle="x:bstone_nyc"),
        record("x-3", full_name="Zed Quill", source="x", kind=RecordKind.SOCIAL_ACCOUNT, handle="x:zedquill"),
        record("x-4", full_name="•", source="x", kind=RecordKind.SOCIAL_ACCOUNT, handle="x:night_owl77"),
        record("x-5", full_name="Bob Stone", source="x", kind=RecordKind.SOCIAL_ACCOUNT, handle="x:bob_stone_art"),
    ]
    store.upsert_batch([prepared(r) for r in accounts], [])
    ids = []
    for r in accounts:
        found = store.find_record(r.source, r.source_id)
        assert found is not None
        ids.append(found.id)
    crm = store.find_record("crm", "c-2")
    assert crm is not None
    names = (
        Evidence(comparison="first_name", level="exact", weight=3.5, detail="first name Bob matches"),
        Evidence(comparison="last_name", level="exact", weight=4.0, detail="last name Stone matches"),
    )
    city = Evidence(comparison="city", level="exact", weight=2.0, detail="city new york matches")
    edges = [
        _edge(crm.id, ids[0], BOB_LINK, (*names, city)),
        _edge(crm.id, ids[3], NAMESAKE_LINK, names),
    ]
    store.replace_edges(edges, record_ids=[crm.id, ids[0], ids[3]])
    for rid in ids:
        apply_clustering(store, [[rid]], "test")
    return SocialWorld(bob_account=ids[0], bob_crm=crm.id, stranger=ids[1], anonymous=ids[2], namesake=ids[3])


def _edge(a: int, b: int, score: float, evidence: tuple[Evidence, ...]) -> MatchEdge:
    """A review edge the matcher left between two records."""
    left, right = sorted((a, b))
    explanation = "; ".join(e.detail for e in evidence)
    return MatchEdge(
        left=left, right=right, score=score, weight=2.2, status=MatchStatus.REVIEW, evidence=evidence,
        explanation=explanation,
    )  # fmt: skip
