"""CRM/national ids one typo apart: found by blocking, and a personal id outweighs a dob conflict."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from identity_graph.model import Record
from identity_graph.resolve import resolve_all
from identity_graph.resolve.blocking import NEAR_ID_KEYS, near_id_keys
from identity_graph.settings import Settings
from identity_graph.store import SQLiteStore
from tests.resolve.conftest import load, person, together


def _shared(a: str, b: str) -> bool:
    keys = near_id_keys(np.asarray([a, b], dtype=object))
    left = {keys[k][0] for k in NEAR_ID_KEYS} - {""}
    right = {keys[k][1] for k in NEAR_ID_KEYS} - {""}
    return bool(left & right)


@pytest.mark.parametrize(
    ("left", "right", "expected"),
    [
        ("ssn:4137877", "ssn:4137787", True),  # adjacent transposition
        ("ssn:4137877", "ssn:4137870", True),  # one substitution
        ("ssn:4137877", "ssn:413787", True),  # one deletion
        ("ssn:4137877", "ssn:9036067", False),
        ("ssn:4137877", "crm:4137877", False),  # another kind of id
        ("", "ssn:4137877", False),
    ],
)
def test_near_id_keys(left: str, right: str, expected: bool) -> None:
    assert _shared(left, right) is expected


def _pair(crm_a: str, crm_b: str) -> list[Record]:
    """One name and street, dates of birth far apart, the given CRM/national ids."""
    return [
        person("a", "Zoe", "Szepessy", dob=date(1933, 1, 22), crm_ids=[crm_a], street="9 Elm St", city="Reno",
               postcode="89501"),
        person("b", "Zoe", "Szepessy", dob=date(1961, 7, 30), crm_ids=[crm_b], street="9 Elm St", city="Reno",
               postcode="89501"),
    ]  # fmt: skip


def test_an_id_one_typo_apart_outweighs_a_dob_conflict(store: SQLiteStore, settings: Settings) -> None:
    ids = load(store, _pair("ssn:4137877", "ssn:4137787"), settings)
    resolve_all(store, settings)
    assert together(store, *ids)


def test_different_ids_and_a_dob_conflict_stay_apart(store: SQLiteStore, settings: Settings) -> None:
    ids = load(store, _pair("ssn:4137877", "ssn:9036067"), settings)
    resolve_all(store, settings)
    assert not together(store, *ids)
