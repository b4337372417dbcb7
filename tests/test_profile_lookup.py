"""Profiles (golden fields, identifiers with sources, one timeline with why) and lookups by what agents type."""

from __future__ import annotations

from datetime import timedelta

import pytest

from identity_graph.errors import NotFound
from identity_graph.lookup import LookupKind, classify, lookup
from identity_graph.model import Channel, MatchEdge, MatchStatus, RecordKind, Role, Strength
from identity_graph.persons import apply_clustering
from identity_graph.profile import RULE_FREQUENT, RULE_PRIORITY, build_profile
from identity_graph.settings import Settings
from identity_graph.store import SQLiteStore, TimelineQuery
from identity_graph.whois import whois
from tests.factories import T0, interaction, prepared, record


@pytest.fixture
def graph(store: SQLiteStore) -> SQLiteStore:
    """Bob across CRM, a call, an email and an X account; his sister shares the home phone."""
    crm = record("003A", "Robert", "Smith", phone="(415) 555-0134", email="bob.smith@gmail.com", handle="x:@BobS")
    call = record("1700.1", full_name="SMITH ROBERT", source="calls", kind=RecordKind.CALL_PARTY, phone="4155550134")
    mail = record(
        "m1/bob.smith@gmail.com",
        full_name="Bob Smith",
        source="mail",
        kind=RecordKind.EMAIL_PARTY,
        email="Bob.Smith+orders@gmail.com",
        mentioned_phone="415-555-0177",
    )
    acct = record("99", full_name="Bob S", source="x", kind=RecordKind.SOCIAL_ACCOUNT, handle="x:bobs")
    sis = record("003B", "Alice", "Smith", phone="415 555 0134")
    store.upsert_batch(
        [prepared(r) for r in (crm, call, mail, acct, sis)],
        [
            interaction("1700.1", call, at=T0),
            interaction("m1", mail, channel=Channel.EMAIL, at=T0 + timedelta(days=1), role=Role.SENDER,
                        subject="Where is my order?"),
            interaction("t1", acct, channel=Channel.SOCIAL, at=T0 + timedelta(days=2), role=Role.AUTHOR),
        ],
    )  # fmt: skip
    store.replace_edges(
        [
            MatchEdge(left=1, right=2, score=0.99, weight=11.0, status=MatchStatus.AUTO,
                      explanation="phone +14155550134 matches; name Robert Smith ~ SMITH ROBERT (swapped)"),
            MatchEdge(left=1, right=3, score=0.98, weight=10.0, status=MatchStatus.AUTO,
                      explanation="email bobsmith@gmail.com matches"),
            MatchEdge(left=1, right=4, score=0.97, weight=9.0, status=MatchStatus.AUTO,
                      explanation="handle x:bobs matches"),
        ]
    )  # fmt: skip
    apply_clustering(store, [[1, 2, 3, 4], [5]], cause="test")
    return store


def test_profile_has_every_identifier_with_sources_and_sharing(graph: SQLiteStore, settings: Settings) -> None:
    pid = graph.assignments()[1]
    p = build_profile(graph, pid, settings)
    by_value = {v.value: v for v in p.identifiers}
    phone = by_value["+14155550134"]
    assert {s.source for s in phone.sources} == {"crm", "calls"} and phone.person_count == 2
    assert by_value["bobsmith@gmail.com"].person_count == 1
    assert by_value["+14155550177"].strength is Strength.MENTIONED
    assert "x:bobs" in by_value


def test_timeline_spans_channels_newest_first_with_why(graph: SQLiteStore, settings: Settings) -> None:
    p = build_profile(graph, graph.assignments()[1], settings)
    assert [i.channel for i in p.timeline] == [Channel.SOCIAL, Channel.EMAIL, Channel.CALL]
    assert p.timeline_total == 3
    # the why reads as a sentence for an agent (no probability, no record id): the role, the record's kind, the link
    assert p.timeline[0].why == "Author on the social account from x. Handle x:bobs matches."
    emails = build_profile(graph, p.person_id, settings, TimelineQuery(channels=(Channel.EMAIL,)))
    assert [i.source_id for i in emails.timeline] == ["m1"]


def test_golden_name_by_frequency_then_source_priority(graph: SQLiteStore, settings: Settings) -> None:
    pid = graph.assignments()[1]
    p = build_profile(graph, pid, settings)
    assert p.name is not None and p.name.value == "Robert Smith" and p.name.rule == RULE_FREQUENT
    prefer_mail = settings.model_copy(
        update={"profile": settings.profile.model_copy(update={"source_priority": ["mail"]})}
    )
    q = build_profile(graph, pid, prefer_mail)
    assert q.name is not None and q.name.value == "Bob Smith" and q.name.rule == RULE_PRIORITY


def test_unknown_person_is_not_found(graph: SQLiteStore, settings: Settings) -> None:
    with pytest.raises(NotFound):
        build_profile(graph, 999, settings)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("(415) 555-0134", LookupKind.PHONE),
        ("+1 415 555 0134 x12", LookupKind.PHONE),
        ("Bob.Smith@gmail.com", LookupKind.EMAIL),
        ("@tdefren", LookupKind.HANDLE),
        ("https://x.com/tdefren", LookupKind.HANDLE),
        ("crm:003A", LookupKind.SOURCE_ID),
        ("Robert Smith", LookupKind.NAME),
        ("José", LookupKind.NAME),
    ],
)
def test_classify_search_text(text: str, kind: LookupKind) -> None:
    assert classify(text) is kind


def test_phone_lookup_in_any_format_finds_both_household_members(graph: SQLiteStore, settings: Settings) -> None:
    hits = lookup(graph, "415.555.0134", settings)
    assert {h.person_id for h in hits} == set(graph.assignments().values())
    assert all("+14155550134" in h.matched[0] for h in hits)


def test_email_lookup_folds_gmail_variants(graph: SQLiteStore, settings: Settings) -> None:
    hits = lookup(graph, "BOBSMITH@googlemail.com", settings)
    assert [h.person_id for h in hits] == [graph.assignments()[1]] and hits[0].name == "Robert Smith"


def test_name_and_source_id_lookup(graph: SQLiteStore, settings: Settings) -> None:
    assert [h.person_id for h in lookup(graph, "alice smi", settings)] == [graph.assignments()[5]]
    assert [h.person_id for h in lookup(graph, "crm:003B", settings)] == [graph.assignments()[5]]
    assert lookup(graph, "nobody here", settings) == []


def test_whois_known_handle_with_evidence(graph: SQLiteStore, settings: Settings) -> None:
    answer = whois(graph, "https://x.com/BobS", settings)
    assert answer.status == "known" and [c.person_id for c in answer.candidates] == [graph.assignments()[1]]
    assert any("CRM record lists this handle" in e for e in answer.candidates[0].evidence)


def test_whois_unknown_handle_says_what_was_found(graph: SQLiteStore, settings: Settings) -> None:
    answer = whois(graph, "@nobody_at_all", settings)
    assert answer.status == "unknown" and answer.candidates == [] and "no record" in answer.found[0]
