"""Records read from the store are built without validation: they must equal validated ones, field for field."""

from __future__ import annotations

from datetime import UTC, date, datetime

from pydantic import BaseModel

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
from identity_graph.store import SQLiteStore
from tests.factories import prepared, record


def assert_like_validated(model: BaseModel) -> None:
    """`model` equals the same values validated, with its fields in definition order and all of them set."""
    cls = type(model)
    assert model == cls.model_validate(model.model_dump())
    assert list(vars(model)) == list(cls.model_fields)
    assert model.model_fields_set == set(cls.model_fields)
    assert model.model_dump_json() == cls.model_validate(model.model_dump()).model_dump_json()


def test_records_read_back_are_what_validation_makes(store: SQLiteStore) -> None:
    full = Record(
        source="crm",
        source_id="full",
        kind=RecordKind.CALL_PARTY,
        first_name="Zoë",
        middle_name="Q",
        last_name="O'Brien",
        full_name="Zoë Q O'Brien",
        dob=date(1980, 3, 4),
        address=PostalAddress(street="1 Main St", city="Köln", state="NRW", postal_code="50667", country="DE"),
        company="ACME",
        identifiers=(
            IdentifierClaim(kind=IdentifierKind.PHONE, raw="+49 221 1234567", field="MobilePhone"),
            IdentifierClaim(
                kind=IdentifierKind.EMAIL, raw="zoe@example.com", field="body", strength=Strength.MENTIONED
            ),
        ),
        attributes={"segment": "gold", "note": "ü"},
        created_at=datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC),
        updated_at=datetime(2026, 1, 2, 3, 4, 5, 678, tzinfo=UTC),
    )
    bare = record("bare")
    store.upsert_batch(
        [prepare_record(full, "US"), prepared(bare), prepared(record("2", "Ann", "Lee", phone="4155550134"))]
    )
    read = [r for batch in store.iter_records(2) for r in batch]
    assert [r.source_id for r in read] == ["full", "bare", "2"]
    assert store.get_records([r.id for r in read]) == read
    for r in read:
        assert type(r) is StoredRecord
        assert_like_validated(r)
        assert_like_validated(r.address)
        for c in r.claimed:
            assert type(c) is ClaimedIdentifier and type(c.identifier) is Identifier
            assert_like_validated(c)
            assert_like_validated(c.identifier)
    first = read[0]
    assert first.kind is RecordKind.CALL_PARTY and first.attributes == {"segment": "gold", "note": "ü"}
    assert {(c.identifier.key, c.strength) for c in first.claimed} == {
        ("phone:+492211234567", Strength.DECLARED),
        ("email:zoe@example.com", Strength.MENTIONED),
    }
    moved = first.model_copy(update={"first_name": "Zoe"})  # copies of what was read behave as usual
    assert moved.first_name == "Zoe" and first.first_name == "Zoë"
