"""The `last_number` blocking pass: a surname with the house number, so a record whose street, suburb and
postcode are all mistyped still meets its twin."""

from __future__ import annotations

import pytest

from identity_graph.resolve.blocking import KEY_PASSES, house_number, record_keys
from matchers.features import FeatureRow, FeatureTable


@pytest.mark.parametrize(
    ("street", "expected"),
    [("95 leahy pl crestfield", "95"), ("12a oak ave", "12a"), ("leahy pl", ""), ("", ""), ("po box 7", "")],
)
def test_house_number(street: str, expected: str) -> None:
    assert house_number(street) == expected


def test_a_surname_and_house_number_meet_whatever_the_rest() -> None:
    table = FeatureTable.from_rows(
        [
            FeatureRow(record_id=1, first="joshua", last="berry", street="95 leahy pl crestfield", postcode="6302"),
            FeatureRow(record_id=2, first="zachary", last="berry", street="95 leahy pl crestkield", postcode="6320"),
            FeatureRow(record_id=3, first="zachary", last="berry", street="96 leahy pl crestkield", postcode="6320"),
        ]
    )
    keys = record_keys(table)["last_number"]
    assert "last_number" in KEY_PASSES  # stored, so a real-time add finds the same candidates
    assert keys[0] == keys[1] != ""
    assert keys[2] not in ("", keys[0])
    assert all(record_keys(table)[name][0] != record_keys(table)[name][1] for name in ("last_street", "name_postcode"))
