"""A small, hand-made world for the service tests: three customers, a review pair, tokens for every role."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from identity_graph.model import (
    Channel,
    Direction,
    Evidence,
    Interaction,
    MatchEdge,
    MatchStatus,
    Participation,
    RecordKind,
    RecordRef,
    Role,
)
from identity_graph.persons import apply_clustering
from identity_graph.service.auth import Role as TokenRole
from identity_graph.service.auth import create_token
from identity_graph.store import SQLiteStore
from tests.factories import T0, interaction, prepared, record

#: Text that looks like SQL, Cypher and HTML; it must be stored verbatim and shown escaped.
NASTY_NAME = "<script>alert('x')</script>"
NASTY_LAST = "Robert'); DROP TABLE records;--"
NASTY_SUBJECT = "MATCH (n) DETACH DELETE n <b>bold</b>"

#: Everything that identifies Ana: the erasure test looks for each of these in the store file.
ANA_PII = (
    "Ana", "Lima", "ana.lima@example.com", "analima@example.com", "4155550134", "415-555-0134", "analima",
    "Quinta Street 12",
)  # fmt: skip


@dataclass
class World:
    """Ids of what the world holds and a token per role."""

    ana: int = 0
    bob: int = 0
    nasty: int = 0
    carol_a: int = 0
    carol_b: int = 0
    ana_records: list[int] = field(default_factory=list)
    carol_records: tuple[int, int] = (0, 0)
    tokens: dict[str, str] = field(default_factory=dict)


def _edge(left: int, right: int, score: float, status: MatchStatus, detail: str) -> MatchEdge:
    """A match edge with one piece of evidence."""
    a, b = sorted((left, right))
    return MatchEdge(
        left=a,
        right=b,
        score=score,
        weight=8.0 if status is MatchStatus.AUTO else 1.5,
        status=status,
        evidence=(Evidence(comparison="phone", level="exact", weight=7.5, detail=detail),),
        explanation=detail,
    )


def build_world(store: SQLiteStore) -> World:
    """Load the world into a store and cluster it; returns its ids and tokens."""
    ana_crm = record("c-1", "Ana", "Lima", phone="+1 (415) 555-0134", email="ana.lima@example.com", handle="@analima")
    ana_call = record("call-1", full_name="ANA LIMA", source="pbx", kind=RecordKind.CALL_PARTY, phone="4155550134")
    ana_mail = record("m-1", "Ana", "Lima", source="mail", kind=RecordKind.EMAIL_PARTY, email="ana.lima@example.com")
    ana_x = record("x-1", full_name="Ana Lima", source="x", kind=RecordKind.SOCIAL_ACCOUNT, handle="x:analima")
    ana_crm = ana_crm.model_copy(update={"address": ana_crm.address.model_copy(update={"street": "Quinta Street 12"})})
    bob = record("c-2", "Bob", "Stone", phone="+1 212 555 0188", email="bob@example.org")
    nasty = record("c-3", NASTY_NAME, NASTY_LAST, email="nasty@example.net")
    carol_a = record("c-4", "Carol", "Diaz", phone="+1 303 555 0101", city="Denver")
    carol_b = record("c-5", "Carol", "Diaz", phone="+1 303 555 0199", city="Boston")
    recs = [ana_crm, ana_call, ana_mail, ana_x, bob, nasty, carol_a, carol_b]
    day = timedelta(days=1)
    acts = [
        interaction("call-1", ana_call, source="pbx", at=T0, subject="Asked about the invoice"),
        interaction("m-1", ana_mail, source="mail", channel=Channel.EMAIL, at=T0 + day, role=Role.SENDER,
                    subject="Re: invoice"),
        interaction("p-1", ana_x, source="x", channel=Channel.SOCIAL, at=T0 + 2 * day, role=Role.AUTHOR,
                    subject="Loving the new app"),
        interaction("camp-1", ana_crm, source="crm", channel=Channel.CAMPAIGN, at=T0 + 3 * day,
                    role=Role.RECIPIENT, subject="Spring offer"),
        interaction("call-2", bob, at=T0 + 4 * day, subject="Bob called"),
        interaction("note-1", nasty, channel=Channel.CRM, at=T0 + 5 * day, role=Role.SUBJECT, subject=NASTY_SUBJECT),
        Interaction(
            source="mail", source_id="m-2", channel=Channel.EMAIL, occurred_at=T0 + 6 * day,
            direction=Direction.OUTBOUND, subject="Meeting with Ana Lima and Bob",
            summary="Ana (ana.lima@example.com, 415-555-0134) and Bob will both come.",
            participants=(
                Participation(record=RecordRef(source="mail", source_id="m-1"), role=Role.RECIPIENT),
                Participation(record=RecordRef(source="crm", source_id="c-2"), role=Role.RECIPIENT),
            ),
        ),
    ]  # fmt: skip
    store.upsert_batch([prepared(r) for r in recs], acts)
    ids = {(r.source, r.source_id): store.find_record(r.source, r.source_id) for r in recs}
    rid = {k: v.id for k, v in ids.items() if v is not None}
    ana_ids = [rid[("crm", "c-1")], rid[("pbx", "call-1")], rid[("mail", "m-1")], rid[("x", "x-1")]]
    carol = (rid[("crm", "c-4")], rid[("crm", "c-5")])
    edges = [
        _edge(ana_ids[0], ana_ids[1], 0.99, MatchStatus.AUTO, "phone +14155550134 matches"),
        _edge(ana_ids[0], ana_ids[2], 0.99, MatchStatus.AUTO, "email matches"),
        _edge(ana_ids[0], ana_ids[3], 0.98, MatchStatus.AUTO, "handle x:analima matches"),
        _edge(carol[0], carol[1], 0.7, MatchStatus.REVIEW, "same name, different phone and city"),
    ]
    store.replace_edges(edges)
    clusters = [ana_ids, [rid[("crm", "c-2")]], [rid[("crm", "c-3")]], [carol[0]], [carol[1]]]
    apply_clustering(store, clusters, "test")
    owners = store.assignments()
    world = World(
        ana=owners[ana_ids[0]],
        bob=owners[rid[("crm", "c-2")]],
        nasty=owners[rid[("crm", "c-3")]],
        carol_a=owners[carol[0]],
        carol_b=owners[carol[1]],
        ana_records=ana_ids,
        carol_records=carol,
    )
    for role in TokenRole:
        secret, _ = create_token(store, role, f"{role.value}-user")
        world.tokens[role.value] = secret
    return world
