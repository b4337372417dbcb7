"""Who-is against the truth, on the bundled sample and on a generated set of another seed: a name alone never
makes a likely customer, no customer we know by name is answered "not a customer", every likely answer names
the right person, and each candidate's confidence is one number (its evidence's), never above its basis's cap.

The table of answers × (customer, stranger) these tests hold: `python -m tests.service.whois_truth DIR`."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

import identity_graph
from identity_graph.generate.run import generate
from identity_graph.whois import LIKELY_FLOOR, WhoIsStatus
from identity_graph.whois_evidence import CAPS, Basis
from tests.service.test_whois_answers import assert_one_number
from tests.service.whois_truth import Asked, ask_all, load, table

SAMPLE = Path(identity_graph.__file__).parent / "sample"
#: Another seed than the sample's, and more people (so more X accounts: about 70).
OTHER_SEED, OTHER_PEOPLE = 7, 300
#: What may carry a likely customer: more than a name (or a rare name).
BEYOND_A_NAME = {Basis.IDENTIFIER, Basis.NAME_AND_PLACE, Basis.NAME_AND_REGION, Basis.RARE_NAME}


@pytest.fixture(scope="module", params=["sample", "seed-7"])
def asked(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[Asked]]:
    """Every X account of the data set asked about, with its truth."""
    tmp = tmp_path_factory.mktemp(f"whois-{request.param}")
    data = SAMPLE
    if request.param != "sample":
        data = tmp / "data"
        generate(data, OTHER_PEOPLE, OTHER_SEED)
    store, settings = load(data, tmp / "store.db")
    yield ask_all(data, store, settings)
    store.close()


def test_the_set_has_every_kind_of_account(asked: list[Asked]) -> None:
    counts = table(asked)
    assert counts[("known", "customer")] and counts[("likely", "customer")]
    assert counts[("not_customer", "stranger")] and counts[("unknown", "customer")]


def test_a_likely_customer_rests_on_more_than_a_name(asked: list[Asked]) -> None:
    for a in asked:
        if a.answer.status is WhoIsStatus.LIKELY:
            likely = [c for c in a.answer.candidates if c.confidence >= LIKELY_FLOOR]
            assert likely and all(c.basis in BEYOND_A_NAME for c in likely), (a.handle, a.answer.candidates)


def test_no_stranger_is_likely_on_a_name(asked: list[Asked]) -> None:
    strangers = [a for a in asked if not a.customer and a.answer.status is WhoIsStatus.LIKELY]
    assert all(a.answer.candidates[0].basis not in {Basis.NAME, Basis.PARTIAL, Basis.NOTHING} for a in strangers)
    namesakes = [a for a in asked if not a.customer and any(c.basis is Basis.NAME for c in a.answer.candidates)]
    assert all(a.answer.status is WhoIsStatus.UNKNOWN for a in namesakes)  # "it may be …", never likely


def test_no_customer_we_know_by_name_is_not_a_customer(asked: list[Asked]) -> None:
    wrong = [a.handle for a in asked if a.customer and a.named and a.answer.status is WhoIsStatus.NOT_CUSTOMER]
    assert wrong == []


def test_every_likely_answer_names_the_right_person(asked: list[Asked]) -> None:
    wrong = [a.handle for a in asked if a.answer.status is WhoIsStatus.LIKELY and not a.top_right]
    assert wrong == []


def test_one_number_never_above_its_cap(asked: list[Asked]) -> None:
    for a in asked:
        for c in a.answer.candidates:
            assert c.confidence <= CAPS[c.basis] + 1e-9, (a.handle, c)
            assert_one_number(c.confidence, c.evidence)
