"""A record's content hash written directly is the hash of `to_json` of its dump: stored hashes never change."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from identity_graph.model import (
    ClaimedIdentifier,
    Identifier,
    IdentifierClaim,
    IdentifierKind,
    PostalAddress,
    Record,
    RecordKind,
    StoredRecord,
    Strength,
)
from identity_graph.prepare import prepare_record
from identity_graph.store.protocol import PreparedRecord
from identity_graph.store.sqlite_base import to_json
from identity_graph.store.sqlite_ingest import _plain_record_json, _record_hash
from tests.factories import record

#: Any text, control characters, quotes, backslashes, accents and astral characters included.
TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=12)
NAME = st.none() | TEXT
NON_EMPTY = TEXT.map(str.strip).filter(bool)


def reference_hash(prepared: PreparedRecord) -> str:
    """The content hash as it was always computed: blake2b of `to_json([model_dump(mode="json"), ids])`."""
    ids = sorted((c.identifier.key, c.field, c.strength.value, c.raw) for c in prepared.identifiers)
    text = to_json([prepared.record.model_dump(mode="json"), ids])
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


@st.composite
def prepared_records(draw: st.DrawFn) -> PreparedRecord:
    """A record with any field values, and claims of identifiers (not necessarily the record's own)."""
    kinds = st.sampled_from(list(IdentifierKind))
    claims = st.builds(IdentifierClaim, kind=kinds, raw=NON_EMPTY, field=NON_EMPTY, strength=st.sampled_from(Strength))
    rec = Record(
        source=draw(NON_EMPTY),
        source_id=draw(NON_EMPTY),
        kind=draw(st.sampled_from(list(RecordKind))),
        first_name=draw(NAME),
        middle_name=draw(NAME),
        last_name=draw(NAME),
        full_name=draw(NAME),
        dob=draw(st.none() | st.dates(min_value=date(1, 1, 1))),
        address=PostalAddress(**{f: draw(NAME) for f in ("street", "city", "state", "postal_code", "country", "full")}),
        company=draw(NAME),
        identifiers=tuple(draw(st.lists(claims, max_size=3))),
        attributes=draw(st.dictionaries(TEXT, TEXT, max_size=3)),
    )
    claimed = tuple(
        ClaimedIdentifier(
            identifier=Identifier(kind=draw(kinds), value=draw(NON_EMPTY)),
            field=draw(TEXT),
            strength=draw(st.sampled_from(Strength)),
            raw=draw(TEXT),
        )
        for _ in range(draw(st.integers(0, 3)))
    )
    return PreparedRecord(rec, claimed)


@settings(max_examples=400, deadline=None)
@given(prepared_records())
def test_direct_text_hashes_as_the_dump_does(prepared: PreparedRecord) -> None:
    assert _plain_record_json(prepared.record, []) is not None  # the direct path is the one tested
    assert _record_hash(prepared) == reference_hash(prepared)


def test_records_the_direct_path_leaves_alone_hash_as_before() -> None:
    when = datetime(2026, 1, 2, 3, 4, 5, 123456, tzinfo=UTC)
    timed = record("1", "Ann", "Lee", phone="+1 415 555 0134", updated_at=when)
    stored = StoredRecord(id=7, source="crm", source_id="2", kind=RecordKind.CONTACT, first_name="Bo")
    assert _plain_record_json(timed, []) is None
    assert _plain_record_json(stored, []) is None
    for rec in (timed, stored):
        prepared = prepare_record(rec, "US")
        assert _record_hash(prepared) == reference_hash(prepared)


def test_a_usual_record_hashes_as_the_dump_does() -> None:
    rec = record("c-1", "Zoë", "O'Brien", phone="(415) 555-0134", email="Zoe@Example.com", handle="@zoe", city="Köln")
    prepared = prepare_record(rec, "US")
    assert prepared.identifiers  # normalized claims are part of the hash
    assert _record_hash(prepared) == reference_hash(prepared)
